from engagements.models.actions import Action
from engagements.models.journal import Entree, EntreePartenaire, EntreeQuartier, Verdict
from engagements.models.recherche import TexteRecherche
from engagements.models.regles import Champ, Statut, ValeurVerdict
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
    "TexteRecherche",
    "ValeurVerdict",
    "Verdict",
]
