"""Les fixtures du protocole, construites depuis la transcription du texte signé (docs/source/) par
`manage.py construire_fixtures` : `texte` lit la source et en fait la fixture du texte signé, `referentiel` tient les
données de référence (organisations, appartenances, représentations, quartiers) et en fait la leur."""

PROTOCOLE = "pays-voironnais"
