"""Le comité de pilotage a quitté `protocole` pour `comite` sans perdre une ligne : une base peuplée au schéma d'avant,
migrée vers le nouveau, retrouve chaque réunion, décision, archive et visa, et l'empreinte de chaque archive."""

import hashlib

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from comite.models import Decision, RapportArchive, Reunion, Visa

AVANT = [("protocole", "0005_archives_gelees"), ("comite", None), ("signataires", "0002_demandes_reinitialisation")]


def migrer(cibles):
    executeur = MigrationExecutor(connection)
    executeur.migrate(cibles)
    executeur.loader.build_graph()
    return executeur


@pytest.mark.django_db(transaction=True)
def test_a_populated_database_moves_to_the_committee_app_with_every_row_and_archive_intact():
    executeur = migrer(AVANT)
    anciennes = executeur.loader.project_state([AVANT[0]]).apps
    type_reunion = ContentType.objects.get(app_label="protocole", model="reunion")
    droit = Permission.objects.get(content_type=type_reunion, codename="add_reunion")

    protocole = anciennes.get_model("protocole", "Protocole").objects.create(
        slug="demenagement",
        titre="Protocole",
        intitule_contrat="Contrat",
        territoire="Ici",
        annee_debut=2015,
        annee_fin=2022,
    )
    organisation = anciennes.get_model("signataires", "Organisation").objects.create(slug="ville", nom="Ville")
    utilisateur = anciennes.get_model("signataires", "Utilisateur").objects.create(username="coordination")
    reunion = anciennes.get_model("protocole", "Reunion").objects.create(
        protocole=protocole, date="2024-03-01", titre="Comité de printemps", participants="Tous"
    )
    decision = anciennes.get_model("protocole", "Decision").objects.create(
        reunion=reunion, texte="Relancer les bailleurs", responsable=organisation, echeance="2024-06-30"
    )
    contenus = [b"%PDF-1.7 version 1", b"%PDF-1.7 version 2, corrigee"]
    archives = [
        anciennes.get_model("protocole", "RapportArchive").objects.create(
            reunion=reunion,
            version=n,
            contenu=contenu,
            sha256=hashlib.sha256(contenu).hexdigest(),
            taille=len(contenu),
            au="2024-03-01",
            depuis="2023-09-01",
            gele_par=utilisateur,
            motif=f"v{n}",
        )
        for n, contenu in enumerate(contenus, start=1)
    ]
    visa = anciennes.get_model("protocole", "Visa").objects.create(
        archive=archives[0], organisation=organisation, utilisateur=utilisateur
    )

    migrer(executeur.loader.graph.leaf_nodes())

    assert Reunion.objects.get(pk=reunion.pk).titre == "Comité de printemps"
    assert Decision.objects.get(pk=decision.pk).responsable_id == organisation.pk
    assert [(a.pk, a.version, a.intact()) for a in RapportArchive.objects.order_by("version")] == [
        (archives[0].pk, 1, True),
        (archives[1].pk, 2, True),
    ]
    assert [bytes(a.contenu) for a in RapportArchive.objects.order_by("version")] == contenus
    assert Visa.objects.get(pk=visa.pk).archive_id == archives[0].pk
    # Le type de contenu est renommé, pas recréé : le droit déjà accordé est le même.
    assert ContentType.objects.get_for_model(Reunion).pk == type_reunion.pk
    assert Permission.objects.get(content_type__app_label="comite", codename="add_reunion").pk == droit.pk
    assert not ContentType.objects.filter(app_label="protocole", model__in=["reunion", "visa"]).exists()
