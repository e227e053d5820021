"""Le module d'import réutilisable (protocole/importation) : lecture des fichiers, aperçu, attente, confirmation en une
transaction. Essayé ici avec une autre sorte de ligne que les valeurs d'indicateurs : la population des quartiers."""

import datetime
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook

from protocole import importation
from protocole.importation import Colonne, Etat, ImportRefuse, Refus, Resultat, Sorte, lire, lire_date
from protocole.models import Quartier
from tests.factories import ProtocoleFactory, QuartierFactory

COLONNES = (Colonne("Quartier", "quartier"), Colonne("Population", "population"), Colonne("Note", "note", False))


class Populations(Sorte):
    """Une autre sorte de ligne : la population d'un quartier (un entier)."""

    nom = "populations"
    colonnes = COLONNES
    entetes_apercu = ("Quartier",)
    echouer_a = None  # un numéro de ligne où l'écriture échoue

    def __init__(self, protocole):
        self.protocole = protocole

    def preparer(self, lignes, verrou=False):
        self.quartiers = {importation.cle_entete(q.nom): q for q in Quartier.objects.filter(protocole=self.protocole)}

    def valider(self, ligne):
        quartier = self.quartiers.get(importation.cle_entete(ligne.texte("quartier")))
        if quartier is None:
            return Refus("Quartier inconnu.")
        if ligne.texte("population") == "":
            return None
        if not ligne.texte("population").isdigit():
            raise ValidationError("Population illisible.")
        population = int(ligne.texte("population"))
        etat = (
            Etat.CREATION
            if quartier.population is None
            else Etat.INCHANGEE
            if quartier.population == population
            else Etat.MODIFICATION
        )
        return Resultat(
            cle=quartier.pk,
            etat=etat,
            colonnes=[quartier.nom],
            apres=str(population),
            avant=str(quartier.population or ""),
            temoin=quartier.population,
            donnees={"quartier": quartier, "population": population},
        )

    def ecrire(self, resultat, origine):
        if resultat.numero == self.echouer_a:
            raise RuntimeError("panne en cours d'écriture")
        Quartier.objects.filter(pk=resultat.donnees["quartier"].pk).update(population=resultat.donnees["population"])
        return True


def xlsx(rangees):
    classeur = Workbook()
    for rangee in rangees:
        classeur.active.append(rangee)
    flux = io.BytesIO()
    classeur.save(flux)
    return flux.getvalue()


# -- lire ------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("contenu", "separateur"),
    [
        ("\ufeffQuartier;Population\nBrunetière;1 234\n".encode(), ";"),
        (b'Quartier,Population\nBruneti\xc3\xa8re,"1 234"\n', ","),
        (b"Quartier\tPopulation\nBruneti\xc3\xa8re\t1 234\n", "\t"),
        ("Quartier;Population\nBrunetière;1 234\n".encode("cp1252"), ";"),
        ("\ufeffQuartier;Population\r\nBrunetière;1 234\r\n".encode("utf-16"), ";"),
    ],
    ids=["bom-point-virgule", "virgule", "tabulation", "windows-1252", "utf-16"],
)
def test_a_csv_is_read_with_its_bom_separator_and_encoding(contenu, separateur):
    tableau = lire("populations.csv", contenu, COLONNES)
    assert [(ligne.numero, ligne.texte("quartier"), ligne.texte("population")) for ligne in tableau.lignes] == [
        (2, "Brunetière", "1 234")
    ]
    assert tableau.lignes[0]["note"] is None  # colonne facultative absente


def test_a_semicolon_file_with_decimal_commas_keeps_them_for_the_row_validator():
    tableau = lire("f.csv", b"Population;Quartier\n12,5;Baltiss\n", COLONNES)
    assert tableau.lignes[0].texte("population") == "12,5"


def test_headers_are_matched_without_accents_case_or_punctuation_and_unknown_columns_are_ignored():
    contenu = "  QUARTIER ;population;Nom (aide);NOTE\nBaltiss;10;aide ignorée;ok\n\n;;;\nBourg;20;;\n".encode()
    tableau = lire("f.csv", contenu, COLONNES)
    assert [(ligne.numero, ligne.valeurs) for ligne in tableau.lignes] == [
        (2, {"quartier": "Baltiss", "population": "10", "note": "ok"}),
        (5, {"quartier": "Bourg", "population": "20", "note": ""}),
    ]


