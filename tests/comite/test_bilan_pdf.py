"""Le bilan à l'échéance en PDF : la note (deux pages au plus) puis l'annexe, lues avec pypdf ; son
téléchargement ; `rapport_copil --bilan` ; son gel depuis une réunion, à part des versions du rapport, avec son
SHA-256 et ses visas ; le nombre de requêtes de son contenu, quelle que soit la taille du protocole."""

import datetime
import hashlib
import io
import re

import pytest
from django.contrib.messages import get_messages
from django.core.management import CommandError, call_command
from django.urls import NoReverseMatch, reverse
from pypdf import PdfReader
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from comite import rapports
from comite.models import Preparation, RapportArchive, Reunion, Visa
from comite.rapports import bilan as contenu_du_bilan
from engagements.models import Obligation, Statut, ValeurVerdict, Verdict
from engagements.tableaux.bilan import bilan
from tests.factories import OrganisationFactory, RepresentationFactory, UtilisateurFactory, construire_protocole
from tests.factories_suivi import ROLES, ActionFactory, habilitation

pytestmark = pytest.mark.django_db

J = datetime.date
ECHEANCE = J(2022, 12, 31)  # celle du texte signé des fabriques (annee_fin = 2022)
DEBUT_ANNEXE = "Annexe — chaque obligation au jour du bilan"
PT, ETAT = "Partenaires territoriaux", "État, ses services et ses opérateurs"


