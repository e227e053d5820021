"""Le comité de pilotage : réunions et décisions, gel du rapport en versions archivées qui ne changent plus,
téléchargements, visas des organisations signataires, et un nombre de requêtes qui ne grandit pas."""

import datetime
import hashlib
import io
import logging

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from comite import archives, rapports
from comite.acces import peut_preparer_comite, peut_viser
from comite.models import Decision, RapportArchive, Reunion, Visa
from engagements.models import Obligation, Statut
from engagements.tableaux import Perimetre
from protocole import ajout_seul
from tests.factories import (
    ObligationFactory,
    OrganisationFactory,
    RepresentationFactory,
    UtilisateurFactory,
    construire_protocole,
)
from tests.factories_suivi import ROLES, ActionFactory, habilitation

pytestmark = pytest.mark.django_db

AUJOURD_HUI = timezone.localdate()
IL_Y_A_DIX_JOURS = AUJOURD_HUI - datetime.timedelta(days=10)

# Session, utilisateur, rôles (middleware) ; la réunion, ses décisions, leurs obligations, leurs actions ; les
# versions gelées (sans leur fichier), les organisations signataires, les visas de la dernière version ; la réunion
# précédente (période du rapport) ; le menu des engagements ; la réunion précédente et ses décisions, leurs
# obligations et leurs actions (le suivi des décisions de la réunion précédente).
REQUETES_REUNION = 16
# Session, utilisateur, rôles ; les organisations signataires ; les réunions avec leurs nombres de décisions et de
# visas ; leurs versions gelées ; le menu.
REQUETES_REUNIONS = 7


# -- données ------------------------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def cache_des_rapports(settings, tmp_path):
    """Un cache de rendus propre à chaque test : les identifiants se répètent d'un test à l'autre."""
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def protocole():
    return construire_protocole(engagements=2, blocs=2, obligations=1, paragraphes=0)


@pytest.fixture
def etat():
    """L'organisation signataire du lecteur."""
    return OrganisationFactory(nom="Préfecture de l'Isère", slug="etat-isere")


@pytest.fixture
def signataires(protocole, etat):
    caf = OrganisationFactory(nom="Caisse d'Allocations Familiales de l'Isère")
    RepresentationFactory(signature__protocole=protocole, organisation=etat)
    RepresentationFactory(signature__protocole=protocole, organisation=caf)
    return [etat, caf]


@pytest.fixture
def coordination(protocole):
    return habilitation(protocole, ROLES.COORDINATEUR, first_name="Marc", last_name="Chevalier").utilisateur


@pytest.fixture
def lecteur(protocole, etat, signataires):
    return habilitation(protocole, ROLES.LECTEUR, etat, first_name="Isabelle", last_name="Roussel").utilisateur


@pytest.fixture
def reunion(protocole):
    return Reunion.objects.create(
        protocole=protocole, date=IL_Y_A_DIX_JOURS, titre="Comité de printemps", participants="Préfecture, CAF"
    )


@pytest.fixture
def action(protocole):
    obligation = Obligation.objects.filter(protocole=protocole).order_by("reference").first()
    return ActionFactory(obligation=obligation, titre="Ateliers parents-enfants")


def geler(client, reunion, **donnees):
    return client.post(reverse("reunion_geler", args=[reunion.pk]), {"confirme": "on", **donnees})


def viser(client, reunion, archive, lu=True):
    donnees = {"archive": archive.pk} | ({"lu": "on"} if lu else {})
    return client.post(reverse("visa", args=[reunion.pk]), donnees)


def version(reunion, numero):
    return RapportArchive.objects.get(reunion=reunion, version=numero)


def texte_pdf(contenu):
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(bytes(contenu))).pages)


def messages_de(reponse):
    return [str(m) for m in get_messages(reponse.wsgi_request)]


# -- réunions et décisions -----------------------------------------------------------------------------------------