def test_an_xlsx_is_read_from_its_first_sheet_with_typed_cells_and_line_numbers():
    contenu = xlsx([["Quartier", "Population"], ["Brunetière", 1234.0], [None, None], ["Baltiss", 12.5]])
    tableau = lire("populations.xlsx", contenu, COLONNES)
    assert [(ligne.numero, ligne.texte("quartier"), ligne.texte("population")) for ligne in tableau.lignes] == [
        (2, "Brunetière", "1234"),
        (4, "Baltiss", "12.5"),
    ]


def test_a_quoted_csv_cell_over_two_lines_keeps_the_line_number_of_its_start():
    tableau = lire("f.csv", b'Quartier;Note;Population\nA;"deux\nlignes";1\nB;;2\n', COLONNES)
    assert [ligne.numero for ligne in tableau.lignes] == [2, 4]


@pytest.mark.parametrize(
    ("nom", "contenu", "message"),
    [
        ("vide.csv", b"", "Le fichier est vide."),
        ("blanc.csv", b"\n \n", "aucune ligne"),
        ("entetes.csv", b"Quartier;Population\n", "aucune ligne à importer"),
        ("mauvais.csv", b"Nom;Nombre\nA;1\n", "ne sont pas reconnus"),
        ("manque.csv", b"Quartier;Note\nA;1\n", r"Colonne\(s\) manquante\(s\) : « Population »"),
        ("double.csv", b"Quartier;Population;population\nA;1;2\n", "apparaît deux fois"),
        ("image.png", b"\x89PNG\r\n\x1a\n\x00\x00", "non reconnu"),
        ("binaire.csv", b"Quartier;Population\n\x00\x01", "ni un texte CSV"),
        ("ancien.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", ".xls"),
        ("faux.xlsx", b"Quartier;Population\nA;1\n", "pas un classeur XLSX"),
        ("abime.xlsx", b"PK\x03\x04 abime", "illisible"),
        ("gros.csv", b"Quartier;Population\n" + b"A;1\n" * 600_000, "dépasse 2 Mo"),
    ],
)
def test_a_bad_file_is_refused_as_a_whole_with_a_french_message(nom, contenu, message):
    with pytest.raises(ImportRefuse, match=message):
        lire(nom, contenu, COLONNES)


def test_more_rows_than_the_limit_are_refused(monkeypatch):
    monkeypatch.setattr(importation.lecture, "LIGNES_MAX", 3)
    assert len(lire("f.csv", b"Quartier;Population\n" + b"A;1\n" * 3, COLONNES).lignes) == 3
    with pytest.raises(ImportRefuse, match="plus de 3 lignes"):
        lire("f.csv", b"Quartier;Population\n" + b"A;1\n" * 4, COLONNES)


