# Les rapports archivés en ajout seul dans la base : ni UPDATE ni DELETE, quel que soit le chemin.

from django.db import migrations

from protocole import ajout_seul

REFUS = "Un rapport archivé est en ajout seul : il ne se modifie ni ne se supprime. Gelez une nouvelle version."
TABLE = "protocole_rapportarchive"


def poser(apps, schema_editor):
    connexion = schema_editor.connection
    # Une fois par base : la fonction des déclencheurs (PostgreSQL), la table des ouvertures du caviardage (SQLite),
    # dont se servent aussi ceux du journal (engagements 0006).
    ajout_seul.executer(schema_editor, ajout_seul.sql_installer(connexion))
    ajout_seul.executer(schema_editor, ajout_seul.sql_poser(connexion, TABLE, REFUS))


def retirer(apps, schema_editor):
    connexion = schema_editor.connection
    ajout_seul.executer(schema_editor, ajout_seul.sql_retirer(connexion, TABLE))
    ajout_seul.executer(schema_editor, ajout_seul.sql_desinstaller(connexion))


class Migration(migrations.Migration):

    dependencies = [
        ('protocole', '0004_version_donnees'),
    ]

    operations = [
        migrations.RunPython(poser, retirer),
    ]
