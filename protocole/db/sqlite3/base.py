"""Le moteur SQLite de Django, à une chose près : vider la base (`flush`) retire puis repose ses déclencheurs.

Les tables en ajout seul (`protocole.ajout_seul`) refusent DELETE. Sur PostgreSQL, `flush` passe par TRUNCATE, que
les déclencheurs par ligne ne voient pas ; sur SQLite, il passe par DELETE FROM, qu'ils refuseraient. Or la suite
vide la base après chaque test transactionnel (parcours navigateur compris). Le vidage retire donc chaque
déclencheur, vide les tables et repose chaque déclencheur tel que la base le tenait (son texte dans
`sqlite_master`), dans la même transaction : il n'ouvre aucun chemin à l'application, qui n'emploie jamais `flush`,
et ne dépend pas de la liste des tables protégées. Choisi dans les réglages pour toute base SQLite.
"""

from django.db.backends.sqlite3 import base, operations


class DatabaseOperations(operations.DatabaseOperations):
    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        requetes = super().sql_flush(style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        if not requetes:
            return requetes
        with self.connection.cursor() as curseur:
            curseur.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name")
            declencheurs = curseur.fetchall()
        retirer = [f"DROP TRIGGER {self.quote_name(nom)};" for nom, _sql in declencheurs]
        return retirer + requetes + [f"{sql};" for _nom, sql in declencheurs]


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
