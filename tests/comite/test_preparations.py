"""Les rapports hors de la requête, dans un seul processus : la demande, la page « rapport en préparation », le
fichier, la limite par personne, le délai d'échec et la reprise.

Un worker distant est simulé en retenant la tâche (`apply_async` ne fait rien), puis en l'exécutant comme il le
ferait (`taches.preparer(pk)`). Le vrai worker, avec Redis et deux gunicorn, est essayé dans
tests/comite/test_rapports_repartis.py."""

import datetime
from unittest import mock

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from comite import preparations, taches
from comite.models import Preparation, RapportArchive, Reunion
from comite.rapports import cache, rendu
from tests.factories import ObligationFactory
from tests.factories_suivi import ROLES, ActionFactory, habilitation

pytestmark = pytest.mark.django_db

AUJOURDHUI = timezone.localdate()
HTMX = {"HTTP_HX_REQUEST": "true"}
# Session, utilisateur, rôle (le protocole courant) ; la préparation ; le menu des engagements.
REQUETES_PAGE = 5
# Le refus : session, utilisateur, rôle ; la dernière réunion (« depuis » par défaut) ; la clé du cache (la prochaine
# réunion, dont la note imprime les textes ; la version des données) et le cache ; la demande dans son point de
# sauvegarde (verrou de la personne, demande identique, compte, annulation) ; le menu ; les demandes en cours.
REQUETES_REFUS = 15


@pytest.fixture
def protocole():
    obligation = ObligationFactory()
    ActionFactory(obligation=obligation, titre="Forum de l'emploi")
    return obligation.protocole


@pytest.fixture
def membre(client, protocole):
    client.force_login(habilitation(protocole, ROLES.CHARGE_DE_MISSION).utilisateur)
    return client


@pytest.fixture
def coordination(client, protocole):
    client.force_login(habilitation(protocole, ROLES.COORDINATEUR).utilisateur)
    return client


@pytest.fixture
def worker_distant():
    """La tâche part vers un courtier que personne ne lit dans ce processus : la requête n'attend rien."""
    with mock.patch.object(taches.preparer, "apply_async") as envoi:
        yield envoi


def telecharger(client, jours=0, **parametres):
    au = AUJOURDHUI - datetime.timedelta(days=jours)
    return client.get(reverse("rapport"), {"au": au.isoformat(), **parametres})


def executer_la_tache(envoi):
    """Ce que fait le worker : la dernière tâche envoyée, exécutée. Elle expire, et son rendu s'arrête, au délai
    d'échec."""
    ((pk,),), options = envoi.call_args
    delai = settings.RAPPORTS_DELAI_ECHEC
    assert options == {"expires": delai, "time_limit": delai}
    taches.preparer(pk)


# -- le parcours ----------------------------------------------------------------------------------------------------


def test_a_report_not_in_cache_is_rendered_off_the_request_then_the_page_gives_the_file(membre, worker_distant):
    with mock.patch.object(rendu, "rendre_pdf", wraps=rendu.rendre_pdf) as rendre:
        reponse = telecharger(membre)
    rendre.assert_not_called()  # le serveur web n'a rien rendu
    preparation = Preparation.objects.get()
    assertRedirects(reponse, reverse("preparation", args=[preparation.pk]), fetch_redirect_response=False)
    assert preparation.etat == Preparation.Etat.EN_ATTENTE and preparation.sorte == Preparation.Sorte.RAPPORT

    page = membre.get(reverse("preparation", args=[preparation.pk]))
    assertContains(page, "Rapport en préparation")
    assertContains(page, f"Tout le territoire, état au {AUJOURDHUI:%d/%m/%Y}")
    assertContains(page, f'hx-get="{reverse("preparation", args=[preparation.pk])}" hx-trigger="every 2s"')
    assertContains(membre.get(reverse("preparation", args=[preparation.pk]), **HTMX), "attend son tour")

    executer_la_tache(worker_distant)

    sondage = membre.get(reverse("preparation", args=[preparation.pk]), **HTMX)
    assert sondage["HX-Redirect"] == reverse("preparation", args=[preparation.pk])
    pret = membre.get(reverse("preparation", args=[preparation.pk]))
    fichier = reverse("preparation_fichier", args=[preparation.pk])
    assertContains(pret, "Rapport prêt")
    assertContains(pret, f'<meta http-equiv="refresh" content="0; url={fichier}">')
    pdf = membre.get(fichier)
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF-")
    assert pdf["Content-Disposition"].startswith("attachment;")


def test_without_a_broker_the_same_code_renders_in_the_request_and_gives_the_file_at_once(membre):
    reponse = telecharger(membre)
    assert reponse["Content-Type"] == "application/pdf"
    assert Preparation.objects.get().etat == Preparation.Etat.PRETE


