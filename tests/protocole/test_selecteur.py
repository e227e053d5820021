"""Le sélecteur cherchable : l'obligation, les partenaires et le référent d'une action se choisissent en tapant, sans
accents ni majuscules, avec htmx ou sans JavaScript ; chaque obligation se lit avec sa référence et tout son texte."""

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from engagements.models import Action, Obligation, Statut
from protocole.selecteur import CHERCHER, LIMITE, filtrer
from tests.factories import ObligationFactory, OrganisationFactory, construire_protocole
from tests.factories_suivi import ROLES, ActionFactory, habilitation

pytestmark = pytest.mark.django_db

LONG = (
    "Mobiliser les dispositifs de droit commun en faveur de l'accompagnement des jeunes en situation de décrochage "
    "scolaire, en lien avec l'Éducation nationale et les associations de prévention spécialisée du territoire."
)


@pytest.fixture
def protocole():
    protocole = construire_protocole(engagements=3, blocs=2, obligations=4, paragraphes=0)
    obligation = Obligation.objects.filter(protocole=protocole).order_by("pk").first()
    obligation.texte = LONG
    obligation.save()
    return protocole


@pytest.fixture
def coordination(client, protocole):
    compte = habilitation(protocole, ROLES.COORDINATEUR).utilisateur
    client.force_login(compte)
    return compte


def choix(client, genre, **parametres):
    return client.get(reverse("selecteur", args=[genre]), parametres)


def test_filtering_ignores_accents_and_case_keeps_checked_options_first_and_counts_the_rest():
    options = [(str(i), f"Option {i}") for i in range(LIMITE + 5)] + [("99", "Décrochage scolaire")]
    montrees, cachees = filtrer(options, "DECROCHAGE", {"3"})
    assert montrees == [("3", "Option 3"), ("99", "Décrochage scolaire")] and cachees == 0
    montrees, cachees = filtrer(options, "", set())
    assert len(montrees) == LIMITE and cachees == 6


def test_the_edit_form_shows_each_obligations_reference_and_full_text_as_radios(client, protocole, coordination):
    reponse = client.get(reverse("action_creer"))
    obligation = Obligation.objects.get(texte=LONG)
    assertContains(reponse, f"{obligation.reference} — {LONG}".replace("'", "&#x27;"))
    assertContains(reponse, f'type="radio" name="obligation" value="{obligation.pk}"')
    assertContains(reponse, 'name="partenaires"')
    assertContains(reponse, 'type="checkbox" name="partenaires"')
    assertNotContains(reponse, '<select name="obligation"')
    assertNotContains(reponse, '<select name="partenaires"')
    assertContains(reponse, 'hx-get="/choix/obligations/?nom=obligation&amp;multiple=0&amp;requis=1')


def test_the_htmx_search_returns_matching_obligations_without_accents_and_keeps_the_checked_one(
    client, protocole, coordination
):
    obligation = Obligation.objects.get(texte=LONG)
    autre = Obligation.objects.filter(protocole=protocole).exclude(pk=obligation.pk).first()
    reponse = choix(client, "obligations", nom="obligation", multiple="0", q="DECROCHAGE scolaire", obligation=autre.pk)
    assert reponse.status_code == 200
    assertContains(reponse, LONG.replace("'", "&#x27;"))
    assertContains(reponse, f'value="{autre.pk}" id="id_obligation-{autre.pk}" checked')
    textes = [o.pk for o in Obligation.objects.filter(protocole=protocole)]
    assert sum(f'value="{pk}"' in reponse.content.decode() for pk in textes) == 2


def test_the_search_endpoint_stays_in_the_current_protocol_and_its_officer_parties(client, protocole):
    ailleurs = ObligationFactory(texte="Décrochage ailleurs")
    officier = habilitation(protocole, ROLES.CHARGE_DE_MISSION).utilisateur  # son organisation n'est d'aucune partie
    client.force_login(officier)
    reponse = choix(client, "obligations", q="decrochage")
    assertNotContains(reponse, "Décrochage ailleurs")
    assertContains(reponse, "Aucun choix ne correspond")
    assert ailleurs.pk


def test_an_unknown_kind_is_404_and_a_strange_field_name_is_refused(client, coordination):
    assert choix(client, "inconnu").status_code == 404
    assert choix(client, "obligations", nom='"><script>').status_code == 400


