"""Les pages des indicateurs : la liste et ses filtres et exports, la page d'un indicateur (saisie, correction,
départ et cible), leur définition par la coordination, la page d'une obligation, les tableaux de bord et le PDF."""

import csv
import datetime
import html
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from comite import rapports
from engagements.models import Frequence, Indicateur, Repere, Sens, Unite, Valeur
from engagements.tableaux import Perimetre
from protocole.models import VersionDonnees
from tests.factories import AppartenanceFactory, OrganisationFactory, ProtocoleFactory, QuartierFactory
from tests.factories_suivi import ROLES, IndicateurFactory, RepereFactory, habilitation

pytestmark = pytest.mark.django_db
AN = timezone.localdate().year


@pytest.fixture(autouse=True)
def medias(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def jeu():
    """Un protocole, deux quartiers, deux indicateurs : « Accompagnés » (CAF, à la hausse) en cours vers sa cible à
    Brunetière, « Sans emploi » (ARS, à la baisse) qui a atteint la sienne pour tout le territoire."""
    protocole = ProtocoleFactory(annee_debut=2015, annee_fin=2022)
    brunetiere = QuartierFactory(protocole=protocole, nom="Brunetière", slug="brunetiere")
    baltiss = QuartierFactory(protocole=protocole, nom="Baltiss", slug="baltiss")
    caf, ars = OrganisationFactory(nom="CAF de l'Isère", slug="caf"), OrganisationFactory(nom="ARS", slug="ars")
    coordination = habilitation(protocole, ROLES.COORDINATEUR)
    accompagnes = IndicateurFactory(
        obligation__protocole=protocole, reference="IND-A", nom="Accompagnés vers l'emploi", fournisseur=caf
    )
    sans_emploi = IndicateurFactory(
        obligation__protocole=protocole,
        reference="IND-B",
        nom="Part sans emploi",
        fournisseur=ars,
        unite=Unite.POURCENTAGE,
        sens=Sens.BAISSE,
    )
    AppartenanceFactory(partie=accompagnes.obligation.bloc.partie, organisation=caf)
    RepereFactory(
        indicateur=accompagnes,
        quartier=brunetiere,
        base_valeur=100,
        base_date=datetime.date(2014, 12, 31),
        cible_valeur=200,
        cible_date=datetime.date(2022, 12, 31),
    )
    RepereFactory(
        indicateur=sans_emploi,
        base_valeur=40,
        base_date=datetime.date(2014, 12, 31),
        cible_valeur=30,
        cible_date=datetime.date(2022, 12, 31),
    )
    auteur = coordination.utilisateur
    for annee, valeur in ((AN - 2, "130"), (AN - 1, "150")):
        Valeur.enregistrer(accompagnes, quartier=brunetiere, periode=str(annee), valeur=valeur, auteur=auteur)
        Valeur.enregistrer(accompagnes, quartier=baltiss, periode=str(annee), valeur="12", auteur=auteur)
    for annee, valeur in ((AN - 2, "33"), (AN - 1, "29,5")):
        Valeur.enregistrer(sans_emploi, quartier=None, periode=str(annee), valeur=valeur, auteur=auteur)
    return {
        "protocole": protocole,
        "brunetiere": brunetiere,
        "baltiss": baltiss,
        "caf": caf,
        "ars": ars,
        "accompagnes": accompagnes,
        "sans_emploi": sans_emploi,
        "coordination": coordination.utilisateur,
        "cdm_caf": habilitation(protocole, ROLES.CHARGE_DE_MISSION, caf).utilisateur,
        "lecteur": habilitation(protocole, ROLES.LECTEUR).utilisateur,
    }


def texte(reponse):
    return html.unescape(" ".join(reponse.content.decode().split()))


def test_the_list_shows_each_indicator_per_quartier_with_progress_and_labels(client, jeu):
    client.force_login(jeu["lecteur"])
    page = texte(client.get(reverse("indicateurs")))
    assert (
        "<strong>3</strong> lignes (indicateur × quartier) : 1 atteint, 2 en progrès, 0 en recul, 0 sans valeur."
        in page
    )
    assert "50 %" in page  # (150 − 100) / (200 − 100)
    assert "non calculée : ni valeur de départ ni cible" in page  # Baltiss
    assert "29,5 %" in page and "✓ </span>atteint" in page


@pytest.mark.parametrize(
    ("filtre", "attendus"),
    [
        ({"organisation": "ars"}, ["IND-B"]),
        ({"etiquette": "atteint"}, ["IND-B"]),
        ({"quartier": "territoire"}, ["IND-B"]),
        ({"etiquette": "en_progres"}, ["IND-A", "IND-A"]),
    ],
)
def test_the_list_filters_and_exports_the_filtered_rows_the_french_way(client, jeu, filtre, attendus):
    client.force_login(jeu["lecteur"])
    reponse = client.get(reverse("indicateurs"), filtre | {"export": "csv"})
    assert reponse["Content-Type"] == "text/csv; charset=utf-8"
    contenu = reponse.content.decode("utf-8")
    assert contenu.startswith("\ufeff")
    lignes = list(csv.reader(io.StringIO(contenu.lstrip("\ufeff")), delimiter=";"))
    assert [ligne[0] for ligne in lignes[1:]] == attendus
    entetes = lignes[0]
    if attendus == ["IND-B"]:
        assert lignes[1][entetes.index("Dernière valeur")] == "29,50"
        assert lignes[1][entetes.index("Étiquette")] == "atteint"


def test_a_refused_filter_is_explained_and_not_applied_never_a_server_error(client, jeu):
    client.force_login(jeu["lecteur"])
    reponse = client.get(reverse("indicateurs"), {"etiquette": "n'importe", "engagement": "99999999999999999999"})
    assert reponse.status_code == 200
    assert "Certains filtres ne sont pas valides" in texte(reponse)
    assert len(reponse.context["situations"]) == 3
    export = client.get(reverse("indicateurs"), {"quartier": "x", "export": "xlsx"})
    assert export.status_code == 302 and "export" not in export["Location"]


def test_the_list_and_the_indicator_page_have_fixed_query_counts(client, jeu, django_assert_num_queries):
    client.force_login(jeu["lecteur"])
    url = reverse("indicateur", args=[jeu["accompagnes"].pk])
    client.get(reverse("indicateurs"))
    client.get(url)
    with django_assert_num_queries(12):
        client.get(reverse("indicateurs"))
    with django_assert_num_queries(11):
        client.get(url)
    for rang in range(5):
        autre = IndicateurFactory(obligation=jeu["accompagnes"].obligation, reference=f"IND-X{rang}")
        for annee in range(2016, AN):
            Valeur.enregistrer(autre, quartier=jeu["baltiss"], periode=str(annee), valeur=rang, auteur=jeu["lecteur"])
            Valeur.enregistrer(
                jeu["accompagnes"], quartier=jeu["baltiss"], periode=str(annee), valeur=rang, auteur=jeu["lecteur"]
            )
    with django_assert_num_queries(12):
        assert len(client.get(reverse("indicateurs")).context["situations"]) == 8
    with django_assert_num_queries(11):
        client.get(url)


def test_the_providing_organisation_enters_a_value_and_a_correction_keeps_the_old_one(client, jeu):
    client.force_login(jeu["cdm_caf"])
    indicateur, brunetiere = jeu["accompagnes"], jeu["brunetiere"]
    url = reverse("indicateur_valeur", args=[indicateur.pk])
    version = VersionDonnees.lire(jeu["protocole"])
    donnees = {"lieu": str(brunetiere.pk), "periode": str(AN - 1), "valeur": "1 160,5", "source": "Bilan CAF"}
    reponse = client.post(url, donnees, follow=True)
    assert "corrigée : 150 pers. → 1 160,5 pers." in texte(reponse)
    assert VersionDonnees.lire(jeu["protocole"]) != version
    ligne = Valeur.objects.filter(indicateur=indicateur, quartier=brunetiere).order_by("-id").first()
    assert (ligne.valeur_avant, str(ligne.valeur), ligne.auteur) == (150, "1160.50", jeu["cdm_caf"])
    page = texte(client.get(reverse("indicateur", args=[indicateur.pk])))
    assert "corrigée de </span><del>150</del> → 1160,5" in page
    # La même valeur une seconde fois : rien n'est écrit.
    avant = Valeur.objects.count()
    assert "rien n'a changé" in texte(client.post(url, donnees, follow=True))
    assert Valeur.objects.count() == avant


def test_a_refused_value_says_why_in_french_keeps_the_typing_and_writes_nothing(client, jeu):
    client.force_login(jeu["coordination"])
    avant = Valeur.objects.count()
    url = reverse("indicateur_valeur", args=[jeu["accompagnes"].pk])
    for periode, valeur, message in (
        (f"{AN}-T1", "10", "ne correspond pas à la fréquence annuelle"),
        ("2014", "10", "précède le contrat de ville"),
        (str(AN + 1), "10", "n'a pas encore commencé"),
        (str(AN - 1), "beaucoup", "illisible"),
        (str(AN - 1), "-3", "ne peut pas être négative"),
        (str(AN - 1), "9" * 40, "hors de portée"),
    ):
        reponse = client.post(url, {"lieu": "territoire", "periode": periode, "valeur": valeur})
        assert reponse.status_code == 400
        page = texte(reponse)
        assert message in page and f'value="{valeur}"' in page
    assert Valeur.objects.count() == avant


def test_an_officer_of_another_organisation_cannot_enter_values(client, jeu):
    client.force_login(jeu["cdm_caf"])
    reponse = client.post(
        reverse("indicateur_valeur", args=[jeu["sans_emploi"].pk]),
        {"lieu": "territoire", "periode": str(AN - 1), "valeur": "1"},
    )
    assert reponse.status_code == 403
    page = texte(client.get(reverse("indicateur", args=[jeu["sans_emploi"].pk])))
    assert "Saisir une valeur" not in page and "Valeur de départ et cible" not in page


def test_the_coordination_sets_baseline_and_target_and_both_come_with_a_date(client, jeu):
    client.force_login(jeu["coordination"])
    url = reverse("indicateur_reperes", args=[jeu["accompagnes"].pk])
    refus = client.post(url, {"lieu": str(jeu["baltiss"].pk), "base_valeur": "10"})
    assert refus.status_code == 400 and "Donnez la valeur de départ et sa date ensemble" in texte(refus)
    assert not Repere.objects.filter(quartier=jeu["baltiss"]).exists()
    client.post(
        url,
        {
            "lieu": str(jeu["baltiss"].pk),
            "base_valeur": "10",
            "base_date": "2014-12-31",
            "cible_valeur": "14,5",
            "cible_date": "2022-12-31",
        },
    )
    page = texte(client.get(reverse("indicateurs"), {"quartier": str(jeu["baltiss"].pk)}))
    assert "44 %" in page  # (12 − 10) / (14,5 − 10) = 44,4 %


def test_the_coordination_defines_an_indicator_and_a_reference_is_unique_in_the_protocol(client, jeu):
    client.force_login(jeu["coordination"])
    obligation = jeu["accompagnes"].obligation
    donnees = {
        "reference": "ind-a",
        "nom": "Apprentis",
        "definition": "Contrats signés.",
        "obligation": obligation.pk,
        "unite": Unite.NOMBRE,
        "sens": Sens.HAUSSE,
        "source": "Chambres consulaires",
        "fournisseur": jeu["caf"].pk,
        "frequence": Frequence.TRIMESTRIELLE,
    }
    refus = client.post(reverse("indicateur_creer"), donnees)
    assert refus.status_code == 400 and "déjà celle d'un autre indicateur" in texte(refus)
    reponse = client.post(reverse("indicateur_creer"), donnees | {"reference": "IND-C"})
    cree = Indicateur.objects.get(reference="IND-C")
    assert reponse["Location"] == reverse("indicateur", args=[cree.pk]) and cree.protocole == jeu["protocole"]
    assert client.get(reverse("indicateur_creer"), {"obligation": obligation.pk}).status_code == 200


def test_the_obligation_page_shows_its_indicators_with_a_chart_and_its_data_table(client, jeu):
    client.force_login(jeu["lecteur"])
    page = texte(client.get(reverse("obligation", args=[jeu["accompagnes"].obligation_id])))
    assert "IND-A</code> Accompagnés vers l'emploi" in page
    assert '<svg xmlns="http://www.w3.org/2000/svg" role="img"' in page and 'stroke-dasharray="6 4"' in page
    assert "Brunetière — cible 200 pers. (tirets)" in page
    assert f'<th scope="row">{AN - 1}</th><td class="text-end">12 pers.</td><td class="text-end">150 pers.</td>' in page


def test_the_quartier_and_partner_dashboards_show_the_indicators_of_their_scope(client, jeu):
    client.force_login(jeu["lecteur"])
    quartier = client.get(reverse("quartier", args=["brunetiere"]))
    lieux = [(s.indicateur.reference, s.lieu) for s in quartier.context["indicateurs"]]
    assert lieux == [("IND-A", "Brunetière"), ("IND-B", "Tout le territoire")]
    partenaire = client.get(reverse("organisation", args=["ars"]))
    assert [(s.indicateur.reference, s.lieu) for s in partenaire.context["indicateurs"]] == [
        ("IND-B", "Tout le territoire")
    ]
    # « État au » une date passée : les valeurs telles qu'enregistrées ce jour-là (aucune encore).
    hier = timezone.localdate() - datetime.timedelta(days=1)
    passe = client.get(reverse("quartier", args=["brunetiere"]), {"au": hier.isoformat()})
    assert [s.derniere for s in passe.context["indicateurs"]] == [None, None]


def test_a_value_entered_reaches_the_next_pdf_report(client, jeu):
    perimetre = Perimetre(jeu["protocole"])
    au = timezone.localdate()
    avant = " ".join(
        p.extract_text()
        for p in PdfReader(io.BytesIO(rapports.produire(perimetre, au, au - datetime.timedelta(days=30)))).pages
    )
    assert "IND-A" in avant and "150 pers." in avant and "1 234 pers." not in " ".join(avant.split())
    Valeur.enregistrer(
        jeu["accompagnes"], quartier=jeu["brunetiere"], periode=str(AN - 1), valeur="1234", auteur=jeu["coordination"]
    )
    apres = rapports.produire(perimetre, au, au - datetime.timedelta(days=30))
    texte_pdf = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(apres)).pages).split())
    assert "Indicateurs" in texte_pdf and "1 234 pers." in texte_pdf and "atteint" in texte_pdf
