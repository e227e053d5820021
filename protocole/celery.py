"""L'application Celery du projet : `celery -A protocole worker` lance un worker qui rend les rapports.

Sa configuration vient des réglages Django (préfixe CELERY_) : courtier et magasin de résultats Redis par défaut
(REDIS_URL, CELERY_BROKER_URL) ; sans courtier, les tâches s'exécutent dans le processus qui les demande. Les tâches
vivent dans le module `taches` de chaque application (`comite/taches.py`).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "protocole.settings")

app = Celery("protocole")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(related_name="taches")
