"""Lire une demande de tableau de bord ou de rapport : son périmètre et sa période.

Un seul lecteur pour les tableaux de bord (`?au=…&depuis=…`), la page /rapports/ et ses téléchargements, les liens
de téléchargement des tableaux de bord et `manage.py rapport_copil` : les mêmes règles et les mêmes messages en
français partout. Tout se résout dans le protocole donné : un quartier, une organisation ou un engagement d'un autre
protocole est inconnu (404 sur le web), comme un identifiant deviné ailleurs.
"""

import calendar
import datetime
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.http import urlencode
from django.utils.module_loading import import_string

from engagements.acces import organisations_du_protocole
from engagements.forms import DateInput
from engagements.models.regles import aujourd_hui
from engagements.tableaux import Perimetre
from engagements.tableaux.bilan import JourDuBilanRefuse, jour_du_bilan
from protocole.formulaires import Accessible
from protocole.models import jour

MOIS_PAR_DEFAUT = 6
PERIMETRES = [
    ("protocole", "Tout le protocole"),
    ("quartier", "Un quartier"),
    ("organisation", "Une organisation"),
    ("engagement", "Un engagement"),
]
A_CHOISIR = {
    "quartier": "Choisissez un quartier.",
    "organisation": "Choisissez une organisation.",
    "engagement": "Choisissez un engagement.",
}
PERIMETRE_INCONNU = "Périmètre inconnu : choisissez le protocole, un quartier, une organisation ou un engagement."
LIBELLES = {"au": "État au", "depuis": "Évolutions depuis"}


class PerimetreInconnu(Http404):
    """Un quartier, une organisation ou un engagement qui n'est pas celui du protocole : 404 sur le web, une erreur
    en français en ligne de commande."""


def depuis_par_defaut(protocole, au=None):
    """La date de la dernière réunion du comité de pilotage avant `au` ; à défaut, six mois avant `au`."""
    return depuis_par_defaut_motive(protocole, au or aujourd_hui())[0]


def depuis_par_defaut_motive(protocole, au):
    """`depuis_par_defaut` en une requête, avec ce qui fixe la date pour l'annoncer à l'écran : (date, réunion),
    la réunion étant None quand la date est « six mois avant `au` ».

    La réunion vient d'un étage plus haut (le comité) : le réglage `DEPUIS_PAR_DEFAUT` nomme la fonction qui la
    donne (`comite.models.derniere_reunion`), lue à l'appel ; aucun module de `engagements` n'importe `comite`. Sans
    ce réglage, six mois avant `au`. Jamais avant le début du contrat de ville, comme un « depuis » choisi (une
    réunion datée d'avant, saisie avant que la règle ne la refuse, se lit à ce début)."""
    premier = protocole.premier_jour
    chemin = getattr(settings, "DEPUIS_PAR_DEFAUT", None)
    reunion = import_string(chemin)(protocole, au) if chemin else None
    if reunion is not None:
        return max(reunion.date, premier), reunion
    mois, annee = au.month - MOIS_PAR_DEFAUT, au.year
    if mois <= 0:
        mois, annee = mois + 12, annee - 1
    if annee < protocole.annee_debut:  # et jamais l'an 0, qui n'existe pas
        return premier, None
    return max(datetime.date(annee, mois, min(au.day, calendar.monthrange(annee, mois)[1])), premier), None


def lire_date(valeur, champ):
    """La date écrite AAAA-MM-JJ dans le champ `champ` (« au » ou « depuis ») ; ValidationError sinon."""
    try:
        return datetime.datetime.strptime(valeur.strip(), "%Y-%m-%d").date()
    except ValueError:
        raise ValidationError(
            f"« {LIBELLES[champ]} » n'est pas une date reconnue (« {valeur} ») : attendu AAAA-MM-JJ, "
            "par exemple 2024-06-30.",
            code="invalide",
        ) from None


def verifier_jour(date, champ, protocole):
    """« État au » et « évolutions depuis » sont des faits : ni dans le futur ni avant le début du contrat de ville
    (`Protocole.plage_des_faits`, qui dit la plage permise dans son refus)."""
    protocole.plage_des_faits(aujourd_hui()).verifier(date, f"« {LIBELLES[champ]} »")


def verifier_ordre(depuis, au):
    if depuis > au:
        raise ValidationError(
            f"« Évolutions depuis » ({jour(depuis)}) doit précéder « État au » ({jour(au)}).", code="ordre"
        )


def lire_perimetre(protocole, sorte, valeur):
    """Le `Perimetre` que désignent `sorte` (protocole, quartier, organisation, engagement) et `valeur` (un slug ou
    un numéro). ValidationError pour une demande mal formée ; PerimetreInconnu pour ce qui n'est pas du protocole."""
    sorte = sorte or "protocole"
    valeur = (valeur or "").strip()
    if sorte not in dict(PERIMETRES):
        raise ValidationError(PERIMETRE_INCONNU)
    if sorte == "protocole":
        return Perimetre(protocole)
    if not valeur:
        raise ValidationError(A_CHOISIR[sorte])
    if sorte == "quartier":
        quartier = protocole.quartiers.filter(slug=valeur).first()
        if quartier is None:
            raise PerimetreInconnu(f"Quartier inconnu dans ce protocole : « {valeur} ».")
        return Perimetre(protocole, quartier=quartier)
    if sorte == "organisation":
        organisation = organisations_du_protocole(protocole).filter(slug=valeur).first()
        if organisation is None:
            raise PerimetreInconnu(f"Organisation inconnue dans ce protocole : « {valeur} ».")
        return Perimetre(protocole, organisation=organisation)
    if not (valeur.isascii() and valeur.isdigit()):
        raise ValidationError("Le numéro d'engagement doit être un nombre.")
    if not protocole.engagements.filter(numero=int(valeur)).exists():
        raise PerimetreInconnu(f"Engagement inconnu dans ce protocole : N°{valeur}.")
    return Perimetre(protocole, engagement=int(valeur))


