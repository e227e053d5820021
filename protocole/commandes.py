"""Ce que partagent les commandes `manage.py` du projet : le protocole qu'elles visent."""

from django.core.management.base import CommandError

from protocole.models import Protocole


def protocole_demande(slug):
    """Le protocole nommé par `--protocole SLUG` ; sans option, le seul protocole chargé. CommandError en français
    sinon (inconnu, aucun protocole, plusieurs sans choix)."""
    if slug:
        protocole = Protocole.objects.filter(slug=slug).first()
        if protocole is None:
            raise CommandError(f"Protocole inconnu : « {slug} ».")
        return protocole
    protocoles = list(Protocole.objects.all()[:2])
    if not protocoles:
        raise CommandError("Aucun protocole n'est chargé : lancez d'abord « manage.py charger_protocole ».")
    if len(protocoles) > 1:
        slugs = ", ".join(Protocole.objects.values_list("slug", flat=True))
        raise CommandError(f"Plusieurs protocoles existent ({slugs}) : précisez --protocole.")
    return protocoles[0]
