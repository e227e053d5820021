"""La recherche des actions : sans accents ni majuscules, la même sur SQLite et PostgreSQL, dans le titre, la
description, l'obligation, les quartiers et les commentaires du journal ; sa table suit chaque changement, jusqu'au
caviardage d'un commentaire, sans jamais réécrire le journal."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from engagements.models import Action, Entree, Statut, TexteRecherche
from protocole.models import VersionDonnees
from protocole.recherche import normaliser
from tests.cache_pages import hors_cache
from tests.engagements import test_liste as liste
from tests.factories import ObligationFactory, QuartierFactory
from tests.factories_suivi import ROLES, ActionFactory, habilitation

pytestmark = pytest.mark.django_db

protocole, obligations, coordination, connecte = liste.protocole, liste.obligations, liste.coordination, liste.connecte
action, titres = liste.action, liste.titres
HIER = timezone.localdate() - datetime.timedelta(days=1)


def chercher(client, q, **filtres):
    return sorted(titres(client.get(reverse("actions"), {"q": q, **filtres})))


@pytest.fixture
def actions(protocole, obligations, coordination):
    brunetiere = QuartierFactory(protocole=protocole, nom="Brunetière", slug="brunetiere")
    baltiss = QuartierFactory(protocole=protocole, nom="Baltiss", slug="baltiss")
    decrochage = action(obligations["E1-PT-1"], titre="Prévenir le décrochage scolaire", quartiers=[baltiss])
    action(
        obligations["E1-ETAT-1"], titre="Ateliers d'été", description="Lutte contre le DÉCROCHAGE", quartiers=[baltiss]
    )
    action(obligations["E2-PT-1"], titre="Jardins partagés", quartiers=[brunetiere])
    action(obligations["E2-ETAT-1"], titre="Cœur de quartier", tout_le_territoire=True)
    decrochage.enregistrer(
        auteur=coordination.utilisateur, date_effet=HIER, commentaire="Réunion avec les éducateurs spécialisés"
    )
    return decrochage


def test_normalising_drops_accents_case_and_ligatures():
    assert normaliser("DÉCROCHAGE à la Brunetière, Cœur ß l’État") == "decrochage a la brunetiere, coeur ss l'etat"


@pytest.mark.parametrize("requete", ["décrochage", "decrochage", "DÉCROCHAGE", "Decrochage", "DECROCHAGE"])
def test_accented_unaccented_upper_and_lower_case_queries_find_the_same_actions(connecte, actions, requete):
    assert chercher(connecte, requete) == ["Ateliers d'été", "Prévenir le décrochage scolaire"]


@pytest.mark.parametrize("requete", ["brunetiere", "BRUNETIERE", "Brunetière"])
def test_a_quartier_name_finds_its_actions(connecte, actions, requete):
    assert chercher(connecte, requete) == ["Jardins partagés"]


def test_a_word_of_a_journal_comment_finds_its_action(connecte, actions):
    assert chercher(connecte, "educateurs SPÉCIALISÉS") == ["Prévenir le décrochage scolaire"]


def test_every_word_must_match_and_the_obligation_reference_and_text_are_searched(connecte, actions, obligations):
    assert chercher(connecte, "decrochage baltiss scolaire") == ["Prévenir le décrochage scolaire"]
    assert chercher(connecte, "e2-pt-1") == ["Jardins partagés"]
    texte = obligations["E2-ETAT-1"].texte
    assert chercher(connecte, texte.upper()) == ["Cœur de quartier"]
    assert chercher(connecte, "coeur") == ["Cœur de quartier"]
    assert chercher(connecte, "tout le territoire") == ["Cœur de quartier"]


def test_the_search_table_follows_every_change_of_the_action(actions, coordination, obligations, protocole):
    def texte():
        return TexteRecherche.objects.get(action=actions).texte

    auteur = coordination.utilisateur
    croix = QuartierFactory(protocole=protocole, nom="Croix Maurin")
    actions.enregistrer(auteur=auteur, date_effet=HIER, libres={"titre": "Raccrochage scolaire"})
    assert "raccrochage" in texte() and "prevenir" not in texte()
    actions.enregistrer(auteur=auteur, date_effet=HIER, libres={"description": "Avec le collège Stendhal"})
    assert "college stendhal" in texte()
    actions.enregistrer(auteur=auteur, date_effet=HIER, obligation=obligations["E2-ETAT-1"])
    assert "e2-etat-1" in texte() and "e1-pt-1" not in texte()
    actions.enregistrer(auteur=auteur, date_effet=HIER, quartiers=(False, [croix]))
    assert "croix maurin" in texte() and "baltiss" not in texte()
    actions.enregistrer(auteur=auteur, date_effet=HIER, statut=Statut.BLOQUE, commentaire="Local fermé")
    assert "local ferme" in texte()


def test_the_search_table_follows_the_admin_renaming_a_quartier_or_correcting_an_obligation(
    client, actions, obligations, protocole
):
    quartier = protocole.quartiers.get(slug="brunetiere")
    quartier.nom = "Brunetière-Est"
    quartier.save()
    obligation = obligations["E1-PT-1"]
    obligation.texte = "Favoriser la persévérance scolaire"
    obligation.save()
    admin = habilitation(protocole, ROLES.ADMINISTRATEUR, is_staff=True, is_superuser=True).utilisateur
    client.force_login(admin)
    assert chercher(client, "brunetiere-est") == ["Jardins partagés"]
    assert chercher(client, "perseverance") == ["Prévenir le décrochage scolaire"]


def test_a_redacted_comment_is_no_longer_found_and_the_journal_is_not_rewritten(client, actions, protocole):
    admin = habilitation(protocole, ROLES.ADMINISTRATEUR, username="sophie").utilisateur
    client.force_login(admin)
    (entree,) = actions.enregistrer(
        auteur=admin, date_effet=HIER, statut=Statut.BLOQUE, commentaire="Appeler Mme Durand au 0612345678"
    )
    assert chercher(client, "durand") == ["Prévenir le décrochage scolaire"]
    nombre = Entree.objects.count()
    call_command(
        "caviarder_commentaire", str(entree.pk), par="sophie", texte="[Retiré à la demande]", stdout=io.StringIO()
    )
    assert chercher(client, "durand") == []
    assert chercher(client, "retire demande") == ["Prévenir le décrochage scolaire"]
    assert Entree.objects.count() == nombre + 1  # la trace du caviardage, rien d'autre


def test_the_search_of_the_list_costs_no_extra_query(connecte, actions):
    with CaptureQueriesContext(connection) as froid:
        connecte.get(reverse("actions"), {"q": "decrochage scolaire"})
    assert len(hors_cache(froid.captured_queries)) == liste.REQUETES_LISTE


def test_the_rebuild_command_gives_back_the_texts_the_methods_keep(actions):
    avant = dict(TexteRecherche.objects.values_list("action", "texte"))
    TexteRecherche.objects.all().delete()
    protocole = Action.objects.first().protocole
    version = VersionDonnees.lire(protocole)
    sortie = io.StringIO()
    call_command("indexer_recherche", stdout=sortie)
    assert dict(TexteRecherche.objects.values_list("action", "texte")) == avant
    # La recherche de la liste gardée dans le cache des pages ne sert plus.
    assert VersionDonnees.lire(protocole)[1] > version[1]
    assert "4 actions" in sortie.getvalue()


def test_an_action_of_another_protocol_is_never_found(connecte, actions):
    ActionFactory(obligation=ObligationFactory(), titre="Décrochage ailleurs")
    assert chercher(connecte, "decrochage") == ["Ateliers d'été", "Prévenir le décrochage scolaire"]


def test_a_search_that_finds_nothing_says_so_in_words_not_with_a_zero(connecte, actions):
    reponse = connecte.get(reverse("actions"), {"q": "introuvable"})
    assert "Aucune action ne correspond aux filtres." in reponse.content.decode()
    assert "<strong>0</strong>" not in reponse.content.decode()
