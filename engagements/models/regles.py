"""Les choix, les statuts et les règles d'une action et du journal : le rez-de-chaussée des modèles d'engagements.

Ce module n'importe aucun autre module de modèles d'`engagements` ; `journal`, `texte` et `actions` l'importent. Chaque
règle y est écrite une seule fois (docs/architecture.md, « Où vit chaque chiffre, chaque règle »).
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef
from django.utils import timezone

from signataires.models import Habilitation, Utilisateur

UN_JOUR = datetime.timedelta(days=1)


class Statut(models.TextChoices):
    A_VENIR = "a_venir", "à venir"
    EN_COURS = "en_cours", "en cours"
    REALISE = "realise", "réalisé"
    BLOQUE = "bloque", "bloqué"
    EN_PAUSE = "en_pause", "en pause"
    ABANDONNE = "abandonne", "abandonné"


STATUTS_CLOS = (Statut.REALISE, Statut.ABANDONNE)
STATUTS_A_COMMENTER = (Statut.BLOQUE, Statut.ABANDONNE)
# Le statut accordé à « l'action » (les libellés, eux, qualifient « le statut »).
AU_FEMININ = {
    Statut.A_VENIR: "à venir",
    Statut.EN_COURS: "en cours",
    Statut.REALISE: "réalisée",
    Statut.BLOQUE: "bloquée",
    Statut.EN_PAUSE: "en pause",
    Statut.ABANDONNE: "abandonnée",
}


class ConflitDeVersion(Exception):
    """Quelqu'un a enregistré un changement depuis que la page a été ouverte."""

    def __init__(self, action, entrees):
        super().__init__("L'action a été modifiée entre-temps.")
        self.action = action
        self.entrees = entrees


def aujourd_hui():
    return timezone.localdate()


def debut_du_jour(date):
    """Minuit à Paris (TIME_ZONE) au début du jour `date` : les jours se comptent en heure de Paris."""
    return timezone.make_aware(datetime.datetime.combine(date, datetime.time.min))


class Champ(models.TextChoices):
    CREATION = "creation", "création"
    ARCHIVAGE = "archivage", "archivage"
    STATUT = "statut", "statut"
    AVANCEMENT = "avancement", "avancement"
    ECHEANCE = "echeance", "échéance"
    PILOTE = "pilote", "pilote"
    REFERENT = "referent", "référent"
    QUARTIERS = "quartiers", "quartiers"
    OBLIGATION = "obligation", "obligation"
    VERDICT = "verdict", "verdict"
    NOTE = "note", "commentaire"
    TITRE = "titre", "titre"
    DESCRIPTION = "description", "description"
    DEBUT = "date_debut", "début"
    BUDGET = "budget", "budget"
    PARTENAIRES = "partenaires", "partenaires"
    CAVIARDAGE = "caviardage", "caviardage"


# Les corrections : ce qui décrit l'action sans dire où elle en est. Elles entrent au journal (qui, quand, avant →
# après) mais ne sont pas des nouvelles de son avancement : la règle « sans nouvelles » (`etat_au`, `nouvelles_au`) ne
# les compte pas, et elles ne changent pas `Action.maj_le`.
CORRECTIONS = (Champ.TITRE, Champ.DESCRIPTION, Champ.DEBUT, Champ.BUDGET, Champ.PARTENAIRES)
# Ce qui n'est pas une nouvelle de l'action, pour « sans nouvelles » (`nouvelles_au`) et les évolutions d'une
# période : ses corrections, et le caviardage d'un commentaire (`manage.py caviarder_commentaire`), qui retouche le
# journal sans rien dire de l'action.
HORS_NOUVELLES = (*CORRECTIONS, Champ.CAVIARDAGE)


class ValeurVerdict(models.TextChoices):
    NON_EVALUE = "non_evalue", "non évalué"
    TENU = "tenu", "tenu"
    PARTIEL = "partiel", "partiellement tenu"
    NON_TENU = "non_tenu", "non tenu"


