"""Les tables en ajout seul (le journal, les rapports archivés) : des déclencheurs refusent UPDATE et DELETE dans la
base elle-même, sur PostgreSQL comme sur SQLite, quel que soit le chemin (`_base_manager`, `update()`, SQL brut).

Le code refusait déjà ces écritures ; la base refuse aussi celles qui le contournent. Les migrations posent les
déclencheurs avec `sql_poser` : une migration qui reconstruit plus tard l'une de ces tables sous SQLite (ce que fait
Django pour presque tout changement de colonne) les emporte avec l'ancienne table et doit les reposer, ce que
`tests/protocole/test_ajout_seul.py` vérifie au bout de la chaîne des migrations.

Un seul chemin étroit, pour le droit à l'effacement (RGPD) : `caviarder` réécrit la colonne déclarée caviardable
(le commentaire d'une entrée du journal) d'une seule ligne, et rien d'autre. Le déclencheur le laisse passer quand la
transaction l'a ouvert pour cette ligne-là — sur PostgreSQL un réglage local à la transaction, `suivi.caviardage`
(`set_config(…, true)`) ; sur SQLite, qui n'a pas de réglage de session, une ligne dans la table
`suivi_caviardage_ouvert`, écrite et effacée dans la même transaction — et que toutes les autres colonnes restent
égales. Aucune suppression n'est jamais permise. Seule la commande `caviarder_commentaire` l'emprunte.

Le vidage d'une base (`flush`, après chaque test transactionnel) : TRUNCATE sur PostgreSQL, que les déclencheurs
par ligne ne voient pas ; sur SQLite, des DELETE, que le moteur `protocole.db.sqlite3` encadre en retirant puis en
reposant les déclencheurs. Voir docs/architecture.md.
"""

from django.db import connection, transaction

FONCTION = "suivi_ajout_seul"
REGLAGE = "suivi.caviardage"
OUVERTURES = "suivi_caviardage_ouvert"


def _litteral(texte):
    return "'" + texte.replace("'", "''") + "'"


def _nom(table, suffixe=""):
    return f"{table}_ajout_seul{suffixe}"


def sql_installer(connexion):
    """Ce dont les déclencheurs ont besoin, une fois par base : la fonction qui refuse (PostgreSQL), la table des
    ouvertures du chemin étroit (SQLite)."""
    if connexion.vendor == "postgresql":
        # Arguments du déclencheur : le message du refus, puis, s'il y en a une, la colonne caviardable.
        return [
            f"""CREATE OR REPLACE FUNCTION {FONCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND TG_NARGS > 1
       AND current_setting('{REGLAGE}', true) = TG_TABLE_NAME || ':' || OLD.id
       AND (to_jsonb(OLD) - TG_ARGV[1]) = (to_jsonb(NEW) - TG_ARGV[1]) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION USING ERRCODE = 'restrict_violation', MESSAGE = TG_ARGV[0];
END
$$"""
        ]
    return [f"CREATE TABLE IF NOT EXISTS {OUVERTURES} (nom_table text NOT NULL, ligne integer NOT NULL)"]


def sql_desinstaller(connexion):
    if connexion.vendor == "postgresql":
        return [f"DROP FUNCTION IF EXISTS {FONCTION}()"]
    return [f"DROP TABLE IF EXISTS {OUVERTURES}"]


def sql_poser(connexion, table, message, caviardable=None):
    """Les déclencheurs qui refusent UPDATE et DELETE sur `table` avec `message`. `caviardable` : la colonne que
    `caviarder` peut réécrire, seule, sur la ligne qu'il a ouverte.

    Sous SQLite, la comparaison des autres colonnes les nomme une à une, telles que la table les a au moment de la
    pose : une colonne ajoutée plus tard demande de reposer les déclencheurs (le test des colonnes le rappelle)."""
    nom = connexion.ops.quote_name
    if connexion.vendor == "postgresql":
        arguments = ", ".join(_litteral(a) for a in (message, caviardable) if a)
        return [
            f"CREATE TRIGGER {nom(_nom(table))} BEFORE UPDATE OR DELETE ON {nom(table)} "
            f"FOR EACH ROW EXECUTE FUNCTION {FONCTION}({arguments})"
        ]
    refus = f"BEGIN SELECT RAISE(ABORT, {_litteral(message)}); END"
    quand = ""
    if caviardable:
        with connexion.cursor() as curseur:
            colonnes = [c.name for c in connexion.introspection.get_table_description(curseur, table)]
        egales = " AND ".join(f"OLD.{nom(c)} IS NEW.{nom(c)}" for c in colonnes if c != caviardable)
        ouverte = f"EXISTS (SELECT 1 FROM {OUVERTURES} WHERE nom_table = {_litteral(table)} AND ligne = OLD.id)"
        quand = f"WHEN NOT ({ouverte} AND {egales}) "
    return [
        f"CREATE TRIGGER {nom(_nom(table, '_modification'))} BEFORE UPDATE ON {nom(table)} FOR EACH ROW {quand}{refus}",
        f"CREATE TRIGGER {nom(_nom(table, '_suppression'))} BEFORE DELETE ON {nom(table)} FOR EACH ROW {refus}",
    ]


def sql_retirer(connexion, table):
    nom = connexion.ops.quote_name
    if connexion.vendor == "postgresql":
        return [f"DROP TRIGGER IF EXISTS {nom(_nom(table))} ON {nom(table)}"]
    return [f"DROP TRIGGER IF EXISTS {nom(_nom(table, suffixe))}" for suffixe in ("_modification", "_suppression")]


def executer(schema_editor, requetes):
    """Dans une migration (RunPython) : passe les requêtes sans paramètres (aucun `%` n'y est interprété)."""
    for requete in requetes:
        schema_editor.execute(requete, params=None)


def caviarder(modele, pk, colonne, valeur):
    """Le chemin étroit : réécrit `colonne` de la ligne `pk` de `modele`, dans la transaction en cours, et le
    referme aussitôt. Le déclencheur refuse tout ce qui n'est pas la colonne caviardable de cette ligne-là.

    Le chemin n'est ouvert que pendant cette écriture : même dans la transaction qui l'a ouvert (un test, une
    commande qui enchaîne), l'écriture suivante est de nouveau refusée. Rien n'est journalisé ici : c'est à
    l'appelant de dire qui, quand et quelle ligne (`caviarder_commentaire`)."""
    table = modele._meta.db_table
    # Dans une transaction, même appelé hors de toute : un refus annule aussi l'ouverture (sans quoi, sous SQLite, la
    # ligne d'ouverture resterait écrite), et sur PostgreSQL le réglage local vaut jusqu'à la fin de la transaction.
    with transaction.atomic(), connection.cursor() as curseur:
        if connection.vendor == "postgresql":
            curseur.execute("SELECT set_config(%s, %s, true)", [REGLAGE, f"{table}:{pk}"])
        else:
            curseur.execute(f"INSERT INTO {OUVERTURES} (nom_table, ligne) VALUES (%s, %s)", [table, pk])
        modele._base_manager.filter(pk=pk).update(**{colonne: valeur})
        if connection.vendor == "postgresql":
            curseur.execute("SELECT set_config(%s, '', true)", [REGLAGE])
        else:
            curseur.execute(f"DELETE FROM {OUVERTURES} WHERE nom_table = %s AND ligne = %s", [table, pk])
