"""Les morceaux de page rendus une fois par contenu : `{% fragment "gabarit.html" nom=valeur … %}`.

Un tableau de bord recalculé après une écriture (une nouvelle au journal) relit ses chiffres, mais la plupart de ses
morceaux (les cartes des engagements, la grille, les listes à signaler) montrent les mêmes données qu'avant : les
rendre à nouveau coûte autant que de les calculer. Le morceau est donc rendu avec ses seules variables (celles que
nomme la balise, rien d'autre du contexte) et gardé dans ce processus sous une empreinte de ces variables : mêmes
données, même HTML ; une donnée changée, une autre empreinte, un autre rendu. Rien n'est jamais périmé, rien n'est
effacé : les empreintes anciennes sortent par le bas d'une liste bornée (`PLAFOND` morceaux, `PLAFOND_CARACTERES`).

L'empreinte est le `pickle` des variables et du jour (un gabarit peut comparer une date à aujourd'hui), objets des
modèles compris avec ce que `select_related` et `prefetch_related` leur ont attaché. Ce qui n'a pas d'empreinte sûre
rend le morceau sans le garder : un formulaire, une requête HTTP, un queryset pas encore lu. La version des données
(`VersionDonnees`, attachée au protocole par le middleware) n'entre pas dans l'empreinte : c'est la clé du cache des
pages, pas une donnée montrée. Un rendu qui interroge la base (une relation que le calcul n'avait pas chargée) n'est
pas gardé : son HTML dépend de plus que de ses variables.
"""

import hashlib
import io
import pickle
import threading
from collections import OrderedDict

from django.core.signals import setting_changed
from django.db import DJANGO_VERSION_PICKLE_KEY
from django.db.models import Model, QuerySet
from django.forms import BaseForm
from django.http import HttpRequest
from django.template.loader import get_template
from django.utils import timezone
from django.utils.autoreload import file_changed

from protocole.db import requetes_posees
from protocole.models import VersionDonnees

PLAFOND = 512  # morceaux gardés par processus
PLAFOND_CARACTERES = 16_000_000  # et leur taille totale (une carte d'engagements d'une vue partenaire : ~100 Ko)

_gardes = OrderedDict()
_taille = 0
_verrou = threading.Lock()


class SansEmpreinte(Exception):
    """Une variable dont le pickle ne dit pas tout ce que le gabarit en lit."""


class _Empreinte(pickle.Pickler):
    """Le pickle sans mémo (`fast`) : deux chaînes égales s'écrivent pareil, qu'elles soient un même objet ou deux
    (un objet relu du cache des pages n'a pas les chaînes partagées d'un objet lu de la base) ; une structure
    cyclique lève ValueError, donc pas d'empreinte."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fast = True

    def reducer_override(self, obj):
        if isinstance(obj, VersionDonnees):
            return (str, ("version des données",))
        if isinstance(obj, Model):
            # Ses champs, ses annotations et ce que select_related / prefetch_related lui ont attaché ; ni l'état
            # de la base ni la version de Django qu'ajoute un objet relu d'un cache.
            champs = {
                cle: valeur for cle, valeur in obj.__dict__.items() if cle not in ("_state", DJANGO_VERSION_PICKLE_KEY)
            }
            return (str, (obj._meta.label,), (champs, obj._state.fields_cache))
        if isinstance(obj, QuerySet):
            if obj._result_cache is None:
                raise SansEmpreinte("un queryset que le gabarit lirait")
            return (str, ("QuerySet",), obj._result_cache)
        if isinstance(obj, (BaseForm, HttpRequest)):
            raise SansEmpreinte(type(obj).__name__)
        return NotImplemented


def empreinte(gabarit, variables):
    """L'empreinte de (gabarit, variables, jour) ; SansEmpreinte quand une variable n'en a pas de sûre."""
    tampon = io.BytesIO()
    try:
        _Empreinte(tampon, protocol=pickle.HIGHEST_PROTOCOL).dump((gabarit, timezone.localdate(), variables))
    except (pickle.PicklingError, TypeError, AttributeError, ValueError, RecursionError) as erreur:
        raise SansEmpreinte(str(erreur)) from erreur
    return hashlib.blake2b(tampon.getvalue(), digest_size=20).digest()


def rendre(gabarit, variables):
    """Le HTML de `gabarit` rendu avec les seules `variables`, gardé sous leur empreinte (voir le module)."""
    try:
        cle = empreinte(gabarit, variables)
    except SansEmpreinte:
        return get_template(gabarit).render(variables)
    with _verrou:
        garde = _gardes.get(cle)
        if garde is not None:
            _gardes.move_to_end(cle)
            return garde
    with requetes_posees() as posees:
        html = get_template(gabarit).render(variables)
    if not posees:
        _garder(cle, html)
    return html


def _garder(cle, html):
    global _taille
    with _verrou:
        if cle in _gardes:
            return
        _gardes[cle] = html
        _taille += len(html)
        while len(_gardes) > PLAFOND or _taille > PLAFOND_CARACTERES:
            _taille -= len(_gardes.popitem(last=False)[1])


def vider(**_signal):
    """Oublie les morceaux gardés : un gabarit modifié (le serveur de développement recharge les gabarits sans
    redémarrer), les réglages des gabarits changés (les tests)."""
    global _taille
    with _verrou:
        _gardes.clear()
        _taille = 0


file_changed.connect(vider, dispatch_uid="fragments-gabarit-modifie")
setting_changed.connect(vider, dispatch_uid="fragments-reglage-change")
