"""La couche des requêtes : chaque chiffre et chaque ligne que montrent les pages, les exports et les rapports.

Les deux règles du suivi, « en retard » et « sans nouvelles », sont écrites ici et nulle part ailleurs ; la liste
des actions, « Mes actions », les exports, les tableaux de bord et les rapports PDF les appellent tous. Tout passe
par `Action.objects.etat_au(au)` : aujourd'hui se lit sur les actions, une date passée se reconstruit depuis le
journal. Un périmètre (tout le protocole, un quartier, une organisation, un engagement) choisit les actions. Chaque
fonction répond en un nombre fixe de requêtes, quelle que soit la taille des données.

Cinq modules : `regles` (en retard, sans nouvelles, le périmètre), `comptes` (les chiffres), `lignes` (les lignes
d'actions et les évolutions d'une période) et `tendances` (la note au comité : tendance par trimestre, verdicts par
partie, changements d'une période par action), qu'on importe d'ici ; `indicateurs` (valeurs par période au jour D,
progression vers la cible, étiquettes), qu'on importe de `engagements.tableaux.indicateurs`.
"""

from engagements.tableaux.comptes import (
    Compte,
    Grille,
    comptes_par_quartier,
    grille,
    obligations_au,
    verdicts_par_engagement,
    verdicts_total,
)
from engagements.tableaux.lignes import (
    Evolutions,
    actions_a_signaler,
    avec_dernier_commentaire,
    evolutions,
    lignes_actions,
    signalees,
)
from engagements.tableaux.regles import (
    JOURS_SANS_NOUVELLES,
    Perimetre,
    avec_drapeaux,
    en_retard,
    par_urgence,
    pilotee_ou_accompagnee,
    sans_nouvelles,
)
from engagements.tableaux.tendances import (
    Trimestre,
    changements_par_action,
    fins_de_trimestre,
    tendance,
    verdicts_par_partie,
)

__all__ = [
    "JOURS_SANS_NOUVELLES",
    "Compte",
    "Evolutions",
    "Grille",
    "Perimetre",
    "Trimestre",
    "actions_a_signaler",
    "avec_dernier_commentaire",
    "avec_drapeaux",
    "changements_par_action",
    "comptes_par_quartier",
    "en_retard",
    "evolutions",
    "fins_de_trimestre",
    "grille",
    "lignes_actions",
    "obligations_au",
    "par_urgence",
    "pilotee_ou_accompagnee",
    "sans_nouvelles",
    "signalees",
    "tendance",
    "verdicts_par_engagement",
    "verdicts_par_partie",
    "verdicts_total",
]
