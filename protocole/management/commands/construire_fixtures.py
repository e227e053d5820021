"""Produit les fixtures du protocole à partir de la transcription du texte signé (docs/source/).

Le texte signé va dans fixtures/protocole_pays_voironnais.json ; les données de référence (organisations, parties,
quartiers, organisations représentées) dans fixtures/referentiel_pays_voironnais.json. Le test de fidélité relit la
source avec sa propre logique : il ne partage rien avec ce lecteur.
"""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from protocole.construction.referentiel import fixture_referentiel
from protocole.construction.texte import fixture_texte

SOURCE = settings.BASE_DIR / "docs" / "source" / "protocole-pays-voironnais.txt"


def _ecrire(chemin, objets):
    Path(chemin).write_text(json.dumps(objets, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


class Command(BaseCommand):
    help = "Produit les fixtures du protocole (texte signé et référentiel) depuis docs/source/."

    def add_arguments(self, parser):
        parser.add_argument("--source", default=str(SOURCE))
        parser.add_argument("--dossier", default=str(settings.FIXTURE_DIRS[0]))

    def handle(self, source, dossier, **options):
        texte, nombre = fixture_texte(Path(source).read_text(encoding="utf-8"))
        _ecrire(Path(dossier) / "protocole_pays_voironnais.json", texte)
        _ecrire(Path(dossier) / "referentiel_pays_voironnais.json", fixture_referentiel(nombre))
        self.stdout.write(f"{len(texte)} objets du texte signé, {nombre} signatures écrits dans {dossier}.")
