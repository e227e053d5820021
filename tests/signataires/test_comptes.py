"""Les comptes : connexion, déconnexion, mots de passe par e-mail, invitation par la coordination."""

import re
import smtplib

import pytest
from django.core.mail.backends.base import BaseEmailBackend
from django.http import HttpRequest  # django-axes refuse une authentification sans requête (client.login)
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from signataires.acces import peut_inviter
from signataires.forms import InvitationForm
from signataires.models import Habilitation, Utilisateur
from tests.factories import OrganisationFactory, ProtocoleFactory, UtilisateurFactory
from tests.factories_suivi import ROLES, habilitation

pytestmark = pytest.mark.django_db

MOT_DE_PASSE = "mot-de-passe-de-test"  # celui de UtilisateurFactory
NOUVEAU = "Un-mot-de-passe-solide-2024"

# Session, utilisateur, habilitations (middleware), organisations de la liste, membres avec compte et organisation,
# engagements du menu.
REQUETES_INVITATION = 6


def _lien(message):
    """Le chemin du lien absolu contenu dans un e-mail."""
    return re.search(r"http://testserver(/\S+)", message.body).group(1)


def _connecte(client):
    return client.session.get("_auth_user_id")


@pytest.fixture
def protocole():
    return ProtocoleFactory(territoire="Pays Voironnais")


@pytest.fixture
def coordinateur(protocole):
    return habilitation(protocole, ROLES.COORDINATEUR, first_name="Claire", last_name="Coord")


@pytest.fixture
def administrateur(protocole):
    return habilitation(protocole, ROLES.ADMINISTRATEUR)


def _invitation(organisation, **champs):
    return {
        "first_name": "Inès",
        "last_name": "Durand",
        "email": "ines.durand@voiron.fr",
        "organisation": organisation.pk,
        "role": ROLES.CHARGE_DE_MISSION,
        **champs,
    }


# Connexion et déconnexion


def test_login_page_is_in_french_with_labelled_fields_and_a_link_to_password_reset(client):
    response = client.get(reverse("connexion"))
    assertContains(response, "<h1", count=1)
    assertContains(response, '<label class="form-label" for="id_username">Identifiant')
    assertContains(response, '<label class="form-label" for="id_password">Mot de passe')
    assertContains(response, 'aria-describedby="id_username-aide"')
    assertContains(response, f'href="{reverse("password_reset")}"')
    assertContains(response, "csrfmiddlewaretoken")


def test_login_with_username_and_password_redirects_to_next(client):
    utilisateur = UtilisateurFactory()
    reponse = client.post(
        reverse("connexion"), {"username": utilisateur.username, "password": MOT_DE_PASSE, "next": "/actions/"}
    )
    assertRedirects(reponse, "/actions/", fetch_redirect_response=False)
    assert _connecte(client) == str(utilisateur.pk)


def test_login_without_next_goes_to_my_actions_and_refuses_a_next_on_another_site(client):
    utilisateur = UtilisateurFactory()
    donnees = {"username": utilisateur.username, "password": MOT_DE_PASSE, "next": "https://ailleurs.example/"}
    reponse = client.post(reverse("connexion"), donnees)
    assertRedirects(reponse, reverse("mes_actions"), fetch_redirect_response=False)


def test_login_with_a_wrong_password_shows_a_french_error_and_opens_no_session(client):
    utilisateur = UtilisateurFactory()
    reponse = client.post(reverse("connexion"), {"username": utilisateur.username, "password": "faux"})
    assert reponse.status_code == 200
    assertContains(reponse, '<div class="alert alert-danger" role="alert">')
    assertContains(reponse, "Identifiant ou mot de passe incorrect.")
    assert _connecte(client) is None


def test_logout_by_post_ends_the_session_and_goes_home(client):
    client.force_login(UtilisateurFactory())
    reponse = client.post(reverse("deconnexion"), follow=True)
    assertRedirects(reponse, reverse("accueil"))
    assertContains(reponse, "Vous êtes déconnecté.")
    assert _connecte(client) is None


def test_logout_by_get_is_refused_and_keeps_the_session(client):
    utilisateur = UtilisateurFactory()
    client.force_login(utilisateur)
    assert client.get(reverse("deconnexion")).status_code == 405
    assert _connecte(client) == str(utilisateur.pk)