# Pour chaque sorte d'entrée : l'attribut suivi sur l'action, et les colonnes typées de l'entrée (avant, après).
COLONNES = {
    Champ.STATUT: ("statut", "statut_avant", "statut_apres"),
    Champ.AVANCEMENT: ("avancement", "avancement_avant", "avancement_apres"),
    Champ.ECHEANCE: ("echeance", "echeance_avant", "echeance_apres"),
    Champ.PILOTE: ("pilote_id", "pilote_avant_id", "pilote_apres_id"),
    Champ.REFERENT: ("referent_id", "referent_avant_id", "referent_apres_id"),
    Champ.OBLIGATION: ("obligation_id", "obligation_avant_id", "obligation_apres_id"),
    Champ.ARCHIVAGE: ("archivee", "archivee_avant", "archivee_apres"),
    Champ.QUARTIERS: ("tout_le_territoire", "territoire_avant", "territoire_apres"),
    Champ.VERDICT: (None, "verdict_avant", "verdict_apres"),
    Champ.TITRE: ("titre", "texte_avant", "texte_apres"),
    Champ.DESCRIPTION: ("description", "texte_avant", "texte_apres"),
    Champ.DEBUT: ("date_debut", "debut_avant", "debut_apres"),
    Champ.BUDGET: ("budget", "budget_avant", "budget_apres"),
    Champ.PARTENAIRES: (None, None, None),
}
# Le nom qu'emploie `Action.enregistrer` pour chaque champ suivi.
CHAMP_PAR_NOM = {
    "statut": Champ.STATUT,
    "avancement": Champ.AVANCEMENT,
    "echeance": Champ.ECHEANCE,
    "pilote": Champ.PILOTE,
    "referent": Champ.REFERENT,
    "obligation": Champ.OBLIGATION,
    "archivee": Champ.ARCHIVAGE,
    "quartiers": Champ.QUARTIERS,
}
# Le nom de chaque correction dans `Action.enregistrer(libres=…)`.
CORRECTION_PAR_NOM = {
    "titre": Champ.TITRE,
    "description": Champ.DESCRIPTION,
    "date_debut": Champ.DEBUT,
    "budget": Champ.BUDGET,
}


# -- les règles d'une action ------------------------------------------------------------------------------------------
# Chacune est écrite ici une seule fois : `Action.creer`, `Action.enregistrer` et `Verdict.donner` les appliquent, les
# formulaires les appellent dans leur `clean()` pour expliquer un refus avant d'écrire. Toutes lèvent
# ValidationError({champ: message}), que `Form.add_error(None, erreur)` attache au champ nommé.

MESSAGE_REFERENT = (
    "Le référent est une personne qui suit ce protocole : chargé de mission, coordinateur ou administrateur."
)


def verifier_date_effet(date_effet, *, protocole, creation=None, maintenant=None):
    """Un changement prend effet dans la plage des faits du protocole (`Protocole.plage_des_faits` : du début du
    contrat de ville à aujourd'hui, lu à Paris à l'instant `maintenant`), jamais avant la création de l'action
    (`creation`, absente pour une action à créer ou un verdict)."""
    try:
        protocole.plage_des_faits(timezone.localdate(maintenant)).verifier(date_effet, "La date d'effet")
    except ValidationError as erreur:
        raise ValidationError({"date_effet": erreur}) from None
    if creation and date_effet < creation:
        raise ValidationError(
            {"date_effet": f"La date d'effet ne peut pas précéder la création de l'action ({creation:%d/%m/%Y})."}
        )


MOTIF_VERDICT = "Le motif du verdict est obligatoire."
MOTIF_ARCHIVAGE = "Dites pourquoi l'action est archivée."
MOTIF_DESARCHIVAGE = "Dites pourquoi l'action est désarchivée."
ARCHIVEE = "Cette action est archivée : elle ne se modifie plus. Désarchivez-la d'abord."


