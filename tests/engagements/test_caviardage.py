"""Caviarder un commentaire du journal (RGPD) : `manage.py caviarder_commentaire`, la seule écriture en place que le
journal admette. Un administrateur du protocole remplace le texte d'une entrée ; rien d'autre de l'entrée ne change,
le caviardage entre lui-même au journal (qui, quand, quelle entrée ; jamais le texte retiré), n'est pas une nouvelle
de l'action, et la même écriture hors de la commande reste refusée par la base."""

import datetime
import io

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from engagements.models import Action, Champ, Entree, Statut, ValeurVerdict, Verdict
from engagements.tableaux import Perimetre, evolutions
from protocole.models import VersionDonnees
from tests.factories import ObligationFactory
from tests.factories_suivi import ROLES, ActionFactory, habilitation

pytestmark = pytest.mark.django_db

PERSONNEL = "Rappeler Mme Durand au 06 12 34 56 78 (arrêt maladie)"
REMPLACEMENT = "[Commentaire retiré à la demande de la personne concernée.]"


@pytest.fixture
def action():
    return ActionFactory(statut=Statut.EN_COURS)


@pytest.fixture
def admin(action):
    return habilitation(
        action.protocole, ROLES.ADMINISTRATEUR, username="sophie", email="sophie@example.org"
    ).utilisateur


@pytest.fixture
def entree(action):
    (entree,) = action.enregistrer(
        auteur=action.journal.first().auteur,
        date_effet=timezone.localdate() - datetime.timedelta(days=2),
        statut=Statut.BLOQUE,
        commentaire=PERSONNEL,
    )
    return entree


def caviarder(entree, par, texte=REMPLACEMENT):
    sortie = io.StringIO()
    call_command(
        "caviarder_commentaire",
        str(entree if isinstance(entree, int) else entree.pk),
        par=par,
        texte=texte,
        stdout=sortie,
    )
    return sortie.getvalue()


def colonnes(entree):
    return Entree.objects.filter(pk=entree.pk).values().get()


def test_an_administrator_replaces_the_comment_in_place_and_nothing_else_changes(entree, admin):
    avant = colonnes(entree)

    sortie = caviarder(entree, "sophie")

    assert colonnes(entree) == {**avant, "commentaire": REMPLACEMENT}
    assert f"n° {entree.pk}" in sortie and PERSONNEL not in sortie


def test_the_redaction_is_journaled_with_who_when_and_which_entry_never_the_text(entree, admin):
    avant = timezone.now()
    caviarder(entree, "sophie@example.org")  # l'identifiant ou l'e-mail

    trace = Entree.objects.get(champ=Champ.CAVIARDAGE)
    assert trace.caviardee == entree
    assert trace.auteur == admin
    assert avant <= trace.enregistre_le <= timezone.now()
    assert trace.date_effet == timezone.localdate()
    assert (trace.action_id, trace.obligation_id, trace.protocole_id) == (entree.action_id, None, entree.protocole_id)
    assert not any("Durand" in str(valeur) for valeur in colonnes(trace).values())
    assert trace.valeurs() == (None, f"commentaire de l'entrée du {entree.date_effet:%d/%m/%Y} (statut)")


def test_outside_the_command_the_same_update_is_refused_by_the_database(entree, admin):
    for essai in (
        lambda: Entree._base_manager.filter(pk=entree.pk).update(commentaire=REMPLACEMENT),
        lambda: connection.cursor().execute(
            "UPDATE engagements_entree SET commentaire = %s WHERE id = %s", [REMPLACEMENT, entree.pk]
        ),
    ):
        with pytest.raises(IntegrityError, match="en ajout seul"), transaction.atomic():
            essai()
    assert colonnes(entree)["commentaire"] == PERSONNEL
    caviarder(entree, "sophie")
    with pytest.raises(IntegrityError, match="en ajout seul"), transaction.atomic():
        Entree._base_manager.filter(pk=entree.pk).update(commentaire=PERSONNEL)
    assert colonnes(entree)["commentaire"] == REMPLACEMENT


def test_the_redaction_bumps_the_data_version_that_keys_the_cached_reports(entree, admin):
    avant = VersionDonnees.lire(entree.protocole)
    caviarder(entree, "sophie")
    assert VersionDonnees.lire(entree.protocole) > avant


