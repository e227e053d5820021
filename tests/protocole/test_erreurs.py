"""Les pages d'erreur parlent français et restent accessibles (lang="fr", un seul titre h1, un lien vers l'accueil) :
400 (et la requête trop volumineuse), 403 (refus et jeton CSRF), 404, 500. La page 500 est statique : elle s'affiche
même quand la base ne répond plus."""

import html
import re
from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client
from django.urls import reverse

from tests.factories import OrganisationFactory, ProtocoleFactory
from tests.factories_suivi import ROLES, ActionFactory, habilitation

pytestmark = pytest.mark.django_db


def accessible(reponse, titre):
    """Une page d'erreur en français : la langue, un seul h1 (le titre attendu), un lien vers l'accueil."""
    page = html.unescape(reponse.content.decode())
    assert '<html lang="fr">' in page
    assert re.findall(r"<h1[^>]*>(.*?)</h1>", page, re.S) == [titre]
    assert 'href="/"' in page and "Retour à l'accueil" in page
    return page


def test_an_unknown_page_is_a_french_404(client):
    ProtocoleFactory()
    reponse = client.get("/cette-page-n-existe-pas/")
    assert reponse.status_code == 404
    accessible(reponse, "Page introuvable")


def test_a_refused_page_is_a_french_403(client):
    action = ActionFactory(pilote=OrganisationFactory())
    client.force_login(habilitation(action.protocole, ROLES.LECTEUR).utilisateur)
    reponse = client.get(reverse("action_modifier", args=[action.pk]))
    assert reponse.status_code == 403
    page = accessible(reponse, "Accès refusé")
    assert "Seuls l'organisation pilote et la coordination modifient cette action." in page


def test_a_form_without_its_csrf_token_is_a_french_403_that_says_nothing_was_saved():
    action = ActionFactory(pilote=OrganisationFactory())
    client = Client(enforce_csrf_checks=True)
    client.force_login(habilitation(action.protocole, ROLES.COORDINATEUR).utilisateur)
    reponse = client.post(reverse("action", args=[action.pk]), {"statut": "realise", "avancement": "100"})
    assert reponse.status_code == 403
    page = accessible(reponse, "Formulaire expiré ou envoyé d'ailleurs")
    assert "rien n'a été enregistré" in page
    action.refresh_from_db()
    assert action.avancement == 10


def test_a_bad_request_is_a_french_400(client):
    reponse = client.get("/", headers={"host": "ailleurs.example.org"})  # hors ALLOWED_HOSTS : DisallowedHost
    assert reponse.status_code == 400
    page = accessible(reponse, "Requête invalide")
    assert "trop volumineu" not in page


@pytest.mark.parametrize(
    ("reglage", "donnees"),
    [
        ("DATA_UPLOAD_MAX_MEMORY_SIZE", {"commentaire": "x" * 5000}),
        ("DATA_UPLOAD_MAX_NUMBER_FIELDS", {f"champ{n}": "x" for n in range(50)}),
    ],
    ids=["trop-de-donnees", "trop-de-champs"],
)
def test_an_oversized_request_says_so_in_french_and_changes_nothing(client, settings, reglage, donnees):
    action = ActionFactory(pilote=OrganisationFactory())
    client.force_login(habilitation(action.protocole, ROLES.COORDINATEUR).utilisateur)
    setattr(settings, reglage, {"DATA_UPLOAD_MAX_MEMORY_SIZE": 1000, "DATA_UPLOAD_MAX_NUMBER_FIELDS": 20}[reglage])
    reponse = client.post(reverse("action", args=[action.pk]), donnees)
    assert reponse.status_code == 400
    page = accessible(reponse, "Requête trop volumineuse")
    assert "Le formulaire envoyé est trop volumineux" in page
    assert "Rien n'a été enregistré." in page
    action.refresh_from_db()
    assert action.version == 1


def test_the_500_page_is_french_and_shows_even_when_the_database_is_down(settings):
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    panne = OperationalError("la base ne répond pas")
    with (
        mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=panne),
        mock.patch("django.db.backends.utils.CursorWrapper.executemany", side_effect=panne),
    ):
        reponse = client.get("/")
    assert reponse.status_code == 500
    page = accessible(reponse, "Erreur du serveur")
    assert "n'a peut-être pas été prise en compte" in page
    # Statique : aucune balise oubliée, et pour tout fichier une feuille et une icône à adresse fixe, servies sans la
    # base ; le pied mène à la déclaration d'accessibilité.
    assert "{%" not in page and re.findall(r"<link[^>]*>", page) == [
        '<link rel="stylesheet" href="/static/css/erreur.css">',
        '<link rel="icon" href="/static/icone.svg" type="image/svg+xml">',
    ]
    assert '<a href="/accessibilite/">Accessibilité : non conforme</a>' in page
