"""`/sante/` : la vue triviale de la supervision et du banc d'essai."""

import pytest
from django.urls import reverse

from tests.factories import ProtocoleFactory
from tests.factories_suivi import ROLES, habilitation

pytestmark = pytest.mark.django_db

# La vue n'en fait aucune : la seule requête est celle du middleware (la liste des protocoles, pour un visiteur).
REQUETES_ANONYME = 1


def test_answers_ok_in_plain_text_to_everyone(client):
    ProtocoleFactory()
    reponse = client.get(reverse("sante"))
    assert reponse.status_code == 200
    assert reponse["Content-Type"].startswith("text/plain")
    assert reponse.content == b"ok"


def test_asks_nothing_of_the_database_beyond_the_middleware(client, django_assert_num_queries):
    ProtocoleFactory.create_batch(3)
    with django_assert_num_queries(REQUETES_ANONYME):
        client.get(reverse("sante"))


def test_answers_a_logged_in_member_too(client):
    membre = habilitation(ProtocoleFactory(), ROLES.LECTEUR).utilisateur
    client.force_login(membre)
    assert client.get(reverse("sante")).content == b"ok"


def test_head_is_allowed_and_post_is_refused(client):
    assert client.head(reverse("sante")).status_code == 200
    assert client.post(reverse("sante")).status_code == 405
