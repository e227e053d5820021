"""Plusieurs protocoles dans une base : on choisit le sien à la connexion, on en change, et tout se lit dedans."""

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from tests.factories import HabilitationFactory, ProtocoleFactory, UtilisateurFactory
from tests.factories_suivi import ROLES, ActionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def deux_protocoles():
    voironnais = ProtocoleFactory(territoire="Pays Voironnais", ordre=1)
    grenoble = ProtocoleFactory(territoire="Grenoble-Alpes Métropole", ordre=2)
    utilisateur = UtilisateurFactory(username="camille", password="mot-de-passe-solide-42")
    HabilitationFactory(utilisateur=utilisateur, protocole=voironnais, role=ROLES.LECTEUR)
    HabilitationFactory(utilisateur=utilisateur, protocole=grenoble, role=ROLES.COORDINATEUR)
    return voironnais, grenoble, utilisateur


def connexion(client, protocole=""):
    donnees = {"username": "camille", "password": "mot-de-passe-solide-42", "protocole": protocole}
    return client.post(reverse("connexion"), donnees)


def test_the_protocol_is_chosen_at_login_and_every_page_reads_inside_it(client, deux_protocoles):
    voironnais, grenoble, _ = deux_protocoles
    action = ActionFactory(obligation__bloc__engagement__protocole=grenoble, titre="Action grenobloise")
    assertContains(client.get(reverse("connexion")), "Grenoble-Alpes Métropole")
    assert connexion(client, grenoble.slug).status_code == 302
    assertContains(client.get(reverse("actions")), "Action grenobloise")
    assert client.get(reverse("action", args=[action.pk])).status_code == 200


def test_without_a_choice_the_first_protocol_is_used_and_can_be_switched(client, deux_protocoles):
    voironnais, grenoble, _ = deux_protocoles
    action = ActionFactory(obligation__bloc__engagement__protocole=grenoble, titre="Action grenobloise")
    connexion(client)
    assert client.get(reverse("action", args=[action.pk])).status_code == 404
    assertNotContains(client.get(reverse("actions")), "Action grenobloise")
    client.post(reverse("choisir_protocole"), {"protocole": grenoble.slug})
    assert client.get(reverse("action", args=[action.pk])).status_code == 200


def test_a_protocol_without_a_role_cannot_be_chosen_at_login(client, deux_protocoles):
    autre = ProtocoleFactory(territoire="Vienne Condrieu")
    reponse = connexion(client, autre.slug)
    assert reponse.status_code == 200
    assertContains(reponse, "Vous n&#x27;avez pas de rôle dans ce protocole")
    assert "_auth_user_id" not in client.session
