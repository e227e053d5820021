"""Parcours d'une signataire dans Chromium : la vue d'ensemble, le quartier de la Brunetière, sa grille réciproque,
puis les évolutions depuis une date choisie et l'état d'un jour passé."""

import datetime
import re
from pathlib import Path

import pytest
from django.utils import timezone
from django.utils.formats import date_format
from playwright.sync_api import expect

from engagements.models import Statut
from tests.factories import (
    AppartenanceFactory,
    BlocFactory,
    EngagementFactory,
    ObligationFactory,
    OrganisationFactory,
    PartieFactory,
    ProtocoleFactory,
    QuartierFactory,
    RepresentationFactory,
    SignatureFactory,
)
from tests.factories_suivi import ROLES, ActionFactory, habilitation

CAPTURES = Path("/tmp/captures")
MOT_DE_PASSE = "Un-mot-de-passe-de-parcours-2024"


def _capture(page, nom):
    CAPTURES.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=CAPTURES / f"tableaux-{nom}.png", full_page=True)


def _jours(n):
    """Le jour `n` jours avant aujourd'hui."""
    return timezone.localdate() - datetime.timedelta(days=n)


def _moment(date):
    return timezone.make_aware(datetime.datetime.combine(date, datetime.time(10)))


def _protocole():
    """Deux engagements (blocs PT et CAF), deux quartiers ; à la Brunetière, un chantier en retard et des ateliers
    de la CAF bloqués il y a 100 jours ; une action « tout le territoire » réalisée."""
    protocole = ProtocoleFactory(territoire="Pays Voironnais")
    pt = PartieFactory(protocole=protocole, code="PT", nom_court="Partenaires territoriaux")
    partie_caf = PartieFactory(protocole=protocole, code="CAF", nom_court="CAF")
    e1 = EngagementFactory(protocole=protocole, numero=1, titre="Mobiliser l'emploi")
    e2 = EngagementFactory(protocole=protocole, numero=2, titre="Réussite éducative")
    emploi = ObligationFactory(bloc=BlocFactory(engagement=e1, partie=pt), rang=1)
    education = ObligationFactory(bloc=BlocFactory(engagement=e2, partie=partie_caf), rang=4)
    brunetiere = QuartierFactory(protocole=protocole, slug="brunetiere", nom="Brunetière", ordre=1)
    QuartierFactory(protocole=protocole, slug="baltiss", nom="Baltiss", ordre=2)
    voiron = OrganisationFactory(slug="ville-voiron", nom="Ville de Voiron")
    caf = OrganisationFactory(slug="caf-isere", nom="Caisse d'allocations familiales de l'Isère", sigle="CAF")
    AppartenanceFactory(partie=pt, organisation=voiron, enoncee_par_le_texte=True)
    AppartenanceFactory(partie=partie_caf, organisation=caf, enoncee_par_le_texte=True)
    signature = SignatureFactory(protocole=protocole, ordre=10, titre="Le Directeur de la CAF de l'Isère")
    RepresentationFactory(signature=signature, organisation=caf)
    debut = _jours(300)
    communs = {"date_effet": debut, "maintenant": _moment(debut)}
    ActionFactory(
        obligation=emploi,
        titre="Chantier éducatif",
        pilote=voiron,
        quartiers=[brunetiere],
        statut=Statut.EN_COURS,
        avancement=40,
        echeance=_jours(30),
        **communs,
    )
    ActionFactory(
        obligation=emploi,
        titre="Forum de l'emploi",
        pilote=voiron,
        tout_le_territoire=True,
        statut=Statut.REALISE,
        avancement=100,
        echeance=_jours(100),
        **communs,
    )
    ateliers = ActionFactory(
        obligation=education,
        titre="Ateliers parents-enfants",
        pilote=caf,
        quartiers=[brunetiere],
        statut=Statut.EN_COURS,
        avancement=60,
        echeance=_jours(-200),
        **communs,
    )
    ateliers.enregistrer(
        auteur=ateliers.journal.first().auteur,
        date_effet=_jours(100),
        statut=Statut.BLOQUE,
        commentaire="Local fermé.",
        maintenant=_moment(_jours(100)),
    )
    return protocole, caf