@pytest.fixture(autouse=True)
def cache_isole(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def obligation(protocole, reference):
    return Obligation.objects.get(protocole=protocole, reference=reference)


@pytest.fixture
def protocole():
    """Deux engagements × deux parties (PT, ETAT) × deux obligations ; les réponses écrites :

    - PT : E1-PT-1 tenue, E1-PT-2 partiellement tenue, E2-PT-1 tenue, E2-PT-2 sans verdict → 2 / 1 / 0, 1 à part ;
    - ETAT : E1-ETAT-1 non tenue, E1-ETAT-2 tenue seulement après l'échéance (non évaluée au bilan), E2 sans verdict
      → 0 / 0 / 1, 3 à part ;
    - deux actions sur E1-PT-1 : l'une réalisée avant l'échéance, l'autre après (ouverte au bilan)."""
    protocole = construire_protocole(engagements=2, blocs=2, obligations=2, paragraphes=0)
    auteur = UtilisateurFactory()
    verdicts = [
        ("E1-PT-1", ValeurVerdict.TENU, J(2022, 6, 1)),
        ("E1-PT-2", ValeurVerdict.PARTIEL, J(2022, 6, 1)),
        ("E2-PT-1", ValeurVerdict.TENU, J(2022, 1, 15)),
        ("E1-ETAT-1", ValeurVerdict.NON_TENU, J(2022, 3, 1)),
        ("E1-ETAT-2", ValeurVerdict.TENU, J(2023, 3, 1)),
    ]
    for reference, valeur, date_effet in verdicts:
        Verdict.donner(
            obligation(protocole, reference), auteur=auteur, valeur=valeur, date_effet=date_effet, motif="Revue."
        )
    premiere = obligation(protocole, "E1-PT-1")
    for titre, realisee_le in (("Forum de l'emploi", J(2022, 5, 1)), ("Chantier d'insertion", J(2023, 2, 1))):
        action = ActionFactory(
            obligation=premiere, titre=titre, auteur=auteur, date_effet=J(2020, 1, 6), echeance=J(2022, 11, 30)
        )
        action.enregistrer(auteur=auteur, date_effet=realisee_le, statut=Statut.REALISE, avancement=100)
    return protocole


def lire(pdf):
    lecteur = PdfReader(io.BytesIO(pdf))
    return [" ".join(page.extract_text().split()) for page in lecteur.pages], lecteur


def page_de(pages, texte):
    """Le numéro (à partir de 1) de la première page, après la couverture, où commence `texte`."""
    return next(n for n, page in enumerate(pages[1:], start=2) if page.startswith(texte) or f" {texte} " in page)


def ligne(texte, libelle, *nombres):
    """La ligne d'un tableau lue dans le texte : le libellé puis les nombres, séparés par des espaces."""
    return re.search(re.escape(libelle) + r"\s+" + r"\s+".join(str(n) for n in nombres) + r"\b", texte) is not None


# -- le PDF ----------------------------------------------------------------------------------------------------------


def test_the_balance_pdf_gives_the_counts_per_party_with_non_evalue_apart_in_a_note_then_the_annex(protocole):
    pages, _lecteur = lire(rapports.produire_bilan(protocole))
    debut_annexe = page_de(pages, DEBUT_ANNEXE)
    assert debut_annexe <= 4, [p[:80] for p in pages[:5]]  # la couverture, deux pages de note au plus
    note = " ".join(pages[1 : debut_annexe - 1])
    assert "Bilan à l'échéance du protocole, le 31 décembre 2022." in note
    assert "Échéance du texte signé : 31 décembre 2022." in note
    # Tenues, partiellement tenues, non tenues, puis les non évaluées, à part.
    assert "Non évaluées (à part)" in note
    assert ligne(note, PT, 2, 1, 0, 1), note
    assert ligne(note, ETAT, 0, 0, 1, 3), note
    assert "8 obligations : 2 tenues, 1 partiellement tenue, 1 non tenue (4 évaluées) ; à part, 4 non évaluées" in note
    # Par engagement : E1 = 1 tenue (E1-ETAT-2 ne l'est qu'après l'échéance), 1 partielle, 1 non tenue, 1 à part.
    premier = Obligation.objects.get(protocole=protocole, reference="E1-PT-1").bloc.engagement
    assert ligne(note, f"N°1 — {premier.titre}", 1, 1, 1, 1), note
    assert "Actions réalisées au 31 décembre 2022 : 1 sur 2" in note
    assert "Indicateurs à la cible : 0 sur 0" in note
    assert "1 action non réalisée sur 2" in note
    annexe = " ".join(pages[debut_annexe - 1 :])
    assert "E1-PT-1" in annexe and "Verdict : tenu" in annexe
    assert "Ouverte : 1 action non réalisée." in annexe  # tenue, mais une action réalisée après l'échéance
    assert "E1-ETAT-2" in annexe and "Verdict : non évalué" in annexe
    assert "Ouverte : pas de verdict « tenu »." in annexe
    assert "Chantier d'insertion" in annexe and "non réalisée" in annexe


def test_the_balance_pdf_is_tagged_in_french_like_the_report(protocole):
    _pages, lecteur = lire(rapports.produire_bilan(protocole))
    racine = lecteur.trailer["/Root"]
    assert racine["/MarkInfo"]["/Marked"]
    assert "/StructTreeRoot" in racine
    assert str(racine["/Lang"]).lower().startswith("fr")


def test_the_pdf_prints_the_figures_of_the_query_layer(protocole):
    """Une vérité : les chiffres imprimés sont ceux de `engagements.tableaux.bilan`, partie par partie."""
    resultat = bilan(protocole)
    pages, _lecteur = lire(rapports.produire_bilan(protocole))
    note = " ".join(pages[1 : page_de(pages, DEBUT_ANNEXE) - 1])
    for partie, v in resultat.par_partie:
        libelle = partie.nom[0].upper() + partie.nom[1:]
        assert ligne(note, libelle, v["tenu"], v["partiel"], v["non_tenu"], v["non_evalue"]), libelle


def test_an_effective_term_is_said_with_its_justification(protocole):
    protocole.echeance_effective = J(2023, 12, 31)
    protocole.echeance_justification = "Prorogation légale des contrats de ville."
    protocole.save()
    pages, _lecteur = lire(rapports.produire_bilan(protocole))
    note = " ".join(pages[1:4])
    assert "Bilan à l'échéance du protocole, le 31 décembre 2023." in note
    assert "Échéance effective, posée par la coordination : 31 décembre 2023" in note
    assert "Justification : Prorogation légale des contrats de ville." in note
    assert ligne(note, ETAT, 1, 0, 1, 2), note  # E1-ETAT-2, tenue en mars 2023, l'est à l'échéance effective


def test_a_balance_before_the_term_is_a_balance_in_progress(protocole):
    pages, _lecteur = lire(rapports.produire_bilan(protocole, J(2022, 4, 1)))
    note = " ".join(pages[1:4])
    assert "Bilan d'étape au 1 avril 2022" in note or "Bilan d'étape au 1er avril 2022" in note
    assert ligne(note, PT, 1, 0, 0, 3), note  # seule E2-PT-1 (janvier) est tenue le 1er avril


def test_the_content_takes_the_same_number_of_queries_whatever_the_size(django_assert_num_queries):
    """Le contenu du bilan ne grandit pas avec les données : même nombre de requêtes pour 4 et 40 obligations."""
    comptes = []
    for taille in (1, 10):
        protocole = construire_protocole(engagements=2, blocs=2, obligations=taille, paragraphes=0)
        for o in Obligation.objects.filter(protocole=protocole):
            ActionFactory(obligation=o, date_effet=J(2020, 1, 6), echeance=J(2022, 11, 30))
        contexte = contenu_du_bilan.construire(protocole)
        assert contexte["obligations"] == 4 * taille
        comptes.append(contexte["requetes"])
    assert comptes[0] == comptes[1], comptes


# -- le téléchargement -----------------------------------------------------------------------------------------------


@pytest.fixture
def lecteur(protocole):
    return habilitation(protocole, ROLES.LECTEUR).utilisateur


def test_a_member_downloads_the_balance_pdf(client, lecteur):
    client.force_login(lecteur)
    reponse = client.get(reverse("bilan_rapport"))
    assert reponse.status_code == 200
    assert reponse["Content-Type"] == "application/pdf"
    assert "bilan-" in reponse["Content-Disposition"] and "2022-12-31.pdf" in reponse["Content-Disposition"]
    assert reponse.content.startswith(b"%PDF")


def test_a_balance_in_progress_is_downloaded_with_au(client, lecteur):
    client.force_login(lecteur)
    reponse = client.get(reverse("bilan_rapport"), {"au": "2022-04-01"})
    assert reponse.status_code == 200
    assert "2022-04-01.pdf" in reponse["Content-Disposition"]
    assert "Bilan d'étape" in " ".join(lire(reponse.content)[0])


@pytest.mark.parametrize(
    ("au", "message"),
    [
        ("2023-03-01", "Le bilan se fait à l'échéance du protocole (31/12/2022) ou avant"),
        ("pas-une-date", "n'est pas une date reconnue"),
        ("2022-02-30", "n'est pas une date reconnue"),
        ("2014-06-30", "État au"),
    ],
)
def test_a_bad_au_is_refused_with_a_french_message_never_a_server_error(client, lecteur, au, message):
    client.force_login(lecteur)
    reponse = client.get(reverse("bilan_rapport"), {"au": au}, follow=True)
    assert reponse.status_code in (200, 400)
    assert reponse["Content-Type"].startswith("text/html")
    page = reponse.content.decode()
    textes = [str(m) for m in get_messages(reponse.wsgi_request)]
    assert any(message in t for t in textes) or message.replace("'", "&#x27;") in page, (textes, page[:3000])
    assert not Preparation.objects.exists()


def test_the_balance_download_goes_through_a_preparation_like_the_report(client, lecteur):
    client.force_login(lecteur)
    client.get(reverse("bilan_rapport"))
    preparation = Preparation.objects.get()
    assert (preparation.sorte, preparation.au, preparation.etat) == (
        Preparation.Sorte.BILAN,
        ECHEANCE,
        Preparation.Etat.PRETE,
    )
    # Servi ensuite par le cache, sans nouvelle préparation.
    assert client.get(reverse("bilan_rapport")).status_code == 200
    assert Preparation.objects.count() == 1
    assert client.get(reverse("preparation_fichier", args=[preparation.pk])).content.startswith(b"%PDF")


# -- la commande -----------------------------------------------------------------------------------------------------


def commande(*arguments):
    sortie = io.StringIO()
    call_command("rapport_copil", *arguments, stdout=sortie)
    return sortie.getvalue()


def test_rapport_copil_bilan_writes_the_balance(protocole, tmp_path):
    chemin = tmp_path / "bilan.pdf"
    sortie = commande("--bilan", "--sortie", str(chemin), "--protocole", protocole.slug)
    assert "Bilan écrit" in sortie and "31/12/2022" in sortie
    pages, _lecteur = lire(chemin.read_bytes())
    assert ligne(" ".join(pages), PT, 2, 1, 0, 1)
    commande("--bilan", "--sortie", str(chemin), "--au", "2022-04-01")
    assert "Bilan d'étape" in " ".join(lire(chemin.read_bytes())[0])


@pytest.mark.parametrize(
    "option",
    [
        ["--quartier", "brunetiere"],
        ["--organisation", "caf-isere"],
        ["--engagement", "1"],
        ["--reunion", "1"],
        ["--depuis", "2022-01-01"],
        ["--sans-annexe"],
    ],
)
def test_rapport_copil_bilan_refuses_a_scope_or_period_option_in_french(protocole, tmp_path, option):
    chemin = tmp_path / "bilan.pdf"
    with pytest.raises(CommandError, match="(?i)un bilan porte sur tout le protocole"):
        commande("--bilan", "--sortie", str(chemin), *option)
    assert not chemin.exists()


def test_rapport_copil_bilan_refuses_a_date_after_the_term_in_french(protocole, tmp_path):
    with pytest.raises(CommandError, match="Le bilan se fait à l'échéance du protocole"):
        commande("--bilan", "--sortie", str(tmp_path / "bilan.pdf"), "--au", "2023-06-30")


# -- le gel depuis une réunion, et les visas -------------------------------------------------------------------------


@pytest.fixture
def etat():
    return OrganisationFactory(nom="Préfecture de l'Isère")


@pytest.fixture
def reunion(protocole, etat):
    RepresentationFactory(signature__protocole=protocole, organisation=etat)
    return Reunion.objects.create(protocole=protocole, date=J(2024, 3, 12), titre="Comité du bilan")


@pytest.fixture
def coordination(protocole):
    return habilitation(protocole, ROLES.COORDINATEUR, first_name="Marc", last_name="Chevalier").utilisateur


def geler_bilan(client, reunion, **donnees):
    return client.post(reverse("reunion_geler_bilan", args=[reunion.pk]), {"confirme": "on", **donnees})


def test_the_confirmation_page_says_what_balance_will_be_frozen(client, coordination, reunion):
    client.force_login(coordination)
    page = client.get(reverse("reunion_geler_bilan", args=[reunion.pk]))
    assertContains(page, "Geler le bilan à l'échéance")
    assertContains(page, "31 décembre 2022, l'échéance du protocole")
    assertContains(page, f'action="{reverse("reunion_geler_bilan", args=[reunion.pk])}"')
    assert not RapportArchive.objects.exists()


def test_freezing_the_balance_creates_bilan_version_1_whose_sha256_is_that_of_its_file(client, coordination, reunion):
    client.force_login(coordination)
    assertRedirects(geler_bilan(client, reunion), reverse("reunion", args=[reunion.pk]))
    archive = RapportArchive.objects.get()
    contenu = bytes(archive.contenu)
    assert (archive.genre, archive.version, archive.au, archive.gele_par) == ("bilan", 1, ECHEANCE, coordination)
    assert archive.sha256 == hashlib.sha256(contenu).hexdigest()
    pages, _lecteur = lire(contenu)
    assert "Version 1 — gelée le" in pages[0] and "par Marc Chevalier" in pages[0]
    assert ligne(" ".join(pages), PT, 2, 1, 0, 1)
    page = client.get(reverse("reunion", args=[reunion.pk]))
    assertContains(page, "Version 1 du bilan")
    assertContains(page, f'<code class="text-break">{archive.sha256}</code>', html=True)
    assertContains(page, "Aucune version n'est encore archivée.")  # le rapport, lui, n'est pas gelé
    assertContains(page, "Geler la version 2 du bilan")
    telechargement = client.get(reverse("archive", args=[archive.pk]))
    assert telechargement["X-Empreinte-SHA256"] == archive.sha256
    assert re.search(r'filename="bilan-[a-z0-9-]+-2022-12-31-version-1\.pdf"', telechargement["Content-Disposition"])


def test_balance_and_report_versions_are_numbered_apart(client, coordination, reunion):
    client.force_login(coordination)
    geler_bilan(client, reunion)
    client.post(reverse("reunion_geler", args=[reunion.pk]), {"confirme": "on"})
    assert set(RapportArchive.objects.values_list("genre", "version")) == {("bilan", 1), ("rapport", 1)}
    # Une nouvelle version du bilan dit ce qu'elle corrige ; celle du rapport n'en est pas changée.
    refus = geler_bilan(client, reunion)
    assertContains(refus, "La version 1 est déjà gelée", status_code=400)
    geler_bilan(client, reunion, motif="Verdict de la CAF corrigé")
    assert set(RapportArchive.objects.values_list("genre", "version")) == {
        ("bilan", 1),
        ("bilan", 2),
        ("rapport", 1),
    }
    page = client.get(reverse("reunions"))
    assertContains(page, "Bilan, version 2")


def test_only_the_coordination_freezes_the_balance(client, lecteur, reunion):
    client.force_login(lecteur)
    assert geler_bilan(client, reunion).status_code == 403
    assert not RapportArchive.objects.exists()


def test_a_signing_lecteur_records_its_visa_on_the_frozen_balance(client, protocole, coordination, reunion, etat):
    client.force_login(coordination)
    geler_bilan(client, reunion)
    bilan_gele = RapportArchive.objects.get(genre="bilan")
    lecteur = habilitation(protocole, ROLES.LECTEUR, etat, first_name="Isabelle", last_name="Roussel").utilisateur
    client.force_login(lecteur)
    page = client.get(reverse("reunion", args=[reunion.pk]))
    assertContains(page, "J'ai lu la version 1 du bilan (SHA-256")
    reponse = client.post(
        reverse("visa", args=[reunion.pk]), {"archive": bilan_gele.pk, "lu": "on", "reserves": "Chiffres CAF à revoir."}
    )
    assertRedirects(reponse, reverse("reunion", args=[reunion.pk]))
    visa = Visa.objects.get()
    assert (visa.archive, visa.organisation, visa.reserves) == (bilan_gele, etat, "Chiffres CAF à revoir.")
    page = client.get(reverse("reunion", args=[reunion.pk]))
    assertContains(page, "a visé la version 1 du bilan")
    assertContains(page, bilan_gele.sha256)
    assertNotContains(page, "J'ai lu la version 1 du bilan")


def test_the_balance_page_link_is_used_when_it_exists(client, lecteur):
    """Avec la page /bilan/ (construite à part), une date refusée y ramène avec le message ; sans elle, une page
    400 le dit."""
    client.force_login(lecteur)
    reponse = client.get(reverse("bilan_rapport"), {"au": "2023-03-01"})
    try:
        assertRedirects(reponse, reverse("bilan"), fetch_redirect_response=False)
    except NoReverseMatch:
        assertContains(reponse, "Le bilan se fait à l&#x27;échéance du protocole", status_code=400)
