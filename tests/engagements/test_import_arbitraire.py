"""N'importe quel fichier, n'importe quelles cellules à l'import des valeurs d'indicateurs : jamais une erreur du
serveur, rien d'écrit à l'aperçu, et à la confirmation seulement les lignes que l'aperçu annonçait (une ligne refusée
n'écrit rien). Les mêmes saisies quelconques que tests/test_saisie_arbitraire.py."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from engagements.models import Valeur
from tests.engagements.test_import_valeurs import URL, monde  # noqa: F401 (la fixture)
from tests.test_saisie_arbitraire import DATES, QUELCONQUE, reglages

pytestmark = pytest.mark.django_db

ENTETES = ["Indicateur", "Quartier", "Période", "Valeur", "Source", "Commentaire"]
VALABLES = [
    st.sampled_from(["IND-01", "ind-01", "IND-02", "IND-03", "IND-99", ""]),
    st.sampled_from(["Brunetière", "BRUNETIERE", "bourg vieux", "Tout le territoire", "Nulle-Part", ""]),
    st.sampled_from(["2019", "2021", "2021-T2", "2021-S1", "2040", "2010", "31/03/2021", ""]),
    st.sampled_from(["12,5", "1 234,50", "0", "100", "-3", "1e3", ""]),
    st.sampled_from(["", "Fichier CAF"]),
    st.sampled_from(["", "Relevé annuel"]),
]
CELLULE_XLSX = st.one_of(
    QUELCONQUE, st.integers(-(10**15), 10**15), st.floats(allow_nan=False), DATES, st.booleans(), st.none()
)


@st.composite
def rangees(draw, quelconque=QUELCONQUE):
    """Une à quatre lignes dont chaque cellule est valable ou quelconque."""
    return [
        [draw(st.one_of(valable, quelconque)) for valable in VALABLES]
        for _ in range(draw(st.integers(min_value=1, max_value=4)))
    ]


def en_csv(lignes, separateur):
    flux = io.StringIO()
    ecrivain = csv.writer(flux, delimiter=separateur)
    ecrivain.writerow(ENTETES)
    ecrivain.writerows(lignes)
    return flux.getvalue().encode("utf-8-sig")


def en_xlsx(lignes):
    classeur = Workbook()
    classeur.active.append(ENTETES)
    for ligne in lignes:
        classeur.active.append([ILLEGAL_CHARACTERS_RE.sub("", c) if isinstance(c, str) else c for c in ligne])
    flux = io.BytesIO()
    classeur.save(flux)
    return flux.getvalue()


def importer(client, nom, contenu):
    """Envoie, vérifie l'aperçu, confirme, et vérifie que seules les lignes annoncées ont été écrites."""
    avant = Valeur.objects.count()
    reponse = client.post(URL, {"fichier": SimpleUploadedFile(nom, contenu)})
    assert reponse.status_code in (200, 400)
    assert Valeur.objects.count() == avant  # rien avant la confirmation
    if reponse.status_code == 400:
        return
    annoncees = {(r.donnees["indicateur"].pk, r.donnees["periode"].code) for r in reponse.context["apercu"].a_ecrire}
    confirmation = client.post(URL, {"jeton": reponse.context["jeton"], "confirmer": "1"})
    assert confirmation.status_code == 302
    ecrites = Valeur.objects.order_by("-pk")[: Valeur.objects.count() - avant]
    assert {(v.indicateur_id, v.periode) for v in ecrites} == annoncees
    assert len(ecrites) == len(reponse.context["apercu"].a_ecrire)


@pytest.fixture
def connecte(client, monde):  # noqa: F811
    client.force_login(monde["cdm_caf"].utilisateur)
    return client


@reglages(80)
@given(lignes=rangees(), separateur=st.sampled_from([";", ","]))
def test_arbitrary_csv_cells_never_give_a_500_and_only_the_announced_rows_are_written(connecte, lignes, separateur):
    importer(connecte, "valeurs.csv", en_csv(lignes, separateur))


@reglages(40)
@given(lignes=rangees(quelconque=CELLULE_XLSX))
def test_arbitrary_xlsx_cells_never_give_a_500_and_only_the_announced_rows_are_written(connecte, lignes):
    importer(connecte, "valeurs.xlsx", en_xlsx(lignes))


@reglages(40)
@given(contenu=st.binary(max_size=300), nom=st.sampled_from(["f.csv", "f.xlsx", "f.txt", "f", "f.ods"]))
def test_arbitrary_bytes_never_give_a_500(connecte, contenu, nom):
    avant = Valeur.objects.count()
    reponse = connecte.post(URL, {"fichier": SimpleUploadedFile(nom, contenu)})
    assert reponse.status_code in (200, 400)
    assert Valeur.objects.count() == avant
