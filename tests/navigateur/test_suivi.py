"""Parcours du suivi dans Chromium : une chargée de mission met à jour une action en retard (en place, avec htmx), un
lecteur lit sans formulaire, la coordination invite une personne qui choisit ensuite son mot de passe."""

import datetime
import re
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from engagements.models import Champ, Entree, Statut
from signataires.acces import page_d_arrivee
from signataires.models import Habilitation
from tests.factories import (
    BlocFactory,
    EngagementFactory,
    ObligationFactory,
    OrganisationFactory,
    PartieFactory,
    ProtocoleFactory,
)
from tests.factories_suivi import ROLES, ActionFactory, habilitation

CAPTURES = Path("/tmp/captures")
MOT_DE_PASSE = "Un-mot-de-passe-de-parcours-2024"

EN_RETARD = "Accompagnement à la scolarité du soir"
A_L_HEURE = "Ateliers parents-école"
CLOSE = "Aide aux devoirs au collège"


def _capture(page, nom):
    CAPTURES.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=CAPTURES / f"suivi-{nom}.png", full_page=True)


def _jours(n):
    return timezone.localdate() + datetime.timedelta(days=n)


def _protocole_suivi():
    """Un protocole, une obligation de la CAF et trois actions pilotées par la CAF : une en retard, une à l'heure,
    une réalisée dont l'échéance est passée (close, donc pas en retard)."""
    protocole = ProtocoleFactory(territoire="Pays Voironnais")
    engagement = EngagementFactory(protocole=protocole, numero=2, titre="Réussite éducative")
    bloc = BlocFactory(engagement=engagement, partie=PartieFactory(protocole=protocole, code="CAF"))
    obligation = ObligationFactory(bloc=bloc, rang=4, texte="Soutenir les centres sociaux dans l'accompagnement.")
    caf = OrganisationFactory(nom="Caisse d'Allocations Familiales de l'Isère", sigle="CAF 38")
    communs = {"obligation": obligation, "pilote": caf, "date_effet": _jours(-30)}
    actions = {
        EN_RETARD: ActionFactory(
            titre=EN_RETARD, echeance=_jours(-10), avancement=40, commentaire="Lancement avec deux centres.", **communs
        ),
        A_L_HEURE: ActionFactory(titre=A_L_HEURE, echeance=_jours(60), **communs),
        CLOSE: ActionFactory(titre=CLOSE, echeance=_jours(-5), statut=Statut.REALISE, avancement=100, **communs),
    }
    return protocole, caf, actions


def _compte(protocole, role, organisation=None, **identite):
    """Un compte dont le mot de passe est connu, qui tient `role` dans `protocole`."""
    utilisateur = habilitation(protocole, role, organisation, **identite).utilisateur
    utilisateur.set_password(MOT_DE_PASSE)
    utilisateur.save()
    return utilisateur


def _se_connecter(page, live_server, utilisateur):
    page.goto(live_server.url + "/connexion/")
    page.get_by_label("Identifiant").fill(utilisateur.username)
    page.get_by_label("Mot de passe").fill(MOT_DE_PASSE)
    page.get_by_role("button", name="Se connecter").click()
    # La page d'arrivée du rôle : le tableau de bord pour un lecteur, « Mes actions » pour les autres.
    expect(page).to_have_url(live_server.url + page_d_arrivee(utilisateur.habilitations.get()))


def _navigation(page):
    return page.get_by_role("navigation", name="Navigation principale")


