"""La note au comité : deux pages au plus après la couverture, dans les mots de la coordination, puis l'annexe ; un
PDF balisé ; une version gelée qui le dit ; un rapport de quartier qui dit ce qui est de tout le protocole."""

import datetime
import hashlib
import io
import random

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader
from pytest_django.asserts import assertContains

from comite import archives, rapports
from comite.models import LONGUEUR_TEXTES, RapportArchive, Reunion, Visa
from engagements.tableaux import Perimetre
from outils.bench.jeu import Echelle, construire
from outils.bench.structure import PREFIXE
from protocole.models import Protocole, Quartier, VersionDonnees
from tests.factories import OrganisationFactory, RepresentationFactory, construire_protocole
from tests.factories_suivi import ROLES, habilitation

pytestmark = pytest.mark.django_db

AUJOURD_HUI = timezone.localdate()
DEBUT_ANNEXE = "Annexe — le détail"
PHRASES = [
    "Le centre social de la Brunetière a rouvert ses ateliers du soir en septembre.",
    "La CAF a confirmé le financement des accueils de loisirs pour deux ans.",
    "Les bailleurs ont engagé la réhabilitation thermique de trois immeubles.",
    "Le forum de l'emploi a réuni cent vingt habitants et quinze entreprises.",
    "La permanence d'accès aux droits de santé tient désormais deux demi-journées.",
]


def texte_plein(graine, longueur=LONGUEUR_TEXTES):
    """Un texte de la coordination d'exactement `longueur` caractères : des paragraphes et une liste."""
    rng = random.Random(graine)
    morceaux, taille = [], 0
    while True:
        phrase = rng.choice(PHRASES)
        if len(morceaux) % 4 == 3:
            phrase = f"- {phrase}"
        separateur = "\n" if morceaux and len(morceaux) % 4 in (0, 3) else " "
        if taille + len(separateur) + len(phrase) > longueur:
            break
        morceaux.append(phrase if not morceaux else separateur + phrase)
        taille += len(morceaux[-1])
    texte = "".join(morceaux)
    return texte + "." * (longueur - len(texte))


def lire(pdf):
    lecteur = PdfReader(io.BytesIO(pdf))
    pages = [" ".join(page.extract_text().split()) for page in lecteur.pages]
    return pages, lecteur


def page_de(pages, texte):
    """Le numéro (à partir de 1) de la première page, après le sommaire, où commence `texte`."""
    return next(n for n, page in enumerate(pages[1:], start=2) if page.startswith(texte) or f" {texte} " in page)


def remplir(reunion):
    for rang, nom in enumerate(("faits_marquants", "points_attention", "decisions_attendues")):
        setattr(reunion, nom, texte_plein(rang))
    reunion.save()
    return reunion


def verifier_note(pdf, reunion):
    pages, _lecteur = lire(pdf)
    assert page_de(pages, DEBUT_ANNEXE) <= 4, [p[:80] for p in pages[:5]]
    note = " ".join(pages[1 : page_de(pages, DEBUT_ANNEXE) - 1])
    for nom in ("faits_marquants", "points_attention", "decisions_attendues"):
        for ligne in getattr(reunion, nom).split("\n"):
            assert " ".join(ligne.removeprefix("- ").split())[:200] in note, ligne[:60]


def test_the_note_fits_two_pages_with_full_texts_on_the_demo_data(settings):
    settings.DEBUG = True
    call_command("demo", stdout=io.StringIO())
    protocole = Protocole.objects.get(slug="pays-voironnais")
    reunion = remplir(Reunion.objects.create(protocole=protocole, date=AUJOURD_HUI, titre="Comité d'automne"))

    verifier_note(archives.rendre(reunion), reunion)


def test_the_note_fits_two_pages_on_the_2000_action_benchmark_protocol():
    modele = construire_protocole(engagements=5, blocs=5, obligations=3, paragraphes=1)
    construire(modele, Echelle(protocoles=1, actions=2000), ecrire=lambda _m: None)
    protocole = Protocole.objects.get(slug__startswith=PREFIXE)
    reunion = remplir(Reunion.objects.create(protocole=protocole, date=AUJOURD_HUI, titre="Comité national"))

    verifier_note(archives.rendre(reunion), reunion)


@pytest.fixture
def comite():
    protocole = construire_protocole(engagements=2, blocs=2, obligations=1, paragraphes=0)
    coordination = habilitation(protocole, ROLES.COORDINATEUR, first_name="Marc", last_name="Chevalier").utilisateur
    reunion = Reunion.objects.create(protocole=protocole, date=AUJOURD_HUI, titre="Comité d'automne")
    return protocole, coordination, reunion