def _signataire(protocole, caf):
    """Une lectrice pour la CAF, organisation signataire, dont le mot de passe est connu."""
    utilisateur = habilitation(protocole, ROLES.LECTEUR, caf, first_name="Claude", last_name="Chevalier").utilisateur
    utilisateur.set_password(MOT_DE_PASSE)
    utilisateur.save()
    return utilisateur


def _jour(date):
    return date_format(date, "j F Y")


@pytest.mark.navigateur
@pytest.mark.django_db(transaction=True)
def test_a_signatory_reads_the_overview_then_brunetiere_and_changes_the_since_date(page, live_server):
    protocole, caf = _protocole()
    claude = _signataire(protocole, caf)

    page.goto(live_server.url + "/connexion/")
    page.get_by_label("Identifiant").fill(claude.username)
    page.get_by_label("Mot de passe").fill(MOT_DE_PASSE)
    page.get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(live_server.url + "/tableau-de-bord/"), "un lecteur arrive sur le tableau de bord"

    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Tableau de bord").click()
    expect(page).to_have_url(live_server.url + "/tableau-de-bord/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Vue d'ensemble — tout le territoire")
    expect(page.get_by_text("Chaque action est comptée une fois")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("^Actions par statut et par engagement"))).to_be_visible()
    expect(page.get_by_role("link", name="La vue de mon organisation (CAF)")).to_be_visible()
    _capture(page, "1-vue-ensemble")

    page.get_by_role("link", name="Brunetière", exact=True).click()
    expect(page).to_have_url(live_server.url + "/quartiers/brunetiere/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Brunetière")

    grille = page.get_by_role("table", name=re.compile("^Grille réciproque"))
    colonnes = [t.strip() for t in grille.locator("thead th").all_inner_texts()]
    assert colonnes == ["Engagement", "Partenaires territoriaux", "CAF", "Total de l'engagement"]
    ligne_e2 = grille.locator("tbody tr").nth(1)
    expect(ligne_e2.locator("td").nth(0)).to_have_text("sans objet")
    expect(ligne_e2.locator("td").nth(1)).to_contain_text("1 action")
    expect(ligne_e2.locator("td").nth(1)).to_contain_text("bloqué : 1")
    expect(grille.locator("tbody tr").nth(0).locator("td").nth(0)).to_contain_text("⚠ 1 en retard")
    expect(page.get_by_text("Tout le territoire", exact=True).first).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("^Évolutions du"))).to_contain_text(_jour(_jours(0)))
    _capture(page, "2-brunetiere")

    depuis = _jours(100)
    page.get_by_label("Évolutions depuis").fill(depuis.isoformat())
    page.get_by_role("button", name="Afficher").click()
    expect(page).to_have_url(re.compile(rf"/quartiers/brunetiere/\?.*depuis={depuis.isoformat()}"))
    periode = page.get_by_role("heading", name=re.compile("^Évolutions du"))
    expect(periode).to_have_text(f"Évolutions du {_jour(depuis)} au {_jour(_jours(0))}")
    chiffres = page.locator(".chiffres-depuis")
    expect(chiffres.locator("div", has_text="Statuts changés").locator("dd")).to_have_text("1")
    expect(page.get_by_text("Statut : en cours → bloqué")).to_be_visible()
    _capture(page, "3-depuis")

    page.get_by_label("Évolutions depuis").fill(_jours(99).isoformat())
    page.get_by_role("button", name="Afficher").click()
    expect(chiffres.locator("div", has_text="Statuts changés").locator("dd")).to_have_text("0")

    passe = _jours(200)
    page.get_by_label("État au").fill(passe.isoformat())
    page.get_by_label("Évolutions depuis").fill(_jours(400).isoformat())
    page.get_by_role("button", name="Afficher").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        f"État au {_jour(passe)}, reconstruit depuis le journal"
    )
    grille = page.get_by_role("table", name=re.compile("^Grille réciproque"))
    expect(grille.locator("tbody tr").nth(1).locator("td").nth(1)).to_contain_text("en cours : 1")
    _capture(page, "4-etat-passe")

    page.get_by_role("link", name="CAF", exact=True).first.click()
    expect(page).to_have_url(re.compile(r"/organisations/caf-isere/\?au="))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Caisse d'allocations familiales de l'Isère (CAF)")
    expect(page.get_by_text("n°10, Le Directeur de la CAF de l'Isère")).to_be_visible()
    _capture(page, "5-vue-partenaire")
