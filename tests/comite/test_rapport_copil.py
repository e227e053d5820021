"""`manage.py rapport_copil` : le même rapport que les téléchargements, en ligne de commande, erreurs en français."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from pypdf import PdfReader

from tests.factories import (
    AppartenanceFactory,
    ObligationFactory,
    OrganisationFactory,
    PartieFactory,
    ProtocoleFactory,
    QuartierFactory,
)
from tests.factories_suivi import ActionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def cache_isole(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def protocole():
    obligation = ObligationFactory(bloc__engagement__numero=1, bloc__engagement__titre="Mobiliser l'emploi")
    protocole = obligation.protocole
    QuartierFactory(protocole=protocole, slug="brunetiere", nom="Brunetière")
    AppartenanceFactory(partie=PartieFactory(protocole=protocole), organisation=OrganisationFactory(slug="caf-isere"))
    ActionFactory(obligation=obligation, titre="Forum de l'emploi")
    return protocole


def commande(*arguments):
    sortie = io.StringIO()
    call_command("rapport_copil", *arguments, stdout=sortie)
    return sortie.getvalue()


def texte(chemin):
    lecteur = PdfReader(chemin)
    return " ".join(" ".join(page.extract_text() for page in lecteur.pages).split()), len(lecteur.pages)


def test_the_command_writes_the_report_and_says_how_many_pages_and_how_long(protocole, tmp_path):
    chemin = tmp_path / "rapport.pdf"
    message = commande("--sortie", str(chemin))
    contenu, pages = texte(chemin)
    assert "Tout le territoire" in contenu and "Forum de l'emploi" in contenu
    assert f"{pages} pages en " in message and " s par page" in message
    assert f"page {pages} / {pages}" in contenu


@pytest.mark.parametrize(
    ("option", "attendu"),
    [
        (["--quartier", "brunetiere"], "Quartier Brunetière"),
        (["--organisation", "caf-isere"], "Organisation"),
        (["--engagement", "1"], "Engagement renforcé N°1"),
    ],
)
def test_the_command_takes_one_scope(protocole, tmp_path, option, attendu):
    chemin = tmp_path / "rapport.pdf"
    commande("--sortie", str(chemin), "--protocole", protocole.slug, *option, "--au", "2025-06-30")
    contenu, _pages = texte(chemin)
    assert attendu in contenu and "État au 30 juin 2025" in contenu


def test_the_command_reads_a_past_date_and_a_since_date(protocole, tmp_path):
    chemin = tmp_path / "rapport.pdf"
    message = commande("--sortie", str(chemin), "--au", "2025-06-30", "--depuis", "2025-01-01")
    assert "état au 30/06/2025, évolutions depuis le 01/01/2025" in message
    contenu, _pages = texte(chemin)
    assert "Forum de l'emploi" not in contenu, "créée il y a un mois"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--quartier", "inconnu"], "Quartier inconnu dans ce protocole : « inconnu »."),
        (["--organisation", "inconnue"], "Organisation inconnue dans ce protocole : « inconnue »."),
        (["--engagement", "7"], "Engagement inconnu dans ce protocole : N°7."),
        (["--protocole", "ailleurs"], "Protocole inconnu : « ailleurs »."),
        (["--au", "30/06/2025"], "« État au » n'est pas une date reconnue \\(« 30/06/2025 »\\) : attendu AAAA-MM-JJ"),
        (
            ["--au", "2025-06-30", "--depuis", "2025-07-01"],
            "« Évolutions depuis » \\(1 juillet 2025\\) doit précéder « État au » \\(30 juin 2025\\).",
        ),
        (["--quartier", "brunetiere", "--engagement", "1"], "un seul périmètre à la fois"),
        (["--engagement", "un"], "Le numéro d'engagement doit être un nombre."),
    ],
)
def test_the_command_explains_its_errors_in_french(protocole, tmp_path, arguments, message):
    with pytest.raises(CommandError, match=message):
        commande("--sortie", str(tmp_path / "rapport.pdf"), *arguments)
    assert not (tmp_path / "rapport.pdf").exists()


def test_a_future_date_is_refused(protocole, tmp_path):
    demain = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    with pytest.raises(CommandError, match="ne peut pas être dans le futur"):
        commande("--sortie", str(tmp_path / "rapport.pdf"), "--au", demain)


def test_the_protocol_is_required_when_there_are_several(protocole, tmp_path):
    ProtocoleFactory(slug="autre-territoire")
    with pytest.raises(CommandError, match=r"Plusieurs protocoles existent \(.*autre-territoire.*\) : précisez"):
        commande("--sortie", str(tmp_path / "rapport.pdf"))
    commande("--sortie", str(tmp_path / "rapport.pdf"), "--protocole", protocole.slug)
    assert (tmp_path / "rapport.pdf").exists()


def test_the_output_option_is_required(protocole):
    with pytest.raises(CommandError, match="--sortie"):
        commande()


def test_without_any_protocol_the_command_says_what_to_load(db, tmp_path):
    with pytest.raises(CommandError, match="charger_protocole"):
        commande("--sortie", str(tmp_path / "rapport.pdf"))