@pytest.mark.navigateur
@pytest.mark.django_db(transaction=True)
def test_an_officer_filters_late_actions_and_updates_one_in_place(page, live_server):
    protocole, caf, actions = _protocole_suivi()
    elodie = _compte(protocole, ROLES.CHARGE_DE_MISSION, caf, first_name="Élodie", last_name="Garnier")

    page.goto(live_server.url + "/connexion/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Connexion")
    _capture(page, "1-connexion")
    _se_connecter(page, live_server, elodie)
    expect(page.get_by_role("heading", name=re.compile("^Pilotées par Caisse d'Allocations"))).to_be_visible()
    _capture(page, "2-mes-actions")

    _navigation(page).get_by_role("link", name="Actions", exact=True).click()
    expect(page).to_have_url(live_server.url + "/actions/")
    expect(page.get_by_role("link", name=A_L_HEURE)).to_be_visible()
    page.get_by_label("En retard seulement").check()
    page.get_by_role("button", name="Filtrer").click()
    expect(page).to_have_url(re.compile(r"/actions/\?.*en_retard=on"))
    expect(page.locator(".nombre-actions")).to_have_text("1 action correspond aux filtres")
    expect(page.get_by_role("link", name=EN_RETARD)).to_be_visible()
    expect(page.get_by_role("link", name=A_L_HEURE)).to_have_count(0)
    expect(page.get_by_role("link", name=CLOSE)).to_have_count(0)
    expect(page.get_by_label("En retard seulement")).to_be_checked()
    _capture(page, "3-actions-en-retard")

    retard = actions[EN_RETARD]
    page.get_by_role("link", name=EN_RETARD).click()
    adresse = f"{live_server.url}/actions/{retard.pk}/"
    expect(page).to_have_url(adresse)
    expect(page.get_by_role("heading", level=1)).to_have_text(EN_RETARD)
    expect(page.get_by_text("⚠ En retard")).to_be_visible()

    # Un rechargement complet effacerait cette variable : elle prouve que seul #suivi a changé.
    page.evaluate("window.pasDeRechargement = true")
    suivi = page.locator("#suivi")
    hier = _jours(-1)
    suivi.get_by_label("Statut").select_option(label="bloqué")
    suivi.get_by_label("Avancement (%)").fill("55")
    suivi.get_by_label("Commentaire").fill("Local du centre social indisponible jusqu'à la rentrée.")
    suivi.get_by_label("Date d'effet").fill(hier.isoformat())
    _capture(page, "4-action-formulaire")
    suivi.get_by_role("button", name="Enregistrer la mise à jour").click()

    expect(suivi.locator(".alert-success")).to_have_text("Mise à jour enregistrée au journal.")
    # L'annonce passe aussi par une zone role=status qui reste dans la page, et le focus va au message.
    expect(page.locator("#annonce-suivi")).to_have_text("Mise à jour enregistrée au journal.")
    expect(suivi.locator(".alert-success")).to_be_focused()
    expect(page.locator("#fiche-action h1 + p")).to_contain_text("bloqué")
    expect(page).to_have_url(adresse)
    assert page.evaluate("window.pasDeRechargement") is True
    derniere = suivi.locator(".journal-entree").first
    expect(derniere).to_contain_text("Statut : en cours → bloqué")
    expect(derniere).to_contain_text("Avancement : 40 % → 55 %")
    expect(derniere).to_contain_text("« Local du centre social indisponible jusqu'à la rentrée. »")
    expect(derniere).to_contain_text(f"— {elodie}, enregistré le")
    # Le formulaire renvoyé repart de l'état enregistré, prêt pour la mise à jour suivante.
    expect(suivi.get_by_label("Statut")).to_have_value(Statut.BLOQUE)
    expect(suivi.get_by_label("Avancement (%)")).to_have_value("55")
    expect(suivi.get_by_label("Commentaire")).to_have_value("")
    _capture(page, "5-action-mise-a-jour")

    entrees = Entree.objects.filter(action=retard, version=2).order_by("champ")
    assert [(e.champ, e.date_effet, e.auteur_id) for e in entrees] == [
        (Champ.AVANCEMENT, hier, elodie.pk),
        (Champ.STATUT, hier, elodie.pk),
    ]
    assert {e.commentaire for e in entrees} == {"Local du centre social indisponible jusqu'à la rentrée."}
    statut = entrees.get(champ=Champ.STATUT)
    assert (statut.statut_avant, statut.statut_apres) == (Statut.EN_COURS, Statut.BLOQUE)
    retard.refresh_from_db()
    assert (retard.statut, retard.avancement, retard.version) == (Statut.BLOQUE, 55, 2)

    # Rechargée, la page montre le même journal (l'entrée est bien enregistrée, pas seulement affichée).
    page.reload()
    expect(page.locator("#suivi .journal-entree").first).to_contain_text("« Local du centre social indisponible")


