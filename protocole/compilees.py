"""Les requêtes des chiffres, construites et compilées une fois par processus : `lire(cle, construire)`.

Un tableau de bord recalculé après une écriture pose les mêmes requêtes qu'avant, avec les mêmes paramètres : seules
les lignes qu'elles rendent ont changé. Les construire (filtres, annotations, sous-requêtes) puis les compiler en SQL
coûte à Django plus que leur exécution à la base. `lire` garde donc, sous une clé, le queryset construit, son SQL et
ses paramètres, et ce que le compilateur avait calculé pour lire les lignes (les colonnes, `select_related`) ; chaque
appel suivant exécute ce SQL sur la connexion du moment et lit les lignes comme Django les aurait lues (objets,
`values()`, `prefetch_related`).

La règle de l'appelant : `cle` dit tout ce dont dépend la requête (le périmètre, les dates…), et `construire` ne lit
rien de la base (un identifiant lu puis inscrit dans le SQL y resterait). S'y ajoutent d'elles-mêmes la fonction
`construire` (deux appels d'endroits différents ne partagent jamais une requête) et le jour (`timezone.localdate()`,
ce que lit `aujourd_hui()` : `etat_au` ne pose pas la même requête pour aujourd'hui et pour un jour passé). Une
construction qui interroge la base n'est pas gardée : la requête est lue comme sans ce module.

Les clés anciennes sortent par le bas d'une liste bornée (`PLAFOND`). Ce qu'on garde ne tient aucun objet de la
requête qui l'a construit (le protocole d'un `protocole.engagements`, par exemple, que Django attacherait sinon aux
objets lus ensuite).
"""

import logging
import threading
from collections import OrderedDict

from django.core.exceptions import EmptyResultSet
from django.core.signals import setting_changed
from django.utils import timezone

from protocole.db import requetes_posees

logger = logging.getLogger(__name__)

# Requêtes gardées par processus : un tableau de bord en pose une dizaine par périmètre et par date ; un protocole de
# dix quartiers et quarante organisations en demande quelques centaines par jour.
PLAFOND = 1024

# Ce que le compilateur calcule en compilant (Django 5.2 : `pre_sql_setup` et `as_sql`), et que lisent ensuite
# l'exécution (`execute_sql`) et la lecture des lignes (`results_iter`, les itérables de `QuerySet`).
_ETAT_DU_COMPILATEUR = ("select", "klass_info", "annotation_col_map", "col_count", "has_extra_select")

_gardees = OrderedDict()
_verrou = threading.Lock()


class _Compilee:
    """Un queryset et ce qu'en a fait le compilateur : son SQL (ou « vide »), ses paramètres, son état."""

    def __init__(self, queryset):
        # Rien de la requête qui l'a construit : ni objet connu (le protocole d'un gestionnaire lié), ni indication.
        queryset._known_related_objects = {}
        queryset._hints = {}
        self.queryset = queryset
        compilateur = queryset.query.get_compiler(using=queryset.db)
        try:
            self.sql, self.parametres = compilateur.as_sql()
        except EmptyResultSet:  # `pk__in=[]`, `[:0]` : Django ne pose pas la requête, nous non plus
            self.sql, self.parametres = None, ()
        self.etat = {nom: getattr(compilateur, nom, None) for nom in _ETAT_DU_COMPILATEUR}

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
    """`list(construire())`, le queryset construit et compilé une fois par (`cle`, `construire`, jour) dans ce
    processus. `cle` (hachable) dit tout ce dont dépend la requête ; `construire` ne lit pas la base."""
    cle = (cle, construire.__code__, timezone.localdate())
    with _verrou:
        compilee = _gardees.get(cle)
        if compilee is not None:
            _gardees.move_to_end(cle)
    if compilee is not None:
        return compilee.lire()
    with requetes_posees() as posees:
        queryset = construire()
    if posees:
        logger.warning("Requête non gardée : sa construction a interrogé la base (%s).", cle[0])
        return list(queryset)
    compilee = _Compilee(queryset)
    with _verrou:
        _gardees[cle] = compilee
        while len(_gardees) > PLAFOND:
            _gardees.popitem(last=False)
    return compilee.lire()


def vider(**kwargs):
    """Oublie les requêtes gardées : entre deux tests, et quand un réglage change pendant les tests
    (`setting_changed` n'est envoyé que par eux)."""
    with _verrou:
        _gardees.clear()


setting_changed.connect(vider)
