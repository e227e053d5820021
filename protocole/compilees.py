"""Les requêtes des chiffres, construites et compilées une fois par processus : `lire(cle, construire)`.

Un tableau de bord recalculé après une écriture pose les mêmes requêtes qu'avant, avec les mêmes paramètres : seules
les lignes qu'elles rendent ont changé. Les construire (filtres, annotations, sous-requêtes) puis les compiler en SQL
coûte à Django plus que leur exécution à la base. `lire` garde donc, sous une clé qui dit tout ce dont la requête
dépend (le périmètre, les dates…) et le jour, le queryset construit, son SQL et ses paramètres, et ce que le
compilateur avait calculé pour lire les lignes (les colonnes, `select_related`) ; chaque appel suivant exécute ce SQL
sur la connexion du moment et lit les lignes comme Django les aurait lues (objets, `values()`, `prefetch_related`).

La requête ne dépend jamais des données : la clé est tout ce qui la fait. C'est la règle de l'appelant, et la raison
pour laquelle `construire` ne doit rien lire de la base (un identifiant lu puis inscrit dans le SQL y resterait).
Les clés anciennes sortent par le bas d'une liste bornée (`PLAFOND`).
"""

import threading
from collections import OrderedDict

from django.core.exceptions import EmptyResultSet
from django.core.signals import setting_changed
from django.utils import timezone

PLAFOND = 256  # requêtes gardées par processus (un tableau de bord en pose une dizaine par périmètre et par date)

# Ce que le compilateur calcule en compilant, et que lisent ensuite l'exécution et la lecture des lignes.
_ETAT_DU_COMPILATEUR = ("select", "klass_info", "annotation_col_map", "col_count", "has_extra_select")

_gardees = OrderedDict()
_verrou = threading.Lock()


class _Compilee:
    """Un queryset et ce qu'en a fait le compilateur : son SQL (ou « vide »), ses paramètres, son état."""

    def __init__(self, queryset):
        self.queryset = queryset
        compilateur = queryset.query.get_compiler(using=queryset.db)
        try:
            self.sql, self.parametres = compilateur.as_sql()
        except EmptyResultSet:  # `pk__in=[]` : Django ne pose pas la requête, nous non plus
            self.sql, self.parametres = None, ()
        self.etat = {nom: getattr(compilateur, nom) for nom in _ETAT_DU_COMPILATEUR}

    def as_sql(self, *args, **kwargs):
        if self.sql is None:
            raise EmptyResultSet
        return self.sql, self.parametres

    def lire(self):
        queryset = self.queryset._chain()
        query = queryset.query
        original = type(query).get_compiler

        def compilateur(using=None, connection=None, elide_empty=True):
            # Un compilateur neuf, sur la connexion de ce fil, qui ne recompile pas : il rend le SQL gardé.
            neuf = original(query, using, connection, elide_empty)
            neuf.__dict__.update(self.etat)
            neuf.as_sql = self.as_sql
            return neuf

        query.get_compiler = compilateur
        return list(queryset)


def lire(cle, construire):
    """`list(construire())`, le queryset construit et compilé une fois par (`cle`, jour) dans ce processus. `cle`
    (hachable) dit tout ce dont dépend la requête ; `construire` ne lit pas la base."""
    cle = (cle, timezone.localdate())
    with _verrou:
        compilee = _gardees.get(cle)
        if compilee is not None:
            _gardees.move_to_end(cle)
    if compilee is None:
        compilee = _Compilee(construire())
        with _verrou:
            _gardees[cle] = compilee
            while len(_gardees) > PLAFOND:
                _gardees.popitem(last=False)
    return compilee.lire()


def vider(**kwargs):
    """Oublie les requêtes gardées (les tests ; des réglages changés, qui peuvent changer le SQL)."""
    with _verrou:
        _gardees.clear()


setting_changed.connect(vider)
