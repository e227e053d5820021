"""Le plan d'une histoire : ce qui arrive à une action, dans quel ordre, puis quand.

`planifier` tire les actions d'un protocole et leurs événements (le parcours du statut jusqu'au statut final,
quelques changements d'échéance, de référent, de pilote, de quartiers ou d'obligation, des commentaires seuls, des
corrections, des archivages) ; `placer` les date par rapport au jour du passage. Les événements parlent la langue
d'`Action.enregistrer` (statut, avancement, echeance, pilote, referent, obligation, quartiers, archivee, libres,
partenaires), avec des identifiants : les deux écritures (`ecriture.ecrire`, par les méthodes des modèles, et
`outils.bench.suivi.Ecrivain`, par lots) lisent le même plan.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings

from engagements.models.regles import STATUTS_CLOS, Statut, ValeurVerdict

PARIS = ZoneInfo(settings.TIME_ZONE)
DEBUT = datetime.date(2019, 3, 1)  # les premières créations
DEBUT_REVUES = datetime.date(2020, 6, 1)  # les premiers verdicts de la coordination
PART_EN_RETARD = 0.15  # des actions ouvertes
PART_SANS_NOUVELLES = 0.12  # des actions ouvertes
PART_ARCHIVEES = 0.027  # 4 actions sur 150
PART_RATTACHEES = 0.013  # rattachées après coup à une autre obligation du bloc : 2 sur 150
NOMBRE_VERDICTS = 20
NOMBRE_VERDICTS_REVUS = 6

POIDS_STATUT_FINAL = {
    Statut.A_VENIR: 12,
    Statut.EN_COURS: 38,
    Statut.EN_PAUSE: 8,
    Statut.BLOQUE: 9,
    Statut.REALISE: 27,
    Statut.ABANDONNE: 8,
}
COMMENTAIRES = {
    Statut.EN_COURS: [
        "Lancement de l'action.",
        "Première réunion du groupe de travail.",
        "Démarrage avec les partenaires.",
    ],
    Statut.EN_PAUSE: ["En attente du vote du budget.", "Suspendue pendant la période estivale.", "Attente d'un local."],
    Statut.BLOQUE: [
        "Cofinancement non confirmé à ce jour.",
        "Locaux indisponibles jusqu'à nouvel ordre.",
        "Poste d'animateur vacant.",
        "Convention en attente de signature.",
    ],
    Statut.REALISE: ["Bilan présenté au comité technique.", "Action terminée, bilan transmis.", "Objectifs atteints."],
    Statut.ABANDONNE: [
        "Remplacée par une action d'un autre partenaire.",
        "Public visé non mobilisé malgré deux relances.",
        "Dispositif national arrêté.",
    ],
}
COMMENTAIRE_DEBLOCAGE = "Blocage levé, l'action reprend."
COMMENTAIRES_ECHEANCE = ["Échéance reportée en comité technique.", "Calendrier revu avec les partenaires."]
COMMENTAIRES_ARCHIVAGE = ["Doublon d'une autre action.", "Saisie en erreur.", "Fusionnée avec une action voisine."]
MOTIFS_VERDICT = {
    ValeurVerdict.TENU: ["Les actions prévues sont réalisées.", "Engagement tenu d'après le bilan annuel."],
    ValeurVerdict.PARTIEL: ["Une partie seulement des actions a démarré.", "Résultats inégaux selon les quartiers."],
    ValeurVerdict.NON_TENU: ["Aucune action engagée à la date de la revue.", "Actions abandonnées sans remplacement."],
}
COMMENTAIRES_NOTE = [
    "Point d'étape en comité technique : calendrier confirmé.",
    "Réunion avec les habitants, bonne participation.",
    "Bilan intermédiaire transmis aux financeurs.",
    "Relance des partenaires pour la prochaine session.",
]

ECHEANCE = object()  # dans un plan, le report d'échéance dont la date se calcule par rapport au jour du passage


@dataclass(frozen=True)
class Cible:
    """Une obligation, vue du générateur."""

    pk: int
    reference: str
    numero: int  # de l'engagement
    partie: object  # la clé de `Contexte.membres`
    bloc: object  # la clé de `Contexte.par_bloc`
    texte: str = ""  # le texte de l'obligation, que cite le texte cherchable d'une action


@dataclass(frozen=True)
class Lieu:
    """Un quartier, vu du générateur : `poids` est sa chance d'être tiré seul."""

    pk: int
    nom: str
    ordre: int
    poids: int


@dataclass
class Contexte:
    """Ce qu'il faut savoir d'un protocole pour y écrire des histoires, en identifiants."""

    protocole: int
    obligations: list  # [Cible], dans l'ordre du texte
    membres: dict  # partie → [organisation], triées
    equipes: dict  # organisation → [utilisateur qui peut être référent]
    noms: dict  # utilisateur → nom affiché dans les commentaires
    quartiers: list  # [Lieu]
    organisations: list  # toutes, triées
    coordinateur: int
    titre: object  # titre(rng, cible, quartiers, territoire) → str
    description: object  # description(cible) → str
    commentaire_creation: str
    par_bloc: dict = field(init=False)

    def __post_init__(self):
        self.par_bloc = {}
        for cible in self.obligations:
            self.par_bloc.setdefault(cible.bloc, []).append(cible)


@dataclass
class Evenement:
    changements: dict  # les arguments d'`Action.enregistrer`
    commentaire: str = ""
    auteur: int | None = None
    jour: datetime.date | None = None  # posés par `placer`
    moment: datetime.datetime | None = None


@dataclass
class Histoire:
    """Une action à créer et ce qui lui arrive ; `placer` en pose les dates."""

    obligation: Cible
    titre: str
    description: str
    pilote: int
    referent: int | None
    territoire: bool
    quartiers: list  # [Lieu]
    partenaires: list
    budget: Decimal | None
    statut: str
    avancement: int
    statut_final: str
    avec_debut: bool
    evenements: list = field(default_factory=list)
    auteur: int | None = None
    avec_echeance: bool = True
    archivee: bool = False
    sans_nouvelles: bool = False
    en_retard: bool = False
    creation: datetime.date | None = None
    moment: datetime.datetime | None = None
    debut: datetime.date | None = None
    echeance: datetime.date | None = None  # à la création

    @property
    def ouverte(self):
        return self.statut_final not in STATUTS_CLOS and not self.archivee


def jour_entre(rng, premier, dernier):
    """Un jour au hasard entre `premier` et `dernier` inclus (`premier` si l'intervalle est vide)."""
    return premier + datetime.timedelta(days=rng.randint(0, max(0, (dernier - premier).days)))


def moment(rng, jour, maintenant):
    """Un moment d'enregistrement ce jour-là, en heures ouvrées à Paris, jamais après `maintenant`."""
    heure = datetime.time(rng.randint(9, 17), rng.randint(0, 59), rng.randint(0, 59))
    return min(datetime.datetime.combine(jour, heure, tzinfo=PARIS), maintenant)


def choix(rng, statut):
    return rng.choice(COMMENTAIRES[statut])
