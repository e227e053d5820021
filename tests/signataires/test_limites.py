"""Les essais d'un attaquant : mots de passe devinés en série, « mot de passe oublié » répété. Les connexions sont
comptées par django-axes (par compte, et par couple compte-adresse ; jamais par adresse seule), les demandes de
nouveau mot de passe par adresse e-mail et, à un plafond haut, par adresse du client."""

import datetime

import pytest
import time_machine
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertRedirects

from signataires.models import DemandeReinitialisation
from tests.factories import ProtocoleFactory, UtilisateurFactory
from tests.factories_suivi import ROLES, habilitation

pytestmark = pytest.mark.django_db

MOT_DE_PASSE = "mot-de-passe-de-test"  # celui de UtilisateurFactory
# Session, utilisateur, habilitations (middleware), engagements du menu ; échecs agrégés, noms des comptes.
REQUETES_BLOCAGES = 6


def _essayer(client, utilisateur, mot_de_passe, adresse="192.0.2.10", **entetes):
    return client.post(
        reverse("connexion"),
        {"username": utilisateur.username, "password": mot_de_passe},
        REMOTE_ADDR=adresse,
        headers=entetes,
    )


def _echouer(client, utilisateur, fois, adresse="192.0.2.10"):
    for _ in range(fois):
        reponse = _essayer(client, utilisateur, "mauvais", adresse)
    return reponse


def _entre(reponse):
    """La connexion a réussi : direction « Mes actions »."""
    assertRedirects(reponse, reverse("mes_actions"), fetch_redirect_response=False)


def _connecte(client):
    return client.session.get("_auth_user_id")


@pytest.fixture
def compte():
    return UtilisateurFactory(username="camille")


# -- Connexion ------------------------------------------------------------------------------------------------------


def test_ten_failures_is_the_default_limit(settings):
    assert settings.AXES_FAILURE_LIMIT == 10
    assert settings.AXES_COOLOFF_TIME == datetime.timedelta(minutes=15)


def test_the_nine_first_failures_give_the_usual_form_error(client, compte):
    reponse = _echouer(client, compte, 9)

    assert reponse.status_code == 200
    assertContains(reponse, "Identifiant ou mot de passe incorrect.")


def test_after_ten_failures_even_the_right_password_is_refused_with_a_french_message_and_a_delay(client, compte):
    reponse = _echouer(client, compte, 10)
    assert reponse.status_code == 429

    reponse = _essayer(client, compte, MOT_DE_PASSE)

    assert reponse.status_code == 429
    assert reponse["Retry-After"] == "900"
    assertContains(reponse, "Connexion suspendue", status_code=429)
    assertContains(reponse, "trop de tentatives de connexion ont échoué pour ce compte", status_code=429)
    assertContains(reponse, "pendant 15 minutes", status_code=429)
    assert not _connecte(client)


def test_sixty_wrong_passwords_then_the_right_one_does_not_log_in(client, compte):
    _echouer(client, compte, 60)

    assert _essayer(client, compte, MOT_DE_PASSE).status_code == 429
    assert not _connecte(client)


def test_the_right_password_works_again_once_the_delay_has_passed(client, compte):
    debut = timezone.now()
    with time_machine.travel(debut, tick=False):
        _echouer(client, compte, 10)
    with time_machine.travel(debut + datetime.timedelta(minutes=14), tick=False):
        assert _essayer(client, compte, MOT_DE_PASSE).status_code == 429
    # L'essai de la 14e minute a fait repartir le délai.
    with time_machine.travel(debut + datetime.timedelta(minutes=14 + 16), tick=False):
        _entre(_essayer(client, compte, MOT_DE_PASSE))
    assert _connecte(client) == str(compte.pk)


def test_an_account_attacked_from_many_addresses_is_locked_from_every_address(client, compte):
    for rang in range(10):
        _essayer(client, compte, "mauvais", adresse=f"198.51.100.{rang}")

    assert _essayer(client, compte, MOT_DE_PASSE, adresse="203.0.113.7").status_code == 429


def test_failures_from_one_address_are_counted_for_the_account_and_address_pair(client, compte):
    _echouer(client, compte, 10, adresse="198.51.100.1")

    assert AccessAttempt.objects.get().failures_since_start == 10
    assert _essayer(client, compte, MOT_DE_PASSE, adresse="198.51.100.1").status_code == 429