# Mots de passe


def test_password_reset_sends_a_french_email_whose_link_sets_a_new_password(client, mailoutbox):
    utilisateur = UtilisateurFactory(email="camille@voiron.fr")
    reponse = client.post(reverse("password_reset"), {"email": "Camille@Voiron.fr"})
    assertRedirects(reponse, reverse("password_reset_done"))
    (message,) = mailoutbox
    assert message.to == ["camille@voiron.fr"]
    assert message.subject == "Choisir un nouveau mot de passe — Suivi du protocole"
    assert "Ouvrez ce lien pour le choisir" in message.body
    assert f"Votre identifiant de connexion : {utilisateur.username}" in message.body

    reponse = client.get(_lien(message), follow=True)
    assertContains(reponse, "Choisissez un nouveau mot de passe")
    formulaire = reponse.redirect_chain[-1][0]
    reponse = client.post(formulaire, {"new_password1": NOUVEAU, "new_password2": NOUVEAU})
    assertRedirects(reponse, reverse("password_reset_complete"))
    assert client.login(request=HttpRequest(), username=utilisateur.username, password=NOUVEAU)
    assert not client.login(request=HttpRequest(), username=utilisateur.username, password=MOT_DE_PASSE)


def test_password_reset_link_is_refused_once_used(client, mailoutbox):
    utilisateur = UtilisateurFactory()
    client.post(reverse("password_reset"), {"email": utilisateur.email})
    lien = _lien(mailoutbox[0])
    formulaire = client.get(lien)["Location"]
    client.post(formulaire, {"new_password1": NOUVEAU, "new_password2": NOUVEAU})
    reponse = client.get(lien)
    assertContains(reponse, "Ce lien n'est plus valable.")
    assertNotContains(reponse, 'name="new_password1"')


def test_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client, mailoutbox):
    reponse = client.post(reverse("password_reset"), {"email": "personne@example.org"})
    assertRedirects(reponse, reverse("password_reset_done"))
    assert mailoutbox == []


def test_password_reset_sends_a_new_link_to_an_invitee_who_never_chose_a_password(client, mailoutbox):
    invite = UtilisateurFactory(email="invite@voiron.fr")
    invite.set_unusable_password()
    invite.save()
    client.post(reverse("password_reset"), {"email": "invite@voiron.fr"})
    assert len(mailoutbox) == 1


def test_password_reset_sends_nothing_to_a_deactivated_account(client, mailoutbox):
    UtilisateurFactory(email="parti@voiron.fr", is_active=False)
    client.post(reverse("password_reset"), {"email": "parti@voiron.fr"})
    assert mailoutbox == []


def test_logged_in_user_changes_their_password(client):
    utilisateur = UtilisateurFactory()
    client.force_login(utilisateur)
    assertContains(client.get(reverse("password_change")), '<label class="form-label" for="id_old_password">')
    donnees = {"old_password": MOT_DE_PASSE, "new_password1": NOUVEAU, "new_password2": NOUVEAU}
    reponse = client.post(reverse("password_change"), donnees)
    assertRedirects(reponse, reverse("password_change_done"))
    utilisateur.refresh_from_db()
    assert utilisateur.check_password(NOUVEAU)


def test_password_change_refuses_a_wrong_old_password(client):
    utilisateur = UtilisateurFactory()
    client.force_login(utilisateur)
    donnees = {"old_password": "faux", "new_password1": NOUVEAU, "new_password2": NOUVEAU}
    reponse = client.post(reverse("password_change"), donnees)
    assertContains(reponse, 'role="alert"')
    assertContains(reponse, 'aria-invalid="true"')
    utilisateur.refresh_from_db()
    assert utilisateur.check_password(MOT_DE_PASSE)


def test_anonymous_user_is_sent_to_login_to_change_a_password(client):
    url = reverse("password_change")
    assertRedirects(client.get(url), f"{reverse('connexion')}?next={url}", fetch_redirect_response=False)


# Invitation : qui peut inviter


