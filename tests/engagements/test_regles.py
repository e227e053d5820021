"""Les règles d'une action, chacune écrite une fois dans le modèle : essayées sur le modèle, puis par le formulaire
qui l'explique en français sans rien changer. Les permissions (pilote, verdict) : leur question dans
engagements/acces.py, puis la page qui la pose."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from engagements.acces import peut_donner_verdict, pilotes_possibles
from engagements.models import Action, Champ, Entree, Statut, ValeurVerdict, Verdict
from engagements.models.regles import referents_possibles
from signataires.models import Organisation
from tests.factories import HabilitationFactory, OrganisationFactory, ProtocoleFactory, UtilisateurFactory
from tests.factories_suivi import ROLES, ActionFactory, habilitation

pytestmark = pytest.mark.django_db

AUJOURD_HUI = timezone.localdate()
DEMAIN = AUJOURD_HUI + datetime.timedelta(days=1)


@pytest.fixture
def pilote():
    return OrganisationFactory(nom="Ville de Voiron")


@pytest.fixture
def action(pilote):
    return ActionFactory(
        pilote=pilote, titre="Chantier éducatif", statut=Statut.EN_COURS, avancement=20, tout_le_territoire=True
    )


@pytest.fixture
def auteur():
    return UtilisateurFactory()


@pytest.fixture
def officier(action, pilote):
    return habilitation(action.protocole, ROLES.CHARGE_DE_MISSION, pilote).utilisateur


@pytest.fixture
def coordination(action):
    return habilitation(action.protocole, ROLES.COORDINATEUR).utilisateur


def modification(action, **champs):
    """Ce que poste le formulaire de modification d'une action, inchangé sauf `champs`."""
    donnees = {
        "titre": action.titre,
        "obligation": action.obligation_id,
        "pilote": action.pilote_id,
        "referent": action.referent_id or "",
        "tout_le_territoire": "on",
        "statut": action.statut,
        "avancement": action.avancement,
        "commentaire": "",
        "date_effet": AUJOURD_HUI.isoformat(),
        "version": action.version,
    }
    return donnees | champs


def modifier(client, action, **champs):
    return client.post(reverse("action_modifier", args=[action.pk]), modification(action, **champs))


def inchangee(action):
    """L'action et son journal sont tels qu'avant le refus."""
    avant = (action.version, action.statut, action.avancement, action.pilote_id, action.referent_id)
    nombre = Entree.objects.filter(action=action).count()
    action.refresh_from_db()
    apres = (action.version, action.statut, action.avancement, action.pilote_id, action.referent_id)
    return avant == apres and Entree.objects.filter(action=action).count() == nombre


# -- l'avancement va de 0 à 100 % --------------------------------------------------------------------------------------


@pytest.mark.parametrize("avancement", [-5, 101, 150])
def test_progress_outside_0_to_100_is_refused_by_the_model_even_back_dated(action, auteur, avancement):
    hier = AUJOURD_HUI - datetime.timedelta(days=1)
    with pytest.raises(ValidationError, match="L'avancement va de 0 à 100 %."):
        action.enregistrer(auteur=auteur, date_effet=hier, avancement=avancement)
    with pytest.raises(ValidationError, match="L'avancement va de 0 à 100 %."):
        Action.creer(
            protocole=action.protocole,
            obligation=action.obligation,
            titre="Autre",
            pilote=action.pilote,
            auteur=auteur,
            date_effet=AUJOURD_HUI,
            avancement=avancement,
        )
    assert inchangee(action)
    assert Action.objects.count() == 1


def test_editing_an_action_with_progress_above_100_explains_in_french_and_changes_nothing(client, action, officier):
    client.force_login(officier)
    reponse = modifier(client, action, avancement=150)
    assert reponse.status_code == 200
    assertContains(reponse, "L&#x27;avancement va de 0 à 100 %.")
    assertContains(reponse, 'value="150"')
    assert inchangee(action)


def test_editing_an_action_with_negative_progress_explains_in_french_and_changes_nothing(client, action, officier):
    client.force_login(officier)
    assertContains(modifier(client, action, avancement=-1), "L&#x27;avancement va de 0 à 100 %.")
    assert inchangee(action)


# -- réalisé veut dire 100 % ; l'échéance ne précède pas le début ------------------------------------------------------


def test_an_action_created_as_done_below_100_percent_or_ending_before_it_starts_is_refused(action, auteur):
    with pytest.raises(ValidationError) as refus:
        Action.creer(
            protocole=action.protocole,
            obligation=action.obligation,
            titre="Autre",
            pilote=action.pilote,
            auteur=auteur,
            date_effet=AUJOURD_HUI,
            statut=Statut.REALISE,
            avancement=90,
            date_debut=datetime.date(2024, 6, 1),
            echeance=datetime.date(2024, 5, 1),
        )
    assert refus.value.message_dict == {
        "avancement": ["Une action réalisée est avancée à 100 %."],
        "echeance": ["L'échéance ne peut pas précéder le début."],
    }