def test_coordination_creates_a_meeting_then_a_decision_linked_to_obligations_and_actions(
    client, protocole, coordination, action, etat
):
    client.force_login(coordination)
    reponse = client.post(
        reverse("reunion_creer"),
        {"date": IL_Y_A_DIX_JOURS.isoformat(), "titre": "Comité d'automne", "participants": "Préfecture\nCAF"},
    )
    reunion = Reunion.objects.get(protocole=protocole)
    assertRedirects(reponse, reverse("reunion", args=[reunion.pk]))
    obligation = action.obligation
    echeance = AUJOURD_HUI + datetime.timedelta(days=30)
    reponse = client.post(
        reverse("decision_creer", args=[reunion.pk]),
        {
            "texte": "Réunir les bailleurs avant l'été",
            "obligations": [obligation.pk],
            "actions": [action.pk],
            "responsable": etat.pk,
            "echeance": echeance.isoformat(),
            "suivi": Decision.Suivi.EN_COURS,
            "commentaire_suivi": "Première réunion fixée",
        },
    )
    assertRedirects(reponse, reverse("reunion", args=[reunion.pk]))
    decision = reunion.decisions.get()
    assert list(decision.obligations.all()) == [obligation]
    assert list(decision.actions.all()) == [action]
    assert (decision.responsable, decision.echeance, decision.suivi) == (etat, echeance, Decision.Suivi.EN_COURS)

    page = client.get(reverse("reunion", args=[reunion.pk]))
    assertContains(page, "Comité d&#x27;automne")
    assertContains(page, "Préfecture<br>CAF")
    assertContains(page, "Réunir les bailleurs avant l&#x27;été")
    reference = f'<code class="reference">{obligation.reference}</code>'
    assertContains(page, f'<a href="/obligations/{obligation.pk}/">{reference}</a>', html=True)
    assertContains(page, f'<a href="/actions/{action.pk}/">Ateliers parents-enfants</a>', html=True)
    assertContains(page, "Préfecture de l&#x27;Isère")
    assertContains(page, '<span class="badge text-bg-primary">▶ en cours</span>', html=True)
    assertContains(page, "Première réunion fixée")


def test_coordination_edits_a_meeting_and_the_follow_up_of_a_decision(client, coordination, reunion):
    decision = Decision.objects.create(reunion=reunion, texte="Relancer les bailleurs")
    client.force_login(coordination)
    reponse = client.post(
        reverse("reunion_modifier", args=[reunion.pk]),
        {"date": IL_Y_A_DIX_JOURS.isoformat(), "titre": "Comité de printemps (reporté)", "participants": ""},
    )
    assertRedirects(reponse, reverse("reunion", args=[reunion.pk]))
    reponse = client.post(
        reverse("decision_modifier", args=[decision.pk]),
        {"texte": "Relancer les bailleurs", "suivi": Decision.Suivi.FAITE, "commentaire_suivi": "Fait le 3 mai"},
    )
    assertRedirects(reponse, reverse("reunion", args=[reunion.pk]))
    decision.refresh_from_db()
    reunion.refresh_from_db()
    assert reunion.titre == "Comité de printemps (reporté)"
    assert (decision.suivi, decision.commentaire_suivi) == (Decision.Suivi.FAITE, "Fait le 3 mai")
    assertContains(client.get(reverse("reunion", args=[reunion.pk])), "✓ faite")


def test_a_meeting_without_a_date_is_refused_with_a_french_message(client, protocole, coordination):
    client.force_login(coordination)
    reponse = client.post(reverse("reunion_creer"), {"date": "", "titre": "Comité sans date"})
    assert reponse.status_code == 200
    assertContains(reponse, "Indiquez la date de la réunion.")
    assertContains(reponse, "La réunion n'a pas été enregistrée")
    assertContains(reponse, 'value="Comité sans date"')
    assert not Reunion.objects.exists()


