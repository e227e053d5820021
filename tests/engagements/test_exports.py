"""Les exports de la liste des actions : un CSV qu'Excel ouvre tel quel en français, un XLSX typé, les mêmes
lignes que la liste filtrée, et aucune formule glissée dans une cellule."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl.utils import get_column_letter

from engagements.models import Statut
from protocole.models import Quartier
from tests.engagements import test_liste as liste
from tests.factories import OrganisationFactory, QuartierFactory, UtilisateurFactory

pytestmark = pytest.mark.django_db

# Les données et les comptes de la liste servent ici tels quels.
protocole, obligations, coordination, connecte = liste.protocole, liste.obligations, liste.coordination, liste.connecte
action, peupler, filtres_de_la_premiere = liste.action, liste.peupler, liste.filtres_de_la_premiere
au_lendemain = liste.au_lendemain

AUJOURD_HUI = timezone.localdate()
ENTETES = [
    "Référence",
    "Titre",
    "Description",
    "Engagement",
    "Partie",
    "Pilote",
    "Partenaires",
    "Référent·e",
    "Quartiers",
    "Statut",
    "En retard",
    "Sans nouvelles depuis 90 jours",
    "Avancement (%)",
    "Début",
    "Échéance",
    "Budget (€)",
    "Verdict de l'obligation",
    "Archivée",
    "Dernière mise à jour",
    "Texte de l'obligation",
    "Dernier commentaire",
    "Lien vers l'action",
]
# Session, utilisateur, rôles (middleware) ; les actions, leurs quartiers, leurs partenaires. Ni page, ni menu,
# ni choix de filtres à afficher.
REQUETES_EXPORT = 6
# Les mêmes, plus la validation des cinq filtres à choix d'objet remplis.
REQUETES_EXPORT_FILTRE = REQUETES_EXPORT + 5


@pytest.fixture
def chantier(obligations, coordination, protocole):
    """Une action dont chaque colonne a une valeur à mettre en forme."""
    return action(
        obligations["E2-ETAT-1"],
        titre="Chantier éducatif",
        description="Deux semaines ; en « juillet ».",
        pilote=OrganisationFactory(nom="Ville de Voiron"),
        partenaires=[OrganisationFactory(nom="CAF de l'Isère")],
        referent=coordination.utilisateur,
        quartiers=[QuartierFactory(protocole=protocole, nom="Brunetière", nature=Quartier.Nature.QPV)],
        statut=Statut.EN_COURS,
        avancement=35,
        date_debut=datetime.date(2024, 7, 1),
        echeance=datetime.date(2031, 3, 9),
        budget=Decimal("1234.50"),
    )


def exporter(client, format_, **filtres):
    return client.get(reverse("actions"), {**filtres, "export": format_})


def lire_csv(reponse):
    contenu = reponse.content
    assert contenu.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(contenu.decode("utf-8-sig")), delimiter=";"))


def lire_xlsx(reponse):
    feuille = openpyxl.load_workbook(io.BytesIO(reponse.content)).active
    return feuille, [list(ligne) for ligne in feuille.iter_rows(values_only=True)]


# -- CSV -----------------------------------------------------------------------------------------------------------


def test_the_csv_export_is_an_attachment_named_after_the_protocol_and_the_day(connecte, chantier):
    reponse = exporter(connecte, "csv")
    assert reponse["Content-Type"] == "text/csv; charset=utf-8"
    nom = f"actions-pays-voironnais-{AUJOURD_HUI:%Y-%m-%d}.csv"
    assert reponse["Content-Disposition"] == f'attachment; filename="{nom}"'


def test_the_csv_export_opens_in_french_excel_as_it_is(connecte, chantier, coordination):
    chantier.enregistrer(
        auteur=coordination.utilisateur, date_effet=AUJOURD_HUI, commentaire="Le bailleur prête la salle"
    )
    reponse = exporter(connecte, "csv")
    assert reponse.content.startswith(b"\xef\xbb\xbf")
    premiere_ligne = reponse.content.decode("utf-8-sig").splitlines()[0]
    assert premiere_ligne == ";".join(ENTETES)
    entetes, ligne = lire_csv(reponse)
    valeurs = dict(zip(entetes, ligne, strict=True))
    assert valeurs == {
        "Référence": "E2-ETAT-1",
        "Titre": "Chantier éducatif",
        "Description": "Deux semaines ; en « juillet ».",
        "Engagement": "N°2",
        "Partie": "ETAT",
        "Pilote": "Ville de Voiron",
        "Partenaires": "CAF de l'Isère",
        "Référent·e": "Marc Chevalier",
        "Quartiers": "Brunetière",
        "Statut": "en cours",
        "En retard": "non",
        "Sans nouvelles depuis 90 jours": "non",
        "Avancement (%)": "35",
        "Début": "01/07/2024",
        "Échéance": "09/03/2031",
        "Budget (€)": "1234,50",
        "Verdict de l'obligation": "non évalué",
        "Archivée": "non",
        "Dernière mise à jour": f"{AUJOURD_HUI:%d/%m/%Y}",
        "Texte de l'obligation": chantier.obligation.texte,
        "Dernier commentaire": "Le bailleur prête la salle",
        "Lien vers l'action": f"http://testserver/actions/{chantier.pk}/",
    }


def test_the_csv_export_quotes_cells_holding_the_separator_or_quotes(connecte, obligations):
    action(obligations["E1-PT-1"], titre='Le « café » des "parents"; au centre social')
    texte = exporter(connecte, "csv").content.decode("utf-8-sig")
    assert '"Le « café » des ""parents""; au centre social"' in texte
    assert lire_csv(exporter(connecte, "csv"))[1][1] == 'Le « café » des "parents"; au centre social'


@pytest.mark.parametrize("formule", ["=1+1", "+33 4 76", "-2+3", "@SOMME(A1)", '=HYPERLINK("http://x";"clic")'])
def test_the_csv_export_neutralises_a_cell_a_spreadsheet_would_read_as_a_formula(connecte, obligations, formule):
    action(obligations["E1-PT-1"], titre=formule, description=formule)
    _entetes, ligne = lire_csv(exporter(connecte, "csv"))
    assert ligne[1] == ligne[2] == f"'{formule}"


def test_the_csv_export_holds_only_the_filtered_rows_of_every_page(connecte, obligations):
    for i in range(30):
        action(obligations["E1-PT-1"], titre=f"En cours {i:02}", echeance=AUJOURD_HUI + datetime.timedelta(days=i))
    action(obligations["E1-PT-1"], titre="Réalisée", statut=Statut.REALISE, avancement=100)
    lignes = lire_csv(exporter(connecte, "csv", statut=Statut.EN_COURS, page=2))
    assert [ligne[1] for ligne in lignes[1:]] == [f"En cours {i:02}" for i in range(30)]


def test_the_csv_export_follows_the_sort_of_the_list(connecte, obligations):
    for titre in ("Bravo", "Alpha", "Charlie"):
        action(obligations["E1-PT-1"], titre=titre)
    lignes = lire_csv(exporter(connecte, "csv", sort="-titre"))
    assert [ligne[1] for ligne in lignes[1:]] == ["Charlie", "Bravo", "Alpha"]


def test_the_csv_export_labels_whole_territory_actions(connecte, obligations):
    action(obligations["E1-PT-1"], tout_le_territoire=True)
    assert lire_csv(exporter(connecte, "csv"))[1][8] == "Tout le territoire"


def test_the_csv_export_leaves_archived_actions_out_unless_asked_for(connecte, obligations, coordination):
    archivee = action(obligations["E1-PT-1"], titre="Ancienne")
    archivee.archiver(auteur=coordination.utilisateur, date_effet=AUJOURD_HUI, commentaire="Fusionnée.")
    assert len(lire_csv(exporter(connecte, "csv"))) == 1
    lignes = lire_csv(exporter(connecte, "csv", archivees="on"))
    assert (lignes[1][1], lignes[1][17]) == ("Ancienne", "oui")


# -- XLSX ----------------------------------------------------------------------------------------------------------


def test_the_xlsx_export_has_french_headers_and_typed_cells(connecte, chantier):
    reponse = exporter(connecte, "xlsx")
    assert reponse["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    nom = f"actions-pays-voironnais-{AUJOURD_HUI:%Y-%m-%d}.xlsx"
    assert reponse["Content-Disposition"] == f'attachment; filename="{nom}"'
    feuille, lignes = lire_xlsx(reponse)
    assert lignes[0] == ENTETES
    valeurs = dict(zip(ENTETES, lignes[1], strict=True))
    assert valeurs["Titre"] == "Chantier éducatif"
    assert valeurs["Quartiers"] == "Brunetière"
    assert valeurs["Statut"] == "en cours"
    assert valeurs["Avancement (%)"] == 35
    assert valeurs["Échéance"] == datetime.datetime(2031, 3, 9)
    assert valeurs["Budget (€)"] == 1234.5
    assert valeurs["En retard"] == "non"
    assert feuille["O2"].number_format == "DD/MM/YYYY"


def test_the_xlsx_export_keeps_a_formula_as_plain_text(connecte, obligations):
    action(obligations["E1-PT-1"], titre="=1+1")
    feuille, lignes = lire_xlsx(exporter(connecte, "xlsx"))
    assert lignes[1][1] == "=1+1"
    assert feuille["B2"].data_type == "s"


def test_the_xlsx_export_holds_only_the_filtered_rows(connecte, obligations):
    action(obligations["E1-PT-1"], titre="En cours")
    action(obligations["E1-PT-1"], titre="Réalisée", statut=Statut.REALISE, avancement=100)
    _feuille, lignes = lire_xlsx(exporter(connecte, "xlsx", statut=Statut.REALISE))
    assert [ligne[1] for ligne in lignes[1:]] == ["Réalisée"]


def test_the_xlsx_export_prints_on_landscape_a4_with_fitted_widths_a_repeated_header_and_the_new_columns(
    connecte, chantier, coordination, obligations
):
    long = "Ateliers de remobilisation pour les jeunes en décrochage scolaire du quartier de la Brunetière"
    action(obligations["E1-PT-1"], titre=long)
    chantier.enregistrer(auteur=coordination.utilisateur, date_effet=AUJOURD_HUI, commentaire="=Salle prêtée")
    feuille, lignes = lire_xlsx(exporter(connecte, "xlsx"))
    colonne = {entete: get_column_letter(rang) for rang, entete in enumerate(ENTETES, start=1)}

    def largeur(entete):
        return feuille.column_dimensions[colonne[entete]].width

    # Les titres dans une colonne large, renvoyés à la ligne ; les autres à la largeur de leur contenu.
    assert largeur("Titre") >= 40 and feuille[f"{colonne['Titre']}2"].alignment.wrap_text
    assert largeur("Texte de l'obligation") >= 40 and largeur("Dernier commentaire") >= 40
    assert 10 <= largeur("Échéance") <= 14
    assert largeur("Référence") < 15
    assert largeur("Pilote") >= len("Ville de Voiron")
    assert largeur("Sans nouvelles depuis 90 jours") <= 32
    # A4 paysage, ajusté à la largeur d'une page, l'en-tête répété sur chaque page imprimée.
    assert feuille.page_setup.orientation == "landscape"
    assert feuille.page_setup.paperSize == 9  # A4 (ECMA-376)
    assert feuille.sheet_properties.pageSetUpPr.fitToPage
    assert (feuille.page_setup.fitToWidth, feuille.page_setup.fitToHeight) == (1, 0)
    assert feuille.print_title_rows == "$1:$1"
    assert feuille.freeze_panes == "A2"
    # Les nouvelles colonnes : le texte de l'obligation, le dernier commentaire (jamais une formule), le lien.
    valeurs = {ligne[1]: dict(zip(ENTETES, ligne, strict=True)) for ligne in lignes[1:]}
    chantier_ = valeurs["Chantier éducatif"]
    assert chantier_["Texte de l'obligation"] == chantier.obligation.texte
    assert chantier_["Dernier commentaire"] == "=Salle prêtée"
    rang = ENTETES.index("Dernier commentaire") + 1
    ligne_chantier = 2 + [ligne[1] for ligne in lignes[1:]].index("Chantier éducatif")
    assert feuille.cell(ligne_chantier, rang).data_type == "s"
    lien = feuille.cell(ligne_chantier, ENTETES.index("Lien vers l'action") + 1)
    assert lien.value == f"http://testserver/actions/{chantier.pk}/" and lien.hyperlink.target == lien.value
    assert valeurs[long]["Dernier commentaire"] is None  # aucun commentaire : une cellule vide


# -- accès ---------------------------------------------------------------------------------------------------------


def test_an_anonymous_visitor_asking_for_an_export_is_sent_to_the_login_page(client, chantier):
    reponse = client.get(reverse("actions") + "?export=csv")
    assert reponse.status_code == 302
    assert reponse["Location"] == "/connexion/?next=/actions/%3Fexport%3Dcsv"


def test_a_user_without_a_role_in_the_protocol_gets_no_export(client, chantier):
    client.force_login(UtilisateurFactory())
    assert client.get(reverse("actions") + "?export=xlsx").status_code == 403


# -- nombre de requêtes --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("format_", ["csv", "xlsx"])
@pytest.mark.parametrize("nombre", [5, 50])
def test_the_export_query_count_does_not_grow_with_the_actions(
    client, protocole, coordination, django_assert_num_queries, nombre, format_
):
    peupler(protocole, nombre)
    client.force_login(coordination.utilisateur)
    with django_assert_num_queries(REQUETES_EXPORT):
        reponse = exporter(client, format_)
    assert reponse.status_code == 200


@pytest.mark.parametrize("format_", ["csv", "xlsx"])
@pytest.mark.parametrize("nombre", [5, 50])
def test_the_filtered_export_query_count_does_not_grow_with_the_actions(
    client, protocole, coordination, django_assert_num_queries, nombre, format_
):
    filtres = filtres_de_la_premiere(protocole, *peupler(protocole, nombre))
    client.force_login(coordination.utilisateur)
    with au_lendemain(), django_assert_num_queries(REQUETES_EXPORT_FILTRE):
        reponse = exporter(client, format_, **filtres)
    assert len(lire_csv(reponse) if format_ == "csv" else lire_xlsx(reponse)[1]) > 1
