"""Le générateur d'historiques synthétiques, seul pour `manage.py demo` et pour le banc d'essai.

- `plan` : ce qu'est une histoire (une action et ses événements) et le contexte d'un protocole, en identifiants ;
- `parcours` : tirer les histoires et les verdicts d'un protocole ;
- `calendrier` : les dater par rapport au jour du passage ;
- `ecriture` : les écrire par `Action.creer`, `Action.enregistrer` et `Verdict.donner`, comme l'interface.

Le banc écrit les mêmes histoires par lots (`outils.bench.suivi.Ecrivain`), et un test compare ses lignes avec celles
d'`ecriture` (tests/outils/test_historiques.py).
"""