def test_the_pdf_is_tagged_in_french_and_opens_on_its_bookmarks(comite):
    protocole, _coordination, _reunion = comite
    _pages, lecteur = lire(rapports.produire(Perimetre(protocole), AUJOURD_HUI, AUJOURD_HUI))
    racine = lecteur.trailer["/Root"]

    assert racine["/MarkInfo"]["/Marked"] == True  # noqa: E712 (un BooleanObject de pypdf)
    assert "/StructTreeRoot" in racine
    assert racine["/Lang"] == "fr"
    assert racine["/PageMode"] == "/UseOutlines"


def test_the_note_alone_has_no_annex(comite, tmp_path):
    protocole, _coordination, reunion = comite
    remplir(reunion)
    sortie = tmp_path / "note.pdf"
    call_command("rapport_copil", sortie=str(sortie), protocole=protocole.slug, sans_annexe=True, stdout=io.StringIO())

    pages, _lecteur = lire(sortie.read_bytes())
    assert len(pages) <= 3 and "la note seule" in pages[0]
    assert not any(DEBUT_ANNEXE in page for page in pages)
    assert "Faits marquants" in " ".join(pages), "la prochaine réunion (aujourd'hui) donne ses textes"


def test_rapport_copil_renders_a_meetings_report_with_its_texts(comite, tmp_path):
    protocole, _coordination, reunion = comite
    reunion.faits_marquants = "Ouverture de la maison des habitants."
    reunion.save()
    sortie = tmp_path / "reunion.pdf"
    call_command("rapport_copil", sortie=str(sortie), reunion=str(reunion.pk), stdout=io.StringIO())

    pages, _lecteur = lire(sortie.read_bytes())
    assert "Comité d'automne" in pages[0]
    assert "Ouverture de la maison des habitants." in " ".join(pages)


def test_the_reports_page_gives_the_note_alone_when_asked(client, comite):
    protocole, coordination, _reunion = comite
    client.force_login(coordination)
    reponse = client.get(reverse("rapports"), {"perimetre": "protocole", "sans_annexe": "on"})
    assert reponse.status_code == 302 and "annexe=non" in reponse["Location"]

    telechargement = client.get(reponse["Location"])
    pages, _lecteur = lire(
        b"".join(telechargement.streaming_content) if telechargement.streaming else telechargement.content
    )
    assert not any(DEBUT_ANNEXE in page for page in pages)
    assert telechargement["Content-Disposition"].endswith('-note.pdf"')


def test_reports_without_a_meeting_take_the_next_meetings_texts_or_say_there_are_none(comite):
    protocole, _coordination, reunion = comite
    perimetre = Perimetre(protocole)
    sans = " ".join(lire(rapports.produire(perimetre, AUJOURD_HUI, AUJOURD_HUI, annexe=False))[0])
    assert "Aucun commentaire de la coordination" in sans

    reunion.points_attention = "Le poste d'animateur reste vacant."
    reunion.save()
    avec = " ".join(lire(rapports.produire(perimetre, AUJOURD_HUI, AUJOURD_HUI, annexe=False))[0])
    assert "Points d'attention" in avec and "Le poste d'animateur reste vacant." in avec


def test_saving_the_texts_bumps_the_data_version_and_refuses_too_long_texts(client, comite):
    protocole, coordination, reunion = comite
    client.force_login(coordination)
    avant = VersionDonnees.lire(protocole)

    trop = client.post(reverse("reunion_textes", args=[reunion.pk]), {"faits_marquants": "x" * (LONGUEUR_TEXTES + 1)})
    assert trop.status_code == 400
    assertContains(trop, "1500 caractères au plus", status_code=400)
    reunion.refresh_from_db()
    assert reunion.faits_marquants == "" and VersionDonnees.lire(protocole) == avant

    reponse = client.post(
        reverse("reunion_textes", args=[reunion.pk]),
        {"faits_marquants": "<b>Ouverture</b>\n\n- un\n- deux", "points_attention": "", "decisions_attendues": ""},
    )
    assert reponse.status_code == 302
    reunion.refresh_from_db()
    assert reunion.faits_marquants.startswith("<b>Ouverture</b>")
    assert VersionDonnees.lire(protocole) != avant
    page = client.get(reverse("reunion", args=[reunion.pk]))
    assertContains(page, 'data-compteur="1500"')
    assertContains(page, "&lt;b&gt;Ouverture&lt;/b&gt;")