def test_editing_an_action_to_done_below_100_percent_explains_in_french_and_changes_nothing(client, action, officier):
    client.force_login(officier)
    reponse = modifier(client, action, statut=Statut.REALISE, avancement=80)
    assertContains(reponse, "Une action réalisée est avancée à 100 %.")
    assert inchangee(action)


# -- un commentaire quand l'action devient bloquée ou abandonnée -------------------------------------------------------


def test_creating_an_abandoned_action_without_a_comment_is_refused_by_the_model(action, auteur):
    with pytest.raises(ValidationError, match="Un commentaire est obligatoire quand l'action devient abandonnée."):
        Action.creer(
            protocole=action.protocole,
            obligation=action.obligation,
            titre="Autre",
            pilote=action.pilote,
            auteur=auteur,
            date_effet=AUJOURD_HUI,
            statut=Statut.ABANDONNE,
            commentaire="   ",
        )


def test_editing_an_action_to_blocked_without_a_comment_explains_in_french_and_changes_nothing(
    client, action, officier
):
    client.force_login(officier)
    reponse = modifier(client, action, statut=Statut.BLOQUE)
    assertContains(reponse, "Un commentaire est obligatoire quand l&#x27;action devient bloquée.")
    assert inchangee(action)


def test_an_action_already_blocked_is_edited_without_a_new_comment(client, action, officier):
    action.enregistrer(auteur=officier, date_effet=AUJOURD_HUI, statut=Statut.BLOQUE, commentaire="Local fermé")
    client.force_login(officier)
    modifier(client, action, titre="Chantier éducatif d'été")
    action.refresh_from_db()
    assert (action.titre, action.statut) == ("Chantier éducatif d'été", Statut.BLOQUE)


# -- la date d'effet ---------------------------------------------------------------------------------------------------


def test_a_verdict_cannot_take_effect_in_the_future(action, auteur):
    with pytest.raises(ValidationError, match=r"La date d'effet ne peut pas être dans le futur \("):
        Verdict.donner(action.obligation, auteur=auteur, valeur=ValeurVerdict.TENU, date_effet=DEMAIN, motif="revue")
    assert not Entree.objects.filter(champ=Champ.VERDICT).exists()


def test_editing_an_action_before_its_creation_explains_in_french_and_changes_nothing(client, action, officier):
    client.force_login(officier)
    veille = action.date_creation - datetime.timedelta(days=1)
    reponse = modifier(client, action, avancement=30, date_effet=veille.isoformat())
    creation = f"{action.date_creation:%d/%m/%Y}"
    assertContains(reponse, f"La date d&#x27;effet ne peut pas précéder la création de l&#x27;action ({creation}).")
    assert inchangee(action)


def test_archiving_before_the_creation_is_refused_in_french(client, action, officier):
    client.force_login(officier)
    veille = action.date_creation - datetime.timedelta(days=1)
    donnees = {"version": action.version, "date_effet": veille.isoformat(), "commentaire": "Doublon"}
    reponse = client.post(reverse("action_archiver", args=[action.pk]), donnees, follow=True)
    assertContains(reponse, "La date d&#x27;effet ne peut pas précéder la création de l&#x27;action")
    action.refresh_from_db()
    assert not action.archivee


def test_a_future_verdict_is_explained_in_french_and_nothing_is_recorded(client, action, coordination):
    client.force_login(coordination)
    donnees = {"valeur": ValeurVerdict.TENU, "commentaire": "Revue", "date_effet": DEMAIN.isoformat()}
    reponse = client.post(reverse("verdict", args=[action.obligation_id]), donnees)
    assertContains(reponse, "La date d&#x27;effet ne peut pas être dans le futur (", status_code=400)
    assert not Verdict.objects.exists()


# -- qui peut être référent --------------------------------------------------------------------------------------------


def test_referents_hold_a_role_other_than_reader_in_this_protocol(action, auteur):
    protocole = action.protocole
    chargee = habilitation(protocole, ROLES.CHARGE_DE_MISSION).utilisateur
    coordinatrice = habilitation(protocole, ROLES.COORDINATEUR).utilisateur
    lectrice = habilitation(protocole, ROLES.LECTEUR).utilisateur
    ailleurs = habilitation(ProtocoleFactory(), ROLES.COORDINATEUR).utilisateur
    # Chargée de mission ici, lectrice ailleurs : son rôle d'ailleurs ne compte pas.
    HabilitationFactory(protocole=ProtocoleFactory(), role=ROLES.LECTEUR, utilisateur=chargee)
    assert set(referents_possibles(protocole)) == {chargee, coordinatrice}
    for refuse in (lectrice, ailleurs):
        with pytest.raises(ValidationError, match="Le référent est une personne qui suit ce protocole"):
            action.enregistrer(auteur=auteur, date_effet=AUJOURD_HUI, referent=refuse)
    assert inchangee(action)
    action.enregistrer(auteur=auteur, date_effet=AUJOURD_HUI, referent=chargee)
    assert action.referent == chargee