def test_a_decision_cannot_concern_an_obligation_or_an_action_of_another_protocol(client, coordination, reunion):
    ailleurs = ObligationFactory()
    action_ailleurs = ActionFactory(obligation=ailleurs)
    client.force_login(coordination)
    reponse = client.post(
        reverse("decision_creer", args=[reunion.pk]),
        {"texte": "Décision", "obligations": [ailleurs.pk], "actions": [action_ailleurs.pk], "suivi": "a_faire"},
    )
    assert reponse.status_code == 200
    assertContains(reponse, f"« {ailleurs.pk} » n&#x27;est pas une obligation de ce protocole.")
    assertContains(reponse, f"« {action_ailleurs.pk} » n&#x27;est pas une action de ce protocole.")
    assert not Decision.objects.exists()


def test_the_decision_form_offers_only_the_obligations_and_actions_of_the_protocol(client, coordination, reunion):
    ailleurs = ObligationFactory(texte="Obligation d'un autre territoire")
    ActionFactory(obligation=ailleurs, titre="Action d'un autre territoire")
    client.force_login(coordination)
    reponse = client.get(reverse("decision_creer", args=[reunion.pk]))
    assertNotContains(reponse, "autre territoire")
    assertContains(reponse, "E1-PT-1")


def test_members_other_than_the_coordination_see_no_editing_controls(client, lecteur, reunion):
    client.force_login(lecteur)
    reponse = client.get(reverse("reunion", args=[reunion.pk]))
    for texte in ("Modifier la réunion", "Ajouter une décision", "Geler le rapport", "Nouvelle réunion"):
        assertNotContains(reponse, texte)
    assertNotContains(client.get(reverse("reunions")), "Nouvelle réunion")


def test_a_meeting_of_another_protocol_answers_404(client, coordination):
    autre = Reunion.objects.create(protocole=construire_protocole(), date=AUJOURD_HUI, titre="Ailleurs")
    client.force_login(coordination)
    assert client.get(reverse("reunion", args=[autre.pk])).status_code == 404
    assert client.post(reverse("reunion_geler", args=[autre.pk])).status_code == 404
    assert not RapportArchive.objects.exists()


# -- période du rapport ---------------------------------------------------------------------------------------------


def test_the_report_covers_the_state_on_the_meeting_day_since_the_previous_meeting(protocole, reunion):
    Reunion.objects.create(protocole=protocole, date=IL_Y_A_DIX_JOURS - datetime.timedelta(days=90), titre="Hiver")
    Reunion.objects.create(protocole=protocole, date=AUJOURD_HUI, titre="Après")
    assert archives.periode(reunion) == (IL_Y_A_DIX_JOURS, IL_Y_A_DIX_JOURS - datetime.timedelta(days=90))


def test_without_a_previous_meeting_the_report_covers_six_months(protocole):
    premiere = Reunion.objects.create(protocole=protocole, date=datetime.date(2024, 8, 31), titre="Première")
    assert archives.periode(premiere) == (datetime.date(2024, 8, 31), datetime.date(2024, 2, 29))


def test_the_report_of_a_future_meeting_stops_at_today(protocole):
    dans_cinq_jours = AUJOURD_HUI + datetime.timedelta(days=5)
    a_venir = Reunion.objects.create(protocole=protocole, date=dans_cinq_jours, titre="À venir")
    au, depuis = archives.periode(a_venir)
    assert au == AUJOURD_HUI
    assert depuis <= au


# -- gel du rapport --------------------------------------------------------------------------------------------------


def test_the_preview_is_a_fresh_pdf_attachment_and_archives_nothing(client, lecteur, reunion):
    client.force_login(lecteur)
    reponse = client.get(reverse("reunion_apercu", args=[reunion.pk]))
    assert reponse.status_code == 200
    assert reponse["Content-Type"] == "application/pdf"
    assert reponse["Content-Disposition"].startswith("attachment;")
    assert reponse.content.startswith(b"%PDF")
    assert not RapportArchive.objects.exists()


