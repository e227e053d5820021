"""La table du cache des pages quand Redis n'est pas configuré (réglage CACHES : DatabaseCache « suivi_cache_pages »,
les morceaux de pages gardés par version des données, protocole/cache_pages.py). Comme 0007, posée par la migration
pour que `migrate` suffise partout. Sur Redis, elle reste vide."""

from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations

TABLE = "suivi_cache_pages"


def creer(apps, schema_editor):
    commande = CreateCacheTable()
    commande.verbosity = 0
    commande.create_table(schema_editor.connection.alias, TABLE, dry_run=False)


def supprimer(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("protocole", "0008_echeance_effective")]

    operations = [migrations.RunPython(creer, supprimer)]