def test_an_address_shared_by_many_agents_is_never_locked_as_a_whole(client):
    # Un réseau de l'État : 27 échecs de trois personnes derrière la même adresse, aucune au plafond.
    comptes = [UtilisateurFactory() for _ in range(3)]
    for compte in comptes:
        _echouer(client, compte, 9, adresse="192.0.2.1")
    autre = UtilisateurFactory()

    _entre(_essayer(client, autre, MOT_DE_PASSE, adresse="192.0.2.1"))
    for compte in comptes:
        client.post(reverse("deconnexion"))
        _entre(_essayer(client, compte, MOT_DE_PASSE, adresse="192.0.2.1"))


def test_another_account_on_the_locked_address_still_logs_in(client, compte):
    _echouer(client, compte, 10, adresse="192.0.2.1")
    autre = UtilisateurFactory()

    _entre(_essayer(client, autre, MOT_DE_PASSE, adresse="192.0.2.1"))


def test_without_a_trusted_proxy_a_forwarded_address_is_ignored(client, compte, settings):
    settings.PROXY_DE_CONFIANCE = False
    _essayer(client, compte, "mauvais", adresse="192.0.2.10", x_forwarded_for="203.0.113.5")

    assert AccessAttempt.objects.get().ip_address == "192.0.2.10"


def test_behind_the_trusted_proxy_the_address_it_appended_is_used(client, compte, settings):
    settings.PROXY_DE_CONFIANCE = True
    # La première adresse vient du client (falsifiable) ; la dernière, le proxy l'a écrite.
    _essayer(client, compte, "mauvais", adresse="10.0.0.2", x_forwarded_for="198.51.100.66, 203.0.113.5")

    assert AccessAttempt.objects.get().ip_address == "203.0.113.5"


# -- La coordination voit et lève les blocages -----------------------------------------------------------------------


@pytest.fixture
def protocole():
    return ProtocoleFactory()


@pytest.fixture
def coordinateur(protocole):
    return habilitation(protocole, ROLES.COORDINATEUR)


def test_the_coordination_sees_the_locked_accounts_of_its_protocol_only(client, protocole, coordinateur):
    membre = habilitation(protocole, ROLES.CHARGE_DE_MISSION, first_name="Inès", last_name="Durand").utilisateur
    hesitant = habilitation(protocole, ROLES.LECTEUR).utilisateur
    ailleurs = habilitation(ProtocoleFactory(), ROLES.LECTEUR, first_name="Paul", last_name="Ailleurs").utilisateur
    _echouer(client, membre, 6, adresse="198.51.100.1")
    _echouer(client, membre, 4, adresse="198.51.100.2")
    _echouer(client, hesitant, 2)
    _echouer(client, ailleurs, 10)

    client.force_login(coordinateur.utilisateur)
    reponse = client.get(reverse("blocages"))

    lignes = reponse.context["lignes"]
    assert [(ligne["compte"], ligne["bloque"], ligne["echecs"], ligne["adresses"]) for ligne in lignes] == [
        (membre, True, 10, 2),
        (hesitant, False, 2, 1),
    ]
    assertContains(reponse, "<h1", count=1)
    assertContains(reponse, "Inès Durand")
    assertContains(reponse, "<strong>Bloqué</strong>", html=False)
    assert "Ailleurs" not in reponse.content.decode()


def test_the_coordination_lifts_a_lock_and_the_person_logs_in_at_once(client, protocole, coordinateur):
    membre = habilitation(protocole, ROLES.CHARGE_DE_MISSION).utilisateur
    _echouer(client, membre, 10)
    client.force_login(coordinateur.utilisateur)

    reponse = client.post(reverse("blocages"), {"identifiant": membre.username}, follow=True)

    assertContains(reponse, "peut de nouveau se connecter")
    assert reponse.context["lignes"] == []
    client.post(reverse("deconnexion"))
    _entre(_essayer(client, membre, MOT_DE_PASSE))


def test_the_coordination_cannot_lift_the_lock_of_an_account_of_another_protocol(client, coordinateur):
    ailleurs = habilitation(ProtocoleFactory(), ROLES.LECTEUR).utilisateur
    _echouer(client, ailleurs, 10)
    client.force_login(coordinateur.utilisateur)

    assert client.post(reverse("blocages"), {"identifiant": ailleurs.username}).status_code == 404
    assert AccessAttempt.objects.filter(username=ailleurs.username).exists()


