"""Les réglages du projet pour gunicorn et collectstatic pendant le banc d'essai, à une chose près : les fichiers
statiques sont collectés sans compression, dans un dossier à part, et les outils (`outils`) sont installés.

Compresser (Brotli et gzip) les ~400 fichiers statiques prend plus de 30 s à chaque passage, et le banc ne sert que
des pages : `{% static %}` y lit le même manifeste qu'en production (le stockage compressé de WhiteNoise n'ajoute que
la compression au moment de collectstatic). Le dossier des statiques du projet n'est pas touché.
"""

import os
import tempfile
from pathlib import Path

from protocole.settings import *  # noqa: F403
from protocole.settings import INSTALLED_APPS, STORAGES

# Les processus du banc (gunicorn, les étapes de `manage.py bench`) tournent sans DEBUG : ils ajoutent les outils.
if "outils" not in INSTALLED_APPS:
    INSTALLED_APPS = [*INSTALLED_APPS, "outils"]

STATIQUES_PARTAGES = Path(tempfile.gettempdir()) / "suivi-banc-staticfiles"
STATIC_ROOT = Path(os.environ.get("BANC_STATIC_ROOT") or STATIQUES_PARTAGES)
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"}}