def test_a_zip_bomb_is_refused_before_being_opened(monkeypatch):
    monkeypatch.setattr(importation.lecture, "DECOMPRESSE_MAX", 1000)
    flux = io.BytesIO()
    with zipfile.ZipFile(flux, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", "0" * 5000)
    with pytest.raises(ImportRefuse, match="trop volumineux"):
        lire("bombe.xlsx", flux.getvalue(), COLONNES)


def test_french_dates_are_read_and_impossible_ones_refused_in_french():
    assert lire_date("31/12/2021") == lire_date("2021-12-31") == lire_date(datetime.datetime(2021, 12, 31))
    assert lire_date("1/7/2021") == datetime.date(2021, 7, 1)
    with pytest.raises(ValidationError, match="n'existe pas"):
        lire_date("31/02/2021")
    with pytest.raises(ValidationError, match="JJ/MM/AAAA"):
        lire_date("demain")


# -- aperçu, attente, confirmation ----------------------------------------------------------------------------------


@pytest.fixture
def quartiers(db):
    protocole = ProtocoleFactory()
    return {
        "a": QuartierFactory(protocole=protocole, nom="Brunetière", population=None),
        "b": QuartierFactory(protocole=protocole, nom="Baltiss", population=100),
        "c": QuartierFactory(protocole=protocole, nom="Bourg", population=50),
    }


FICHIER = b"Quartier;Population\nbrunetiere;10\nBaltiss;200\nBourg;50\nInconnu;1\nBourg;60\nBaltiss;\nBaltiss;x\n"


def test_the_preview_sorts_rows_and_writes_nothing(quartiers):
    sorte = Populations(quartiers["a"].protocole)
    apercu = importation.previsualiser(sorte, lire("p.csv", FICHIER, COLONNES))
    assert [(r.numero, r.avant, r.apres) for r in apercu.a_creer] == [(2, "", "10")]
    assert [(r.numero, r.avant, r.apres) for r in apercu.a_modifier] == [(3, "100", "200")]
    assert [r.numero for r in apercu.inchangees] == [4]
    assert [(r.numero, r.motif) for r in apercu.refusees] == [
        (5, "Quartier inconnu."),
        (6, "Ligne en double : la ligne 4 porte déjà sur la même chose ; celle-ci n'est pas importée."),
        (8, "Population illisible."),
    ]
    assert apercu.refusees[0].cellules == ["Inconnu", "1"]
    assert apercu.ignorees == [7]
    assert [q.population for q in Quartier.objects.order_by("pk")] == [None, 100, 50]


def test_confirming_writes_the_accepted_rows_then_the_same_file_again_changes_nothing(quartiers):
    sorte = Populations(quartiers["a"].protocole)
    tableau = lire("p.csv", FICHIER, COLONNES)
    apercu = importation.previsualiser(sorte, tableau)
    bilan = importation.confirmer(sorte, tableau, apercu.empreinte, origine="p.csv")
    assert (bilan.confirme, bilan.ecrites) == (True, 2)
    assert [q.population for q in Quartier.objects.order_by("pk")] == [10, 200, 50]
    second = importation.previsualiser(sorte, tableau)
    assert (second.a_ecrire, len(second.inchangees)) == ([], 3)
    assert importation.confirmer(sorte, tableau, second.empreinte, origine="p.csv").ecrites == 0


def test_when_the_data_changed_since_the_preview_nothing_is_written_and_the_new_preview_is_given(quartiers):
    sorte = Populations(quartiers["a"].protocole)
    tableau = lire("p.csv", FICHIER, COLONNES)
    apercu = importation.previsualiser(sorte, tableau)
    Quartier.objects.filter(pk=quartiers["a"].pk).update(population=7)  # une saisie entre-temps
    bilan = importation.confirmer(sorte, tableau, apercu.empreinte, origine="p.csv")
    assert not bilan.confirme and bilan.ecrites == 0
    assert [(r.numero, r.avant) for r in bilan.apercu.a_modifier] == [(2, "7"), (3, "100")]
    assert [q.population for q in Quartier.objects.order_by("pk")] == [7, 100, 50]


def test_a_failure_in_the_middle_of_the_writing_writes_nothing(quartiers):
    sorte = Populations(quartiers["a"].protocole)
    sorte.echouer_a = 3
    tableau = lire("p.csv", FICHIER, COLONNES)
    apercu = importation.previsualiser(sorte, tableau)
    with pytest.raises(RuntimeError):
        importation.confirmer(sorte, tableau, apercu.empreinte, origine="p.csv")
    assert [q.population for q in Quartier.objects.order_by("pk")] == [None, 100, 50]


def test_a_pending_file_is_found_only_by_its_owner_in_its_protocol_until_forgotten(db):
    lien = {"utilisateur_id": 1, "protocole_id": 2, "sorte": "populations"}
    jeton = importation.garder("p.csv", b"contenu", "empreinte", **lien)
    attente = importation.reprendre(jeton, **lien)
    assert (attente.nom, attente.contenu, attente.empreinte) == ("p.csv", b"contenu", "empreinte")
    assert importation.reprendre(jeton, **(lien | {"utilisateur_id": 9})) is None
    assert importation.reprendre(jeton, **(lien | {"protocole_id": 9})) is None
    assert importation.reprendre(jeton, **(lien | {"sorte": "autre"})) is None
    assert importation.reprendre("devine", **lien) is None
    assert importation.reprendre(jeton[:-1] + ("A" if jeton[-1] != "A" else "B"), **lien) is None
    importation.oublier(jeton, **lien)
    assert importation.reprendre(jeton, **lien) is None