def test_anonymous_user_is_sent_to_login_to_invite(client, protocole):
    url = reverse("invitation")
    assertRedirects(client.get(url), f"/connexion/?next={url}")
    assertRedirects(client.post(url, _invitation(OrganisationFactory())), f"/connexion/?next={url}")
    assert not Utilisateur.objects.filter(email="ines.durand@voiron.fr").exists()


@pytest.mark.parametrize("role", [ROLES.LECTEUR, ROLES.CHARGE_DE_MISSION])
def test_reader_and_officer_cannot_invite(client, protocole, mailoutbox, role):
    client.force_login(habilitation(protocole, role).utilisateur)
    assert client.get(reverse("invitation")).status_code == 403
    assert client.post(reverse("invitation"), _invitation(OrganisationFactory())).status_code == 403
    assert not Utilisateur.objects.filter(email="ines.durand@voiron.fr").exists()
    assert mailoutbox == []


def test_user_without_a_role_cannot_invite(client, protocole):
    client.force_login(UtilisateurFactory())
    assert client.get(reverse("invitation")).status_code == 403


@pytest.mark.parametrize("methode", ["put", "delete", "patch"])
def test_invitation_refuses_other_methods(client, coordinateur, methode):
    client.force_login(coordinateur.utilisateur)
    assert getattr(client, methode)(reverse("invitation")).status_code == 405


# Invitation : le parcours


def test_coordinator_sees_the_form_and_the_members_with_role_and_organisation(client, protocole, coordinateur):
    lecteur = habilitation(
        protocole, ROLES.LECTEUR, OrganisationFactory(nom="Ville de Voiron", sigle="Voiron"), last_name="Lecteur"
    )
    autre = habilitation(ProtocoleFactory(), ROLES.LECTEUR, last_name="Ailleurs")
    client.force_login(coordinateur.utilisateur)
    reponse = client.get(reverse("invitation"))
    assertContains(reponse, "<h1", count=1)
    assertContains(reponse, '<label class="form-label" for="id_email">Adresse e-mail')
    assertContains(reponse, str(lecteur.utilisateur))
    assertContains(reponse, "Ville de Voiron (Voiron)")
    assertContains(reponse, "<td>coordinateur·rice</td>", html=True)
    assertNotContains(reponse, str(autre.utilisateur))
    # Un coordinateur ne se voit pas proposer le rôle d'administrateur.
    assertNotContains(reponse, '<option value="admin">')


def test_coordinator_invites_a_new_person_who_sets_a_password_and_lands_logged_in(
    client, protocole, coordinateur, mailoutbox
):
    organisation = OrganisationFactory(nom="CCAS de Voiron")
    client.force_login(coordinateur.utilisateur)
    reponse = client.post(reverse("invitation"), _invitation(organisation, email="Ines.Durand@Voiron.FR"))
    assertRedirects(reponse, reverse("invitation"))

    invite = Utilisateur.objects.get(email="Ines.Durand@voiron.fr")
    assert (invite.username, invite.first_name, invite.last_name) == ("ines.durand@voiron.fr", "Inès", "Durand")
    assert invite.is_active and not invite.has_usable_password()
    (role,) = invite.habilitations.all()
    assert (role.protocole, role.organisation, role.role) == (protocole, organisation, ROLES.CHARGE_DE_MISSION)

    (message,) = mailoutbox
    assert message.to == ["Ines.Durand@voiron.fr"]
    assert message.subject == "Invitation au suivi du protocole — Pays Voironnais"
    assert "Claire Coord vous invite" in message.body
    assert "chargé·e de mission pour CCAS de Voiron" in message.body
    assert "Votre identifiant de connexion : ines.durand@voiron.fr" in message.body
    lien = _lien(message)
    assert lien.startswith("/invitations/")

    client.post(reverse("deconnexion"))
    reponse = client.get(lien, follow=True)
    assertContains(reponse, "Choisissez votre mot de passe")
    reponse = client.post(
        reponse.redirect_chain[-1][0], {"new_password1": NOUVEAU, "new_password2": NOUVEAU}, follow=True
    )
    assertRedirects(reponse, reverse("mes_actions"))
    assertContains(reponse, "Bienvenue !")
    assert _connecte(client) == str(invite.pk)
    assert client.login(request=HttpRequest(), username="ines.durand@voiron.fr", password=NOUVEAU)


