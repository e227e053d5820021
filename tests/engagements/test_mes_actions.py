"""« Mes actions » : celles dont je suis référent·e, puis celles que pilote mon organisation, les actions à
surveiller en tête."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from engagements.models import Statut
from tests.engagements import test_liste as liste
from tests.factories import OrganisationFactory, UtilisateurFactory, construire_protocole
from tests.factories_suivi import ROLES, habilitation

pytestmark = pytest.mark.django_db

protocole, obligations, action, peupler = liste.protocole, liste.obligations, liste.action, liste.peupler

AUJOURD_HUI = timezone.localdate()
IL_Y_A_UN_AN = timezone.now() - datetime.timedelta(days=365)
# Session, utilisateur, rôles (middleware) ; mes actions (avec obligation et référent) ; le menu.
REQUETES_MES_ACTIONS = 5


def dans(jours):
    return AUJOURD_HUI + datetime.timedelta(days=jours)


@pytest.fixture
def voiron():
    return OrganisationFactory(nom="Ville de Voiron")


@pytest.fixture
def julie(protocole, voiron):
    return habilitation(protocole, ROLES.CHARGE_DE_MISSION, voiron, first_name="Julie", last_name="Fabre").utilisateur


@pytest.fixture
def connectee(client, julie):
    client.force_login(julie)
    return client


def sections(reponse):
    return [[a.titre for a in section["actions"]] for section in reponse.context["sections"]]


def mes_actions(client):
    return client.get(reverse("mes_actions"))


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, protocole):
    reponse = mes_actions(client)
    assert reponse.status_code == 302
    assert reponse["Location"] == "/connexion/?next=/mes-actions/"


def test_a_user_without_a_role_in_the_protocol_is_refused(client, protocole):
    client.force_login(UtilisateurFactory())
    assert mes_actions(client).status_code == 403


def test_the_page_only_answers_get(connectee):
    assert connectee.post(reverse("mes_actions")).status_code == 405


def test_my_actions_as_referent_come_first_then_my_organisations_without_repeating_them(
    connectee, obligations, julie, voiron
):
    autre = OrganisationFactory(nom="CAF")
    action(obligations["E1-PT-1"], titre="Je suis référente ailleurs", pilote=autre, referent=julie, echeance=dans(1))
    action(obligations["E1-PT-1"], titre="Je suis référente chez nous", pilote=voiron, referent=julie, echeance=dans(2))
    action(obligations["E1-PT-1"], titre="Chez nous, sans référent", pilote=voiron, echeance=dans(3))
    collegue = habilitation(obligations["E1-PT-1"].protocole, ROLES.CHARGE_DE_MISSION, voiron).utilisateur
    action(obligations["E1-PT-1"], titre="Chez nous, une collègue", pilote=voiron, referent=collegue, echeance=dans(4))
    action(obligations["E1-PT-1"], titre="Ni l'un ni l'autre", pilote=autre)
    reponse = mes_actions(connectee)
    assert sections(reponse) == [
        ["Je suis référente ailleurs", "Je suis référente chez nous"],
        ["Chez nous, sans référent", "Chez nous, une collègue"],
    ]
    assertContains(reponse, "Dont je suis référent·e")
    assertContains(reponse, "Pilotées par Ville de Voiron")
    assertNotContains(reponse, "Ni l&#x27;un ni l&#x27;autre")


def test_late_and_silent_actions_come_first_then_by_due_date(connectee, obligations, voiron):
    action(obligations["E1-PT-1"], titre="Dans un mois", pilote=voiron, echeance=dans(30))
    action(obligations["E1-PT-1"], titre="Sans échéance", pilote=voiron, echeance=None)
    action(obligations["E1-PT-1"], titre="Demain", pilote=voiron, echeance=dans(1))
    action(
        obligations["E1-PT-1"],
        titre="Sans nouvelles",
        pilote=voiron,
        echeance=dans(60),
        maintenant=IL_Y_A_UN_AN,
        date_effet=IL_Y_A_UN_AN.date(),
    )
    action(obligations["E1-PT-1"], titre="En retard", pilote=voiron, echeance=dans(-3))
    action(
        obligations["E1-PT-1"],
        titre="Réalisée, échue",
        pilote=voiron,
        echeance=dans(-5),
        statut=Statut.REALISE,
        avancement=100,
    )
    reponse = mes_actions(connectee)
    assert sections(reponse)[1] == [
        "En retard",
        "Sans nouvelles",
        "Réalisée, échue",
        "Demain",
        "Dans un mois",
        "Sans échéance",
    ]
    assertContains(reponse, "⚠ En retard")
    assertContains(reponse, "Sans nouvelles depuis 90 jours")


def test_archived_actions_are_left_out(connectee, obligations, julie, voiron):
    archivee = action(obligations["E1-PT-1"], titre="Archivée", pilote=voiron, referent=julie)
    archivee.archiver(auteur=julie, date_effet=AUJOURD_HUI, commentaire="Fusionnée.")
    action(obligations["E1-PT-1"], titre="Active", pilote=voiron, referent=julie)
    assert sections(mes_actions(connectee)) == [["Active"], []]


def test_each_row_shows_title_link_reference_status_flags_progress_due_date_and_referent(
    connectee, obligations, julie, voiron
):
    mienne = action(
        obligations["E2-ETAT-1"],
        titre="Chantier éducatif",
        pilote=voiron,
        referent=julie,
        statut=Statut.BLOQUE,
        commentaire="Pas de local.",
        avancement=35,
        echeance=datetime.date(2031, 3, 9),
    )
    reponse = mes_actions(connectee)
    assertContains(
        reponse,
        f'<a id="action-{mienne.pk}" href="{reverse("action", args=[mienne.pk])}">Chantier éducatif</a>',
        html=True,
    )
    assertContains(reponse, "<code>E2-ETAT-1</code>")
    assertContains(reponse, "■ bloqué")
    assertContains(reponse, "35 %")
    assertContains(reponse, "09/03/2031")
    assertContains(reponse, "Julie Fabre")


def test_empty_sections_say_so_in_french(connectee):
    reponse = mes_actions(connectee)
    assertContains(reponse, "Vous n&#x27;êtes référent·e d&#x27;aucune action suivie.")
    assertContains(reponse, "Ville de Voiron ne pilote aucune action suivie.")


def test_the_organisation_section_says_other_when_i_am_referent_of_all_its_actions(
    connectee, obligations, julie, voiron
):
    action(obligations["E1-PT-1"], pilote=voiron, referent=julie)
    assertContains(mes_actions(connectee), "Ville de Voiron ne pilote aucune autre action suivie.")


def test_actions_of_another_protocol_never_show(client, obligations, voiron):
    ailleurs = construire_protocole(engagements=1, blocs=1, obligations=1, paragraphes=0)
    action(ailleurs.obligations.get(), titre="Action d'ailleurs", pilote=voiron)
    action(obligations["E1-PT-1"], titre="Action d'ici", pilote=voiron)
    client.force_login(habilitation(ailleurs, ROLES.LECTEUR, voiron).utilisateur)
    assert sections(mes_actions(client)) == [[], ["Action d'ailleurs"]]


@pytest.mark.parametrize("nombre", [5, 50])
def test_the_page_query_count_does_not_grow_with_the_actions(client, protocole, django_assert_num_queries, nombre):
    _quartiers, _organisations, referents = peupler(protocole, nombre)
    client.force_login(referents[0])
    with django_assert_num_queries(REQUETES_MES_ACTIONS):
        reponse = mes_actions(client)
    assert all(sections(reponse))  # les deux sections ont des lignes, quelle que soit la taille