def test_a_report_already_in_cache_for_the_current_data_is_served_at_once(membre, worker_distant):
    telecharger(membre)
    executer_la_tache(worker_distant)
    with mock.patch.object(rendu, "rendre_pdf") as rendre:
        reponse = telecharger(membre)
    assert reponse["Content-Type"] == "application/pdf"
    rendre.assert_not_called()
    assert Preparation.objects.count() == 1


def test_the_same_report_asked_twice_while_waiting_is_one_preparation(client, protocole, worker_distant):
    deux = [habilitation(protocole, role).utilisateur for role in (ROLES.CHARGE_DE_MISSION, ROLES.LECTEUR)]
    client.force_login(deux[0])
    premiere = telecharger(client)
    client.force_login(deux[1])
    seconde = telecharger(client)
    assert premiere.url == seconde.url and Preparation.objects.count() == 1
    assert worker_distant.call_count == 1


def test_the_preparation_page_answers_in_a_fixed_number_of_queries(membre, worker_distant, django_assert_num_queries):
    telecharger(membre)
    url = reverse("preparation", args=[Preparation.objects.get().pk])
    with django_assert_num_queries(REQUETES_PAGE):
        membre.get(url)
    with django_assert_num_queries(REQUETES_PAGE - 1):  # l'encadré seul : pas de menu
        membre.get(url, **HTMX)


def test_a_member_of_another_protocol_does_not_see_a_preparation(client, membre, worker_distant):
    telecharger(membre)
    preparation = Preparation.objects.get()
    client.force_login(habilitation(ObligationFactory().protocole, ROLES.COORDINATEUR).utilisateur)
    for nom in ("preparation", "preparation_fichier"):
        assert client.get(reverse(nom, args=[preparation.pk])).status_code == 404


# -- la limite par personne -----------------------------------------------------------------------------------------


def test_a_member_cannot_have_more_than_two_renders_waiting_or_running(
    membre, worker_distant, django_assert_num_queries
):
    assert telecharger(membre, jours=1).status_code == 302
    assert telecharger(membre, jours=2).status_code == 302
    with django_assert_num_queries(REQUETES_REFUS):
        refus = telecharger(membre, jours=3)
    assert refus.status_code == 429
    assertContains(refus, "Vous avez déjà 2 rapports en préparation", status_code=429)
    jour = AUJOURDHUI - datetime.timedelta(days=2)
    assertContains(refus, f"Rapport de suivi — tout le territoire, état au {jour:%d/%m/%Y}", status_code=429)
    assert Preparation.objects.count() == 2

    executer_la_tache(worker_distant)  # le dernier envoyé est rendu : une place se libère
    assert telecharger(membre, jours=3).status_code == 302


def test_the_limit_is_a_setting(membre, worker_distant, settings):
    settings.RAPPORTS_MAX_PAR_PERSONNE = 1
    telecharger(membre, jours=1)
    assertContains(telecharger(membre, jours=2), "Vous avez déjà 1 rapport en préparation", status_code=429)


# -- l'échec et la reprise ------------------------------------------------------------------------------------------


def vieillir(preparation, secondes):
    Preparation.objects.filter(pk=preparation.pk).update(cree_le=timezone.now() - datetime.timedelta(seconds=secondes))


def test_a_render_unfinished_after_the_delay_is_a_failure_and_retrying_works(membre, worker_distant, settings):
    """Un worker tué en plein rendu laisse une préparation « en cours » et rien dans le cache ; passé le délai, la
    page dit l'échec, elle ne se rafraîchit plus, la limite ne la compte plus, et réessayer rend le rapport."""
    settings.RAPPORTS_DELAI_ECHEC = 30
    telecharger(membre)
    preparation = Preparation.objects.get()
    assert Preparation.commencer(preparation.pk) is not None  # le worker l'a prise… puis il est tué
    url = reverse("preparation", args=[preparation.pk])
    vieillir(preparation, 29)
    assertContains(membre.get(url), "en cours de rendu")

    vieillir(preparation, 31)
    echec = membre.get(url, **HTMX)
    assertContains(echec, "Échec de la préparation — réessayer")
    assertNotContains(echec, "hx-trigger")
    assert cache.lire(preparation.cle) is None
    assert Preparation.objects.attendues().count() == 0

    reprise = membre.post(reverse("preparation_reessayer", args=[preparation.pk]))
    assertRedirects(reprise, reponse_url := reprise.url, fetch_redirect_response=False)
    assert reponse_url.startswith(reverse("rapport") + "?perimetre=protocole&au=")
    nouvelle = membre.get(reponse_url)
    executer_la_tache(worker_distant)
    assertRedirects(nouvelle, reverse("preparation", args=[preparation.pk + 1]), fetch_redirect_response=False)
    assert membre.get(reverse("preparation_fichier", args=[preparation.pk + 1])).content.startswith(b"%PDF-")