def test_freezing_creates_version_1_whose_sha256_is_that_of_its_bytes(client, coordination, reunion):
    client.force_login(coordination)
    reponse = geler(client, reunion)
    assertRedirects(reponse, reverse("reunion", args=[reunion.pk]))
    archive = version(reunion, 1)
    contenu = bytes(archive.contenu)
    assert contenu.startswith(b"%PDF")
    assert archive.sha256 == hashlib.sha256(contenu).hexdigest()
    assert archive.taille == len(contenu)
    assert (archive.au, archive.depuis) == archives.periode(reunion)
    assert archive.gele_par == coordination
    assert archive.motif == ""
    page = client.get(reverse("reunion", args=[reunion.pk]))
    assertContains(page, "Rapport gelé.")
    assertContains(page, f'<code class="text-break">{archive.sha256}</code>', html=True)
    assertContains(page, f'href="{reverse("archive", args=[archive.pk])}"')
    assertContains(page, "Geler la version 2")


def test_a_frozen_archive_still_matches_its_sha256_after_the_data_change_while_a_fresh_render_differs(
    client, protocole, coordination, reunion, action
):
    client.force_login(coordination)
    geler(client, reunion)
    archive = version(reunion, 1)
    gele = bytes(archive.contenu)
    # Une entrée de journal qui prend effet avant la réunion : l'état « au » jour de la réunion en est changé.
    action.enregistrer(
        auteur=coordination,
        date_effet=IL_Y_A_DIX_JOURS - datetime.timedelta(days=2),
        commentaire="Le bailleur Zanzibar s'est retiré",
        version=action.version,
        statut=Statut.BLOQUE,
    )
    archive.refresh_from_db()
    assert archive.intact()
    assert bytes(archive.contenu) == gele
    assert hashlib.sha256(bytes(archive.contenu)).hexdigest() == archive.sha256
    au, depuis = archives.periode(reunion)
    frais = rapports.produire(Perimetre(protocole), au, depuis, reunion=reunion)
    assert frais != gele
    # Le rendu frais montre le changement ; le fichier archivé, non.
    assert "Zanzibar" in texte_pdf(frais)
    assert "Zanzibar" not in texte_pdf(gele)
    telecharge = client.get(reverse("archive", args=[archive.pk]))
    assert telecharge.content == gele


def test_freezing_again_requires_a_motif_and_adds_version_2_beside_version_1(client, coordination, reunion):
    client.force_login(coordination)
    geler(client, reunion)
    premiere = version(reunion, 1)
    avant = (bytes(premiere.contenu), premiere.sha256, premiere.gele_le)

    reponse = geler(client, reunion, motif="  ")
    assert reponse.status_code == 400
    assertContains(reponse, "dites ce que corrige cette nouvelle version", status_code=400)
    assert RapportArchive.objects.filter(reunion=reunion).count() == 1

    Decision.objects.create(reunion=reunion, texte="Décision oubliée dans la version 1")
    reponse = geler(client, reunion, motif="Ajoute la décision oubliée")
    assertRedirects(reponse, reverse("reunion", args=[reunion.pk]))
    assert list(RapportArchive.objects.filter(reunion=reunion).values_list("version", flat=True)) == [1, 2]
    premiere.refresh_from_db()
    assert (bytes(premiere.contenu), premiere.sha256, premiere.gele_le) == avant
    assert premiere.intact()
    seconde = version(reunion, 2)
    assert seconde.motif == "Ajoute la décision oubliée"
    assert seconde.sha256 != premiere.sha256
    page = client.get(reverse("reunion", args=[reunion.pk]))
    assertContains(page, premiere.sha256)
    assertContains(page, seconde.sha256)
    assertContains(page, "Ajoute la décision oubliée")


def test_a_version_frozen_meanwhile_makes_the_motif_required_again(coordination, reunion):
    """Deux coordinateurs gèlent en même temps : le second, parti sans motif, ne pose pas sa version en silence."""
    archives.geler(reunion, coordination)
    with pytest.raises(ValidationError, match="dites ce que corrige"):
        archives.geler(reunion, coordination)
    assert archives.geler(reunion, coordination, motif="Corrige un chiffre").version == 2


