"""La table du cache partagé quand Redis n'est pas configuré (réglage CACHES : DatabaseCache « suivi_cache »).

Posée par la migration plutôt que par `createcachetable`, pour que `migrate` suffise partout : `make run`, la suite
de tests, un déploiement. Sur Redis, elle reste vide."""

from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations

TABLE = "suivi_cache"


def creer(apps, schema_editor):
    commande = CreateCacheTable()
    commande.verbosity = 0
    commande.create_table(schema_editor.connection.alias, TABLE, dry_run=False)


def supprimer(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("protocole", "0006_comite_demenage")]

    operations = [migrations.RunPython(creer, supprimer)]