@pytest.mark.navigateur
@pytest.mark.django_db(transaction=True)
def test_a_lecteur_reads_the_journal_without_an_update_form(page, live_server):
    protocole, _caf, actions = _protocole_suivi()
    lecteur = _compte(protocole, ROLES.LECTEUR, first_name="Isabelle", last_name="Roussel")
    retard = actions[EN_RETARD]

    _se_connecter(page, live_server, lecteur)
    page.goto(f"{live_server.url}/actions/{retard.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(EN_RETARD)
    suivi = page.locator("#suivi")
    expect(suivi.get_by_role("heading", name="Journal")).to_be_visible()
    expect(suivi.locator(".journal-entree").first).to_contain_text("« Lancement avec deux centres. »")
    expect(suivi.locator("form")).to_have_count(0)
    expect(page.get_by_role("button", name="Enregistrer la mise à jour")).to_have_count(0)
    expect(page.get_by_role("combobox", name="Statut")).to_have_count(0)
    expect(page.get_by_role("link", name="Modifier l'action")).to_have_count(0)
    expect(page.get_by_text("Archiver l'action")).to_have_count(0)
    expect(_navigation(page).get_by_role("link", name="Inviter")).to_have_count(0)
    _capture(page, "6-lecteur")


@pytest.mark.navigateur
@pytest.mark.django_db(transaction=True)
def test_a_coordinator_invites_a_person_who_then_chooses_a_password(page, live_server, browser):
    protocole, caf, _actions = _protocole_suivi()
    pays = OrganisationFactory(nom="Communauté d'agglomération du Pays Voironnais", sigle="CAPV")
    marc = _compte(protocole, ROLES.COORDINATEUR, pays, first_name="Marc", last_name="Chevalier")
    mail.outbox.clear()

    _se_connecter(page, live_server, marc)
    _navigation(page).get_by_role("link", name="Inviter").click()
    expect(page).to_have_url(live_server.url + "/invitations/nouvelle/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Inviter une personne")
    # Un coordinateur ne donne pas le rôle d'administrateur : l'option n'est pas proposée.
    expect(page.get_by_label("Rôle").locator("option", has_text="administrateur")).to_have_count(0)
    page.get_by_label("Prénom").fill("Amina")
    page.get_by_label(re.compile(r"^Nom\b")).fill("Benali")
    page.get_by_label("Adresse e-mail").fill("Amina.Benali@caf38.example.org")
    page.get_by_label("Organisation").select_option(label="Caisse d'Allocations Familiales de l'Isère (CAF 38)")
    page.get_by_label("Rôle").select_option(label="chargé·e de mission")
    _capture(page, "7-invitation-formulaire")
    page.get_by_role("button", name="Envoyer l'invitation").click()

    expect(page).to_have_url(live_server.url + "/invitations/nouvelle/")
    expect(page.locator("main").get_by_role("status")).to_have_text(
        "Invitation envoyée à Amina.Benali@caf38.example.org : Amina Benali choisira son mot de passe par le lien."
    )
    ligne = page.get_by_role("row", name=re.compile("Amina Benali"))
    expect(ligne).to_contain_text("Caisse d'Allocations Familiales de l'Isère (CAF 38)")
    expect(ligne).to_contain_text("chargé·e de mission")
    expect(ligne).to_contain_text("invitation en attente")
    _capture(page, "8-invitation-envoyee")

    amina = Habilitation.objects.get(protocole=protocole, utilisateur__email="Amina.Benali@caf38.example.org")
    assert (amina.role, amina.organisation, amina.utilisateur.has_usable_password()) == (
        ROLES.CHARGE_DE_MISSION,
        caf,
        False,
    )
    # Le serveur de test tourne dans un fil du même processus : la boîte d'envoi en mémoire est partagée.
    assert [m.to for m in mail.outbox] == [["Amina.Benali@caf38.example.org"]]
    lien = re.search(r"^(http://\S+/invitations/\S+/)$", mail.outbox[0].body, re.MULTILINE).group(1)
    assert lien.startswith(live_server.url)

    # L'invitée ouvre le lien dans son propre navigateur, choisit son mot de passe et arrive sur ses actions.
    contexte = browser.new_context()
    try:
        invitee = contexte.new_page()
        invitee.goto(lien)
        expect(invitee.get_by_role("heading", level=1)).to_have_text("Choisissez votre mot de passe")
        expect(invitee.get_by_text("amina.benali@caf38.example.org", exact=True)).to_be_visible()
        invitee.get_by_label(re.compile("^Nouveau mot de passe")).fill(MOT_DE_PASSE)
        invitee.get_by_label(re.compile("^Confirmation")).fill(MOT_DE_PASSE)
        invitee.get_by_role("button", name="Enregistrer et me connecter").click()
        expect(invitee).to_have_url(live_server.url + "/mes-actions/")
        expect(invitee.locator("main").get_by_role("status")).to_contain_text("Bienvenue !")
        expect(invitee.get_by_role("link", name=EN_RETARD)).to_be_visible()
        _capture(invitee, "9-invitee-connectee")
    finally:
        contexte.close()