def test_an_archived_report_is_neither_saved_again_nor_deleted(client, coordination, reunion):
    client.force_login(coordination)
    geler(client, reunion)
    archive = version(reunion, 1)
    archive.contenu = b"%PDF-1.7 autre chose"
    with pytest.raises(ValueError, match="ne se modifie pas"):
        archive.save()
    with pytest.raises(ValueError, match="ne se supprime pas"):
        archive.delete()
    archive = version(reunion, 1)
    assert archive.intact()


def test_no_url_replaces_or_deletes_an_archived_file(client, admin_client, coordination, reunion):
    client.force_login(coordination)
    geler(client, reunion)
    archive = version(reunion, 1)
    avant = bytes(archive.contenu)
    url = reverse("archive", args=[archive.pk])
    for methode in (client.post, client.put, client.patch, client.delete):
        assert methode(url).status_code == 405
    change = reverse("admin:comite_rapportarchive_change", args=[archive.pk])
    assert admin_client.post(change, {"motif": "réécrit", "version": 1}).status_code == 403
    suppression = reverse("admin:comite_rapportarchive_delete", args=[archive.pk])
    assert admin_client.post(suppression, {"post": "yes"}).status_code == 403
    assert admin_client.get(reverse("admin:comite_rapportarchive_add")).status_code == 403
    assert admin_client.get(change).status_code == 200  # lisible, en lecture seule
    archive = version(reunion, 1)
    assert bytes(archive.contenu) == avant
    assert RapportArchive.objects.count() == 1


def test_only_the_coordination_freezes(client, lecteur, reunion):
    client.force_login(lecteur)
    assert geler(client, reunion).status_code == 403
    assert not RapportArchive.objects.exists()


# -- téléchargements -------------------------------------------------------------------------------------------------


def test_the_download_returns_the_exact_archived_bytes_with_their_sha256_header(client, coordination, lecteur, reunion):
    client.force_login(coordination)
    geler(client, reunion)
    archive = version(reunion, 1)
    client.force_login(lecteur)
    reponse = client.get(reverse("archive", args=[archive.pk]))
    assert reponse.status_code == 200
    assert reponse.content == bytes(archive.contenu)
    assert reponse["Content-Type"] == "application/pdf"
    assert reponse["X-Empreinte-SHA256"] == archive.sha256 == hashlib.sha256(reponse.content).hexdigest()
    assert reponse["Content-Disposition"].startswith("attachment;")
    assert "-version-1.pdf" in reponse["Content-Disposition"]


def test_a_tampered_archive_is_refused_with_a_french_error_and_logged(client, coordination, reunion, caplog):
    client.force_login(coordination)
    geler(client, reunion)
    archive = version(reunion, 1)
    # Une altération hors de l'application : le modèle refuse toute modification, la base aussi (ses déclencheurs,
    # protocole/ajout_seul.py) ; il faut d'abord les retirer, comme le pourrait qui tient la base. L'empreinte est la
    # dernière défense. Le retrait est annulé avec la transaction du test.
    table = RapportArchive._meta.db_table
    with connection.cursor() as curseur:
        for requete in ajout_seul.sql_retirer(connection, table):
            curseur.execute(requete)
        curseur.execute(f"UPDATE {table} SET contenu = %s WHERE id = %s", [b"%PDF-1.7 falsifie", archive.pk])
    with caplog.at_level(logging.ERROR, logger="comite.views"):
        reponse = client.get(reverse("archive", args=[archive.pk]))
    assert reponse.status_code == 409
    assert reponse["Content-Type"].startswith("text/html")
    assertContains(reponse, "ne correspond plus à son empreinte SHA-256", status_code=409)
    assertContains(reponse, archive.sha256, status_code=409)
    assert any("altéré" in r.getMessage() and archive.sha256 in r.getMessage() for r in caplog.records)


# -- visas -----------------------------------------------------------------------------------------------------------


@pytest.fixture
def gelee(client, coordination, reunion):
    client.force_login(coordination)
    geler(client, reunion)
    client.logout()
    return version(reunion, 1)


