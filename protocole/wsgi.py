"""L'application WSGI que sert gunicorn (`gunicorn protocole.wsgi`), en production comme dans `make bench`.

Le ramasse-miettes de Python parcourt, à chacune de ses collectes complètes, tous les objets qui peuvent former des
cycles et qu'il n'a pas mis de côté. Un processus de gunicorn en garde des centaines de milliers qui vivent autant
que lui (Django, l'application, les gabarits compilés, les requêtes compilées) : une collecte complète coûtait 75 à
130 ms, et tombait sur une requête sur cent environ. Ils sont donc gelés (`gc.freeze()`, hors de sa vue), une fois
l'application chargée puis après les requêtes `GELS` du processus, qui chargent ce qui ne l'est qu'à la première
requête de chaque sorte. Gelé, un objet est libéré comme un autre quand plus rien ne le tient ; seul un cycle déjà
abandonné au moment du gel resterait en mémoire, une fois.
"""

import gc
import itertools
import os

from django.core.signals import request_finished
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "protocole.settings")
application = get_wsgi_application()

GELS = frozenset({1, 10, 100, 1000})  # les requêtes du processus après lesquelles ce qui vit est gelé
# Une collecte des jeunes objets tous les 10 000 objets créés au lieu de 700 : une page recalculée en crée plus de
# 100 000, et chaque collecte des jeunes en prépare une complète.
SEUIL_JEUNES = 10_000

_servies = itertools.count(1)


def geler_apres(**kwargs):
    if next(_servies) in GELS:
        gc.freeze()


# Django et l'application chargés (quelque 166 000 objets) : gelés dès maintenant.
gc.freeze()
gc.set_threshold(SEUIL_JEUNES, *gc.get_threshold()[1:])
request_finished.connect(geler_apres, dispatch_uid="protocole.wsgi.geler_apres")
