"""Les requêtes construites et compilées une fois (protocole/compilees.py) : la même clé ne construit ni ne compile
à nouveau, mais chaque appel interroge la base et rend ses lignes d'aujourd'hui, lues comme Django les lit (objets,
select_related, prefetch_related, values) ; une autre clé ou un autre jour, une autre requête."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.db.models import Prefetch
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from protocole import compilees
from signataires.models import Appartenance, Organisation
from tests.factories import AppartenanceFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def compilations(monkeypatch):
    """Le nombre de compilations de requêtes (sous-requêtes comprises) pendant le test."""
    compte = []
    original = SQLCompiler.as_sql

    def compter(self, *args, **kwargs):
        compte.append(self.query.model)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(SQLCompiler, "as_sql", compter)
    return compte


def construite(qs):
    """`construire` qui compte ses appels."""
    appels = []

    def construire():
        appels.append(1)
        return qs()

    construire.appels = appels
    return construire


def organisations():
    return Organisation.objects.filter(nom__startswith="Ville").order_by("nom")


def test_the_same_key_builds_and_compiles_once_but_reads_the_rows_of_today(compilations):
    OrganisationFactory(nom="Ville de Voiron")
    construire = construite(organisations)
    premiere = compilees.lire("villes", construire)
    OrganisationFactory(nom="Ville de Voreppe")
    compilations.clear()
    with CaptureQueriesContext(connection) as requetes:
        seconde = compilees.lire("villes", construire)
    assert [o.nom for o in premiere] == ["Ville de Voiron"]
    assert [o.nom for o in seconde] == ["Ville de Voiron", "Ville de Voreppe"]
    assert len(construire.appels) == 1
    assert compilations == []
    assert len(requetes) == 1


def test_another_key_or_another_day_builds_the_query_again():
    construire = construite(organisations)
    compilees.lire("villes", construire)
    compilees.lire("autres villes", construire)
    assert len(construire.appels) == 2
    with time_machine.travel(timezone.now() + datetime.timedelta(days=1)):
        compilees.lire("villes", construire)
    assert len(construire.appels) == 3


def test_objects_come_with_what_select_related_and_prefetch_related_attached(django_assert_num_queries):
    appartenance = AppartenanceFactory(organisation__nom="Ville de Voiron")

    def construire():
        return Appartenance.objects.select_related("organisation", "partie").order_by("pk")

    def construire_organisations():
        parties = Prefetch("appartenances", queryset=Appartenance.objects.select_related("partie"))
        return Organisation.objects.filter(pk=appartenance.organisation_id).prefetch_related(parties)

    for _ in range(2):
        with django_assert_num_queries(1):
            lues = compilees.lire("appartenances", construire)
            assert [(a.organisation.nom, a.partie.code) for a in lues] == [
                ("Ville de Voiron", appartenance.partie.code)
            ]
        with django_assert_num_queries(2):
            (organisation,) = compilees.lire("organisations", construire_organisations)
            assert [a.partie.code for a in organisation.appartenances.all()] == [appartenance.partie.code]


def test_values_and_flat_values_list_give_what_django_gives():
    OrganisationFactory(nom="Ville de Voiron", sigle="VV")
    for _ in range(2):
        assert compilees.lire("valeurs", lambda: organisations().values("nom", "sigle")) == [
            {"nom": "Ville de Voiron", "sigle": "VV"}
        ]
        assert compilees.lire("noms", lambda: organisations().values_list("nom", flat=True)) == ["Ville de Voiron"]


def test_a_query_django_knows_empty_asks_nothing_of_the_database(django_assert_num_queries):
    for _ in range(2):
        with django_assert_num_queries(0):
            assert compilees.lire("vide", lambda: Organisation.objects.filter(pk__in=[])) == []


def test_the_oldest_keys_leave_past_the_cap(monkeypatch):
    monkeypatch.setattr(compilees, "PLAFOND", 2)
    construire = construite(organisations)
    for cle in ("a", "b", "c"):
        compilees.lire(cle, construire)
    compilees.lire("c", construire)
    compilees.lire("a", construire)
    assert len(construire.appels) == 4  # « a » était sorti, « c » non


def test_changed_settings_forget_the_queries(settings):
    construire = construite(organisations)
    compilees.lire("villes", construire)
    settings.DEBUG = not settings.DEBUG
    compilees.lire("villes", construire)
    assert len(construire.appels) == 2


def test_a_construction_that_reads_the_database_is_not_kept():
    OrganisationFactory(nom="Ville de Voiron")
    construire = construite(
        lambda: Organisation.objects.filter(pk__in=list(organisations().values_list("pk", flat=True)))
    )
    assert [o.nom for o in compilees.lire("lue", construire)] == ["Ville de Voiron"]
    OrganisationFactory(nom="Ville de Voreppe")
    assert [o.nom for o in compilees.lire("lue", construire)] == ["Ville de Voiron", "Ville de Voreppe"]
    assert len(construire.appels) == 2


def test_two_places_with_the_same_key_do_not_share_a_query():
    OrganisationFactory(nom="Ville de Voiron", sigle="VV")
    assert compilees.lire("meme cle", lambda: organisations().values_list("nom", flat=True)) == ["Ville de Voiron"]
    assert compilees.lire("meme cle", lambda: organisations().values_list("sigle", flat=True)) == ["VV"]


def test_what_is_read_later_holds_nothing_of_the_request_that_built_the_query():
    appartenance = AppartenanceFactory()
    premiere = Organisation.objects.get(pk=appartenance.organisation_id)
    compilees.lire("appartenances", lambda: premiere.appartenances.all())
    premiere.nom = "Nom d'une autre requête, jamais enregistré"
    (relue,) = compilees.lire("appartenances", lambda: premiere.appartenances.all())
    assert "organisation" not in relue._state.fields_cache
    assert relue.organisation.nom != premiere.nom
