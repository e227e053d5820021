"""Le comité de pilotage, venu de `protocole` : ses modèles entrent dans l'état de `comite` avec leurs tables d'avant
(`db_table`), sans qu'aucune ligne ne bouge ; les types de contenu et les permissions suivent (renommés, pas
recréés : les groupes et les droits déjà accordés restent valables)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


MODELES = ["reunion", "decision", "rapportarchive", "visa"]


def renommer_types_de_contenu(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for modele in MODELES:
        if not ContentType.objects.filter(app_label="comite", model=modele).exists():
            ContentType.objects.filter(app_label="protocole", model=modele).update(app_label="comite")


def rendre_types_de_contenu(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for modele in MODELES:
        if not ContentType.objects.filter(app_label="protocole", model=modele).exists():
            ContentType.objects.filter(app_label="comite", model=modele).update(app_label="protocole")



class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('engagements', '0006_journal_en_ajout_seul'),
        ('protocole', '0006_comite_demenage'),
        ('signataires', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Reunion',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('date', models.DateField(verbose_name='date')),
                        ('titre', models.CharField(max_length=200, verbose_name='titre')),
                        ('participants', models.TextField(blank=True, help_text='Texte libre : qui était présent.', verbose_name='participants')),
                        ('cree_le', models.DateTimeField(auto_now_add=True, verbose_name='créée le')),
                        ('protocole', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='reunions', to='protocole.protocole')),
                    ],
                    options={
                        'verbose_name': 'réunion du comité de pilotage',
                        'verbose_name_plural': 'réunions du comité de pilotage',
                        'db_table': 'protocole_reunion',
                        'ordering': ['-date', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='RapportArchive',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('version', models.PositiveSmallIntegerField(verbose_name='version')),
                        ('contenu', models.BinaryField(verbose_name='fichier PDF')),
                        ('sha256', models.CharField(editable=False, max_length=64, verbose_name='empreinte SHA-256')),
                        ('taille', models.PositiveIntegerField(editable=False, verbose_name='taille (octets)')),
                        ('au', models.DateField(verbose_name='état au')),
                        ('depuis', models.DateField(verbose_name='évolutions depuis')),
                        ('motif', models.TextField(blank=True, help_text="Pour une nouvelle version : ce qu'elle corrige.", verbose_name='motif')),
                        ('gele_le', models.DateTimeField(auto_now_add=True, verbose_name='gelé le')),
                        ('gele_par', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='gelé par')),
                        ('reunion', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='archives', to='comite.reunion')),
                    ],
                    options={
                        'verbose_name': 'rapport archivé',
                        'verbose_name_plural': 'rapports archivés',
                        'db_table': 'protocole_rapportarchive',
                        'ordering': ['reunion', 'version'],
                    },
                ),
                migrations.CreateModel(
                    name='Decision',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('texte', models.TextField(verbose_name='décision')),
                        ('echeance', models.DateField(blank=True, null=True, verbose_name='échéance')),
                        ('suivi', models.CharField(choices=[('a_faire', 'à faire'), ('en_cours', 'en cours'), ('faite', 'faite'), ('abandonnee', 'abandonnée')], default='a_faire', max_length=10, verbose_name='suivi')),
                        ('commentaire_suivi', models.TextField(blank=True, verbose_name='où en est-on')),
                        ('modifiee_le', models.DateTimeField(auto_now=True, verbose_name='modifiée le')),
                        ('actions', models.ManyToManyField(blank=True, related_name='decisions', to='engagements.action', verbose_name='actions concernées')),
                        ('obligations', models.ManyToManyField(blank=True, related_name='decisions', to='engagements.obligation', verbose_name='obligations concernées')),
                        ('responsable', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='decisions', to='signataires.organisation', verbose_name='responsable')),
                        ('reunion', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='decisions', to='comite.reunion')),
                    ],
                    options={
                        'verbose_name': 'décision du comité',
                        'verbose_name_plural': 'décisions du comité',
                        'db_table': 'protocole_decision',
                        'ordering': ['reunion', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='Visa',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('vise_le', models.DateTimeField(auto_now_add=True, verbose_name='visé le')),
                        ('archive', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='visas', to='comite.rapportarchive')),
                        ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='visas', to='signataires.organisation')),
                        ('utilisateur', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'visa',
                        'db_table': 'protocole_visa',
                        'ordering': ['archive', 'organisation__nom'],
                    },
                ),
                migrations.AddIndex(
                    model_name='reunion',
                    index=models.Index(fields=['protocole', 'date'], name='reunion_protocole_date'),
                ),
                migrations.AddConstraint(
                    model_name='rapportarchive',
                    constraint=models.UniqueConstraint(fields=('reunion', 'version'), name='archive_unique_version'),
                ),
                migrations.AddConstraint(
                    model_name='visa',
                    constraint=models.UniqueConstraint(fields=('archive', 'organisation'), name='visa_unique_organisation'),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(renommer_types_de_contenu, rendre_types_de_contenu),
    ]
