"""L'application WSGI que sert gunicorn (`gunicorn protocole.wsgi`), en production comme dans `make bench`."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "protocole.settings")
application = get_wsgi_application()

# Django et l'application chargés (plus de 150 000 objets qui vivent autant que le processus) : hors de la vue du
# ramasse-miettes. Sans cela, chacune de ses collectes complètes les parcourt tous, une pause de 10 à 20 ms qui tombe
# sur la requête qui alloue le plus, celle qui recalcule un tableau de bord (le 95e centile de `make bench`).
gc.freeze()
