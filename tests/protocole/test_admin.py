"""L'administration : le texte signé s'y lit sans s'y modifier ; le référentiel s'y corrige, en français."""

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains

from engagements.models import Obligation
from signataires.models import Appartenance
from tests.factories import (
    AppartenanceFactory,
    ObligationFactory,
    PartieFactory,
    QuartierFactory,
    UtilisateurFactory,
)
from tests.factories_suivi import IndicateurFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UtilisateurFactory(is_staff=True, is_superuser=True))
    return client


def test_the_signed_text_is_read_only_in_the_admin(admin_client):
    obligation = ObligationFactory(texte="Développer l'apprentissage.")
    url = reverse("admin:engagements_obligation_change", args=[obligation.pk])
    page = admin_client.get(url)
    assertContains(page, "Développer l&#x27;apprentissage.")
    assert b'name="texte"' not in page.content
    assert admin_client.post(url, {"texte": "Texte réécrit"}).status_code == 403
    assert Obligation.objects.get(pk=obligation.pk).texte == "Développer l'apprentissage."
    assert admin_client.get(reverse("admin:engagements_obligation_add")).status_code == 403
    assert admin_client.post(reverse("admin:engagements_obligation_delete", args=[obligation.pk])).status_code == 403


def test_reference_data_is_editable_in_french_with_search_and_filters(admin_client):
    appartenance = AppartenanceFactory(enoncee_par_le_texte=False)
    liste = admin_client.get(reverse("admin:signataires_appartenance_changelist"), {"q": appartenance.organisation.nom})
    assertContains(liste, "énoncée par le texte")
    assertContains(liste, appartenance.organisation.nom)
    url = reverse("admin:signataires_appartenance_change", args=[appartenance.pk])
    reponse = admin_client.post(
        url,
        {"partie": appartenance.partie.pk, "organisation": appartenance.organisation.pk, "enoncee_par_le_texte": "on"},
    )
    assert reponse.status_code == 302
    assert Appartenance.objects.get(pk=appartenance.pk).enoncee_par_le_texte


def test_a_quartier_official_code_and_population_can_be_filled_in_the_admin(admin_client):
    quartier = QuartierFactory(nom="Brunetière", commune="Voiron")
    page = admin_client.get(reverse("admin:protocole_quartier_change", args=[quartier.pk]))
    assertContains(page, "Code officiel")
    assertContains(page, "Population")
    assertContains(admin_client.get(reverse("admin:protocole_quartier_changelist")), "Filtre")


def test_a_membership_or_an_indicator_does_not_move_to_another_protocol_in_the_admin(admin_client):
    """Déplacée, l'appartenance (ou l'indicateur) ne monterait que la version des données du protocole d'arrivée :
    l'ancien garderait ses pages en cache. La partie d'une appartenance et le protocole d'un indicateur se lisent
    sans se modifier ; à la création, ils se choisissent."""
    appartenance = AppartenanceFactory()
    autre = PartieFactory()
    url = reverse("admin:signataires_appartenance_change", args=[appartenance.pk])
    assert b'name="partie"' not in admin_client.get(url).content
    admin_client.post(url, {"partie": autre.pk, "organisation": appartenance.organisation.pk})
    assert Appartenance.objects.get(pk=appartenance.pk).partie_id == appartenance.partie_id
    assert b'name="partie"' in admin_client.get(reverse("admin:signataires_appartenance_add")).content
    indicateur = IndicateurFactory()
    page = admin_client.get(reverse("admin:engagements_indicateur_change", args=[indicateur.pk]))
    assert b'name="protocole"' not in page.content
    assert b'name="protocole"' in admin_client.get(reverse("admin:engagements_indicateur_add")).content
