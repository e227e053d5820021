"""Trouver et mettre à jour plus vite, dans Chromium : la recherche de l'en-tête sans accents, le report d'une
action en retard en place (htmx), le sélecteur cherchable qui se refait pendant la frappe — sans rien que la
Content-Security-Policy refuse."""

import re

import pytest
from playwright.sync_api import expect

from engagements.models import Champ, Entree, Obligation
from tests.factories import ObligationFactory, OrganisationFactory
from tests.factories_suivi import ROLES
from tests.navigateur.test_suivi import EN_RETARD, _capture, _compte, _jours, _protocole_suivi, _se_connecter


@pytest.mark.navigateur
@pytest.mark.django_db(transaction=True)
def test_an_officer_finds_an_action_without_accents_and_reschedules_it_in_place(page, live_server):
    protocole, caf, actions = _protocole_suivi()
    refus = []
    page.on("console", lambda m: refus.append(m.text) if "Content Security Policy" in m.text else None)
    elodie = _compte(protocole, ROLES.CHARGE_DE_MISSION, caf, first_name="Élodie", last_name="Garnier")
    _se_connecter(page, live_server, elodie)

    recherche = page.get_by_role("search").get_by_label("Rechercher une action")
    recherche.fill("SCOLARITE DU SOIR")
    recherche.press("Enter")
    expect(page.locator(".nombre-actions")).to_have_text("1 action correspond aux filtres")
    _capture(page, "recherche-sans-accents")
    page.get_by_role("link", name=EN_RETARD).click()
    expect(page.get_by_text("⚠ En retard")).to_be_visible()

    page.evaluate("window.pasDeRechargement = true")
    suivi = page.locator("#suivi")
    suivi.get_by_label("Échéance").fill(_jours(45).isoformat())
    suivi.get_by_label("Commentaire").fill("Report : le centre social rouvre en janvier.")
    suivi.get_by_role("button", name="Enregistrer la mise à jour").click()
    expect(page.get_by_text("Mise à jour enregistrée au journal.").first).to_be_visible()
    expect(page.get_by_text("⚠ En retard")).to_have_count(0)
    assert page.evaluate("window.pasDeRechargement") is True
    _capture(page, "report-en-place")
    entree = Entree.objects.get(action=actions[EN_RETARD], champ=Champ.ECHEANCE, version=2)
    assert entree.echeance_apres == _jours(45)
    assert not refus, refus


@pytest.mark.navigateur
@pytest.mark.django_db(transaction=True)
def test_the_picker_filters_obligations_while_typing_and_keeps_the_choice(page, live_server):
    protocole, _caf, _actions = _protocole_suivi()
    bloc = Obligation.objects.get(protocole=protocole).bloc
    for rang in range(5, 27):
        ObligationFactory(bloc=bloc, rang=rang, texte=f"Obligation ordinaire numéro {rang}.")
    ObligationFactory(bloc=bloc, rang=30, texte="Prévenir le décrochage scolaire avec l'Éducation nationale.")
    for n in range(3):
        OrganisationFactory(nom=f"Partenaire {n}")
    refus = []
    page.on("console", lambda m: refus.append(m.text) if "Content Security Policy" in m.text else None)
    _se_connecter(page, live_server, _compte(protocole, ROLES.COORDINATEUR))
    page.goto(live_server.url + "/actions/nouvelle/")
    options = page.locator("#id_obligation-options")
    expect(options.locator(".form-check")).to_have_count(24)  # 24 obligations, sous la limite de 30 : toutes
    page.get_by_label("Filtrer").first.fill("DECROCHAGE")
    expect(options.locator(".form-check")).to_have_count(1)
    expect(options).to_contain_text("E2-CAF-30 — Prévenir le décrochage scolaire avec l'Éducation nationale.")
    options.get_by_label(re.compile("Prévenir le décrochage")).check()
    page.get_by_label("Filtrer").first.fill("ordinaire 12")
    expect(options.locator(".form-check")).to_have_count(2)  # le choix coché reste, en tête
    expect(options.locator("input:checked")).to_have_count(1)
    _capture(page, "selecteur-obligation")
    assert not refus, refus
