from engagements.models.actions import Action
from engagements.models.indicateurs import Indicateur, Repere, Sens, Unite, Valeur
from engagements.models.journal import Entree, EntreePartenaire, EntreeQuartier, Verdict
from engagements.models.periodes import Frequence, Periode
from engagements.models.recherche import TexteRecherche
from engagements.models.regles import Champ, Statut, ValeurVerdict
from engagements.models.texte import Bloc, Engagement, Obligation, Paragraphe

__all__ = [
    "Action",
    "Bloc",
    "Champ",
    "Engagement",
    "Entree",
    "Frequence",
    "Indicateur",
    "EntreePartenaire",
    "EntreeQuartier",
    "Obligation",
    "Paragraphe",
    "Periode",
    "Repere",
    "Sens",
    "Statut",
    "TexteRecherche",
    "Unite",
    "Valeur",
    "ValeurVerdict",
    "Verdict",
]