def test_invitation_link_works_once(client, coordinateur, mailoutbox):
    client.force_login(coordinateur.utilisateur)
    client.post(reverse("invitation"), _invitation(OrganisationFactory()))
    client.post(reverse("deconnexion"))
    lien = _lien(mailoutbox[0])
    client.post(client.get(lien)["Location"], {"new_password1": NOUVEAU, "new_password2": NOUVEAU})
    client.post(reverse("deconnexion"))
    reponse = client.get(lien)
    assertContains(reponse, "Lien d'invitation non valable")
    assertContains(reponse, "Ce lien n'est plus valable.")


def test_tampered_invitation_link_is_refused_in_french(client, coordinateur, mailoutbox):
    client.force_login(coordinateur.utilisateur)
    client.post(reverse("invitation"), _invitation(OrganisationFactory()))
    client.post(reverse("deconnexion"))
    reponse = client.get(_lien(mailoutbox[0])[:-3] + "xx/")
    assertContains(reponse, "Ce lien n'est plus valable.")
    assert _connecte(client) is None


def test_coordinator_cannot_grant_the_administrator_role(client, coordinateur, mailoutbox):
    client.force_login(coordinateur.utilisateur)
    reponse = client.post(reverse("invitation"), _invitation(OrganisationFactory(), role=ROLES.ADMINISTRATEUR))
    assert reponse.status_code == 200
    assertContains(reponse, "Seul un administrateur peut donner le rôle d&#x27;administrateur.")
    assertContains(reponse, 'role="alert"')
    assert not Utilisateur.objects.filter(email="ines.durand@voiron.fr").exists()
    assert mailoutbox == []


@pytest.mark.parametrize(
    ("role", "accordables"),
    [
        (ROLES.ADMINISTRATEUR, list(ROLES)),
        (ROLES.COORDINATEUR, [ROLES.COORDINATEUR, ROLES.CHARGE_DE_MISSION, ROLES.LECTEUR]),
        (ROLES.CHARGE_DE_MISSION, []),
        (ROLES.LECTEUR, []),
    ],
)
def test_the_coordination_invites_and_only_an_administrator_grants_the_administrator_role(protocole, role, accordables):
    invitant = habilitation(protocole, role)
    assert invitant.roles_accordables() == accordables
    assert [r for r in ROLES if invitant.peut_accorder(r)] == accordables
    assert peut_inviter(invitant) is bool(accordables)
    assert peut_inviter(None) is False


def test_the_invitation_form_of_a_coordinator_offers_no_administrator_role_and_refuses_a_forged_one(
    protocole, coordinateur
):
    organisation = OrganisationFactory()
    form = InvitationForm(protocole=protocole, invitant=coordinateur)
    assert [valeur for valeur, _libelle in form.fields["role"].widget.choices] == ["coord", "cdm", "lecteur"]
    form = InvitationForm(
        _invitation(organisation, role=ROLES.ADMINISTRATEUR), protocole=protocole, invitant=coordinateur
    )
    assert form.errors == {"role": ["Seul un administrateur peut donner le rôle d'administrateur."]}


@pytest.mark.parametrize(
    ("role", "lien"),
    [
        (ROLES.ADMINISTRATEUR, True),
        (ROLES.COORDINATEUR, True),
        (ROLES.CHARGE_DE_MISSION, False),
        (ROLES.LECTEUR, False),
    ],
)
def test_the_navigation_shows_the_invite_link_to_whoever_may_invite(client, protocole, role, lien):
    client.force_login(habilitation(protocole, role).utilisateur)
    inviter = f'href="{reverse("invitation")}"'
    (assertContains if lien else assertNotContains)(client.get(reverse("accueil")), inviter)


def test_administrator_can_grant_the_administrator_role(client, protocole, administrateur, mailoutbox):
    client.force_login(administrateur.utilisateur)
    assertContains(client.get(reverse("invitation")), '<option value="admin">')
    reponse = client.post(reverse("invitation"), _invitation(OrganisationFactory(), role=ROLES.ADMINISTRATEUR))
    assertRedirects(reponse, reverse("invitation"))
    role = Habilitation.objects.get(utilisateur__email="ines.durand@voiron.fr")
    assert (role.protocole, role.role) == (protocole, ROLES.ADMINISTRATEUR)
    assert len(mailoutbox) == 1


