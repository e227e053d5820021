"""Charge le protocole du Pays Voironnais (texte signé puis référentiel) s'il est absent ; sinon ne touche à rien."""

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from protocole.models import Protocole

SLUG = "pays-voironnais"


class Command(BaseCommand):
    help = "Charge le texte signé et le référentiel du Pays Voironnais dans une base où ils sont absents."

    def handle(self, **options):
        if Protocole.objects.filter(slug=SLUG).exists():
            self.stdout.write("Protocole déjà chargé : rien à faire (le référentiel modifié en admin est conservé).")
            return
        with transaction.atomic():
            call_command("loaddata", "protocole_pays_voironnais", verbosity=0)
            call_command("loaddata", "referentiel_pays_voironnais", verbosity=0)
        self.stdout.write(self.style.SUCCESS("Protocole du Pays Voironnais chargé (texte signé et référentiel)."))
