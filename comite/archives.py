"""Le rapport d'une réunion et son bilan à l'échéance : la période qu'ils couvrent, leur rendu et leur gel en une
version archivée (numérotée par réunion et par genre)."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from comite import rapports
from comite.models import RapportArchive, Reunion
from engagements.models.regles import aujourd_hui
from engagements.periode import depuis_par_defaut
from engagements.tableaux import Perimetre


@dataclass(frozen=True)
class Gel:
    """Ce qu'une version archivée imprime sur sa couverture et en pied de page : « Version n — gelée le … par … »,
    et, pour une correction, son motif."""

    version: int
    gele_le: datetime.datetime
    gele_par: str
    motif: str = ""

    @property
    def mention(self):
        return (
            f"Version {self.version} — gelée le {timezone.localtime(self.gele_le):%d/%m/%Y à %H:%M} par {self.gele_par}"
        )

    def cle(self):
        return [self.version, self.gele_le.isoformat(), self.gele_par, self.motif]


def periode(reunion):
    """(au, depuis) du rapport : l'état au jour de la réunion (aujourd'hui si elle est à venir), les évolutions
    depuis la réunion précédente ou, sans réunion précédente, depuis six mois."""
    # Une réunion datée d'avant le contrat de ville (saisie avant que `Reunion.clean` ne le refuse) se lit à son début.
    date = max(reunion.date, reunion.protocole.premier_jour)
    au = min(date, aujourd_hui())
    # La veille de la réunion : la réunion elle-même n'est pas sa propre « réunion précédente ».
    depuis = depuis_par_defaut(reunion.protocole, date - datetime.timedelta(days=1))
    return au, min(depuis, au)


def jour_du_bilan(reunion):
    """Le jour du bilan gelé depuis une réunion : l'échéance du protocole, ou le jour de la réunion s'il la précède
    (un bilan d'étape) ; jamais après aujourd'hui ni avant le début du contrat de ville."""
    protocole = reunion.protocole
    return max(min(reunion.date, protocole.echeance, aujourd_hui()), protocole.premier_jour)


def rendre(reunion):
    """Le PDF du rapport tel que les données le donnent maintenant (un aperçu : rien n'est archivé)."""
    au, depuis = periode(reunion)
    return rapports.produire(Perimetre(reunion.protocole), au, depuis, reunion=reunion)


def pages_de_l_apercu(reunion):
    """Le nombre de pages de l'aperçu déjà rendu sur les données d'aujourd'hui (dans le cache), ou None."""
    au, depuis = periode(reunion)
    return rapports.pages_en_cache(Perimetre(reunion.protocole), au, depuis, reunion=reunion)


def nom_de_fichier(reunion, au=None, version=None, genre=RapportArchive.Genre.RAPPORT):
    """Le nom du rapport (ou du bilan) ; une version archivée garde sa date « au » et ajoute son numéro."""
    bilan = genre == RapportArchive.Genre.BILAN
    if au is None:
        au = jour_du_bilan(reunion) if bilan else periode(reunion)[0]
    if bilan:
        nom = rapports.nom_du_bilan(reunion.protocole, au)
    else:
        nom = rapports.nom_de_fichier(Perimetre(reunion.protocole), au)
    if version is None:
        return nom
    base, point, extension = nom.rpartition(".")
    return f"{base}-version-{version}.{extension}" if point else f"{nom}-version-{version}"


def geler(reunion, auteur, motif="", genre=RapportArchive.Genre.RAPPORT):
    """Archive le rendu de maintenant comme nouvelle version (n + 1) de son genre — le rapport de la réunion, ou son
    bilan à l'échéance —, à côté des précédentes, jamais à leur place.

    La version gelée imprime son numéro, son moment et son auteur (`Gel`) : le rendu se fait sous le verrou de la
    réunion, après le choix du numéro. Deux gels simultanés donnent deux versions, pas une écrasée."""
    motif = motif.strip()
    maintenant = timezone.now()
    bilan = genre == RapportArchive.Genre.BILAN
    if bilan:
        # Le bilan couvre tout le contrat de ville, de son premier jour au jour du bilan.
        au, depuis = jour_du_bilan(reunion), reunion.protocole.premier_jour
    else:
        au, depuis = periode(reunion)
    with transaction.atomic():
        # Le numéro de version se décide sous verrou, puis le rendu qui l'imprime se fait sous le même verrou :
        # deux gels simultanés de la même réunion passent l'un après l'autre (la contrainte d'unicité reste le
        # dernier rempart).
        list(Reunion.objects.select_for_update().filter(pk=reunion.pk).values_list("pk"))
        versions = RapportArchive.objects.filter(reunion=reunion, genre=genre)
        derniere = versions.order_by("-version").values_list("version").first()
        version = derniere[0] + 1 if derniere else 1
        if version > 1 and not motif:
            raise ValidationError(
                f"La version {version - 1} est déjà gelée : dites ce que corrige cette nouvelle version.",
                code="motif",
            )
        gel = Gel(version, maintenant, auteur.get_full_name() or auteur.get_username(), motif)
        if bilan:
            contenu = rapports.produire_bilan(reunion.protocole, au, genere_le=maintenant, gel=gel)
        else:
            contenu = rapports.produire(
                Perimetre(reunion.protocole), au, depuis, reunion=reunion, genere_le=maintenant, gel=gel
            )
        return RapportArchive.objects.create(
            reunion=reunion,
            genre=genre,
            version=version,
            contenu=contenu,
            au=au,
            depuis=depuis,
            motif=motif,
            gele_le=maintenant,
            gele_par=auteur,
        )
