"""Les morceaux rendus une fois par contenu (protocole/fragments.py) : mêmes données, même HTML sans nouveau rendu ;
une donnée changée, même sur un objet lié, un nouveau rendu ; ce qui n'a pas d'empreinte sûre est rendu sans être
gardé."""

import pytest
import time_machine
from django import forms

from protocole import fragments
from signataires.models import Appartenance, Organisation
from tests.cache_pages import rendus_pendant
from tests.factories import AppartenanceFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def memoire_vide():
    fragments.vider()
    yield
    fragments.vider()


@pytest.fixture
def rendus():
    """Les noms des gabarits rendus pendant le test."""
    with rendus_pendant() as noms:
        yield noms


GABARIT = "tests/fragment_appartenance.html"


@pytest.fixture(autouse=True)
def gabarit(settings, tmp_path):
    dossier = tmp_path / "tests"
    dossier.mkdir()
    (dossier / "fragment_appartenance.html").write_text(
        "{{ appartenance.organisation.nom }} — {{ appartenance.partie.code }}"
    )
    moteur = {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    settings.TEMPLATES = [moteur, *settings.TEMPLATES[1:]]


def lire(pk):
    """L'appartenance relue avec ce que le gabarit montre, comme le calcul d'un tableau de bord la lirait."""
    return Appartenance.objects.select_related("organisation", "partie").get(pk=pk)


def test_the_same_data_read_again_gives_the_same_html_without_a_second_render(rendus):
    appartenance = AppartenanceFactory(organisation__nom="Ville de Voiron")
    premier = fragments.rendre(GABARIT, {"appartenance": lire(appartenance.pk)})
    second = fragments.rendre(GABARIT, {"appartenance": lire(appartenance.pk)})
    assert premier == second
    assert premier.startswith("Ville de Voiron — ")
    assert rendus.count(GABARIT) == 1


def test_a_change_on_a_related_object_is_rendered_on_the_next_call(rendus):
    appartenance = AppartenanceFactory(organisation__nom="Ville de Voiron")
    fragments.rendre(GABARIT, {"appartenance": lire(appartenance.pk)})
    Organisation.objects.filter(pk=appartenance.organisation_id).update(nom="Commune de Voiron")
    assert fragments.rendre(GABARIT, {"appartenance": lire(appartenance.pk)}).startswith("Commune de Voiron — ")
    assert rendus.count(GABARIT) == 2


def test_a_render_that_reads_the_database_is_not_kept(rendus, django_assert_num_queries):
    """Sans select_related, le gabarit lit l'organisation dans la base : son HTML dépend de plus que l'empreinte."""
    appartenance = AppartenanceFactory(organisation__nom="Ville de Voiron")
    sans_liens = Appartenance.objects.get(pk=appartenance.pk)
    fragments.rendre(GABARIT, {"appartenance": sans_liens})
    Organisation.objects.filter(pk=appartenance.organisation_id).update(nom="Commune de Voiron")
    sans_liens = Appartenance.objects.get(pk=appartenance.pk)
    assert fragments.rendre(GABARIT, {"appartenance": sans_liens}).startswith("Commune de Voiron — ")
    assert rendus.count(GABARIT) == 2


def test_a_form_has_no_safe_fingerprint_and_is_rendered_each_time(rendus):
    class Formulaire(forms.Form):
        nom = forms.CharField()

    appartenance = lire(AppartenanceFactory().pk)
    for _ in range(2):
        fragments.rendre(GABARIT, {"appartenance": appartenance, "formulaire": Formulaire()})
    assert rendus.count(GABARIT) == 2


def test_the_day_is_part_of_the_fingerprint(rendus):
    """Un gabarit peut comparer une date à aujourd'hui (« en retard », « après l'échéance ») : le lendemain, le
    morceau est rendu à nouveau."""
    appartenance = lire(AppartenanceFactory().pk)
    with time_machine.travel("2026-03-01 12:00 +01:00", tick=False):
        fragments.rendre(GABARIT, {"appartenance": appartenance})
        fragments.rendre(GABARIT, {"appartenance": appartenance})
    with time_machine.travel("2026-03-02 12:00 +01:00", tick=False):
        fragments.rendre(GABARIT, {"appartenance": appartenance})
    assert rendus.count(GABARIT) == 2


def test_the_memory_keeps_at_most_its_ceiling(monkeypatch):
    monkeypatch.setattr(fragments, "PLAFOND", 3)
    for numero in range(5):
        fragments.rendre(GABARIT, {"appartenance": lire(AppartenanceFactory(organisation=OrganisationFactory()).pk)})
        assert len(fragments._gardes) == min(numero + 1, 3)


def test_the_memory_keeps_at_most_its_ceiling_in_characters(monkeypatch):
    monkeypatch.setattr(fragments, "PLAFOND_CARACTERES", 70)
    for _ in range(4):
        html = fragments.rendre(
            GABARIT, {"appartenance": lire(AppartenanceFactory(organisation=OrganisationFactory()).pk)}
        )
    assert sum(len(garde) for garde in fragments._gardes.values()) <= 70
    assert list(fragments._gardes.values())[-1] == html


def test_a_queryset_and_a_list_of_the_same_objects_do_not_share_a_fingerprint():
    AppartenanceFactory()
    lues = Appartenance.objects.all()
    liste = list(lues)
    assert fragments.empreinte(GABARIT, {"x": lues}) != fragments.empreinte(GABARIT, {"x": liste})


def test_changed_template_settings_forget_the_parts(settings):
    fragments.rendre(GABARIT, {"appartenance": lire(AppartenanceFactory().pk)})
    assert fragments._gardes
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "OPTIONS": {**settings.TEMPLATES[0]["OPTIONS"], "debug": True}}]
    assert not fragments._gardes
