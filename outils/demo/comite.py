"""Le comité de pilotage de démonstration : une réunion passée et la prochaine, avec les textes fictifs de la
coordination, pour que la note du rapport et `rapport_copil --reunion` aient de quoi s'imprimer."""

import datetime

from django.utils import timezone

from comite.models import Reunion

REUNIONS = [
    (
        -150,
        "[Démo] Comité de pilotage de printemps",
        {
            "faits_marquants": (
                "Action fictive de démonstration : le forum de l'emploi de proximité a réuni les habitants de la "
                "Brunetière et une quinzaine d'entreprises.\n\n- Ouverture d'une permanence emploi au centre social.\n"
                "- Premiers ateliers parents-école."
            ),
            "points_attention": (
                "Plusieurs actions de l'engagement N°4 attendent la confirmation de leur cofinancement."
            ),
            "decisions_attendues": "Valider le calendrier des revues d'obligations pour l'année.",
        },
    ),
    (
        30,
        "[Démo] Comité de pilotage d'automne",
        {
            "faits_marquants": "Texte fictif : bilan à mi-parcours des actions de réussite éducative.",
            "points_attention": "Texte fictif : des actions sans nouvelles depuis plus de 90 jours.",
            "decisions_attendues": "Texte fictif : arbitrer les reports d'échéance demandés par les partenaires.",
        },
    ),
]


def creer_reunions(protocole):
    """Crée les réunions de démonstration (la première fois seulement)."""
    aujourdhui = timezone.localdate()
    for jours, titre, textes in REUNIONS:
        Reunion.objects.get_or_create(
            protocole=protocole,
            titre=titre,
            defaults={"date": aujourdhui + datetime.timedelta(days=jours), **textes},
        )
