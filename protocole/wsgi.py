"""L'application WSGI que sert gunicorn (`gunicorn protocole.wsgi`), en production comme dans `make bench`."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "protocole.settings")
application = get_wsgi_application()

# Django et l'application chargés (quelque 166 000 objets qui vivent autant que le processus) : hors de la vue du
# ramasse-miettes. Sans cela, chacune de ses collectes complètes les parcourt tous : mesurée sur 120 requêtes de la
# vue d'ensemble (la moitié recalculées), une collecte complète de 81 ms tombait sur l'une d'elles ; gelés, aucune.
gc.freeze()
