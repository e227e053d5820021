from engagements.models.actions import Action, Statut
from engagements.models.journal import Champ, Entree, EntreePartenaire, EntreeQuartier, ValeurVerdict, Verdict
from engagements.models.texte import Bloc, Engagement, Obligation, Paragraphe

__all__ = [
    "Action",
    "Bloc",
    "Champ",
    "Engagement",
    "Entree",
    "EntreePartenaire",
    "EntreeQuartier",
    "Obligation",
    "Paragraphe",
    "Statut",
    "ValeurVerdict",
    "Verdict",
]