@pytest.mark.parametrize("nombre", [1, 8])
def test_locks_page_query_count_does_not_grow_with_the_locked_accounts(
    client, protocole, coordinateur, django_assert_num_queries, nombre
):
    for _ in range(nombre):
        _echouer(client, habilitation(protocole, ROLES.LECTEUR).utilisateur, 10)
    client.force_login(coordinateur.utilisateur)

    with django_assert_num_queries(REQUETES_BLOCAGES):
        reponse = client.get(reverse("blocages"))
    assert len(reponse.context["lignes"]) == nombre


# -- Mot de passe oublié ----------------------------------------------------------------------------------------------


def _oubli(client, email, adresse="192.0.2.10"):
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=adresse)


def test_password_reset_limits_default_to_three_per_email_and_fifty_per_client_address_an_hour(settings):
    assert settings.OUBLI_PAR_EMAIL_PAR_HEURE == 3
    assert settings.OUBLI_PAR_ADRESSE_PAR_HEURE == 50


def test_twenty_five_reset_requests_for_one_address_send_three_emails(client, mailoutbox):
    UtilisateurFactory(email="camille@voiron.fr")
    reponses = [_oubli(client, "camille@voiron.fr", adresse=f"198.51.100.{rang}") for rang in range(25)]

    assert len(mailoutbox) == 3
    assert [r.status_code for r in reponses] == [302] * 3 + [429] * 22
    assertContains(reponses[-1], "Un lien a déjà été demandé 3 fois", status_code=429)
    assertContains(reponses[-1], "réessayez dans 60 minutes", status_code=429)


def test_the_email_limit_ignores_case_and_does_not_tell_whether_an_account_exists(client, mailoutbox):
    UtilisateurFactory(email="camille@voiron.fr")
    for email in ["camille@voiron.fr", "Camille@Voiron.fr", "CAMILLE@voiron.fr"]:
        _oubli(client, email)
    for _ in range(3):
        _oubli(client, "personne@voiron.fr")

    assert len(mailoutbox) == 3
    existant, inconnu = _oubli(client, "camille@voiron.fr"), _oubli(client, "personne@voiron.fr")
    assert existant.status_code == inconnu.status_code == 429
    assert len(mailoutbox) == 3


def test_the_email_limit_frees_a_place_an_hour_after_the_first_request(client, mailoutbox):
    UtilisateurFactory(email="camille@voiron.fr")
    debut = timezone.now()
    for minutes in (0, 10, 20):
        with time_machine.travel(debut + datetime.timedelta(minutes=minutes), tick=False):
            _oubli(client, "camille@voiron.fr")
    with time_machine.travel(debut + datetime.timedelta(minutes=45), tick=False):
        reponse = _oubli(client, "camille@voiron.fr")
        assertContains(reponse, "réessayez dans 15 minutes", status_code=429)
    with time_machine.travel(debut + datetime.timedelta(minutes=61), tick=False):
        assertRedirects(_oubli(client, "camille@voiron.fr"), reverse("password_reset_done"))
    assert len(mailoutbox) == 4


def test_one_client_address_is_stopped_only_at_the_high_ceiling(client, mailoutbox):
    # Cinquante personnes d'un même service, derrière la même adresse, demandent chacune un lien : tout part.
    for rang in range(50):
        UtilisateurFactory(email=f"agent{rang}@isere.gouv.fr")
        assertRedirects(_oubli(client, f"agent{rang}@isere.gouv.fr"), reverse("password_reset_done"))
    UtilisateurFactory(email="agent50@isere.gouv.fr")

    reponse = _oubli(client, "agent50@isere.gouv.fr")

    assertContains(reponse, "Trop de demandes de nouveau mot de passe depuis votre réseau", status_code=429)
    assert len(mailoutbox) == 50
    # Une autre adresse de client n'est pas concernée.
    assertRedirects(_oubli(client, "agent50@isere.gouv.fr", adresse="203.0.113.9"), reverse("password_reset_done"))


def test_reset_requests_keep_neither_the_email_nor_the_client_address_longer_than_an_hour(client):
    debut = timezone.now()
    with time_machine.travel(debut, tick=False):
        _oubli(client, "camille@voiron.fr")
    with time_machine.travel(debut + datetime.timedelta(minutes=61), tick=False):
        _oubli(client, "dominique@voiron.fr")

    (demande,) = DemandeReinitialisation.objects.all()
    assert "voiron" not in demande.email
    assert demande.demandee_le == debut + datetime.timedelta(minutes=61)
