"""Les accords du français que le code doit faire lui-même, là où un nom vient des données."""

VOYELLES = "aeiouyàâäéèêëîïôöùûüœæh"


def de(nom):
    """« de » devant un nom, élidé devant une voyelle ou un h : « Visa de l'État », « de la CAF » reste à écrire
    par qui connaît l'article."""
    nom = str(nom)
    return f"de l'{nom}" if nom[:1].lower() in VOYELLES else f"de {nom}"
