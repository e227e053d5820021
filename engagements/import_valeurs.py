"""L'import des valeurs d'indicateurs : la sorte de ligne que lit `protocole.importation` (une ligne = la valeur
d'un indicateur pour un quartier, ou tout le territoire, et une période), et les modèles de fichier à remplir.

Chaque ligne est jugée par les règles du modèle, jamais réécrites ici : la période et la valeur par
`Valeur.verifier` (fréquence, bornes, nombre à la française), le droit par `acces.peut_saisir_valeurs`, l'écriture
par `Valeur.enregistrer` (qui n'écrit rien quand la période a déjà cette valeur, cette source et ce commentaire :
importer deux fois le même fichier ne change rien).
"""

from django.core.exceptions import ValidationError
from django.utils import timezone

from engagements.acces import REFUS_VALEURS, indicateurs_saisissables, peut_saisir_valeurs
from engagements.exports import tableau_csv, tableau_xlsx
from engagements.models import Indicateur, Periode, Repere, Valeur
from engagements.models.indicateurs import TOUT_LE_TERRITOIRE
from engagements.models.periodes import FORME
from protocole.importation import Colonne, Etat, Refus, Resultat, Sorte, cle_entete, en_texte, lire_date
from protocole.models import Quartier

COLONNES = (
    Colonne("Indicateur", "indicateur", alias=("référence", "référence de l'indicateur", "réf", "code")),
    Colonne("Quartier", "quartier", alias=("lieu", "territoire", "quartier ou territoire")),
    Colonne("Période", "periode", alias=("periode (aaaa, aaaa-s1, aaaa-t1)",)),
    Colonne("Valeur", "valeur"),
    Colonne("Source", "source", obligatoire=False),
    Colonne("Commentaire", "commentaire", obligatoire=False),
)
AIDES = ("Nom de l'indicateur (aide)", "Unité (aide)", "Fréquence (aide)", "Forme de la période (aide)")
TERRITOIRE = {cle_entete(nom) for nom in (TOUT_LE_TERRITOIRE, "territoire", "tout territoire")}
SOURCE_MAX = 200  # Valeur.source
COMMENTAIRE_MAX = 2000
REFUS_ORGANISATION = f"Non permis pour votre organisation : {REFUS_VALEURS[0].lower()}{REFUS_VALEURS[1:]}"


