"""Les récapitulatifs par courriel, à lancer chaque jour par cron (voir le README) : le récapitulatif hebdomadaire le
jour `RAPPELS_JOUR`, celui d'avant comité `RAPPELS_AVANT_COMITE` jours avant une réunion ; un second passage le même
jour n'envoie rien. Les règles : `comite/rappels.py`."""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from comite import rappels
from protocole.models import Protocole


class Command(BaseCommand):
    help = "Envoie les récapitulatifs du jour (actions en retard ou sans nouvelles, décisions du comité à suivre)."

    def add_arguments(self, parser):
        parser.add_argument("--jour", help="le jour à traiter, AAAA-MM-JJ (aujourd'hui par défaut)")
        parser.add_argument("--simuler", action="store_true", help="dit ce qui partirait, sans rien envoyer")

    def handle(self, *args, jour, simuler, **options):
        if jour:
            try:
                jour = datetime.date.fromisoformat(jour)
            except ValueError:
                raise CommandError(f"Date illisible : « {jour} » (attendu : AAAA-MM-JJ).") from None
        if not settings.SITE_URL:
            raise CommandError("SITE_URL n'est pas réglé : les liens des courriels seraient incomplets.")
        total = 0
        for protocole in Protocole.objects.order_by("ordre", "territoire"):
            envois = rappels.envoyer(protocole, jour, simuler=simuler)
            for envoi, _recap in envois:
                verbe = "partirait" if simuler else "envoyé"
                self.stdout.write(f"  {protocole.territoire} : {envoi.get_sorte_display()} {verbe} à {envoi.adresse}")
            total += len(envois)
        quoi = "récapitulatif(s) à envoyer" if simuler else "récapitulatif(s) envoyé(s)"
        self.stdout.write(self.style.SUCCESS(f"{total} {quoi}."))
