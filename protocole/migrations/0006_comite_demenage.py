"""Le comité de pilotage déménage dans l'application `comite` : ses modèles quittent l'état de `protocole`, ses tables
restent où elles sont (voir comite/migrations/0001_initial.py, qui les reprend sous le même nom)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('protocole', '0005_archives_gelees'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='rapportarchive',
                    name='gele_par',
                ),
                migrations.RemoveField(
                    model_name='rapportarchive',
                    name='reunion',
                ),
                migrations.RemoveField(
                    model_name='visa',
                    name='archive',
                ),
                migrations.RemoveField(
                    model_name='reunion',
                    name='protocole',
                ),
                migrations.RemoveField(
                    model_name='visa',
                    name='organisation',
                ),
                migrations.RemoveField(
                    model_name='visa',
                    name='utilisateur',
                ),
                migrations.DeleteModel(
                    name='Decision',
                ),
                migrations.DeleteModel(
                    name='RapportArchive',
                ),
                migrations.DeleteModel(
                    name='Reunion',
                ),
                migrations.DeleteModel(
                    name='Visa',
                ),
            ],
            database_operations=[],
        ),
    ]