def test_freezing_asks_for_confirmation_and_says_what_will_be_archived(client, comite):
    _protocole, coordination, reunion = comite
    client.force_login(coordination)
    client.get(reverse("reunion_apercu", args=[reunion.pk]))

    confirmation = client.get(reverse("reunion_geler", args=[reunion.pk]))
    assertContains(confirmation, "Tout le territoire")
    assertContains(confirmation, f"{AUJOURD_HUI:%-d}")
    assertContains(confirmation, "pages, sur les données d'aujourd'hui")
    sans_confirmation = client.post(reverse("reunion_geler", args=[reunion.pk]), {})
    assert sans_confirmation.status_code == 200 and not RapportArchive.objects.exists()

    client.post(reverse("reunion_geler", args=[reunion.pk]), {"confirme": "on"})
    assert RapportArchive.objects.filter(reunion=reunion, version=1).exists()


def test_the_frozen_pdf_prints_its_version_and_the_meeting_page_its_sha256(client, comite):
    _protocole, coordination, reunion = comite
    client.force_login(coordination)
    client.post(reverse("reunion_geler", args=[reunion.pk]), {"confirme": "on"})
    archive = RapportArchive.objects.get(reunion=reunion)
    moment = timezone.localtime(archive.gele_le)
    mention = f"Version 1 — gelée le {moment:%d/%m/%Y à %H:%M} par Marc Chevalier"

    telechargement = client.get(reverse("archive", args=[archive.pk]))
    contenu = telechargement.content
    pages, _lecteur = lire(contenu)
    assert mention in pages[0]
    assert all(mention in page for page in pages[1:]), "en pied de chaque page"
    assertContains(client.get(reverse("reunion", args=[reunion.pk])), hashlib.sha256(contenu).hexdigest())

    client.post(reverse("reunion_geler", args=[reunion.pk]), {"confirme": "on", "motif": "Participants corrigés"})
    correction = lire(bytes(RapportArchive.objects.get(reunion=reunion, version=2).contenu))[0][0]
    assert "Version 2 — gelée le" in correction and "Correction : Participants corrigés" in correction


def test_a_visa_with_reservations_is_shown_on_the_meeting_page_and_in_the_next_report(client, comite):
    protocole, coordination, reunion = comite
    etat = OrganisationFactory(nom="Préfecture de l'Isère")
    RepresentationFactory(signature__protocole=protocole, organisation=etat)
    lecteur = habilitation(protocole, ROLES.LECTEUR, etat).utilisateur
    archives.geler(reunion, coordination)
    archive = RapportArchive.objects.get(reunion=reunion)
    client.force_login(lecteur)

    reponse = client.post(
        reverse("visa", args=[reunion.pk]),
        {"archive": archive.pk, "lu": "on", "reserves": "Les chiffres de la CAF sont à confirmer."},
        follow=True,
    )

    assertContains(reponse, "avec réserves")
    assertContains(reponse, archive.sha256)
    assertContains(reponse, "Les chiffres de la CAF sont à confirmer.")
    assert Visa.objects.get().reserves == "Les chiffres de la CAF sont à confirmer."
    suivante = Reunion.objects.create(
        protocole=protocole, date=AUJOURD_HUI + datetime.timedelta(days=90), titre="Comité d'hiver"
    )
    texte = " ".join(lire(archives.rendre(suivante))[0])
    assert "Visas donnés avec réserves" in texte and "Les chiffres de la CAF sont à confirmer." in texte


def test_a_quartier_report_says_which_figures_are_protocol_wide():
    protocole = construire_protocole(engagements=2, blocs=2, obligations=1, paragraphes=0)
    quartier = Quartier.objects.create(protocole=protocole, slug="brunetiere", nom="Brunetière", ordre=1)
    pages, _lecteur = lire(rapports.produire(Perimetre(protocole, quartier=quartier), AUJOURD_HUI, AUJOURD_HUI))
    texte = " ".join(pages)

    assert "Verdicts des obligations par partie — à l'échelle du protocole" in texte
    assert "ce sont ceux de tout le protocole, pas du seul quartier" in texte
    assert "Tenues*" in texte and "* Les verdicts portent sur les obligations" in texte
    assert "verdict rendu (dans tout le protocole)" in texte or "verdicts rendus (dans tout le protocole)" in texte
    tout = " ".join(lire(rapports.produire(Perimetre(protocole), AUJOURD_HUI, AUJOURD_HUI))[0])
    assert "à l'échelle du protocole" not in tout and "dans tout le protocole" not in tout
