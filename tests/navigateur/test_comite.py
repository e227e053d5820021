"""Parcours du comité dans Chromium : la coordination écrit ses textes sur la page de la réunion, regarde l'aperçu,
gèle après confirmation et télécharge la version archivée — en douze chargements de page au plus depuis la
connexion (chaque page chargée et chaque fichier téléchargé comptent)."""

import hashlib
import io
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from comite.models import RapportArchive, Reunion
from tests.factories import construire_protocole
from tests.factories_suivi import ROLES, habilitation

CAPTURES = Path("/tmp/captures")
MOT_DE_PASSE = "Un-mot-de-passe-de-parcours-2024"
FAITS = "Le centre social de la Brunetière a rouvert ses ateliers du soir."
ATTENTION = "Le poste d'animateur du quartier reste vacant."
ATTENDUES = "Valider le calendrier des revues d'obligations."


@pytest.mark.navigateur
@pytest.mark.django_db(transaction=True)
def test_the_coordination_writes_previews_freezes_and_downloads_in_twelve_page_loads(page, live_server):
    protocole = construire_protocole(engagements=2, blocs=2, obligations=2, paragraphes=0, territoire="Pays Voironnais")
    coordination = habilitation(protocole, ROLES.COORDINATEUR, first_name="Marc", last_name="Chevalier").utilisateur
    coordination.set_password(MOT_DE_PASSE)
    coordination.save()
    Reunion.objects.create(protocole=protocole, date=timezone.localdate(), titre="Comité d'automne")
    chargements = []
    page.on("load", lambda p: chargements.append(p.url))
    page.on("download", lambda d: chargements.append(d.url))
    CAPTURES.mkdir(parents=True, exist_ok=True)

    page.goto(live_server.url + "/connexion/")
    page.get_by_label("Identifiant").fill(coordination.username)
    page.get_by_label("Mot de passe").fill(MOT_DE_PASSE)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Comité de pilotage").click()
    page.get_by_role("link", name="Comité d'automne").first.click()

    page.get_by_label("Faits marquants").fill(FAITS)
    expect(page.get_by_text(f"{len(FAITS)} / 1500 caractères")).to_be_visible()
    page.get_by_label("Points d'attention").fill(ATTENTION)
    page.get_by_label("Décisions attendues du comité").fill(ATTENDUES)
    page.get_by_role("button", name="Enregistrer les textes").click()
    expect(page.get_by_text("Textes de la coordination enregistrés")).to_be_visible()
    page.screenshot(path=CAPTURES / "comite-textes.png", full_page=True)

    with page.expect_download() as apercu:
        page.get_by_role("link", name="Aperçu du rapport (PDF)").click()
    texte_apercu = " ".join(p.extract_text() for p in PdfReader(apercu.value.path()).pages)
    assert FAITS in " ".join(texte_apercu.split())

    page.get_by_role("link", name="Geler le rapport…").click()
    expect(page.get_by_role("heading", name="Geler le rapport")).to_be_visible()
    expect(page.get_by_text("pages, sur les données d'aujourd'hui")).to_be_visible()
    page.screenshot(path=CAPTURES / "comite-confirmation.png", full_page=True)
    page.get_by_role("button", name="Confirmer : geler le rapport").click()
    expect(page.get_by_text("Rapport gelé : version 1")).to_be_visible()

    with page.expect_download() as archive:
        page.get_by_role("link", name="Télécharger la version 1 (PDF)").click()
    contenu = Path(archive.value.path()).read_bytes()
    page.screenshot(path=CAPTURES / "comite-gele.png", full_page=True)

    assert len(chargements) <= 12, chargements
    gelee = RapportArchive.objects.get()
    assert hashlib.sha256(contenu).hexdigest() == gelee.sha256
    expect(page.get_by_text(gelee.sha256).first).to_be_visible()
    texte = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(contenu)).pages).split())
    assert "Version 1 — gelée le" in texte and "par Marc Chevalier" in texte
    assert FAITS in texte and ATTENTION in texte and ATTENDUES in texte
