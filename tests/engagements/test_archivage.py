"""Une action archivée se lit et ne se modifie plus ; la coordination la désarchive, au journal. La version
(contrôle des modifications concurrentes) est obligatoire sur tout formulaire qui modifie une action."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from engagements.acces import REFUS_ARCHIVEE
from engagements.forms import VERSION_MANQUANTE
from engagements.models import Action, Champ, Entree, Statut
from tests.factories import OrganisationFactory
from tests.factories_suivi import ROLES, ActionFactory, habilitation

pytestmark = pytest.mark.django_db


@pytest.fixture
def pilote():
    return OrganisationFactory()


@pytest.fixture
def action(pilote):
    return ActionFactory(pilote=pilote, titre="Atelier vélo", statut=Statut.EN_COURS, avancement=30)


@pytest.fixture
def officier(action, pilote):
    return habilitation(action.protocole, ROLES.CHARGE_DE_MISSION, pilote).utilisateur


@pytest.fixture
def coordinatrice(action):
    return habilitation(action.protocole, ROLES.COORDINATEUR).utilisateur


def aujourd_hui():
    return timezone.localdate().isoformat()


def archiver(action, auteur):
    action.archiver(auteur=auteur, date_effet=timezone.localdate(), commentaire="Doublon", version=action.version)
    action.refresh_from_db()
    return action


def etat(action):
    """Ce qu'une modification refusée ne doit pas changer : la ligne et le journal."""
    ligne = Action.objects.filter(pk=action.pk).values().get()
    return ligne, Entree.objects.filter(action=action).count()


def mise_a_jour(action, **champs):
    donnees = {"statut": Statut.REALISE, "avancement": 100, "date_effet": aujourd_hui(), "version": action.version}
    return donnees | champs


def modification(action, **champs):
    donnees = {
        "titre": "Atelier vélo (renommé)",
        "obligation": action.obligation_id,
        "pilote": action.pilote_id,
        "tout_le_territoire": "on",
        "statut": Statut.EN_COURS,
        "avancement": 40,
        "date_effet": aujourd_hui(),
        "version": action.version,
    }
    return donnees | champs


def test_an_archived_action_page_has_no_update_form_and_its_edit_url_is_refused_in_french(client, action, officier):
    archiver(action, officier)
    avant = etat(action)
    client.force_login(officier)
    page = client.get(reverse("action", args=[action.pk]))
    assertContains(page, "Action archivée.")
    assertNotContains(page, 'name="statut"')
    assertNotContains(page, reverse("action_modifier", args=[action.pk]))
    assertContains(page, "Seule la coordination peut la désarchiver.")
    for reponse in (
        client.get(reverse("action_modifier", args=[action.pk])),
        client.post(reverse("action_modifier", args=[action.pk]), modification(action)),
        client.post(reverse("action", args=[action.pk]), mise_a_jour(action)),
        client.post(
            reverse("action_archiver", args=[action.pk]),
            {"commentaire": "encore", "date_effet": aujourd_hui(), "version": action.version},
        ),
    ):
        assert reponse.status_code == 403
        assertContains(reponse, "Cette action est archivée", status_code=403)
    assert REFUS_ARCHIVEE.startswith("Cette action est archivée")
    assert etat(action) == avant


def test_the_model_refuses_any_change_to_an_archived_action_whatever_the_caller(action, officier):
    archiver(action, officier)
    avant = etat(action)
    for changements in (
        {"statut": Statut.REALISE, "avancement": 100},
        {"commentaire": "Une note sur une action archivée"},
        {"libres": {"titre": "Nouveau titre"}},
        {"partenaires": [OrganisationFactory()]},
        {"archivee": True},
    ):
        with pytest.raises(ValidationError, match="archivée"):
            action.enregistrer(auteur=officier, date_effet=timezone.localdate(), **changements)
    assert etat(action) == avant


