"""Le cache des rapports rendus : un second téléchargement des mêmes données ne rend rien.

La clé tient tout ce dont dépend le contenu : le protocole, le périmètre, les dates résolues, la réunion, la version
des données du protocole (`VersionDonnees`, montée par chaque entrée du journal, chaque changement du comité, chaque
correction des données de référence, dans la même transaction) et `RAPPORT_VERSION`.

Le cache est celui de Django, partagé par tous les processus et toutes les machines : Redis quand REDIS_URL est
donné, la table `suivi_cache` de la base sinon (réglage CACHES). Les clés anciennes ne servent plus et s'effacent
d'elles-mêmes (durée de vie, plafond d'entrées).

La date « généré le » imprimée sur la couverture est celle du premier rendu : les téléchargements suivants des mêmes
données reçoivent ce même fichier, dont le contenu est exact et dont la date dit quand il a été calculé.
"""

import hashlib
import json
import logging

from django.core.cache import cache as cache_partage

from protocole.models import VersionDonnees

logger = logging.getLogger(__name__)

# À monter quand le gabarit, la feuille ou le calcul du contenu changent : les anciens fichiers ne servent plus.
# 2 : la liste « sans nouvelles », et les chiffres lus dans engagements.tableaux.
# 3 : la clé prend la version des données.
# 4 : la note au comité et son annexe ; PDF balisé.
RAPPORT_VERSION = "5"  # 5 : les indicateurs en annexe
PREFIXE = "rapport-pdf:"


def portee(perimetre):
    """(sorte, identifiant) du périmètre."""
    if perimetre.quartier is not None:
        return ("quartier", perimetre.quartier.pk)
    if perimetre.organisation is not None:
        return ("organisation", perimetre.organisation.pk)
    if perimetre.engagement is not None:
        return ("engagement", perimetre.engagement)
    return ("protocole", None)


def cle(perimetre, au, depuis, reunion=None, genere_le=None, annexe=True, gel=None, textes=None):
    """Une requête. `genere_le` n'entre dans la clé que s'il est imposé : il est alors imprimé tel quel. `textes` :
    la réunion dont la note imprime les textes de la coordination (leur contenu suit la version des données)."""
    protocole = perimetre.protocole
    jeton, numero = VersionDonnees.lire(protocole)
    elements = {
        "version": RAPPORT_VERSION,
        "protocole": protocole.pk,
        "perimetre": portee(perimetre),
        "au": au.isoformat(),
        "depuis": depuis.isoformat(),
        "reunion": _reunion(reunion),
        "donnees": [str(jeton) if jeton else None, numero],
        "genere_le": _iso(genere_le),
        "annexe": annexe,
        "gel": gel.cle() if gel else None,
        "textes": textes.pk if textes else None,
    }
    return hashlib.sha256(json.dumps(elements, sort_keys=True).encode()).hexdigest()


def lire(cle):
    """Les octets du rapport rangé sous `cle`, ou None (absent, ou cache injoignable : on rendra de nouveau)."""
    try:
        return cache_partage.get(PREFIXE + cle)
    except Exception:  # Redis arrêté, table absente : le rapport reste juste, il est seulement rendu de nouveau
        logger.warning("Cache des rapports illisible", exc_info=True)
        return None


def ecrire(cle, pdf):
    """Range le rapport complet sous `cle`, d'une seule écriture (SET de Redis, une ligne de la base dans sa
    transaction) : un rendu interrompu n'a rien écrit, deux rendus simultanés ne laissent pas un fichier coupé.
    Lève l'erreur du cache s'il est injoignable."""
    cache_partage.set(PREFIXE + cle, pdf)


def present(cle):
    try:
        return cache_partage.has_key(PREFIXE + cle)
    except Exception:
        return False


def _reunion(reunion):
    if reunion is None:
        return None
    return [reunion.pk, reunion.date.isoformat(), reunion.titre, reunion.participants]


def _iso(moment):
    return moment.isoformat() if moment else None
