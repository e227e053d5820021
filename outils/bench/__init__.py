"""Le banc d'essai (`make bench`) : un jeu de données à l'échelle nationale et des mesures par HTTP contre gunicorn.

- `chargeur` écrit beaucoup de lignes vite (`COPY` sur PostgreSQL, `bulk_create` ailleurs) ;
- `structure` clone le texte signé d'un protocole modèle et crée quartiers, organisations et comptes ;
- `suivi` écrit les actions et leur journal, cohérents comme s'ils venaient de `Action.creer` et `enregistrer` ;
- `jeu` assemble le tout, par lots de protocoles ;
- `mesure` lance gunicorn et mesure (requêtes en série, puis en charge) ;
- `rapport` décrit la machine et met les chiffres en tableau.

La commande `manage.py bench` orchestre : voir docs/benchmarks.md.
"""
