"""Le rendu des rapports ne va rien chercher sur le réseau ni hors de ses dossiers, et le texte saisi reste du texte.

Un vrai serveur HTTP local compte les requêtes : le fetcher restreint n'en fait aucune là où celui de WeasyPrint
par défaut en fait, donc le test prouve le fetcher et pas seulement l'échappement du gabarit.
"""

import base64
import datetime
import http.server
import io
import logging
import threading

import pytest
from django.utils import timezone
from pypdf import PdfReader
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from comite import rapports
from comite.rapports import production, rendu
from comite.rapports.rendu import FetcherRestreint, RessourceRefusee
from engagements.models import Statut
from engagements.tableaux import Perimetre
from tests.factories import ObligationFactory
from tests.factories_suivi import ActionFactory

PIXEL = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="
)


@pytest.fixture
def serveur():
    """(port, requêtes reçues) d'un serveur HTTP local qui sert un pixel PNG et une feuille de style."""
    requetes = []

    class Gestionnaire(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            requetes.append(self.path)
            corps, type_mime = (b"p { color: red }", "text/css") if self.path.endswith(".css") else (PIXEL, "image/png")
            self.send_response(200)
            self.send_header("Content-Type", type_mime)
            self.send_header("Content-Length", str(len(corps)))
            self.end_headers()
            self.wfile.write(corps)

        def log_message(self, *args):
            pass

    serveur = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Gestionnaire)
    fil = threading.Thread(target=serveur.serve_forever, daemon=True)
    fil.start()
    yield serveur.server_address[1], requetes
    serveur.shutdown()
    serveur.server_close()
    fil.join()


def document(port):
    return (
        f'<html><head><link rel="stylesheet" href="http://127.0.0.1:{port}/style.css"></head>'
        f'<body><p>Bonjour</p><img src="http://127.0.0.1:{port}/pixel.png"></body></html>'
    )


def test_our_fetcher_makes_no_request_where_weasyprints_default_fetcher_does(serveur, caplog):
    port, requetes = serveur
    with caplog.at_level(logging.ERROR, logger="weasyprint"):
        pdf = rendu.rendre_pdf(document(port), *production.ressources())
    assert pdf.startswith(b"%PDF-")
    assert requetes == []
    assert "Ressource refusée" in caplog.text, "WeasyPrint journalise la ressource refusée et poursuit le rendu"

    HTML(string=document(port), url_fetcher=URLFetcher()).write_pdf()
    assert "/pixel.png" in requetes and "/style.css" in requetes


def test_our_fetcher_reads_only_data_urls_and_files_inside_the_allowed_folders(tmp_path):
    permis = tmp_path / "permis"
    permis.mkdir()
    (permis / "style.css").write_text("p { color: blue }")
    (tmp_path / "secret.txt").write_text("secret")
    (permis / "lien.css").symlink_to(tmp_path / "secret.txt")
    fetcher = FetcherRestreint([permis])

    assert fetcher.fetch((permis / "style.css").as_uri()).read() == b"p { color: blue }"
    assert fetcher.fetch(f"file://localhost{permis / 'style.css'}").read() == b"p { color: blue }"
    assert fetcher.fetch("data:text/plain;base64,Qm9uam91cg==").read() == b"Bonjour"
    refusees = [
        "file:///etc/passwd",
        (tmp_path / "secret.txt").as_uri(),
        (permis / "lien.css").as_uri(),  # un lien symbolique qui sort du dossier
        f"{permis.as_uri()}/../secret.txt",
        f"file://exemple.org{permis / 'style.css'}",
        "http://127.0.0.1:9/pixel.png",
        "https://exemple.org/police.woff2",
        "ftp://exemple.org/fichier",
    ]
    for url in refusees:
        with pytest.raises(RessourceRefusee):
            fetcher.fetch(url)


def test_a_local_file_url_in_a_document_is_refused_while_rendering(caplog):
    html = '<p>Bonjour</p><img src="file:///etc/passwd"><link rel="stylesheet" href="file:///etc/hosts">'
    with caplog.at_level(logging.ERROR, logger="weasyprint"):
        rendu.rendre_pdf(html, *production.ressources())
    assert "file:///etc/passwd" in caplog.text and "file:///etc/hosts" in caplog.text
    assert caplog.text.count("Ressource refusée") >= 2


def test_the_renderer_reads_only_the_report_stylesheet_folder_and_the_font_folder(settings):
    feuille, police, dossiers = production.ressources()
    assert feuille.name == "rapport.css" and feuille.parent.name == "rapports"
    assert police.suffix == ".ttf" and police.parent in dossiers
    assert dossiers == [feuille.parent, police.parent]
    fetcher = FetcherRestreint(dossiers)
    assert fetcher.fetch(feuille.as_uri()).read().startswith(b"/*")
    assert fetcher.fetch(police.as_uri()).read(4) == b"\x00\x01\x00\x00"
    with pytest.raises(RessourceRefusee):
        fetcher.fetch((settings.BASE_DIR / "static" / "css" / "site.css").as_uri())


@pytest.mark.django_db
def test_text_typed_by_users_is_printed_as_text_and_fetches_nothing(serveur, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    port, requetes = serveur
    image = f'<img src="http://127.0.0.1:{port}/x.png">'
    obligation = ObligationFactory()
    ActionFactory(
        obligation=obligation,
        titre="<b>Titre</b> en gras ?",
        statut=Statut.BLOQUE,
        commentaire=f"<script>alert(1)</script> {image}",
        date_effet=timezone.localdate() - datetime.timedelta(days=3),
    )
    au = timezone.localdate()
    pdf = rapports.produire(Perimetre(obligation.protocole), au, au - datetime.timedelta(days=30))
    texte = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "<script>alert(1)</script>" in texte
    assert f'<img src="http://127.0.0.1:{port}/x.png">' in texte
    assert "<b>Titre</b> en gras ?" in texte
    assert requetes == []