def test_a_lecteur_representing_a_signing_organisation_records_its_visa(client, lecteur, reunion, gelee, etat):
    client.force_login(lecteur)
    page = client.get(reverse("reunion", args=[reunion.pk]))
    assertContains(page, "J'ai lu la version 1 du rapport (SHA-256")
    assertContains(page, "pas encore de visa", count=2)
    avant = timezone.now()
    reponse = viser(client, reunion, gelee)
    assertRedirects(reponse, reverse("reunion", args=[reunion.pk]))
    visa = Visa.objects.get()
    assert (visa.archive, visa.organisation, visa.utilisateur) == (gelee, etat, lecteur)
    assert visa.vise_le >= avant
    page = client.get(reverse("reunion", args=[reunion.pk]))
    assertContains(page, "par Isabelle Roussel")
    assertContains(page, "pas encore de visa", count=1)  # la CAF n'a pas visé
    assertContains(page, "Votre organisation, Préfecture de l&#x27;Isère, a visé la version 1.")
    assertNotContains(page, "J'ai lu la version 1")


def test_a_visa_needs_the_reading_confirmation(client, lecteur, reunion, gelee):
    client.force_login(lecteur)
    reponse = viser(client, reunion, gelee, lu=False)
    assertContains(reponse, "Cochez la case pour confirmer", status_code=400)
    assert not Visa.objects.exists()


def test_a_second_visa_of_the_same_organisation_on_the_same_version_changes_nothing(
    client, protocole, etat, lecteur, reunion, gelee
):
    collegue = habilitation(protocole, ROLES.LECTEUR, etat).utilisateur
    client.force_login(lecteur)
    viser(client, reunion, gelee)
    client.force_login(collegue)
    reponse = viser(client, reunion, gelee)
    assertRedirects(reponse, reverse("reunion", args=[reunion.pk]))
    assert "La version 1 est déjà visée pour Préfecture de l'Isère : rien n'a changé." in messages_de(reponse)
    assert Visa.objects.get().utilisateur == lecteur


def test_a_visa_is_given_to_the_latest_version_only(client, coordination, lecteur, reunion, gelee):
    client.force_login(coordination)
    geler(client, reunion, motif="Corrige les participants")
    client.force_login(lecteur)
    reponse = viser(client, reunion, gelee)  # la version 1, lue avant que la 2 soit gelée
    assert "La version 2 du rapport a été gelée entre-temps : lisez-la avant de la viser." in messages_de(reponse)
    assert not Visa.objects.exists()
    viser(client, reunion, version(reunion, 2))
    assert Visa.objects.get().archive.version == 2


def test_a_visa_on_version_1_is_not_a_visa_on_version_2(client, coordination, lecteur, reunion, gelee):
    client.force_login(lecteur)
    viser(client, reunion, gelee)
    client.force_login(coordination)
    geler(client, reunion, motif="Corrige les participants")
    page = client.get(reverse("reunion", args=[reunion.pk]))
    assertContains(page, "Visas des organisations signataires sur la version 2")
    assertContains(page, "pas encore de visa", count=2)


def test_a_visa_before_any_frozen_version_is_refused_with_a_french_message(client, lecteur, reunion):
    client.force_login(lecteur)
    reponse = client.post(reverse("visa", args=[reunion.pk]), {"archive": 1, "lu": "on"})
    assertRedirects(reponse, reverse("reunion", args=[reunion.pk]))
    assert "Aucune version du rapport n'est gelée : il n'y a encore rien à viser." in messages_de(reponse)
    assert not Visa.objects.exists()


@pytest.mark.parametrize(
    "role",
    [ROLES.CHARGE_DE_MISSION, ROLES.COORDINATEUR, ROLES.ADMINISTRATEUR],
    ids=["charge_de_mission", "coordinateur", "administrateur"],
)
def test_only_lecteurs_give_visas_even_for_a_signing_organisation(client, protocole, etat, reunion, gelee, role):
    client.force_login(habilitation(protocole, role, etat).utilisateur)
    assert viser(client, reunion, gelee).status_code == 403
    assertNotContains(client.get(reverse("reunion", args=[reunion.pk])), "J'ai lu la version")
    assert not Visa.objects.exists()


