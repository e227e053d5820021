"""Les réglages du projet pour les processus qu'un test lance (gunicorn, manage.py) : tels quels (DEBUG désactivé,
l'environnement du test), sauf les fichiers statiques, servis sans manifeste pour ne pas lancer collectstatic (30 s de
compression), et le hachage des mots de passe."""

from protocole.settings import *  # noqa: F403
from protocole.settings import STORAGES

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
# Un hachage rapide pour les comptes que ces tests créent (comme tests/conftest.py) : sa robustesse n'y sert à rien.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
