"""Le fichier en attente entre l'aperçu et la confirmation : côté serveur, dans le cache partagé, sous un jeton lié
à la personne, au protocole et à la sorte de ligne."""

import hashlib
import re
import secrets
from dataclasses import dataclass

from django.core.cache import cache

DUREE_ATTENTE = 3600  # secondes entre l'aperçu et la confirmation
MOTIF_JETON = re.compile(r"^[A-Za-z0-9_-]{20,100}$")


@dataclass
class EnAttente:
    jeton: str
    nom: str
    contenu: bytes
    empreinte: str


def _cle_cache(jeton, utilisateur_id, protocole_id, sorte):
    lien = f"{sorte}|{protocole_id}|{utilisateur_id}|{jeton}"
    return f"importation:{hashlib.sha256(lien.encode()).hexdigest()}"


def garder(nom, contenu, empreinte, *, utilisateur_id, protocole_id, sorte, jeton=None):
    """Met le fichier en attente de confirmation et rend son jeton (le même, s'il est donné : un nouvel aperçu)."""
    jeton = jeton or secrets.token_urlsafe(32)
    attente = EnAttente(jeton, nom, bytes(contenu), empreinte)
    cache.set(_cle_cache(jeton, utilisateur_id, protocole_id, sorte), attente, DUREE_ATTENTE)
    return jeton


def reprendre(jeton, *, utilisateur_id, protocole_id, sorte):
    """Le fichier en attente sous ce jeton pour cette personne, ce protocole et cette sorte ; None s'il a expiré,
    s'il a déjà été confirmé ou s'il est celui d'un autre."""
    if not isinstance(jeton, str) or not MOTIF_JETON.match(jeton):
        return None
    attente = cache.get(_cle_cache(jeton, utilisateur_id, protocole_id, sorte))
    return attente if isinstance(attente, EnAttente) else None


def oublier(jeton, *, utilisateur_id, protocole_id, sorte):
    if isinstance(jeton, str) and MOTIF_JETON.match(jeton):
        cache.delete(_cle_cache(jeton, utilisateur_id, protocole_id, sorte))
