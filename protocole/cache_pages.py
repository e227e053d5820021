"""Le cache des pages : ce qu'une page calcule sur les données d'un protocole (chiffres, grille, graphiques, listes,
rendus en HTML) n'est calculé qu'une fois par version des données.

La clé tient tout ce dont dépend le morceau gardé : le protocole, le nom du morceau, ses paramètres (le périmètre, les
dates « au » et « depuis » résolues, les colonnes, la requête…), la version des données du protocole (jeton et
numéro de `VersionDonnees`, montée dans la transaction de chaque écriture qui change ce qui est montré, admin compris)
et `VERSION_PAGES`. Un morceau qui ne dépend pas de toutes les écritures est gardé sur un autre compteur de
`VersionDonnees` (`compteur`) : ce qui ne lit rien du suivi (les indicateurs d'un tableau de bord) sur
`numero_hors_suivi`, l'état d'un jour passé (un tableau de bord « état au ») sur `numero_passe` ; une nouvelle au
journal en effet aujourd'hui ne les fait pas recalculer. Une donnée changée, et la requête suivante lit une autre
clé : rien de périmé n'est servi, sans rien effacer. Les clés anciennes s'en vont d'elles-mêmes (durée de vie,
plafond d'entrées).

Seul ce qui est le même pour tous les membres du protocole est gardé : l'en-tête, les formulaires (jeton CSRF), les
liens qui dépendent du rôle ou de la personne sont rendus à chaque requête par la vue.

La version est lue avec le rôle de la personne, par le middleware (`ProtocoleCourantMiddleware`, une jointure de plus
dans sa requête) : avant tout calcul, donc un morceau calculé après une écriture n'est jamais rangé sous une version
antérieure à celle-ci. Une requête qui écrit (POST) ne lit ni n'écrit ce cache : elle relirait la version d'avant son
écriture.

Le cache est l'alias `pages` de CACHES : Redis quand REDIS_URL est donné, sinon la table `suivi_cache_pages` de la
base (à part de celle des rapports PDF, pour que les morceaux de pages, nombreux et petits, ne chassent pas les
rapports). Un cache injoignable ne casse pas la page : le morceau est calculé comme sans cache.
"""

import hashlib
import json
import logging

from django.core.cache import caches

logger = logging.getLogger(__name__)

# À monter quand un gabarit ou un calcul gardé change : les morceaux rangés avant ne servent plus.
VERSION_PAGES = "5"
ALIAS = "pages"


COMPTEURS = ("numero", "numero_hors_suivi", "numero_passe")


def version(protocole, compteur="numero"):
    """(jeton, numéro) de la version des données de `protocole`, telle que le middleware l'a lue avec le rôle ; lue
    dans la base si le protocole vient d'ailleurs. `compteur` : l'un des `COMPTEURS` de `VersionDonnees`."""
    from protocole.models import VersionDonnees

    try:
        lue = protocole.version_donnees
    except VersionDonnees.DoesNotExist:
        return (None, 0)
    return (lue.jeton, getattr(lue, compteur))


def cle(protocole, nom, parametres, compteur="numero"):
    if compteur not in COMPTEURS:
        raise ValueError(f"Compteur inconnu : {compteur}")
    jeton, numero = version(protocole, compteur)
    elements = {
        "pages": VERSION_PAGES,
        "protocole": protocole.pk,
        "donnees": [str(jeton) if jeton else None, compteur, numero],
        "nom": nom,
        "parametres": parametres,
    }
    texte = json.dumps(elements, sort_keys=True, default=str)
    return f"{nom}:{hashlib.sha256(texte.encode()).hexdigest()}"


def memoriser(request, nom, parametres, calculer, compteur="numero"):
    """Le résultat de `calculer()` pour (protocole de la requête, `nom`, `parametres`, version des données) : lu dans
    le cache, ou calculé puis rangé. `parametres` : tout ce dont dépend le résultat, hors protocole et version (des
    valeurs que `json` sait écrire). `compteur` : le compteur de `VersionDonnees` que montent toutes les écritures qui
    peuvent changer ce résultat (`numero`, toutes ; voir la classe). Une requête qui n'est pas une lecture calcule
    sans cache."""
    if request.method not in ("GET", "HEAD"):
        return calculer()
    cache = caches[ALIAS]
    la_cle = cle(request.protocole, nom, parametres, compteur)
    try:
        garde = cache.get(la_cle)
    except Exception:  # Redis arrêté, table absente : la page reste juste, elle est seulement calculée
        logger.warning("Cache des pages illisible", exc_info=True)
        garde = None
    if garde is not None:
        return garde
    resultat = calculer()
    try:
        cache.set(la_cle, resultat)
    except Exception:
        logger.warning("Cache des pages : écriture impossible", exc_info=True)
    return resultat
