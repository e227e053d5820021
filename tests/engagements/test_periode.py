"""Un seul lecteur de la période et du périmètre : un tableau de bord, la page /rapports/, un lien de téléchargement
et `rapport_copil` disent la même erreur avec les mêmes mots, et les liens des tableaux se relisent à l'identique."""

import datetime
import html
import io

import pytest
from django.contrib.messages import get_messages
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from engagements.periode import lire_demande, parametres_rapport
from tests.factories import (
    AppartenanceFactory,
    OrganisationFactory,
    PartieFactory,
    ProtocoleFactory,
    QuartierFactory,
)
from tests.factories_suivi import ROLES, habilitation

pytestmark = pytest.mark.django_db

AUJOURDHUI = timezone.localdate()
DEMAIN = AUJOURDHUI + datetime.timedelta(days=1)


@pytest.fixture
def protocole():
    protocole = ProtocoleFactory()
    QuartierFactory(protocole=protocole, slug="centre", nom="Centre")
    return protocole


@pytest.fixture
def client_membre(client, protocole):
    client.force_login(habilitation(protocole, ROLES.COORDINATEUR).utilisateur)
    return client


def _sur_le_tableau(client, parametres):
    page = client.get(reverse("vue_ensemble"), parametres).content.decode()
    return html.unescape(page)


def _sur_le_formulaire(client, parametres):
    page = client.get(reverse("rapports"), {"perimetre": "protocole", **parametres}).content.decode()
    return html.unescape(page)


def _au_telechargement(client, parametres):
    reponse = client.get(reverse("rapport"), parametres)
    assert reponse.status_code == 302 and reponse.url == reverse("rapports")
    return " ".join(str(m) for m in get_messages(reponse.wsgi_request))


def _en_ligne_de_commande(options, tmp_path):
    with pytest.raises(CommandError) as erreur:
        call_command("rapport_copil", "--sortie", str(tmp_path / "r.pdf"), *options, stdout=io.StringIO())
    return str(erreur.value)


@pytest.mark.parametrize(
    ("parametres", "message"),
    [
        (
            {"au": DEMAIN.isoformat()},
            "« État au » ne peut pas être dans le futur ({demain}) : dates possibles du 1 janvier 2015 à aujourd'hui "
            "({aujourdhui}).",
        ),
        ({"au": "30/06/2025"}, "« État au » n'est pas une date reconnue (« 30/06/2025 ») : attendu AAAA-MM-JJ"),
        (
            {"au": "0001-01-01"},
            "« État au » ne peut pas précéder le 1 janvier 2015, début du contrat de ville (1 janvier 0001) : dates "
            "possibles du 1 janvier 2015 à aujourd'hui ({aujourdhui}).",
        ),
        (
            {"au": "2025-06-30", "depuis": "2025-07-01"},
            "« Évolutions depuis » (1 juillet 2025) doit précéder « État au » (30 juin 2025).",
        ),
    ],
    ids=["futur", "illisible", "avant-le-contrat", "ordre"],
)
def test_the_same_date_error_reads_the_same_on_every_page_and_in_the_command(
    client_membre, protocole, tmp_path, parametres, message
):
    message = message.format(demain=date_format(DEMAIN, "j F Y"), aujourdhui=date_format(AUJOURDHUI, "j F Y"))
    assert message in _sur_le_tableau(client_membre, parametres), "tableau de bord"
    assert message in _sur_le_formulaire(client_membre, parametres), "page /rapports/"
    assert message in _au_telechargement(client_membre, parametres), "lien de téléchargement"
    options = [f"--{nom}={valeur}" for nom, valeur in parametres.items()]
    assert message in _en_ligne_de_commande(options, tmp_path), "rapport_copil"


def test_an_unknown_quartier_is_a_404_on_the_web_and_a_french_error_in_the_command(client_membre, tmp_path):
    assert client_membre.get(reverse("rapport"), {"perimetre": "quartier", "valeur": "ailleurs"}).status_code == 404
    message = _en_ligne_de_commande(["--quartier", "ailleurs"], tmp_path)
    assert message == "Quartier inconnu dans ce protocole : « ailleurs »."


@pytest.mark.parametrize("portee", ["protocole", "quartier", "organisation"])
def test_the_download_links_of_the_dashboards_read_back_as_the_same_scope_and_dates(client_membre, protocole, portee):
    AppartenanceFactory(partie=PartieFactory(protocole=protocole), organisation=OrganisationFactory(slug="caf"))
    url = {
        "protocole": reverse("vue_ensemble"),
        "quartier": reverse("quartier", args=["centre"]),
        "organisation": reverse("organisation", args=["caf"]),
    }[portee]
    page = client_membre.get(url, {"au": "2025-06-30", "depuis": "2025-01-15"})
    lien = page.context["parametres_rapport"]
    assert f'href="{reverse("rapport")}?{html.escape(lien)}"' in page.content.decode()
    perimetre, periode = lire_demande(protocole, dict(p.split("=") for p in lien.split("&")))
    assert perimetre == page.context["perimetre"]
    assert (periode.au, periode.depuis) == (datetime.date(2025, 6, 30), datetime.date(2025, 1, 15))
    assert parametres_rapport(perimetre, periode) == lien


@pytest.mark.parametrize("valeur", ["20240101", "2024-W01-1", "2024-06-30T10:00"])
def test_only_an_iso_day_is_a_date(client_membre, valeur):
    message = f"« État au » n'est pas une date reconnue (« {valeur} ») : attendu AAAA-MM-JJ"
    assert message in _au_telechargement(client_membre, {"au": valeur})


def test_odd_digits_and_year_one_are_refused_in_french_never_with_a_server_error(client_membre):
    message = _au_telechargement(client_membre, {"perimetre": "engagement", "valeur": "²"})
    assert message == "Le numéro d'engagement doit être un nombre."
    assert client_membre.get(reverse("action_creer"), {"obligation": "²"}).status_code == 200
    assert client_membre.get(reverse("actions"), {"sans_maj_depuis": "0001-01-01"}).status_code == 200


def test_the_reports_form_says_once_that_a_quartier_is_unknown(client_membre):
    page = _sur_le_formulaire(client_membre, {"perimetre": "quartier", "quartier": "ailleurs"})
    assert page.count("Quartier inconnu dans ce protocole : « ailleurs ».") == 1
    assert "Choisissez un quartier." not in page and "Sélectionnez un choix valide" not in page
    page = _sur_le_formulaire(client_membre, {"perimetre": "commune"})
    assert "Périmètre inconnu : choisissez le protocole, un quartier, une organisation ou un engagement." in page