def test_the_redaction_is_neither_news_of_the_action_nor_an_evolution(action, entree, admin):
    """Enregistré cent jours après les dernières nouvelles, le caviardage n'en est pas une : l'action reste sans
    nouvelles à toute date, et les évolutions de la période ne le montrent pas."""
    derniere = Action.objects.get(pk=action.pk).maj_le
    dans_cent_jours = timezone.now() + datetime.timedelta(days=100)
    with time_machine.travel(dans_cent_jours, tick=False):
        caviarder(entree, "sophie")
    with time_machine.travel(dans_cent_jours + datetime.timedelta(days=5), tick=False):
        hier = timezone.localdate() - datetime.timedelta(days=1)
        etat = Action.objects.filter(pk=action.pk).etat_au(hier).get()
        assert etat.nouvelles_au == derniere
        assert (etat.statut_au, etat.avancement_au) == (Statut.BLOQUE, action.avancement)
        changements = evolutions(Perimetre(action.protocole), hier - datetime.timedelta(days=30), hier)
        assert Champ.CAVIARDAGE not in {e.champ for e in changements.entrees}
    assert Action.objects.get(pk=action.pk).maj_le == derniere


def test_redacting_a_verdict_motif_also_redacts_the_current_verdict(admin, action):
    obligation = action.obligation
    entree = Verdict.donner(
        obligation, auteur=admin, valeur=ValeurVerdict.PARTIEL, date_effet=timezone.localdate(), motif=PERSONNEL
    )
    caviarder(entree, "sophie")
    assert Verdict.objects.get(obligation=obligation).motif == REMPLACEMENT
    assert Entree.objects.get(champ=Champ.CAVIARDAGE).obligation == obligation


@pytest.mark.parametrize(
    ("role", "message"),
    [
        (ROLES.COORDINATEUR, "n'est pas administrateur"),
        (ROLES.CHARGE_DE_MISSION, "n'est pas administrateur"),
        (ROLES.LECTEUR, "n'est pas administrateur"),
    ],
)
def test_only_an_administrator_of_that_protocol_may_redact(entree, role, message):
    habilitation(entree.protocole, role, username="camille")
    with pytest.raises(CommandError, match=message):
        caviarder(entree, "camille")
    assert colonnes(entree)["commentaire"] == PERSONNEL
    assert not Entree.objects.filter(champ=Champ.CAVIARDAGE).exists()


def test_an_administrator_of_another_protocol_may_not_redact(entree):
    ailleurs = ObligationFactory().protocole
    habilitation(ailleurs, ROLES.ADMINISTRATEUR, username="camille")
    with pytest.raises(CommandError, match="n'est pas administrateur du protocole"):
        caviarder(entree, "camille")
    assert colonnes(entree)["commentaire"] == PERSONNEL


@pytest.mark.parametrize(
    ("quoi", "message"),
    [
        ("entree_inconnue", "Aucune entrée du journal n° 999999"),
        ("compte_inconnu", "Aucun compte « personne »"),
        ("texte_vide", "Le texte de remplacement est vide"),
        ("sans_commentaire", "n'a pas de commentaire"),
        ("meme_texte", "est déjà ce texte"),
    ],
)
def test_refusals_are_clear_and_change_nothing(entree, admin, quoi, message):
    numero, par, texte = entree.pk, "sophie", REMPLACEMENT
    if quoi == "entree_inconnue":
        numero = 999999
    elif quoi == "compte_inconnu":
        par = "personne"
    elif quoi == "texte_vide":
        texte = "   "
    elif quoi == "sans_commentaire":
        numero = entree.action.journal.get(champ=Champ.PILOTE).pk
    elif quoi == "meme_texte":
        texte = PERSONNEL
    with pytest.raises(CommandError, match=message):
        caviarder(numero, par, texte)
    assert colonnes(entree)["commentaire"] == PERSONNEL
    assert not Entree.objects.filter(champ=Champ.CAVIARDAGE).exists()


def test_search_lists_the_entries_whose_comment_contains_a_text_and_changes_nothing(entree, admin):
    sortie = io.StringIO()
    call_command("caviarder_commentaire", chercher="mme durand", stdout=sortie)
    assert f"n° {entree.pk}" in sortie.getvalue()
    assert PERSONNEL in sortie.getvalue()
    assert colonnes(entree)["commentaire"] == PERSONNEL


def test_the_action_page_shows_the_replacement_and_the_redaction_never_the_removed_text(client, entree, admin):
    caviarder(entree, "sophie")
    client.force_login(admin)
    page = client.get(reverse("action", args=[entree.action_id]))
    assertContains(page, REMPLACEMENT)
    assertContains(page, f"Caviardage : commentaire de l&#x27;entrée du {entree.date_effet:%d/%m/%Y} (statut)")
    assertNotContains(page, "Durand")