def test_the_organisations_and_referents_and_actions_kinds_search_too(client, protocole, coordination):
    OrganisationFactory(nom="Mission locale Isère Rhodanienne", sigle="MLIR")
    personne = habilitation(protocole, ROLES.CHARGE_DE_MISSION, first_name="Élodie", last_name="Brunet").utilisateur
    assertContains(choix(client, "organisations", nom="partenaires", multiple="1", q="isere"), "Mission locale Isère")
    assertContains(choix(client, "referents", nom="referent", q="elodie"), f'value="{personne.pk}"')
    action = ActionFactory(obligation=Obligation.objects.filter(protocole=protocole).first(), titre="Café des parents")
    assertContains(choix(client, "actions", nom="actions", multiple="1", q="CAFE"), f'value="{action.pk}"')


def test_without_javascript_search_redisplays_the_form_filtered_keeps_the_typing_and_saves_nothing(
    client, protocole, coordination
):
    obligation = Obligation.objects.get(texte=LONG)
    reponse = client.post(
        reverse("action_creer"),
        {
            "titre": "Ateliers de remobilisation",
            "obligation__cherche": "décrochage",
            CHERCHER: "obligation",
            "date_effet": timezone.localdate().isoformat(),
            "statut": Statut.A_VENIR,
        },
    )
    assert reponse.status_code == 200
    assert Action.objects.count() == 0
    assertContains(reponse, 'value="Ateliers de remobilisation"')
    assertContains(reponse, f'value="{obligation.pk}"')
    assert reponse.content.decode().count('name="obligation" value=') == 1
    assertNotContains(reponse, "corrigez les champs signalés")


def test_the_search_endpoint_has_a_fixed_query_count(client, protocole, coordination, django_assert_num_queries):
    # Session, utilisateur, rôles (middleware) ; les obligations.
    with django_assert_num_queries(4):
        choix(client, "obligations", q="decrochage")


def test_every_choice_among_more_than_20_is_the_picker_and_a_short_one_stays_a_select(client, protocole):
    coordination = habilitation(protocole, ROLES.COORDINATEUR)
    client.force_login(coordination.utilisateur)
    obligation = Obligation.objects.filter(protocole=protocole).first()
    for n in range(21):
        ActionFactory(obligation=obligation, pilote=OrganisationFactory(nom=f"Association {n:02}"))
    liste = client.get(reverse("actions")).content.decode()
    assert 'name="organisation__cherche"' in liste  # plus de 20 organisations concernées : le sélecteur
    assert '<select class="form-select" name="referent"' in liste  # peu de personnes : une liste déroulante
    formulaire = client.get(reverse("action_creer")).content.decode()
    assert 'name="pilote__cherche"' in formulaire and 'name="partenaires__cherche"' in formulaire
    invitation = client.get(reverse("invitation")).content.decode()
    assert 'name="organisation__cherche"' in invitation


def test_an_officer_choosing_the_pilot_among_one_organisation_gets_a_plain_select(client, protocole):
    officier = habilitation(protocole, ROLES.CHARGE_DE_MISSION)
    client.force_login(officier.utilisateur)
    formulaire = client.get(reverse("action_creer")).content.decode()
    assert '<select class="form-select" name="pilote" id="id_pilote"' in formulaire


def test_the_invitation_search_without_javascript_sends_nothing(client, protocole, mailoutbox):
    client.force_login(habilitation(protocole, ROLES.COORDINATEUR).utilisateur)
    for n in range(22):
        OrganisationFactory(nom=f"Organisation {n:02}")
    OrganisationFactory(nom="Mission locale Isère Rhodanienne", sigle="MLIR")
    donnees = {"first_name": "Léa", "last_name": "Roux", "email": "lea@example.org", "role": "lecteur"}
    reponse = client.post(reverse("invitation"), donnees | {"organisation__cherche": "ISERE", CHERCHER: "organisation"})
    assert reponse.status_code == 200 and not mailoutbox
    page = reponse.content.decode()
    assert "Mission locale Isère Rhodanienne (MLIR)" in page and "Organisation 05" not in page
    assert 'value="lea@example.org"' in page
