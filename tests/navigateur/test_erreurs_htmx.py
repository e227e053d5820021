"""Une mise à jour en place (htmx) qui échoue le dit en français, dans une zone annoncée (role="alert") : un refus
réel du serveur (le rôle a changé entre l'ouverture de la page et l'envoi), une erreur du serveur, un réseau coupé.
Sans cela, htmx ne remplace rien et la page reste muette."""

import pytest
from playwright.sync_api import expect

from engagements.models import Action
from signataires.models import Habilitation
from tests.factories import OrganisationFactory
from tests.factories_suivi import ROLES, ActionFactory, habilitation

MOT_DE_PASSE = "Un-mot-de-passe-de-parcours-2024"


def _ouvrir_l_action(page, live_server):
    """Une chargée de mission connectée sur la page d'une action de son organisation, formulaire rempli."""
    pilote = OrganisationFactory(nom="Ville de Voiron")
    action = ActionFactory(pilote=pilote, titre="Chantier éducatif d'été", avancement=20)
    utilisateur = habilitation(action.protocole, ROLES.CHARGE_DE_MISSION, pilote).utilisateur
    utilisateur.set_password(MOT_DE_PASSE)
    utilisateur.save()
    page.goto(live_server.url + "/connexion/")
    page.get_by_label("Identifiant").fill(utilisateur.username)
    page.get_by_label("Mot de passe").fill(MOT_DE_PASSE)
    page.get_by_role("button", name="Se connecter").click()
    page.goto(f"{live_server.url}/actions/{action.pk}/")
    page.evaluate("window.pasDeRechargement = true")
    page.locator("#suivi").get_by_label("Avancement (%)").fill("55")
    return action, utilisateur


def _envoyer(page):
    page.locator("#suivi").get_by_role("button", name="Enregistrer la mise à jour").click()


@pytest.mark.navigateur
@pytest.mark.django_db(transaction=True)
def test_a_refusal_by_the_server_is_said_in_french(page, live_server):
    action, utilisateur = _ouvrir_l_action(page, live_server)
    Habilitation.objects.filter(utilisateur=utilisateur).update(role=ROLES.LECTEUR)
    _envoyer(page)
    alerte = page.get_by_role("alert")
    expect(alerte).to_contain_text("Action refusée : votre rôle ne le permet plus")
    expect(alerte).to_be_focused()
    # Le formulaire garde la saisie, la page n'a pas été rechargée, rien n'est enregistré.
    expect(page.locator("#suivi").get_by_label("Avancement (%)")).to_have_value("55")
    assert page.evaluate("window.pasDeRechargement") is True
    assert Action.objects.get(pk=action.pk).avancement == 20


@pytest.mark.navigateur
@pytest.mark.django_db(transaction=True)
def test_a_server_error_is_said_in_french_and_cleared_by_the_next_request(page, live_server):
    action, _utilisateur = _ouvrir_l_action(page, live_server)
    adresse = f"{live_server.url}/actions/{action.pk}/"
    page.route(adresse, lambda route: route.fulfill(status=500, body="Erreur"))
    _envoyer(page)
    expect(page.get_by_role("alert")).to_contain_text("Le serveur a rencontré une erreur (code 500).")
    expect(page.get_by_role("alert")).to_contain_text("rechargez la page pour le vérifier")

    page.unroute(adresse)
    _envoyer(page)
    expect(page.locator("#suivi .alert-success")).to_have_text("Mise à jour enregistrée au journal.")
    expect(page.locator("#erreur-htmx")).to_be_empty()
    assert Action.objects.get(pk=action.pk).avancement == 55


@pytest.mark.navigateur
@pytest.mark.django_db(transaction=True)
def test_a_network_failure_is_said_in_french(page, live_server):
    action, _utilisateur = _ouvrir_l_action(page, live_server)
    page.route(f"{live_server.url}/actions/{action.pk}/", lambda route: route.abort("connectionrefused"))
    _envoyer(page)
    expect(page.get_by_role("alert")).to_contain_text("Le serveur ne répond pas : vérifiez votre connexion.")
    assert Action.objects.get(pk=action.pk).avancement == 20