def test_a_forged_referent_who_is_only_a_reader_is_refused_in_french_and_nothing_changes(client, action, officier):
    lectrice = habilitation(action.protocole, ROLES.LECTEUR).utilisateur
    client.force_login(officier)
    formulaire = client.get(reverse("action_modifier", args=[action.pk])).context["form"]
    assert lectrice not in formulaire.fields["referent"].queryset
    reponse = modifier(client, action, referent=lectrice.pk)
    assertContains(reponse, "Le référent est une personne qui suit ce protocole")
    assert inchangee(action)


def test_a_referent_who_became_a_reader_does_not_block_the_other_changes(client, action, officier):
    referente = habilitation(action.protocole, ROLES.CHARGE_DE_MISSION)
    action.enregistrer(auteur=officier, date_effet=AUJOURD_HUI, referent=referente.utilisateur)
    referente.role = ROLES.LECTEUR
    referente.save()
    client.force_login(officier)
    modifier(client, action, referent=referente.utilisateur_id, avancement=40)
    action.refresh_from_db()
    assert (action.avancement, action.referent_id) == (40, referente.utilisateur_id)


# -- qui peut être pilote ----------------------------------------------------------------------------------------------


def test_the_coordination_chooses_any_pilot_an_officer_only_their_organisation(action, pilote):
    autre = OrganisationFactory()
    chargee = habilitation(action.protocole, ROLES.CHARGE_DE_MISSION, pilote)
    coordinatrice = habilitation(action.protocole, ROLES.COORDINATEUR)
    assert list(pilotes_possibles(chargee)) == [pilote]
    assert {pilote, autre} <= set(pilotes_possibles(coordinatrice)) == set(Organisation.objects.all())


def test_an_officer_cannot_hand_the_pilot_role_to_another_organisation_by_a_forged_post(client, action, officier):
    autre = OrganisationFactory()
    client.force_login(officier)
    formulaire = client.get(reverse("action_modifier", args=[action.pk])).context["form"]
    assert list(formulaire.fields["pilote"].queryset) == [action.pilote]
    reponse = modifier(client, action, pilote=autre.pk)
    assertContains(reponse, "Un·e chargé·e de mission ne confie le pilotage qu&#x27;à sa propre organisation.")
    assert inchangee(action)


def test_the_coordination_hands_the_pilot_role_to_another_organisation(client, action, coordination):
    autre = OrganisationFactory()
    client.force_login(coordination)
    modifier(client, action, pilote=autre.pk)
    action.refresh_from_db()
    assert action.pilote == autre


# -- qui donne un verdict ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "attendu"),
    [
        (ROLES.ADMINISTRATEUR, True),
        (ROLES.COORDINATEUR, True),
        (ROLES.CHARGE_DE_MISSION, False),
        (ROLES.LECTEUR, False),
    ],
)
def test_the_verdict_is_given_by_the_coordination(action, role, attendu):
    assert peut_donner_verdict(habilitation(action.protocole, role)) is attendu
    assert peut_donner_verdict(None) is False


def test_the_obligation_page_shows_the_verdict_form_to_the_coordination_only(client, action, coordination, officier):
    url = reverse("obligation", args=[action.obligation_id])
    client.force_login(coordination)
    assertContains(client.get(url), "Donner un verdict")
    client.force_login(officier)
    assertNotContains(client.get(url), "Donner un verdict")
    donnees = {"valeur": ValeurVerdict.TENU, "commentaire": "Revue", "date_effet": AUJOURD_HUI.isoformat()}
    assert client.post(reverse("verdict", args=[action.obligation_id]), donnees).status_code == 403
    assert not Verdict.objects.exists()


def test_the_obligation_page_offers_a_new_action_to_whoever_may_create_one(client, action, officier):
    lecteur = habilitation(action.protocole, ROLES.LECTEUR).utilisateur
    url = reverse("obligation", args=[action.obligation_id])
    creer = f"{reverse('action_creer')}?obligation={action.obligation_id}"
    client.force_login(officier)
    assertContains(client.get(url), creer)
    client.force_login(lecteur)
    assertNotContains(client.get(url), creer)


def test_the_action_page_offers_editing_to_whoever_may_change_the_action(client, action, officier):
    url = reverse("action", args=[action.pk])
    modifier_url = reverse("action_modifier", args=[action.pk])
    client.force_login(officier)
    assertContains(client.get(url), modifier_url)
    client.force_login(habilitation(action.protocole, ROLES.CHARGE_DE_MISSION).utilisateur)
    assertNotContains(client.get(url), modifier_url)
