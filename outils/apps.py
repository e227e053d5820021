from django.apps import AppConfig


class OutilsConfig(AppConfig):
    """Les outils de développement : les données de démonstration (`manage.py demo`), le générateur d'historiques
    synthétiques qu'elles partagent avec le banc d'essai, et le banc (`manage.py bench`). Le dernier étage : rien ne
    l'importe ; dans INSTALLED_APPS avec DEBUG, sous pytest et dans les processus du banc, jamais en production."""

    name = "outils"
    verbose_name = "outils de développement"
