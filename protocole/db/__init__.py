"""Ce qui touche aux connexions à la base : le moteur SQLite du projet (`protocole.db.sqlite3`) et
`requetes_posees`, qui dit si un morceau de code a interrogé la base."""

from contextlib import ExitStack, contextmanager

from django.db import connections


@contextmanager
def requetes_posees():
    """Le temps du bloc, le SQL de chaque requête posée sur l'une des connexions de ce fil, dans la liste rendue.
    Sert ce qui n'est gardé que s'il ne dépend pas de la base : un morceau de page rendu (`protocole.fragments`),
    une requête construite (`protocole.compilees`)."""
    posees = []

    def noter(execute, sql, params, many, context):
        posees.append(sql)
        return execute(sql, params, many, context)

    with ExitStack() as pile:
        for connexion in connections.all():
            pile.enter_context(connexion.execute_wrapper(noter))
        yield posees
