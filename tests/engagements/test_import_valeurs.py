"""L'import des valeurs d'indicateurs : la page `/indicateurs/importer/` (envoi, aperçu, confirmation, annulation),
les modèles de fichier `/indicateurs/modele/<format>/` et la commande `importer_valeurs`."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from pytest_django.asserts import assertContains, assertNotContains

from engagements.import_valeurs import ValeursIndicateurs
from engagements.models import Frequence, Periode, Unite, Valeur
from protocole import importation
from tests.factories import OrganisationFactory, ProtocoleFactory, QuartierFactory
from tests.factories_suivi import ROLES, IndicateurFactory, RepereFactory, habilitation

pytestmark = pytest.mark.django_db

URL = "/indicateurs/importer/"
ENTETES = "Indicateur;Quartier;Période;Valeur;Source;Commentaire\n"


@pytest.fixture
def monde():
    protocole = ProtocoleFactory(annee_debut=2015, annee_fin=2022)
    caf, autre = OrganisationFactory(nom="CAF de l'Isère"), OrganisationFactory(nom="Pôle emploi")
    brunetiere = QuartierFactory(protocole=protocole, nom="Brunetière", slug="brunetiere")
    QuartierFactory(protocole=protocole, nom="Bourg-Vieux", slug="bourg-vieux")
    commun = {"obligation__protocole": protocole}
    ind1 = IndicateurFactory(reference="IND-01", fournisseur=caf, **commun)
    ind2 = IndicateurFactory(reference="IND-02", fournisseur=autre, frequence=Frequence.TRIMESTRIELLE, **commun)
    ind3 = IndicateurFactory(reference="IND-03", fournisseur=caf, unite=Unite.POURCENTAGE, **commun)
    RepereFactory(indicateur=ind1, quartier=brunetiere, base_valeur=Decimal(4), base_date=datetime.date(2015, 1, 1))
    coordination = habilitation(protocole, ROLES.COORDINATEUR)
    Valeur.enregistrer(ind1, quartier=brunetiere, periode="2020", valeur="8", auteur=coordination.utilisateur)
    Valeur.enregistrer(ind1, quartier=None, periode="2020", valeur="5", auteur=coordination.utilisateur)
    return {
        "protocole": protocole,
        "ind1": ind1,
        "ind2": ind2,
        "ind3": ind3,
        "brunetiere": brunetiere,
        "coordination": coordination,
        "cdm_caf": habilitation(protocole, ROLES.CHARGE_DE_MISSION, caf, username="cdm-caf"),
        "cdm_autre": habilitation(protocole, ROLES.CHARGE_DE_MISSION, OrganisationFactory()),
        "lecteur": habilitation(protocole, ROLES.LECTEUR, caf, username="lecteur-caf"),
    }


FICHIER = (
    ENTETES
    + "IND-01;Brunetière;2021;12,5;Fichier CAF;premier envoi\n"  # 2 : à créer
    + "ind-01;BRUNETIERE;2020;10;;\n"  # 3 : corrige 8
    + "IND-01;tout le territoire;2020;5;;\n"  # 4 : inchangée
    + "IND-99;Brunetière;2021;1;;\n"  # 5 : indicateur inconnu
    + "IND-01;Nulle-Part;2021;1;;\n"  # 6 : quartier inconnu
    + "IND-01;bourg vieux;2021;douze;;\n"  # 7 : nombre illisible
    + "IND-01;Bourg-Vieux;2021-T1;3;;\n"  # 8 : période hors fréquence
    + "IND-02;Brunetière;2021-T1;3;;\n"  # 9 : pas son organisation
    + "IND-01;brunetiere;2021;13;;\n"  # 10 : en double avec la ligne 2
    + "IND-03;Bourg-Vieux;2021;140;;\n"  # 11 : pourcentage au-delà de 100
    + "IND-01;Bourg-Vieux;2021;;;\n"  # 12 : sans valeur, ignorée
)


def envoyer(client, contenu, nom="valeurs.csv"):
    contenu = contenu.encode() if isinstance(contenu, str) else contenu
    return client.post(URL, {"fichier": SimpleUploadedFile(nom, contenu)})


def confirmer(client, reponse, **autres):
    return client.post(URL, {"jeton": reponse.context["jeton"], "confirmer": "1", **autres})


def lignes(ind, quartier=None):
    return list(Valeur.objects.filter(indicateur=ind, quartier=quartier).values_list("periode", "valeur"))


# -- l'aperçu --------------------------------------------------------------------------------------------------------


def test_the_preview_lists_each_row_to_create_change_or_leave_and_each_refusal_with_its_french_reason(client, monde):
    client.force_login(monde["cdm_caf"].utilisateur)
    avant = Valeur.objects.count()
    reponse = envoyer(client, FICHIER)
    assert reponse.status_code == 200
    apercu = reponse.context["apercu"]
    assert [(r.numero, r.colonnes[:3], r.avant, r.apres) for r in apercu.a_creer] == [
        (2, ["IND-01", "Brunetière", "2021"], "", "12,5 pers.")
    ]
    assert [(r.numero, r.avant, r.apres) for r in apercu.a_modifier] == [(3, "8 pers.", "10 pers.")]
    assert [r.numero for r in apercu.inchangees] == [4]
    assert apercu.ignorees == [12]
    motifs = dict((r.numero, r.motif) for r in apercu.refusees)
    assert motifs[5] == "Indicateur « IND-99 » inconnu dans ce protocole."
    assert motifs[6].startswith("Quartier « Nulle-Part » inconnu : écrivez le nom d'un quartier du protocole")
    assert motifs[7] == "Nombre « douze » illisible : écrivez par exemple 12,5."
    assert "ne correspond pas à la fréquence annuelle" in motifs[8]
    assert motifs[9] == (
        "IND-02 — Non permis pour votre organisation : seules l'organisation qui fournit cet indicateur et la "
        "coordination en saisissent les valeurs."
    )
    assert motifs[10].startswith("Ligne en double : la ligne 2 donne déjà la valeur")
    assert motifs[11] == "Un pourcentage est compris entre 0 et 100."
    for motif in motifs.values():
        assertContains(reponse, motif.replace("'", "&#x27;"))
    assertContains(reponse, "Confirmer l'import (2 valeurs)")
    assertContains(reponse, "<caption>Lignes refusées", html=False)
    assert Valeur.objects.count() == avant  # rien n'est écrit avant la confirmation


def test_confirming_writes_the_accepted_rows_with_the_file_name_as_origin_then_the_same_file_changes_nothing(
    client, monde
):
    client.force_login(monde["cdm_caf"].utilisateur)
    reponse = confirmer(client, envoyer(client, FICHIER, nom="bilan 2021.csv"))
    assert reponse.status_code == 302 and reponse.url == URL
    ind1, brunetiere = monde["ind1"], monde["brunetiere"]
    assert lignes(ind1, brunetiere) == [("2020", Decimal("10")), ("2020", Decimal("8")), ("2021", Decimal("12.5"))]
    ecrite = Valeur.objects.get(indicateur=ind1, quartier=brunetiere, periode="2021")
    assert (ecrite.origine, ecrite.auteur, ecrite.source, ecrite.commentaire) == (
        "bilan 2021.csv",
        monde["cdm_caf"].utilisateur,
        "Fichier CAF",
        "premier envoi",
    )
    assert Valeur.objects.get(indicateur=ind1, quartier=brunetiere, periode="2020", valeur=10).valeur_avant == 8
    suivant = client.get(URL)
    assertContains(suivant, "1 valeur(s) créée(s), 1 corrigée(s), 1 inchangée(s), 7 ligne(s) refusée(s)")
    total = Valeur.objects.count()
    second = envoyer(client, FICHIER, nom="bilan 2021.csv")
    assert (second.context["apercu"].a_ecrire, len(second.context["apercu"].inchangees)) == ([], 3)
    assertContains(second, "ce fichier ne changerait rien")
    assertNotContains(second, "Confirmer l'import")
    assert confirmer(client, second).status_code == 302
    assert Valeur.objects.count() == total


def test_an_xlsx_with_typed_cells_a_decimal_comma_and_a_french_date_as_period_is_imported(client, monde):
    classeur = Workbook()
    for rangee in (
        ["Référence", "quartier", "PERIODE", "valeur"],
        ["IND-02", "Tout le territoire", datetime.datetime(2021, 3, 31), 12.5],
        ["IND-02", "Brunetière", "30/06/2021", "7,25"],
        ["IND-02", "Bourg-Vieux", 2021, 3],
    ):
        classeur.active.append(rangee)
    flux = io.BytesIO()
    classeur.save(flux)
    client.force_login(monde["coordination"].utilisateur)
    apercu = envoyer(client, flux.getvalue(), nom="trimestres.xlsx").context["apercu"]
    assert [(r.colonnes[:3], r.apres) for r in apercu.a_creer] == [
        (["IND-02", "Tout le territoire", "2021-T1"], "12,5 pers."),
        (["IND-02", "Brunetière", "2021-T2"], "7,25 pers."),
    ]
    assert "ne correspond pas à la fréquence trimestrielle" in apercu.refusees[0].motif  # 2021 : une année


def test_a_windows_1252_csv_with_commas_is_read(client, monde):
    client.force_login(monde["coordination"].utilisateur)
    contenu = 'Indicateur,Quartier,Période,Valeur\nIND-01,Brunetière,2022,"3,5"\n'.encode("cp1252")
    apercu = envoyer(client, contenu).context["apercu"]
    assert [(r.colonnes[1], r.apres) for r in apercu.a_creer] == [("Brunetière", "3,5 pers.")]


def test_when_a_value_is_entered_between_preview_and_confirmation_the_new_preview_is_shown_and_nothing_written(
    client, monde
):
    client.force_login(monde["coordination"].utilisateur)
    apercu = envoyer(client, ENTETES + "IND-01;Brunetière;2021;12;;\n")
    Valeur.enregistrer(
        monde["ind1"], quartier=monde["brunetiere"], periode="2021", valeur="11", auteur=monde["cdm_caf"].utilisateur
    )
    reponse = confirmer(client, apercu)
    assert reponse.status_code == 200
    assertContains(reponse, "des valeurs ont été enregistrées depuis votre premier aperçu")
    assert [(r.avant, r.apres) for r in reponse.context["apercu"].a_modifier] == [("11 pers.", "12 pers.")]
    assert lignes(monde["ind1"], monde["brunetiere"])[-1] == ("2021", Decimal("11"))
    assert confirmer(client, reponse).status_code == 302  # le nouvel aperçu confirmé
    assert Valeur.objects.filter(indicateur=monde["ind1"], periode="2021").latest("enregistre_le").valeur == 12


def test_a_failure_while_writing_the_file_writes_none_of_it(monde, monkeypatch):
    sorte = ValeursIndicateurs(monde["coordination"])
    contenu = (
        ENTETES + "IND-01;Brunetière;2021;1;;\nIND-01;Bourg-Vieux;2021;2;;\nIND-03;Brunetière;2021;3;;\n"
    ).encode()
    tableau = importation.lire("f.csv", contenu, sorte.colonnes)
    apercu = importation.previsualiser(sorte, tableau)
    ecrire, appels = ValeursIndicateurs.ecrire, []

    def en_panne(self, resultat, origine):
        appels.append(resultat.numero)
        if len(appels) == 2:
            raise RuntimeError("coupure")
        return ecrire(self, resultat, origine)

    monkeypatch.setattr(ValeursIndicateurs, "ecrire", en_panne)
    total = Valeur.objects.count()
    with pytest.raises(RuntimeError):
        importation.confirmer(sorte, tableau, apercu.empreinte, origine="f.csv")
    assert appels == [2, 3] and Valeur.objects.count() == total


def test_cancelling_forgets_the_file_and_writes_nothing(client, monde):
    client.force_login(monde["coordination"].utilisateur)
    apercu = envoyer(client, FICHIER)
    total = Valeur.objects.count()
    reponse = client.post(URL, {"jeton": apercu.context["jeton"], "annuler": "1"}, follow=True)
    assertContains(reponse, "Import annulé : rien n&#x27;a été enregistré.")
    expire = confirmer(client, apercu)
    assert expire.status_code == 400
    assertContains(expire, "Cet aperçu a expiré ou a déjà servi", status_code=400)
    assert Valeur.objects.count() == total


def test_a_pending_file_cannot_be_confirmed_by_someone_else(client, monde):
    client.force_login(monde["coordination"].utilisateur)
    apercu = envoyer(client, FICHIER)
    client.force_login(monde["cdm_caf"].utilisateur)
    total = Valeur.objects.count()
    assert confirmer(client, apercu).status_code == 400
    assert client.post(URL, {"jeton": "x" * 500, "confirmer": "1"}).status_code == 400
    assert Valeur.objects.count() == total


def test_a_reader_is_refused_and_an_anonymous_visitor_sent_to_login(client, monde):
    assert client.get(URL).url.startswith(reverse("connexion"))
    client.force_login(monde["lecteur"].utilisateur)
    assertContains(client.get(URL), "réservé à la coordination", status_code=403)
    assert envoyer(client, FICHIER).status_code == 403
    assert client.get(reverse("indicateurs_modele", args=["xlsx"])).status_code == 403


@pytest.mark.parametrize(
    ("nom", "contenu", "message"),
    [
        ("vide.csv", b"", "Le fichier soumis est vide."),
        ("photo.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00", "Format « .png » non reconnu"),
        ("valeurs.csv", b"Nom;Nombre\nA;1\n", "ne sont pas reconnus"),
        ("valeurs.csv", "Indicateur;Quartier;Valeur\nIND-01;Brunetière;3\n".encode(), "« Période »"),
        ("valeurs.xlsx", b"PK\x03\x04 abime", "Classeur XLSX illisible"),
        ("valeurs.csv", ENTETES.encode(), "aucune ligne à importer"),
    ],
)
def test_a_bad_upload_is_refused_with_a_french_message_never_a_500(client, monde, nom, contenu, message):
    client.force_login(monde["coordination"].utilisateur)
    reponse = envoyer(client, contenu, nom=nom)
    assertContains(reponse, message.replace("'", "&#x27;"), status_code=400)
    assertContains(reponse, "Le fichier n'a pas été importé", status_code=400)


def test_a_file_over_the_size_limit_is_refused_before_being_read(client, monde, monkeypatch):
    monkeypatch.setattr(importation.lecture, "TAILLE_MAX", 100)
    client.force_login(monde["coordination"].utilisateur)
    assertContains(envoyer(client, FICHIER), "dépasse", status_code=400)
    assertContains(client.post(URL, {}), "Ce champ est obligatoire", status_code=400)


# -- les modèles de fichier -----------------------------------------------------------------------------------------


def test_the_csv_template_lists_only_the_indicators_the_person_fills_one_row_per_place(client, monde):
    client.force_login(monde["cdm_caf"].utilisateur)
    reponse = client.get(reverse("indicateurs_modele", args=["csv"]))
    assert reponse["Content-Type"] == "text/csv; charset=utf-8"
    assert reponse["Content-Disposition"].startswith('attachment; filename="modele-valeurs-indicateurs-')
    texte = reponse.content.decode("utf-8")
    assert texte.startswith("\ufeffIndicateur;Quartier;Période;Valeur;Source;Commentaire;Nom de l'indicateur (aide)")
    annee = Periode.derniere_close(timezone.localdate(), Frequence.ANNUELLE).code
    rangees = [ligne.split(";")[:4] for ligne in texte.splitlines()[1:]]
    assert rangees == [
        ["IND-01", "Tout le territoire", annee, ""],
        ["IND-01", "Brunetière", annee, ""],
        ["IND-03", "Tout le territoire", annee, ""],
    ]
    client.force_login(monde["coordination"].utilisateur)
    texte = client.get(reverse("indicateurs_modele", args=["csv"])).content.decode()
    assert "IND-02;Tout le territoire" in texte
    client.force_login(monde["cdm_autre"].utilisateur)
    assert len(client.get(reverse("indicateurs_modele", args=["csv"])).content.decode().splitlines()) == 1


def test_the_xlsx_template_once_filled_imports_and_left_empty_imports_nothing(client, monde):
    client.force_login(monde["cdm_caf"].utilisateur)
    contenu = client.get(reverse("indicateurs_modele", args=["xlsx"])).content
    classeur = load_workbook(io.BytesIO(contenu))
    assert classeur.sheetnames == ["Valeurs"]
    assert [c.value for c in classeur["Valeurs"][1]][6:] == [
        "Nom de l'indicateur (aide)",
        "Unité (aide)",
        "Fréquence (aide)",
        "Forme de la période (aide)",
    ]
    assert [c.value for c in classeur["Valeurs"][2]][8:] == ["annuelle", "AAAA (par exemple 2021)"]
    vide = envoyer(client, contenu, nom="modele.xlsx").context["apercu"]
    assert (vide.a_ecrire, vide.refusees, vide.ignorees) == ([], [], [2, 3, 4])
    classeur["Valeurs"]["D3"] = 9
    flux = io.BytesIO()
    classeur.save(flux)
    rempli = envoyer(client, flux.getvalue(), nom="modele.xlsx").context["apercu"]
    assert [(r.colonnes[:2], r.apres) for r in rempli.a_creer] == [(["IND-01", "Brunetière"], "9 pers.")]


def test_an_unknown_template_format_is_not_found(client, monde):
    client.force_login(monde["coordination"].utilisateur)
    assert client.get(reverse("indicateurs_modele", args=["ods"])).status_code == 404


# -- le nombre de requêtes ne dépend pas des données ----------------------------------------------------------------


def _plus_de_donnees(monde, n):
    for rang in range(n):
        ind = IndicateurFactory(
            obligation__protocole=monde["protocole"], reference=f"AUTRE-{rang}", fournisseur=monde["ind1"].fournisseur
        )
        RepereFactory(indicateur=ind, quartier=monde["brunetiere"])
        auteur = monde["coordination"].utilisateur
        Valeur.enregistrer(ind, quartier=None, periode=str(2016 + rang % 5), valeur=rang, auteur=auteur)


# La session, le compte, le rôle et le menu des engagements (4), puis : les indicateurs, leurs repères, les lieux de
# leurs valeurs et les quartiers ; pour l'aperçu, les
# indicateurs, les quartiers, les valeurs en place et le fichier mis en attente dans le cache (table du cache).
BUDGETS = {"formulaire": 4, "csv": 7, "xlsx": 7, "apercu": 12}


def test_the_pages_answer_in_a_fixed_number_of_queries_whatever_the_indicators_values_and_rows(
    client, monde, django_assert_num_queries
):
    client.force_login(monde["coordination"].utilisateur)
    fichiers = [
        ENTETES + "IND-01;Brunetière;2021;1;;\n",
        FICHIER + "".join(f"AUTRE-{i};Brunetière;{2016 + i};{i};;\n" for i in range(6)),
    ]
    for passage, fichier in enumerate(fichiers):
        if passage:
            _plus_de_donnees(monde, 6)  # six indicateurs de plus, leurs repères et leurs valeurs
        with django_assert_num_queries(BUDGETS["formulaire"]):
            client.get(URL)
        for format_ in ("csv", "xlsx"):
            with django_assert_num_queries(BUDGETS[format_]):
                assert client.get(reverse("indicateurs_modele", args=[format_])).status_code == 200
        with django_assert_num_queries(BUDGETS["apercu"]):
            assert envoyer(client, fichier).status_code == 200


# -- la commande --------------------------------------------------------------------------------------------------


@pytest.fixture
def fichier(tmp_path):
    chemin = tmp_path / "valeurs.csv"
    chemin.write_text(FICHIER, encoding="utf-8-sig")
    return chemin


def test_the_command_prints_the_preview_and_writes_nothing_without_confirmer(monde, fichier, capsys):
    total = Valeur.objects.count()
    call_command("importer_valeurs", str(fichier), "--auteur", "cdm-caf", "--protocole", monde["protocole"].slug)
    sortie = capsys.readouterr().out
    assert "Aperçu de « valeurs.csv » : 1 à créer, 1 à corriger, 1 sans changement, 7 refusée(s)" in sortie
    assert "À corriger — ligne 3 : IND-01 ; Brunetière ; 2020 : 8 pers. → 10 pers." in sortie
    assert "Refusée — ligne 5 : Indicateur « IND-99 » inconnu dans ce protocole." in sortie
    assert "rien n'a été enregistré" in sortie
    assert Valeur.objects.count() == total


def test_the_command_writes_with_confirmer_in_the_rights_of_its_author(monde, fichier, capsys):
    total, slug = Valeur.objects.count(), monde["protocole"].slug
    call_command("importer_valeurs", str(fichier), "--auteur", "cdm-caf", "--protocole", slug, "--confirmer")
    assert "Import enregistré : 2 valeur(s) écrite(s)." in capsys.readouterr().out
    assert Valeur.objects.count() == total + 2
    assert not Valeur.objects.filter(indicateur=monde["ind2"]).exists()  # pas son organisation
    call_command("importer_valeurs", str(fichier), "--auteur", "cdm-caf", "--protocole", slug, "--confirmer")
    assert Valeur.objects.count() == total + 2  # le même fichier une seconde fois


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["absent.csv", "--auteur", "cdm-caf"], "Fichier « absent.csv » introuvable."),
        (["FICHIER", "--auteur", "cdm-caf", "--protocole", "inconnu"], "Protocole inconnu : « inconnu »."),
        (["FICHIER", "--auteur", "personne"], "Aucun compte « personne »"),
        (["FICHIER", "--auteur", "lecteur-caf"], "ne peut pas importer de valeurs"),
    ],
)
def test_the_command_says_what_is_wrong_in_french(monde, fichier, arguments, message):
    arguments = [str(fichier) if a == "FICHIER" else a for a in arguments]
    if "--protocole" not in arguments:
        arguments += ["--protocole", monde["protocole"].slug]
    with pytest.raises(CommandError, match=message):
        call_command("importer_valeurs", *arguments)


def test_the_command_refuses_a_bad_file_and_an_author_without_a_role_here(monde, tmp_path):
    mauvais = tmp_path / "mauvais.csv"
    mauvais.write_bytes(b"")
    with pytest.raises(CommandError, match="Fichier refusé : Le fichier est vide."):
        call_command("importer_valeurs", str(mauvais), "--auteur", "cdm-caf", "--protocole", monde["protocole"].slug)
    ailleurs = habilitation(ProtocoleFactory(), ROLES.COORDINATEUR, username="ailleurs")
    with pytest.raises(CommandError, match="précisez --protocole"):
        call_command("importer_valeurs", str(mauvais), "--auteur", ailleurs.utilisateur.username)
    with pytest.raises(CommandError, match="n'a pas de rôle dans le protocole"):
        call_command("importer_valeurs", str(mauvais), "--auteur", "ailleurs", "--protocole", monde["protocole"].slug)