@dataclass
class Periode:
    """Le jour montré (`au`) et le début des évolutions (`depuis`), tels qu'appliqués."""

    au: datetime.date
    depuis: datetime.date
    depuis_defaut: datetime.date
    reunion: object  # ce qui fixe le « depuis » par défaut ; None : six mois avant « au »
    depuis_choisi: bool
    form: object = None  # le formulaire qui l'a lue, pour la redire à l'écran

    @property
    def passe(self):
        return self.passe_le(aujourd_hui())

    def passe_le(self, jour):
        """Le jour montré est-il passé, lu le `jour` donné (une page qui a déjà lu la date du jour)."""
        return self.au < jour

    @property
    def requete(self):
        """« ?au=…&depuis=… » à reporter sur les liens d'un tableau de bord à l'autre : ce qui n'est pas le défaut."""
        reporter = {}
        if self.passe:
            reporter["au"] = self.au.isoformat()
        if self.depuis_choisi:
            reporter["depuis"] = self.depuis.isoformat()
        return f"?{urlencode(reporter)}" if reporter else ""


def parametres_rapport(perimetre, periode):
    """Les paramètres du téléchargement d'un rapport (`perimetre`, `valeur`, `au`, `depuis`), que `lire_demande`
    relit : les liens des tableaux de bord et le formulaire de /rapports/ les écrivent tous ainsi."""
    return urlencode({**perimetre.parametres, "au": periode.au.isoformat(), "depuis": periode.depuis.isoformat()})


class PeriodeForm(Accessible, forms.Form):
    """« État au » et « évolutions depuis », vides par défaut (aujourd'hui ; le dernier comité de pilotage, à défaut
    six mois avant). `periode()` donne ce qui s'applique : une date refusée y est remplacée par sa valeur par
    défaut, et l'erreur reste dans le formulaire pour être dite."""

    au = forms.CharField(
        label="État au",
        required=False,
        widget=DateInput(),
        help_text="L'état des actions ce jour-là, reconstruit depuis le journal. Vide : aujourd'hui.",
    )
    depuis = forms.CharField(
        label="Évolutions depuis",
        required=False,
        widget=DateInput(),
        help_text="Début de la période des évolutions. Vide : le dernier comité de pilotage, à défaut six mois avant.",
    )

    def __init__(self, protocole, *args, **kwargs):
        self.protocole = protocole
        super().__init__(*args, **kwargs)

    def clean_au(self):
        if not self.cleaned_data["au"]:
            return None
        au = lire_date(self.cleaned_data["au"], "au")
        verifier_jour(au, "au", self.protocole)
        return au

    def clean_depuis(self):
        if not self.cleaned_data["depuis"]:
            return None
        depuis = lire_date(self.cleaned_data["depuis"], "depuis")
        verifier_jour(depuis, "depuis", self.protocole)
        return depuis

    def clean(self):
        donnees = super().clean()
        if donnees.get("depuis"):
            try:
                verifier_ordre(donnees["depuis"], donnees.get("au") or aujourd_hui())
            except ValidationError as erreur:
                self.add_error("depuis", erreur)
        return donnees

    def periode(self, motiver=depuis_par_defaut_motive):
        """La période appliquée (après `is_valid()`) ; une requête pour le « depuis » par défaut. `motiver` : ce qui
        le donne, `depuis_par_defaut_motive` ou ce même calcul gardé dans le cache des pages (les tableaux de bord)."""
        valides = getattr(self, "cleaned_data", {})
        au = valides.get("au") or aujourd_hui()
        defaut, reunion = motiver(self.protocole, au)
        depuis = valides.get("depuis") or defaut
        return Periode(au, depuis, defaut, reunion, depuis_choisi=bool(valides.get("depuis")))


class DemandeForm(PeriodeForm):
    """Une demande de rapport dans une URL ou en ligne de commande : `perimetre`, `valeur`, `au`, `depuis`."""

    perimetre = forms.CharField(required=False)
    valeur = forms.CharField(required=False)

    def clean(self):
        donnees = super().clean()
        try:
            self.perimetre_lu = lire_perimetre(self.protocole, donnees.get("perimetre"), donnees.get("valeur"))
        except ValidationError as erreur:
            self.add_error(None, erreur)
        return donnees


def lire_demande(protocole, donnees):
    """(Perimetre, Periode) d'après les paramètres d'un téléchargement ou de la ligne de commande. Sans paramètre :
    tout le protocole aujourd'hui, évolutions depuis le comité précédent. Lève ValidationError (tous les messages,
    en français) ou PerimetreInconnu."""
    form = DemandeForm(protocole, donnees)
    if not form.is_valid():
        raise ValidationError([message for messages in form.errors.values() for message in messages])
    return form.perimetre_lu, form.periode()


def lire_au_du_bilan(protocole, texte):
    """Le jour du bilan lu dans une URL (`/bilan/?au=`, `/bilan/rapport/?au=`) ou une commande (`rapport_copil
    --bilan --au`) : vide, l'échéance du protocole ; sinon une date AAAA-MM-JJ du contrat, pas dans le futur, pas
    après l'échéance (`tableaux.bilan.jour_du_bilan`). ValidationError en français sinon, la même partout."""
    texte = (texte or "").strip()
    if not texte:
        return protocole.echeance
    au = lire_date(texte, "au")
    verifier_jour(au, "au", protocole)
    try:
        return jour_du_bilan(protocole, au)
    except JourDuBilanRefuse as refus:
        raise ValidationError(str(refus), code="apres_echeance") from None
