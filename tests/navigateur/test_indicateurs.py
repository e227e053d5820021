"""Parcours de l'import des valeurs d'indicateurs dans Chromium : une chargée de mission télécharge le modèle (il ne
liste que l'indicateur que fournit son organisation), le remplit et y ajoute une ligne qu'elle n'a pas le droit
d'importer, lit l'aperçu (les valeurs à créer, la ligne refusée et sa raison), confirme, puis retrouve les valeurs sur
la page de l'obligation (tableau, courbe) et dans le rapport PDF — en douze chargements de page au plus depuis la
connexion (chaque page chargée et chaque fichier téléchargé comptent), sans erreur dans la console."""

import csv
import datetime
import io
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from engagements.models import Frequence, Indicateur, Periode, Valeur
from tests.factories import (
    BlocFactory,
    EngagementFactory,
    ObligationFactory,
    OrganisationFactory,
    PartieFactory,
    ProtocoleFactory,
    QuartierFactory,
)
from tests.factories_suivi import ROLES, IndicateurFactory, RepereFactory, habilitation

CAPTURES = Path("/tmp/captures")
MOT_DE_PASSE = "Un-mot-de-passe-de-parcours-2024"
EMPLOI = "Jeunes des quartiers accompagnés vers l'emploi"
APPRENTISSAGE = "Contrats d'apprentissage signés par des habitant·es des quartiers"
REFUS = (
    "APP-01 — Non permis pour votre organisation : seules l'organisation qui fournit cet indicateur et la "
    "coordination en saisissent les valeurs."
)


def _capture(page, nom):
    CAPTURES.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=CAPTURES / f"indicateurs-{nom}.png", full_page=True)


def _protocole():
    """Un protocole, deux quartiers, une obligation et deux indicateurs annuels : l'un fourni par la Mission locale
    (départ et cible à la Brunetière et à Baltiss), l'autre par la Chambre de métiers."""
    protocole = ProtocoleFactory(
        territoire="Pays Voironnais",
        intitule_contrat="CONTRAT DE VILLE du Pays Voironnais 2020-2030",
        annee_debut=2020,
        annee_fin=2030,
    )
    brunetiere = QuartierFactory(protocole=protocole, nom="Brunetière", slug="brunetiere")
    baltiss = QuartierFactory(protocole=protocole, nom="Baltiss", slug="baltiss")
    engagement = EngagementFactory(protocole=protocole, numero=1, titre="Emploi et insertion")
    bloc = BlocFactory(engagement=engagement, partie=PartieFactory(protocole=protocole, code="PT"))
    obligation = ObligationFactory(bloc=bloc, rang=3, texte="Accompagner les jeunes des quartiers vers l'emploi.")
    mission_locale = OrganisationFactory(nom="Mission locale du Pays Voironnais", sigle="ML")
    chambre = OrganisationFactory(nom="Chambre de métiers et de l'artisanat de l'Isère", sigle="CMA")
    emploi = IndicateurFactory(obligation=obligation, reference="EMP-01", nom=EMPLOI, fournisseur=mission_locale)
    for quartier, base, cible in ((brunetiere, 40, 80), (baltiss, 20, 50)):
        RepereFactory(
            indicateur=emploi,
            quartier=quartier,
            base_valeur=base,
            base_date=datetime.date(2023, 12, 31),
            cible_valeur=cible,
            cible_date=datetime.date(2028, 12, 31),
        )
    apprentissage = IndicateurFactory(obligation=obligation, reference="APP-01", nom=APPRENTISSAGE, fournisseur=chambre)
    RepereFactory(indicateur=apprentissage, quartier=brunetiere, base_valeur=5, base_date=datetime.date(2023, 12, 31))
    return protocole, mission_locale, obligation


