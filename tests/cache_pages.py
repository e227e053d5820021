"""Compter les requêtes d'une page gardée dans le cache des pages (protocole/cache_pages.py), et les gabarits
rendus (protocole/fragments.py)."""

import contextlib
import re

from django.test.signals import template_rendered

# Le cache des pages dans la base (sans REDIS_URL, comme sous pytest) : la lecture manquée, puis l'écriture de
# DatabaseCache.set (compte des entrées, point de sauvegarde, lecture de la clé, insertion, fin du point). Sur Redis,
# aucune requête SQL.
REQUETES_CACHE_FROID = 1 + 5


def hors_cache(requetes):
    """Les requêtes qui ne lisent ni n'écrivent le cache des pages (son écriture se fait dans un point de
    sauvegarde)."""
    return [r for r in requetes if "suivi_cache_pages" not in r["sql"] and "SAVEPOINT" not in r["sql"]]


def sans_jeton(reponse):
    """La page sans son jeton CSRF (masqué différemment à chaque réponse)."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", reponse.content.decode())


@contextlib.contextmanager
def rendus_pendant():
    """Les noms des gabarits rendus dans le bloc (le signal des tests de Django)."""
    noms = []

    def noter(sender, template, context, **kwargs):
        noms.append(template.name)

    template_rendered.connect(noter)
    try:
        yield noms
    finally:
        template_rendered.disconnect(noter)