def test_a_lecteur_of_a_non_signing_organisation_cannot_give_a_visa(client, protocole, reunion, gelee):
    client.force_login(habilitation(protocole, ROLES.LECTEUR).utilisateur)
    assert viser(client, reunion, gelee).status_code == 403
    assertNotContains(client.get(reverse("reunion", args=[reunion.pk])), "J'ai lu la version")
    assert not Visa.objects.exists()


@pytest.mark.parametrize(
    ("role", "signataire", "attendu"),
    [
        (ROLES.LECTEUR, True, True),
        (ROLES.LECTEUR, False, False),
        (ROLES.CHARGE_DE_MISSION, True, False),
        (ROLES.COORDINATEUR, True, False),
        (ROLES.ADMINISTRATEUR, True, False),
    ],
)
def test_a_visa_is_for_a_lecteur_acting_for_a_signing_organisation(
    protocole, etat, signataires, role, signataire, attendu
):
    organisation = etat if signataire else OrganisationFactory()
    assert peut_viser(habilitation(protocole, role, organisation), signataires) is attendu
    assert peut_viser(habilitation(protocole, role, organisation), [o.pk for o in signataires]) is attendu
    assert peut_viser(None, signataires) is False


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, reunion, gelee):
    reponse = viser(client, reunion, gelee)
    assert reponse.status_code == 302
    assert reponse.url.startswith(reverse("connexion"))
    assert not Visa.objects.exists()


def test_a_signing_lecteur_of_another_protocol_gets_404(client, etat, reunion, gelee):
    ailleurs = construire_protocole()
    RepresentationFactory(signature__protocole=ailleurs, organisation=etat)
    client.force_login(habilitation(ailleurs, ROLES.LECTEUR, etat).utilisateur)
    assert viser(client, reunion, gelee).status_code == 404
    assert client.get(reverse("archive", args=[gelee.pk])).status_code == 404
    assert not Visa.objects.exists()


# -- la liste des réunions -----------------------------------------------------------------------------------------


def test_the_lecteur_sees_the_meetings_with_their_versions_and_visas(client, protocole, lecteur, reunion, gelee):
    Decision.objects.create(reunion=reunion, texte="Une")
    Decision.objects.create(reunion=reunion, texte="Deux")
    Reunion.objects.create(protocole=protocole, date=AUJOURD_HUI, titre="Comité d'été")
    client.force_login(lecteur)
    viser(client, reunion, gelee)
    reponse = client.get(reverse("reunions"))
    assertContains(reponse, "Comité de printemps")
    assertContains(reponse, "Comité d&#x27;été")
    assertContains(reponse, '<td class="text-end">2</td>', html=True)
    assertContains(reponse, f'href="{reverse("archive", args=[gelee.pk])}"')
    assertContains(reponse, "1 sur 2")
    assertContains(reponse, "pas encore gelé")
    titres = [r.titre for r in reponse.context["reunions"]]
    assert titres == ["Comité d'été", "Comité de printemps"]


@pytest.mark.parametrize("role", [ROLES.COORDINATEUR, ROLES.ADMINISTRATEUR])
def test_the_coordination_sees_the_new_meeting_link(client, protocole, reunion, role):
    client.force_login(habilitation(protocole, role).utilisateur)
    assertContains(client.get(reverse("reunions")), f'href="{reverse("reunion_creer")}"')
    assertContains(client.get(reverse("reunion", args=[reunion.pk])), "Modifier la réunion")


@pytest.mark.parametrize(
    ("role", "attendu"),
    [
        (ROLES.ADMINISTRATEUR, True),
        (ROLES.COORDINATEUR, True),
        (ROLES.CHARGE_DE_MISSION, False),
        (ROLES.LECTEUR, False),
    ],
)
def test_the_committee_is_prepared_by_the_coordination(protocole, role, attendu):
    assert peut_preparer_comite(habilitation(protocole, role)) is attendu
    assert peut_preparer_comite(None) is False