class ValeursIndicateurs(Sorte):
    """Les valeurs d'indicateurs qu'importe une personne (`habilitation`) dans son protocole."""

    nom = "valeurs-indicateurs"
    colonnes = COLONNES
    entetes_apercu = ("Indicateur", "Quartier", "Période", "Source", "Commentaire")

    def __init__(self, habilitation):
        self.habilitation = habilitation
        self.auteur = habilitation.utilisateur

    def preparer(self, lignes, verrou=False):
        """Indicateurs, quartiers et valeurs actuelles du protocole, en quatre requêtes au plus quel que soit le
        nombre de lignes ; `verrou` : les indicateurs du fichier sont verrouillés jusqu'à la fin de l'écriture."""
        protocole = self.habilitation.protocole_id
        self.indicateurs = {
            cle_entete(i.reference): i
            for i in Indicateur.objects.filter(protocole=protocole).select_related("protocole")
        }
        self.quartiers = {}
        for quartier in Quartier.objects.filter(protocole=protocole).order_by("ordre", "nom"):
            self.quartiers.setdefault(cle_entete(quartier.nom), quartier)
            self.quartiers.setdefault(cle_entete(quartier.slug), quartier)
        cites = {cle_entete(ligne.texte("indicateur")) for ligne in lignes}
        ids = sorted(i.pk for cle, i in self.indicateurs.items() if cle in cites)
        if verrou and ids:
            list(Indicateur.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk"))
        self.courantes = {}
        lues = Valeur.objects.filter(indicateur__in=ids).order_by("enregistre_le", "id")
        for cle in lues.values_list("indicateur", "quartier", "rang", "valeur", "source", "commentaire"):
            self.courantes[cle[:3]] = cle[3:]  # la dernière enregistrée l'emporte

    def valider(self, ligne):
        if ligne.texte("valeur") == "":
            return None  # une ligne du modèle laissée vide
        reference = ligne.texte("indicateur")
        indicateur = self.indicateurs.get(cle_entete(reference))
        if not reference:
            return Refus("Référence de l'indicateur manquante.")
        if indicateur is None:
            return Refus(f"Indicateur « {reference[:40]} » inconnu dans ce protocole.")
        if not peut_saisir_valeurs(self.habilitation, indicateur):
            return Refus(f"{indicateur.reference} — {REFUS_ORGANISATION}")
        quartier, refus = self._quartier(ligne.texte("quartier"))
        if refus:
            return refus
        if ligne.texte("periode") == "":
            return Refus(f"Période manquante : écrivez {FORME[indicateur.frequence]}.")
        periode = self._periode(ligne["periode"], indicateur)
        periode, nombre = Valeur.verifier(indicateur, quartier=quartier, periode=periode, valeur=ligne["valeur"])
        source, commentaire = ligne.texte("source"), ligne.texte("commentaire")
        if len(source) > SOURCE_MAX:
            return Refus(f"Source trop longue : {SOURCE_MAX} caractères au plus.")
        if len(commentaire) > COMMENTAIRE_MAX:
            return Refus(f"Commentaire trop long : {COMMENTAIRE_MAX} caractères au plus.")
        courante = self.courantes.get((indicateur.pk, quartier.pk if quartier else None, periode.rang))
        if courante is None:
            etat = Etat.CREATION
        elif courante == (nombre, source, commentaire):
            etat = Etat.INCHANGEE
        else:
            etat = Etat.MODIFICATION
        avant = indicateur.formater(courante[0]) if courante else ""
        if courante and courante[0] == nombre and etat == Etat.MODIFICATION:
            avant += " (autre source ou commentaire)"
        return Resultat(
            cle=(indicateur.pk, quartier.pk if quartier else None, periode.rang),
            etat=etat,
            colonnes=[
                indicateur.reference,
                quartier.nom if quartier else TOUT_LE_TERRITOIRE,
                periode.code,
                source,
                commentaire,
            ],
            apres=indicateur.formater(nombre),
            avant=avant,
            temoin=courante,
            donnees={
                "indicateur": indicateur,
                "quartier": quartier,
                "periode": periode,
                "valeur": nombre,
                "source": source,
                "commentaire": commentaire,
            },
        )

    def _quartier(self, texte):
        """(quartier ou None pour tout le territoire, refus)."""
        cle = cle_entete(texte)
        if cle in TERRITOIRE:
            return None, None
        if cle in self.quartiers:
            return self.quartiers[cle], None
        noms = ", ".join(dict.fromkeys(q.nom for q in self.quartiers.values()))
        debut = f"Quartier « {texte[:40]} » inconnu" if texte else "Quartier manquant"
        return None, Refus(f"{debut} : écrivez le nom d'un quartier du protocole ({noms}) ou « tout le territoire ».")

    @staticmethod
    def _periode(cellule, indicateur):
        """Le code écrit (« 2021-T3 ») ; une date (« 30/09/2021 », une date de classeur) donne la période qui la
        contient."""
        try:
            return Periode.contenant(lire_date(cellule), indicateur.frequence)
        except ValidationError:
            return en_texte(cellule)

    def doublon(self, ligne, premiere):
        return (
            f"Ligne en double : la ligne {premiere} donne déjà la valeur de cet indicateur pour ce lieu et cette "
            "période ; celle-ci n'est pas importée."
        )

    def ecrire(self, resultat, origine):
        d = resultat.donnees
        return Valeur.enregistrer(
            d["indicateur"],
            quartier=d["quartier"],
            periode=d["periode"],
            valeur=d["valeur"],
            source=d["source"],
            commentaire=d["commentaire"],
            auteur=self.auteur,
            origine=origine,
        )


# -- les modèles de fichier ------------------------------------------------------------------------------------------


def lignes_du_modele(habilitation):
    """Une ligne prête à remplir par indicateur que ce rôle saisit et par lieu qui a une valeur de départ, une cible
    ou déjà des valeurs (tout le territoire pour un indicateur qui n'en a nulle part) ; la période proposée est la
    dernière écoulée. En quatre requêtes, quel que soit le nombre d'indicateurs et de valeurs."""
    indicateurs = list(indicateurs_saisissables(habilitation).order_by("reference"))
    ids = [i.pk for i in indicateurs]
    lieux = {pk: set() for pk in ids}
    for indicateur, quartier in Repere.objects.filter(indicateur__in=ids).values_list("indicateur", "quartier"):
        lieux[indicateur].add(quartier)
    valeurs = Valeur.objects.filter(indicateur__in=ids).values_list("indicateur", "quartier").distinct()
    for indicateur, quartier in valeurs.order_by():
        lieux[indicateur].add(quartier)
    quartiers = list(Quartier.objects.filter(protocole=habilitation.protocole_id).order_by("ordre", "nom"))
    aujourd_hui = timezone.localdate()
    for indicateur in indicateurs:
        periode = Periode.derniere_close(aujourd_hui, indicateur.frequence).code
        aide = [
            indicateur.nom,
            indicateur.get_unite_display(),
            indicateur.get_frequence_display(),
            FORME[indicateur.frequence],
        ]
        ici = lieux[indicateur.pk] or {None}
        for lieu in [None] + quartiers:
            if (lieu.pk if lieu else None) in ici:
                yield [indicateur.reference, lieu.nom if lieu else TOUT_LE_TERRITOIRE, periode, "", "", "", *aide]


ENTETES_MODELE = [c.entete for c in COLONNES] + list(AIDES)
LARGES_MODELE = {AIDES[0]: 45, AIDES[3]: 36}


def modele(habilitation, format_):
    """Le modèle à remplir, en CSV ou en XLSX, écrit comme les exports (`tableau_csv`, `tableau_xlsx`)."""
    lignes = lignes_du_modele(habilitation)
    nom = f"modele-valeurs-indicateurs-{timezone.localdate():%Y-%m-%d}.{format_}"
    if format_ == "csv":
        return tableau_csv(ENTETES_MODELE, lignes, nom)
    return tableau_xlsx(ENTETES_MODELE, lignes, nom, "Valeurs", LARGES_MODELE)


FORMATS_MODELE = ("csv", "xlsx")
