"""Le projet : réglages, URL racines, WSGI, et le protocole dans son ensemble.

L'application Celery est chargée avec le projet, pour que les tâches demandées par les vues partent vers elle."""

from protocole.celery import app as celery_app

__all__ = ["celery_app"]
