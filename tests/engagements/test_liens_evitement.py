"""Les liens d'évitement propres aux pages du suivi : « Aller aux actions en retard » sur « Mes actions » et la liste
des actions, « Aller à la mise à jour » sur la page d'une action (le parcours au clavier est dans
tests/navigateur/test_clavier.py)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from engagements.models import Statut
from tests.factories import ObligationFactory, OrganisationFactory
from tests.factories_suivi import ROLES, ActionFactory, habilitation

pytestmark = pytest.mark.django_db

LIEN_RETARD = '<a class="visually-hidden-focusable lien-evitement" href="#action-{}">Aller aux actions en retard</a>'
LIEN_MISE_A_JOUR = '<a class="visually-hidden-focusable lien-evitement" href="#id_statut">Aller à la mise à jour</a>'


def _jours(n):
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture
def suivi():
    """Une organisation qui pilote une action à l'heure, deux en retard (la plus ancienne échéance d'abord) et une
    réalisée dont l'échéance est passée (close, donc pas en retard)."""
    obligation = ObligationFactory()
    caf = OrganisationFactory()
    communs = {"obligation": obligation, "pilote": caf}
    actions = {
        "a_l_heure": ActionFactory(echeance=_jours(30), **communs),
        "close": ActionFactory(echeance=_jours(-40), statut=Statut.REALISE, avancement=100, **communs),
        "retard": ActionFactory(echeance=_jours(-20), **communs),
        "retard_recent": ActionFactory(echeance=_jours(-2), **communs),
    }
    chargee = habilitation(obligation.protocole, ROLES.CHARGE_DE_MISSION, caf).utilisateur
    lecteur = habilitation(obligation.protocole, ROLES.LECTEUR).utilisateur
    return actions, chargee, lecteur


@pytest.mark.parametrize("page", ["mes_actions", "actions"])
def test_the_skip_link_leads_to_the_first_late_action_whose_title_carries_the_anchor(client, suivi, page):
    actions, chargee, _lecteur = suivi
    client.force_login(chargee)
    reponse = client.get(reverse(page))
    premiere = actions["retard"]
    assertContains(reponse, LIEN_RETARD.format(premiere.pk), count=1, html=True)
    assertContains(reponse, f'id="action-{premiere.pk}" href="{reverse("action", args=[premiere.pk])}"')
    contenu = reponse.content.decode()
    assert contenu.index("Aller aux actions en retard") < contenu.index("Navigation principale")


@pytest.mark.parametrize("page", ["mes_actions", "actions"])
def test_without_a_late_action_there_is_no_skip_link_to_late_actions(client, page):
    action = ActionFactory(echeance=_jours(30))
    client.force_login(habilitation(action.protocole, ROLES.CHARGE_DE_MISSION, action.pilote).utilisateur)
    reponse = client.get(reverse(page))
    assertContains(reponse, action.titre)
    assertNotContains(reponse, "Aller aux actions en retard")


def test_on_the_list_the_skip_link_follows_the_sort_of_the_page(client, suivi):
    actions, chargee, _lecteur = suivi
    client.force_login(chargee)
    reponse = client.get(reverse("actions") + "?sort=-echeance")
    assertContains(reponse, LIEN_RETARD.format(actions["retard_recent"].pk), count=1, html=True)


def test_an_action_page_with_the_update_form_has_a_skip_link_to_it(client, suivi):
    actions, chargee, lecteur = suivi
    url = reverse("action", args=[actions["retard"].pk])
    client.force_login(chargee)
    reponse = client.get(url)
    assertContains(reponse, LIEN_MISE_A_JOUR, count=1, html=True)
    assertContains(reponse, 'id="id_statut"')
    client.force_login(lecteur)
    assertNotContains(client.get(url), "Aller à la mise à jour")