def verifier_modifiable(archivee, changements, libres=None, partenaires=None):
    """Une action archivée ne change plus : seul son désarchivage (`archivee=False`, et rien d'autre) est accepté."""
    if archivee and (set(changements) != {"archivee"} or changements["archivee"] or libres or partenaires is not None):
        raise ValidationError(ARCHIVEE)


def verifier_motif(motif, message):
    """Un verdict et un archivage disent toujours pourquoi (le motif est lu en comité de pilotage)."""
    if not (motif or "").strip():
        raise ValidationError({"commentaire": message})


def verifier_commentaire(avant, apres, commentaire):
    """Un commentaire est obligatoire quand l'action devient bloquée ou abandonnée : son statut passe de `avant`
    (None à la création) à `apres`."""
    if apres != avant and apres in STATUTS_A_COMMENTER and not (commentaire or "").strip():
        raise ValidationError(
            {"commentaire": f"Un commentaire est obligatoire quand l'action devient {AU_FEMININ[apres]}."}
        )


MOTIF_REPORT = "Un commentaire est obligatoire quand l'échéance change : dites pourquoi."


def verifier_report(avant, apres, commentaire):
    """Reporter (ou avancer, ou retirer) l'échéance depuis la mise à jour rapide demande de dire pourquoi : le
    comité lit ce motif à côté de l'action qui n'est plus « en retard »."""
    if apres != avant and not (commentaire or "").strip():
        raise ValidationError({"commentaire": MOTIF_REPORT})


def verifier_coherence(*, statut=None, avancement=None, date_debut=None, echeance=None):
    """L'avancement va de 0 à 100 %, une action réalisée est à 100 %, l'échéance ne précède pas le début. Seuls les
    champs donnés sont vérifiés ; toutes les erreurs sont levées ensemble, chacune sur son champ."""
    erreurs = {}
    if avancement is not None and not 0 <= avancement <= 100:
        erreurs["avancement"] = "L'avancement va de 0 à 100 %."
    elif statut == Statut.REALISE and avancement is not None and avancement != 100:
        erreurs["avancement"] = "Une action réalisée est avancée à 100 %."
    if date_debut and echeance and echeance < date_debut:
        erreurs["echeance"] = "L'échéance ne peut pas précéder le début."
    if erreurs:
        raise ValidationError(erreurs)


def verifier_calendrier(protocole, *, date_debut=None, echeance=None, maintenant=None):
    """Le début et l'échéance se prévoient dans la plage du protocole (`Protocole.plage_des_previsions` : du début
    du contrat de ville au 31 décembre de l'année en cours + 10). Seuls les champs donnés sont vérifiés ; toutes les
    erreurs sont levées ensemble, chacune sur son champ."""
    plage = protocole.plage_des_previsions(timezone.localdate(maintenant))
    erreurs = {}
    for champ, valeur, sujet in (("date_debut", date_debut, "Le début"), ("echeance", echeance, "L'échéance")):
        if valeur is not None:
            try:
                plage.verifier(valeur, sujet)
            except ValidationError as erreur:
                erreurs[champ] = erreur
    if erreurs:
        raise ValidationError(erreurs)


def referents_possibles(protocole):
    """Qui peut être référent d'une action du protocole : une personne qui y tient un rôle autre que lecteur."""
    roles = Habilitation.objects.filter(utilisateur=OuterRef("pk"), protocole=protocole).exclude(
        role=Habilitation.Role.LECTEUR
    )
    return Utilisateur.objects.filter(Exists(roles))


def verifier_referent(protocole, referent):
    """Le référent donné (un utilisateur, son identifiant ou None) est l'un des `referents_possibles`."""
    if referent is None:
        return
    identifiant = referent.pk if isinstance(referent, models.Model) else referent
    if not referents_possibles(protocole).filter(pk=identifiant).exists():
        raise ValidationError({"referent": MESSAGE_REFERENT})