def test_inviting_a_member_of_this_protocol_again_changes_nothing(client, protocole, coordinateur, mailoutbox):
    membre = habilitation(protocole, ROLES.LECTEUR, email="deja@voiron.fr")
    client.force_login(coordinateur.utilisateur)
    reponse = client.post(reverse("invitation"), _invitation(OrganisationFactory(), email="DEJA@voiron.fr"))
    assert reponse.status_code == 200
    assertContains(reponse, "a déjà un rôle dans ce protocole : aucune invitation n&#x27;a été envoyée.")
    membre.refresh_from_db()
    assert membre.role == ROLES.LECTEUR
    assert Habilitation.objects.filter(utilisateur=membre.utilisateur).count() == 1
    assert mailoutbox == []


def test_inviting_the_account_of_another_protocol_adds_the_role_and_warns_them(
    client, protocole, coordinateur, mailoutbox
):
    ailleurs = habilitation(ProtocoleFactory(), ROLES.LECTEUR, email="marc@grenoble.fr", first_name="Marc")
    compte = ailleurs.utilisateur
    organisation = OrganisationFactory()
    client.force_login(coordinateur.utilisateur)
    reponse = client.post(reverse("invitation"), _invitation(organisation, email="marc@grenoble.fr"))
    assertRedirects(reponse, reverse("invitation"))
    assert Utilisateur.objects.filter(email__iexact="marc@grenoble.fr").count() == 1
    role = compte.habilitations.get(protocole=protocole)
    assert (role.organisation, role.role) == (organisation, ROLES.CHARGE_DE_MISSION)
    compte.refresh_from_db()
    assert compte.first_name == "Marc" and compte.check_password(MOT_DE_PASSE)
    (message,) = mailoutbox
    assert message.subject == "Nouveau rôle dans le suivi du protocole — Pays Voironnais"
    assert "http://testserver/connexion/" in message.body
    assert "/invitations/" not in message.body


def test_coordinator_of_another_protocol_invites_only_into_their_own(client, protocole, mailoutbox):
    autre = habilitation(ProtocoleFactory(), ROLES.COORDINATEUR)
    client.force_login(autre.utilisateur)
    session = client.session
    session["protocole_id"] = protocole.pk  # tente d'afficher un protocole où il n'a aucun rôle
    session.save()
    reponse = client.post(reverse("invitation"), _invitation(OrganisationFactory()))
    assertRedirects(reponse, reverse("invitation"))
    role = Habilitation.objects.get(utilisateur__email="ines.durand@voiron.fr")
    assert role.protocole == autre.protocole
    assert not protocole.habilitations.filter(utilisateur=role.utilisateur).exists()


class MessagerieEnPanne(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise smtplib.SMTPException("serveur injoignable")


def test_invitation_creates_nothing_when_the_email_cannot_be_sent(client, coordinateur, settings):
    settings.EMAIL_BACKEND = f"{__name__}.MessagerieEnPanne"
    client.force_login(coordinateur.utilisateur)
    reponse = client.post(reverse("invitation"), _invitation(OrganisationFactory()))
    assert reponse.status_code == 200
    assertContains(reponse, "L&#x27;e-mail n&#x27;a pas pu être envoyé : rien n&#x27;a été enregistré.")
    assertContains(reponse, 'value="ines.durand@voiron.fr"')
    assert not Utilisateur.objects.filter(email="ines.durand@voiron.fr").exists()


@pytest.mark.parametrize("nombre", [3, 30])
def test_invitation_page_query_count_does_not_grow_with_members(
    client, protocole, coordinateur, django_assert_num_queries, nombre
):
    for _ in range(nombre):
        habilitation(protocole, ROLES.LECTEUR)
    client.force_login(coordinateur.utilisateur)
    with django_assert_num_queries(REQUETES_INVITATION):
        reponse = client.get(reverse("invitation"))
    assert len(reponse.context["membres"]) == nombre + 1
