"""Refaire le texte cherchable de toutes les actions (engagements/models/recherche.py)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from engagements.models import Action
from engagements.models.recherche import indexer
from protocole.models import VersionDonnees


class Command(BaseCommand):
    help = (
        "Refait le texte cherchable (sans accents ni majuscules) de toutes les actions, ou de celles d'un protocole. "
        "Les méthodes de l'application le tiennent à jour ; cette commande sert après une écriture qui les contourne."
    )

    def add_arguments(self, parser):
        parser.add_argument("--protocole", help="slug du protocole (par défaut : tous)")

    def handle(self, *args, protocole=None, **options):
        actions = Action.objects.all()
        if protocole:
            actions = actions.filter(protocole__slug=protocole)
        with transaction.atomic():
            nombre = indexer(actions)
            # Les résultats de recherche de la liste des actions peuvent changer : la liste gardée dans le cache des
            # pages ne doit plus servir (un bulk_create n'envoie pas de signal).
            VersionDonnees.monter(actions.values_list("protocole_id", flat=True).distinct())
        self.stdout.write(f"Texte cherchable refait pour {nombre} action{'s' if nombre > 1 else ''}.")
