"""Dans Chromium : un rapport demandé part vers un worker, la page « Rapport en préparation » se met à jour d'elle-même
(htmx, aucun script écrit à la main) et le fichier arrive quand le worker a fini ; la Content-Security-Policy ne
refuse rien en chemin. Le worker est simulé : la tâche envoyée s'exécute dans un fil, deux secondes plus tard."""

import threading
from unittest import mock

import pytest
from django.db import connection
from playwright.sync_api import expect

from comite import taches
from tests.factories import ObligationFactory
from tests.factories_suivi import ROLES, ActionFactory, habilitation

MOT_DE_PASSE = "Un-mot-de-passe-de-parcours-2024"


def worker_en_differe(args, **options):
    def rendre():
        try:
            taches.preparer(*args)
        finally:
            connection.close()

    fil = threading.Timer(2.0, rendre)
    fil.start()
    worker_en_differe.fils.append(fil)


@pytest.mark.navigateur
@pytest.mark.django_db(transaction=True)
def test_the_page_waits_for_the_worker_then_the_file_downloads(page, live_server):
    obligation = ObligationFactory()
    ActionFactory(obligation=obligation, titre="Forum de l'emploi")
    utilisateur = habilitation(obligation.protocole, ROLES.LECTEUR).utilisateur
    utilisateur.set_password(MOT_DE_PASSE)
    utilisateur.save()
    refus = []
    page.on("console", lambda message: refus.append(message.text) if "Content Security Policy" in message.text else 0)
    page.goto(live_server.url + "/connexion/")
    page.get_by_label("Identifiant").fill(utilisateur.username)
    page.get_by_label("Mot de passe").fill(MOT_DE_PASSE)
    page.get_by_role("button", name="Se connecter").click()
    page.goto(live_server.url + "/rapports/")

    worker_en_differe.fils = []
    with mock.patch.object(taches.preparer, "apply_async", side_effect=worker_en_differe):
        page.get_by_role("button", name="Télécharger le rapport (PDF)").click()
        expect(page.get_by_role("heading", name="Rapport en préparation")).to_be_visible()
        with page.expect_download(timeout=30_000) as telechargement:
            expect(page.get_by_role("heading", name="Rapport prêt")).to_be_visible(timeout=30_000)
    for fil in worker_en_differe.fils:
        fil.join()

    assert telechargement.value.suggested_filename.endswith(".pdf")
    with open(telechargement.value.path(), "rb") as fichier:
        assert fichier.read(5) == b"%PDF-"
    assert refus == []
