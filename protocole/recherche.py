"""La forme cherchable d'un texte : sans accents ni majuscules, la même sur SQLite et PostgreSQL.

La normalisation se fait en Python, pas dans la base : SQLite ne sait ni retirer les accents ni mettre en minuscules
hors de l'ASCII, et `unaccent` de PostgreSQL suit ses propres règles. Le texte gardé pour la recherche
(`engagements.models.recherche`) et les mots cherchés passent par la même fonction ; la base ne fait plus qu'un
`LIKE` sur des textes déjà normalisés, qui répond de même sur les deux.
"""

import unicodedata

# Ce que NFKD ne décompose pas : les ligatures du français et l'apostrophe typographique.
REMPLACEMENTS = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "’": "'", "ʼ": "'"})


def normaliser(texte):
    """« Décrochage scolaire à la BRUNETIÈRE » → « decrochage scolaire a la brunetiere » : casefold (« ß » →
    « ss »), NFKD, marques diacritiques retirées."""
    decompose = unicodedata.normalize("NFKD", (texte or "").translate(REMPLACEMENTS).casefold())
    return "".join(c for c in decompose if not unicodedata.combining(c))


def mots(requete):
    """Les mots d'une requête, normalisés ; chacun doit se trouver dans le texte cherché."""
    return normaliser(requete).split()