def test_the_coordination_unarchives_with_a_reason_and_the_journal_says_so(client, action, officier, coordinatrice):
    archiver(action, officier)
    url = reverse("action_desarchiver", args=[action.pk])
    client.force_login(officier)
    assert (
        client.post(url, {"commentaire": "Erreur", "date_effet": aujourd_hui(), "version": action.version}).status_code
        == 403
    )
    client.force_login(coordinatrice)
    page = client.get(reverse("action", args=[action.pk]))
    assertContains(page, "Désarchiver l'action")
    sans_motif = client.post(
        url, {"commentaire": " ", "date_effet": aujourd_hui(), "version": action.version}, follow=True
    )
    assertContains(sans_motif, "Dites pourquoi l&#x27;action est désarchivée.")
    assert Action.objects.get(pk=action.pk).archivee
    reponse = client.post(
        url, {"commentaire": "Archivée par erreur", "date_effet": aujourd_hui(), "version": action.version}, follow=True
    )
    assertContains(reponse, "Action désarchivée")
    action.refresh_from_db()
    assert not action.archivee
    entree = Entree.objects.filter(action=action, champ=Champ.ARCHIVAGE).recentes().first()
    assert (entree.archivee_avant, entree.archivee_apres) == (True, False)
    assert (entree.auteur, entree.commentaire) == (coordinatrice, "Archivée par erreur")
    assertContains(client.get(reverse("action", args=[action.pk])), 'name="statut"')


def test_unarchiving_an_action_that_is_not_archived_changes_nothing(client, action, coordinatrice):
    avant = etat(action)
    client.force_login(coordinatrice)
    reponse = client.post(
        reverse("action_desarchiver", args=[action.pk]),
        {"commentaire": "?", "date_effet": aujourd_hui(), "version": action.version},
        follow=True,
    )
    assertContains(reponse, "Cette action n&#x27;est pas archivée")
    assert etat(action) == avant


@pytest.mark.parametrize("version", [None, "", "abc"])
def test_the_edit_form_without_its_version_is_refused_keeps_the_typing_and_offers_the_current_version(
    client, action, officier, version
):
    """Sans version, le formulaire de modification écrasait les changements faits entre-temps."""
    client.force_login(officier)
    donnees = modification(action)
    if version is None:
        del donnees["version"]
    else:
        donnees["version"] = version
    avant = etat(action)
    reponse = client.post(reverse("action_modifier", args=[action.pk]), donnees)
    assert reponse.status_code == 200
    assertContains(reponse, "arrivé sans la version de l&#x27;action")
    assertContains(reponse, "Atelier vélo (renommé)")
    assertContains(reponse, f'name="version" value="{action.version}"')
    assert etat(action) == avant
    assert VERSION_MANQUANTE.startswith("Le formulaire est arrivé sans la version")


def test_the_quick_update_without_its_version_is_refused_and_keeps_the_typing(client, action, officier):
    client.force_login(officier)
    donnees = mise_a_jour(action, commentaire="Terminé avec les habitants")
    del donnees["version"]
    avant = etat(action)
    reponse = client.post(reverse("action", args=[action.pk]), donnees)
    assertContains(reponse, "arrivé sans la version de l&#x27;action")
    assertContains(reponse, "Terminé avec les habitants")
    assert etat(action) == avant


@pytest.mark.parametrize("vue", ["action_archiver", "action_desarchiver"])
def test_archiving_or_unarchiving_without_the_version_is_refused_and_changes_nothing(
    client, action, coordinatrice, vue
):
    """Les formulaires d'archivage et de désarchivage modifient l'action : la version y est obligatoire aussi."""
    if vue == "action_desarchiver":
        archiver(action, coordinatrice)
    avant = etat(action)
    client.force_login(coordinatrice)
    donnees = {"commentaire": "Doublon", "date_effet": aujourd_hui()}
    reponse = client.post(reverse(vue, args=[action.pk]), donnees, follow=True)
    assertContains(reponse, "arrivé sans la version de l&#x27;action")
    assert etat(action) == avant
