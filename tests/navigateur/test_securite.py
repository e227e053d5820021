"""Dans Chromium : la Content-Security-Policy ne refuse rien aux pages du site (aucun style ni script inline ne
reste, htmx marche sans sa feuille injectée), et une personne bloquée après trop d'essais lit pourquoi, jusqu'à ce
que la coordination lève le blocage."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.factories import QuartierFactory
from tests.factories_suivi import ROLES
from tests.navigateur.test_suivi import EN_RETARD, MOT_DE_PASSE, _compte, _protocole_suivi, _se_connecter


def _refus_de_la_politique(page):
    """Les messages de la console où Chromium dit ce que la Content-Security-Policy a refusé."""
    refus = []

    def noter(message):
        if "Content Security Policy" in message.text:
            refus.append(f"{page.url} : {message.text}")

    page.on("console", noter)
    return refus


@pytest.mark.navigateur
@pytest.mark.django_db(transaction=True)
def test_the_content_security_policy_refuses_nothing_on_the_pages_of_the_site(page, live_server):
    protocole, caf, actions = _protocole_suivi()
    QuartierFactory(protocole=protocole)
    coordination = _compte(protocole, ROLES.ADMINISTRATEUR, caf, is_staff=True, is_superuser=True)
    refus = _refus_de_la_politique(page)

    _se_connecter(page, live_server, coordination)
    pages = [
        reverse("mes_actions"),
        reverse("actions"),
        reverse("vue_ensemble"),
        reverse("quartier", args=[protocole.quartiers.get().slug]),
        reverse("organisation", args=[caf.slug]),
        reverse("obligation", args=[actions[EN_RETARD].obligation_id]),
        reverse("rapports"),
        reverse("reunions"),
        reverse("invitation"),
        reverse("blocages"),
        reverse("accueil"),
        reverse("admin:index"),
    ]
    for chemin in pages:
        page.goto(live_server.url + chemin)
        expect(page.locator("h1").first).to_be_visible()

    # La mise à jour en place passe par htmx : elle doit marcher sous la politique.
    page.goto(live_server.url + reverse("action", args=[actions[EN_RETARD].pk]))
    expect(page.locator("progress.avancement")).to_have_attribute("value", "40")
    suivi = page.locator("#suivi")
    suivi.get_by_label("Avancement (%)").fill("60")
    suivi.get_by_role("button", name="Enregistrer la mise à jour").click()
    expect(suivi.locator(".alert-success")).to_have_text("Mise à jour enregistrée au journal.")
    expect(page.locator("progress.avancement")).to_have_attribute("value", "60")

    assert refus == []


@pytest.mark.navigateur
@pytest.mark.django_db(transaction=True)
def test_a_person_locked_out_reads_why_until_the_coordination_lifts_the_lock(page, live_server, browser):
    protocole, caf, _actions = _protocole_suivi()
    elodie = _compte(protocole, ROLES.CHARGE_DE_MISSION, caf, first_name="Élodie", last_name="Garnier")
    coordination = _compte(protocole, ROLES.COORDINATEUR, caf, first_name="Claire", last_name="Coord")

    page.goto(live_server.url + "/connexion/")
    for _ in range(10):
        page.get_by_label("Identifiant").fill(elodie.username)
        page.get_by_label("Mot de passe").fill("pas-le-bon")
        page.get_by_role("button", name="Se connecter").click()
        if page.get_by_role("heading", name="Connexion suspendue").is_visible():
            break
        expect(page.get_by_role("alert")).to_contain_text("Identifiant ou mot de passe incorrect")
    expect(page.get_by_role("heading", level=1)).to_have_text("Connexion suspendue")
    expect(page.get_by_role("alert")).to_contain_text("pendant 15 minutes, même avec le bon mot de passe")

    autre = browser.new_context()
    try:
        coordinatrice = autre.new_page()
        _se_connecter(coordinatrice, live_server, coordination)
        coordinatrice.goto(live_server.url + reverse("invitation"))
        coordinatrice.get_by_role("link", name="Voir et lever les blocages de connexion").click()
        ligne = coordinatrice.get_by_role("row", name=re.compile("Élodie Garnier"))
        expect(ligne).to_contain_text("Bloqué")
        ligne.get_by_role("button", name="Lever le blocage de Élodie Garnier").click()
        expect(coordinatrice.get_by_role("status")).to_contain_text("Élodie Garnier peut de nouveau se connecter")
    finally:
        autre.close()

    page.get_by_role("link", name="Retour à la connexion").click()
    page.get_by_label("Identifiant").fill(elodie.username)
    page.get_by_label("Mot de passe").fill(MOT_DE_PASSE)
    page.get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(live_server.url + "/mes-actions/")