def test_a_worker_does_not_start_a_preparation_whose_delay_has_passed(membre, worker_distant):
    telecharger(membre)
    preparation = Preparation.objects.get()
    vieillir(preparation, 301)
    with mock.patch.object(rendu, "rendre_pdf") as rendre:
        taches.preparer(preparation.pk)
    rendre.assert_not_called()
    assert Preparation.objects.get().etat == Preparation.Etat.EN_ATTENTE


def test_a_render_that_fails_writes_nothing_and_says_so_in_french(membre, worker_distant):
    telecharger(membre)
    preparation = Preparation.objects.get()
    with mock.patch.object(rendu, "rendre_pdf", side_effect=MemoryError), pytest.raises(MemoryError):
        executer_la_tache(worker_distant)
    preparation.refresh_from_db()
    assert preparation.etat == Preparation.Etat.ECHEC and cache.lire(preparation.cle) is None
    assert preparation.message == preparations.ECHEC
    assertContains(membre.get(reverse("preparation", args=[preparation.pk])), "Le rendu du rapport a échoué")


def test_an_unreachable_broker_gives_a_french_failure_not_a_500(membre):
    with mock.patch.object(taches.preparer, "apply_async", side_effect=OSError("Connection refused")):
        reponse = membre.get(reverse("rapport"), follow=True)
    assert reponse.status_code == 200
    assertContains(reponse, preparations.INJOIGNABLE)
    assertContains(reponse, "Échec de la préparation — réessayer")


# -- l'aperçu et le gel d'une réunion -------------------------------------------------------------------------------


@pytest.fixture
def reunion(protocole):
    return Reunion.objects.create(protocole=protocole, date=AUJOURDHUI, titre="Comité d'automne")


def test_the_preview_of_a_meeting_is_prepared_by_the_worker(membre, reunion, worker_distant):
    reponse = membre.get(reverse("reunion_apercu", args=[reunion.pk]))
    preparation = Preparation.objects.get(sorte=Preparation.Sorte.APERCU)
    assertRedirects(reponse, reverse("preparation", args=[preparation.pk]), fetch_redirect_response=False)
    executer_la_tache(worker_distant)
    pdf = membre.get(reverse("preparation_fichier", args=[preparation.pk]))
    assert pdf.content.startswith(b"%PDF-") and "comite" not in pdf["Content-Disposition"]
    assert membre.get(reverse("reunion_apercu", args=[reunion.pk]))["Content-Type"] == "application/pdf"


def test_freezing_is_prepared_by_the_worker_then_the_page_leads_back_to_the_meeting(
    coordination, reunion, worker_distant
):
    reponse = coordination.post(reverse("reunion_geler", args=[reunion.pk]), {"confirme": "on"})
    gel = Preparation.objects.get(sorte=Preparation.Sorte.GEL)
    assertRedirects(reponse, reverse("preparation", args=[gel.pk]), fetch_redirect_response=False)
    assert not RapportArchive.objects.exists()

    executer_la_tache(worker_distant)

    archive = RapportArchive.objects.get()
    assert coordination.get(reverse("preparation", args=[gel.pk]), **HTMX)["HX-Redirect"] == reverse(
        "reunion", args=[reunion.pk]
    )
    page = coordination.get(reverse("reunion", args=[reunion.pk]))
    assertContains(page, f"Rapport gelé : version 1, SHA-256 {archive.sha256}")


def test_a_failed_freeze_is_retried_by_the_coordination_with_its_motif(coordination, reunion, worker_distant):
    coordination.post(reverse("reunion_geler", args=[reunion.pk]), {"confirme": "on"})
    gel = Preparation.objects.get()
    with mock.patch.object(rendu, "rendre_pdf", side_effect=RuntimeError), pytest.raises(RuntimeError):
        executer_la_tache(worker_distant)
    assert not RapportArchive.objects.exists(), "rien d'écrit à moitié"

    reprise = coordination.post(reverse("preparation_reessayer", args=[gel.pk]))
    nouveau = Preparation.objects.latest("pk")
    assertRedirects(reprise, reverse("preparation", args=[nouveau.pk]), fetch_redirect_response=False)
    executer_la_tache(worker_distant)
    assert RapportArchive.objects.get().version == 1


def test_the_note_alone_is_prepared_as_such_and_keeps_its_name(membre, worker_distant):
    telecharger(membre, annexe="non")
    preparation = Preparation.objects.get()
    assert preparation.annexe is False
    executer_la_tache(worker_distant)
    fichier = membre.get(reverse("preparation_fichier", args=[preparation.pk]))
    assert fichier["Content-Disposition"].endswith('-note.pdf"')
    assert telecharger(membre)["Location"] != reverse("preparation", args=[preparation.pk]), "un autre fichier"