@pytest.mark.navigateur
@pytest.mark.django_db(transaction=True)
def test_an_officer_imports_values_from_the_template_and_finds_them_on_the_obligation_and_in_the_pdf(
    page, live_server, tmp_path
):
    protocole, mission_locale, obligation = _protocole()
    ines = habilitation(protocole, ROLES.CHARGE_DE_MISSION, mission_locale, first_name="Inès", last_name="Moreau")
    ines.utilisateur.set_password(MOT_DE_PASSE)
    ines.utilisateur.save()
    erreurs = []
    page.on("console", lambda m: erreurs.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: erreurs.append(str(e)))
    chargements = []
    page.on("load", lambda p: chargements.append(p.url))
    page.on("download", lambda d: chargements.append(d.url))

    page.goto(live_server.url + "/connexion/")
    page.get_by_label("Identifiant").fill(ines.utilisateur.username)
    page.get_by_label("Mot de passe").fill(MOT_DE_PASSE)
    page.get_by_role("button", name="Se connecter").click()
    navigation = page.get_by_role("navigation", name="Navigation principale")
    navigation.get_by_role("link", name="Indicateurs", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Indicateurs du protocole")
    page.get_by_role("link", name="Importer des valeurs").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Importer des valeurs d'indicateurs")

    # Le modèle : l'indicateur de la Mission locale, une ligne par quartier qui a un départ ou une cible, la dernière
    # année écoulée déjà écrite ; pas celui de la Chambre de métiers.
    with page.expect_download() as modele:
        page.get_by_role("link", name=re.compile("Modèle au format CSV")).click()
    assert modele.value.suggested_filename.endswith(".csv")
    texte = Path(modele.value.path()).read_text(encoding="utf-8")
    assert texte.startswith("\ufeff")
    entetes, *lignes = list(csv.reader(io.StringIO(texte.removeprefix("\ufeff")), delimiter=";"))
    assert entetes[:6] == ["Indicateur", "Quartier", "Période", "Valeur", "Source", "Commentaire"]
    annee = Periode.derniere_close(timezone.localdate(), Frequence.ANNUELLE).code  # la dernière année écoulée
    assert [ligne[:4] for ligne in lignes] == [["EMP-01", "Baltiss", annee, ""], ["EMP-01", "Brunetière", annee, ""]]
    assert all(ligne[6] == EMPLOI for ligne in lignes)
    assert "APP-01" not in texte

    # Le fichier rempli : les deux lignes du modèle, une année de plus à la Brunetière, et une ligne d'un indicateur
    # que fournit une autre organisation.
    valeurs = {"Baltiss": "26", "Brunetière": "52"}
    for ligne in lignes:
        ligne[3:6] = [valeurs[ligne[1]], "Fichier de suivi de la Mission locale", ""]
    lignes.append(["EMP-01", "brunetiere", str(int(annee) - 1), "46", "", "Saisie de rattrapage"])
    lignes.append(["APP-01", "Brunetière", annee, "12", "", ""])
    fichier = tmp_path / "valeurs-mission-locale.csv"
    with fichier.open("w", encoding="utf-8-sig", newline="") as sortie:
        csv.writer(sortie, delimiter=";").writerows([entetes, *lignes])

    page.get_by_label("Fichier CSV ou XLSX").set_input_files(fichier)
    page.get_by_role("button", name="Voir l'aperçu").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Aperçu de l'import de « valeurs-mission-locale.csv »")
    expect(page.get_by_role("link", name="3 valeurs à créer")).to_be_visible()
    expect(page.get_by_role("link", name="1 ligne refusée")).to_be_visible()
    a_creer = page.get_by_role("table", name="Valeurs à créer, dans l'ordre du fichier.")
    expect(a_creer.locator("tbody tr")).to_have_count(3)
    source = "Fichier de suivi de la Mission locale"
    for nom in (
        f"2 à créer EMP-01 Baltiss {annee} {source} 26 pers.",
        f"3 à créer EMP-01 Brunetière {annee} {source} 52 pers.",
        f"4 à créer EMP-01 Brunetière {int(annee) - 1} Saisie de rattrapage 46 pers.",
    ):
        expect(a_creer.get_by_role("row", name=nom, exact=True)).to_be_visible()
    refusees = page.get_by_role("table", name=re.compile("^Lignes refusées"))
    expect(refusees.locator("tbody tr")).to_have_count(1)
    expect(refusees.get_by_role("rowheader")).to_have_text("5")
    expect(refusees.locator("tbody td").nth(1)).to_have_text(REFUS)
    assert not Valeur.objects.exists()  # rien n'est écrit avant la confirmation
    _capture(page, "1-apercu")

    page.get_by_role("button", name="Confirmer l'import (3 valeurs)").click()
    expect(
        page.get_by_text("Import de « valeurs-mission-locale.csv » enregistré : 3 valeur(s) créée(s)")
    ).to_be_visible()
    expect(page.get_by_text("1 ligne(s) refusée(s) non importée(s)")).to_be_visible()
    emploi = Indicateur.objects.get(reference="EMP-01")
    assert Valeur.objects.filter(indicateur=emploi).count() == 3
    assert not Valeur.objects.filter(indicateur__reference="APP-01").exists()

    # La page de l'obligation, par la liste des indicateurs et la page de l'indicateur.
    navigation.get_by_role("link", name="Indicateurs", exact=True).click()
    page.get_by_role("link", name=f"EMP-01 {EMPLOI}").first.click()
    page.get_by_role("link", name=obligation.reference, exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/obligations/{obligation.pk}/")
    apprentissage = Indicateur.objects.get(reference="APP-01")
    situations = page.locator(f"#indicateur-{emploi.pk} + p + .table-responsive table")
    for quartier, cellules in (
        ("Baltiss", ["20 pers. 12/2023", "50 pers. 12/2028", f"26 pers. {annee}", "20 %", "▲ en progrès"]),
        ("Brunetière", ["40 pers. 12/2023", "80 pers. 12/2028", f"52 pers. {annee}", "30 %", "▲ en progrès"]),
    ):
        rangee = situations.locator("tbody tr").filter(has=page.get_by_role("rowheader", name=quartier, exact=True))
        expect(rangee.get_by_role("cell")).to_have_text(cellules, use_inner_text=True)
    refusee = page.locator(f"#indicateur-{apprentissage.pk} + p + .table-responsive table tbody tr")
    expect(refusee.get_by_role("cell").nth(2)).to_have_text("—")  # la ligne refusée n'a rien écrit
    precedente = str(int(annee) - 1)
    # La courbe se nomme par son titre et sa description (aria-labelledby) : ce qu'entend un lecteur d'écran.
    courbe = page.locator(f"#indicateur-{emploi.pk} ~ figure.courbe-indicateur").first.get_by_role("img")
    expect(courbe).to_have_accessible_name(
        f"EMP-01 — {EMPLOI} {EMPLOI}, personnes, de {precedente} à {annee} : Baltiss 26 pers. en {annee}, cible "
        f"50 pers. ; Brunetière 52 pers. en {annee}, cible 80 pers. Les cibles sont en tirets ; le tableau des "
        "valeurs suit."
    )
    # La légende : chaque quartier avec sa cible, et aucune entrée ne chevauche la suivante (le trait d'une entrée
    # commence 28 px avant son texte).
    legende = courbe.evaluate(
        """svg => [...svg.querySelectorAll("text")].filter(t => t.textContent.endsWith("(tirets)"))
            .map(t => { const b = t.getBBox(); return [t.textContent, b.x, b.x + b.width, b.y]; })"""
    )
    assert [texte for texte, *_ in legende] == [
        "Baltiss — cible 50 pers. (tirets)",
        "Brunetière — cible 80 pers. (tirets)",
    ]
    for (_t, _x, fin, y), (_s, debut, _f, y_suivante) in zip(legende, legende[1:], strict=False):
        assert y_suivante != y or debut - 28 >= fin, legende
    page.get_by_text(f"Tableau des valeurs de « {EMPLOI} »").click()
    valeurs_table = page.get_by_role("table", name="Valeurs par période de EMP-01")
    expect(valeurs_table.get_by_role("row")).to_have_text(
        ["Période Baltiss Brunetière", f"{annee} 26 pers. 52 pers.", f"{precedente} — 46 pers."],
        use_inner_text=True,
    )
    _capture(page, "2-obligation")

    # Le rapport PDF de tout le protocole, depuis /rapports/ : sans courtier, le rendu se fait dans la requête et le
    # fichier part aussitôt.
    navigation.get_by_role("link", name="Rapports", exact=True).click()
    with page.expect_download(timeout=60_000) as rapport:
        page.get_by_role("button", name="Télécharger le rapport (PDF)").click()
    assert rapport.value.suggested_filename.endswith(".pdf")
    pdf = PdfReader(rapport.value.path())
    texte_pdf = " ".join(" ".join(p.extract_text() for p in pdf.pages).split())
    assert re.search(
        rf"EMP-01 {re.escape(EMPLOI)} \(E1- ?PT-3\)", texte_pdf
    )  # la référence peut se couper en fin de ligne
    assert f"Baltiss 20 pers. 50 pers. 26 pers. ({annee}) 20 % ▲ en progrès" in texte_pdf
    assert f"Brunetière 40 pers. 80 pers. 52 pers. ({annee}) 30 % ▲ en progrès" in texte_pdf

    assert len(chargements) <= 12, chargements
    assert not erreurs, erreurs