def test_an_officer_sees_no_new_meeting_link_and_cannot_create_one(client, protocole):
    client.force_login(habilitation(protocole, ROLES.CHARGE_DE_MISSION).utilisateur)
    assertNotContains(client.get(reverse("reunions")), "Nouvelle réunion")
    assert client.post(reverse("reunion_creer"), {"date": AUJOURD_HUI, "titre": "Comité"}).status_code == 403
    assert not Reunion.objects.exists()


def test_the_navigation_links_to_the_committee_for_members_only(client, lecteur, reunion):
    assertNotContains(client.get(reverse("accueil")), "Comité de pilotage")
    client.force_login(lecteur)
    assertContains(client.get(reverse("accueil")), f'href="{reverse("reunions")}"')


# -- nombre de requêtes ----------------------------------------------------------------------------------------------


def peupler(protocole, reunion, signataires, coordination, nombre):
    """`nombre` décisions (chacune avec obligations et actions), versions gelées, organisations signataires et
    visas, et autant d'autres réunions."""
    obligations = list(Obligation.objects.filter(protocole=protocole))
    auteur = UtilisateurFactory()
    actions = [ActionFactory(obligation=obligations[0], auteur=auteur) for _ in range(2)]
    veille = Reunion.objects.create(protocole=protocole, date=reunion.date - datetime.timedelta(days=1), titre="Veille")
    for n in range(nombre):
        decision = Decision.objects.create(reunion=reunion, texte=f"Décision {n}", responsable=signataires[0])
        decision.obligations.set(obligations[:2])
        decision.actions.set(actions)
        ancienne = Decision.objects.create(
            reunion=veille, texte=f"Décision antérieure {n}", responsable_personne=auteur
        )
        ancienne.obligations.set(obligations[:2])
        ancienne.actions.set(actions)
        RepresentationFactory(signature__protocole=protocole)
    for n in range(nombre):
        archive = RapportArchive.objects.create(
            reunion=reunion,
            version=n + 1,
            contenu=b"%PDF-1.7 " + bytes(n),
            au=reunion.date,
            depuis=reunion.date,
            gele_par=coordination,
        )
        autre = Reunion.objects.create(protocole=protocole, date=reunion.date, titre=f"Réunion {n}")
        RapportArchive.objects.create(
            reunion=autre, version=1, contenu=b"%PDF", au=autre.date, depuis=autre.date, gele_par=coordination
        )
    for organisation in signataires:
        Visa.objects.create(archive=archive, organisation=organisation, utilisateur=coordination)


@pytest.mark.parametrize("nombre", [1, 10], ids=["petit", "dix_fois_plus"])
@pytest.mark.parametrize("persona", ["lecteur", "coordination"])
def test_the_meeting_page_and_the_list_take_a_fixed_number_of_queries(
    client, django_assert_num_queries, protocole, signataires, coordination, lecteur, reunion, nombre, persona
):
    peupler(protocole, reunion, signataires, coordination, nombre)
    client.force_login(lecteur if persona == "lecteur" else coordination)
    with django_assert_num_queries(REQUETES_REUNION):
        reponse = client.get(reverse("reunion", args=[reunion.pk]))
    assertContains(reponse, f"Décision {nombre - 1}")
    assertContains(reponse, f"Décision antérieure {nombre - 1}")
    assertContains(reponse, f"Version {nombre}")
    with django_assert_num_queries(REQUETES_REUNIONS):
        reponse = client.get(reverse("reunions"))
    assertContains(reponse, f"Réunion {nombre - 1}")
    assertContains(reponse, f"2 sur {len(signataires) + nombre}")


def test_archives_cannot_be_changed_or_deleted_in_bulk(db):
    from comite.models import RapportArchive

    with pytest.raises(ValueError, match="ne se modifie pas"):
        RapportArchive.objects.all().update(sha256="0" * 64)
    with pytest.raises(ValueError, match="ne se supprime pas"):
        RapportArchive.objects.all().delete()
