"""L'application WSGI que sert gunicorn (`gunicorn protocole.wsgi`), en production comme dans `make bench`.

Le ramasse-miettes de Python parcourt, à chacune de ses collectes complètes, tous les objets qui peuvent former des
cycles et qu'il n'a pas mis de côté. Un processus de gunicorn en garde des centaines de milliers qui vivent autant
que lui (Django, l'application, les gabarits compilés, les requêtes compilées) : une collecte complète en coûtait 75
à 130 ms, et tombait sur une page recalculée sur vingt à soixante. Ils sont donc gelés (`gc.freeze()`, hors de sa
vue) une fois l'application chargée, puis au début des requêtes qui suivent les requêtes `GELS` du processus (ce
que charge la première requête de chaque sorte). Chaque gel suit une collecte complète, au début d'une requête :
rien de ce qui est alors gelé n'est déjà abandonné (un cycle abandonné puis gelé ne serait jamais libéré), et la
requête en cours n'a encore rien créé. Ces quatre collectes ne parcourent que ce qui n'est pas encore gelé.
"""

import gc
import itertools
import os

from django.core.signals import request_started
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "protocole.settings")
application = get_wsgi_application()

GELS = frozenset({1, 10, 100, 1000})  # les requêtes du processus après lesquelles ce qui vit est gelé
# Une collecte des jeunes objets tous les 10 000 objets créés au lieu de 700 : une page recalculée en crée plus de
# 100 000, et chaque collecte des jeunes en prépare une complète.
SEUIL_JEUNES = 10_000

_numeros = itertools.count(1)  # le numéro, dans le processus, de la requête qui commence


def geler_apres(**kwargs):
    """Au début de chaque requête : après les requêtes `GELS`, ce qui vit est gelé (abandonné d'abord libéré)."""
    if next(_numeros) - 1 in GELS:
        gc.collect()
        gc.freeze()


# Django et l'application chargés (quelque 166 000 objets) : gelés dès maintenant.
gc.collect()
gc.freeze()
gc.set_threshold(SEUIL_JEUNES, *gc.get_threshold()[1:])
request_started.connect(geler_apres, dispatch_uid="protocole.wsgi.geler_apres")
