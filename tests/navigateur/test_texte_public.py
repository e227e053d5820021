"""Parcours d'un visiteur dans Chromium : de l'accueil à un engagement, puis à une obligation."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from protocole.models import Quartier
from tests.factories import (
    AppartenanceFactory,
    BlocFactory,
    EngagementFactory,
    ObligationFactory,
    ParagrapheFactory,
    PartieFactory,
    ProtocoleFactory,
    QuartierFactory,
    RepresentationFactory,
    SignataireFactory,
    SignatureFactory,
    TextePreambuleFactory,
)

CAPTURES = Path("/tmp/captures")


def _capture(page, nom):
    CAPTURES.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=CAPTURES / f"{nom}.png", full_page=True)


def _petit_protocole():
    protocole = ProtocoleFactory(
        titre="Protocole d'Engagement Renforcé Réciproque",
        intitule_contrat="CONTRAT DE VILLE du Pays Voironnais 2015-2022",
        territoire="Pays Voironnais",
    )
    TextePreambuleFactory(protocole=protocole, ordre=1, texte="Le présent protocole vise à définir des priorités.")
    TextePreambuleFactory(protocole=protocole, ordre=2, nature="axe", texte="garantir les droits des habitants ;")
    TextePreambuleFactory(protocole=protocole, ordre=3, nature="axe", texte="favoriser l'émancipation ;")
    emploi = EngagementFactory(
        protocole=protocole, numero=1, titre="Emploi et développement économique", titre_du_texte=False
    )
    education = EngagementFactory(
        protocole=protocole, numero=2, titre="PROMOUVOIR LA RÉUSSITE ÉDUCATIVE ET L'ÉGALITÉ DES CHANCES"
    )
    pt = PartieFactory(protocole=protocole, code="PT", nom_court="Partenaires territoriaux")
    caf = PartieFactory(protocole=protocole, code="CAF", nom_court="CAF")
    for engagement in (emploi, education):
        BlocFactory(engagement=engagement, partie=pt, intitule="Les partenaires territoriaux s'engagent à :")
        BlocFactory(engagement=engagement, partie=caf, intitule="La Caisse d'Allocations Familiales (CAF) s'engage à :")
    bloc = education.blocs.get(partie=caf)
    ObligationFactory(bloc=education.blocs.get(partie=pt), rang=1, texte="Investir dans la réussite scolaire.")
    obligation = ObligationFactory(
        bloc=bloc, rang=4, texte="Soutenir les centres sociaux dans leurs actions d'accompagnement à la scolarité."
    )
    ParagrapheFactory(obligation=obligation, ordre=1, texte="Les centres sociaux agréés par la CAF en bénéficient.")
    ObligationFactory(bloc=emploi.blocs.get(partie=pt), rang=1, texte="Mobiliser les politiques de l'emploi.")
    return obligation


@pytest.mark.navigateur
@pytest.mark.django_db(transaction=True)
def test_a_visitor_reads_an_obligation_from_the_home_page(page, live_server):
    obligation = _petit_protocole()

    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Protocole d'Engagement Renforcé Réciproque")
    expect(page.get_by_text("titre hors texte signé").first).to_be_visible()
    _capture(page, "1-accueil")

    page.get_by_role("link", name="N°2 PROMOUVOIR LA RÉUSSITE ÉDUCATIVE").click()
    expect(page).to_have_url(live_server.url + "/engagements/2/")
    expect(page.get_by_text("La Caisse d'Allocations Familiales (CAF) s'engage à :")).to_be_visible()
    _capture(page, "2-engagement")

    page.get_by_role("link", name="Obligation E2-CAF-4").click()
    expect(page).to_have_url(f"{live_server.url}/obligations/{obligation.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Obligation E2-CAF-4")
    expect(page.locator("blockquote")).to_have_text(obligation.texte)
    expect(page.get_by_text("Les centres sociaux agréés par la CAF en bénéficient.")).to_be_visible()
    _capture(page, "3-obligation")

    page.get_by_role("link", name="Aller au contenu").focus()
    expect(page.get_by_role("link", name="Aller au contenu")).to_be_visible()


@pytest.mark.navigateur
@pytest.mark.django_db(transaction=True)
def test_a_visitor_finds_the_signatories_and_the_quartiers_from_the_navigation(page, live_server):
    protocole = _petit_protocole().protocole
    prefet = SignatureFactory(
        protocole=protocole, ordre=1, titre="Le Préfet du Département de l'Isère", signataire__nom="BEFFRE Lionel"
    )
    RepresentationFactory(signature=prefet, organisation__nom="Préfecture de l'Isère")
    monnot = SignataireFactory(protocole=protocole, nom="MONNOT Didier")
    for ordre, organisation in ((2, "ABSISE"), (3, "Pluralis")):
        signature = SignatureFactory(protocole=protocole, ordre=ordre, signataire=monnot)
        RepresentationFactory(signature=signature, organisation__nom=organisation)
    partie = protocole.parties.get(code="PT")
    AppartenanceFactory(partie=partie, organisation__nom="Ville de Voiron", enoncee_par_le_texte=True)
    AppartenanceFactory(partie=partie, organisation__nom="Maison de l'Emploi", enoncee_par_le_texte=False)
    QuartierFactory(protocole=protocole, nom="Brunetière", nature=Quartier.Nature.QPV, commune="Voiron")
    QuartierFactory(protocole=protocole, nom="Croix Maurin")

    page.goto(live_server.url + "/")
    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Signataires").click()
    expect(page.get_by_text("MONNOT Didier signe 2 fois")).to_be_visible()
    expect(page.get_by_text("affectation de la coordination, non énoncée par le texte").last).to_be_visible()
    _capture(page, "4-signataires")

    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Quartiers").click()
    expect(page.get_by_role("row", name="Croix Maurin")).to_contain_text("non vérifiée")
    _capture(page, "5-quartiers")


@pytest.mark.navigateur
@pytest.mark.django_db(transaction=True)
def test_a_visitor_switches_to_another_protocol_with_the_header_form(page, live_server):
    _petit_protocole()
    grenoble = ProtocoleFactory(territoire="Grenoble-Alpes Métropole", ordre=5)
    EngagementFactory(protocole=grenoble, numero=1, titre="Engagement grenoblois")

    page.goto(live_server.url + "/quartiers/")
    page.get_by_label("Protocole affiché").select_option(grenoble.slug)
    _capture(page, "6-selecteur")
    page.get_by_role("button", name="Afficher").click()
    expect(page).to_have_url(live_server.url + "/quartiers/")
    expect(page.locator("main").get_by_role("status")).to_contain_text("Grenoble-Alpes Métropole")
    page.get_by_role("link", name="Accueil").click()
    expect(page.get_by_text("Engagement grenoblois")).to_be_visible()
