"""Chaque changement est tracé (les corrections aussi), et rien de ce qui est montré n'est périmé : la version des
données monte avec chaque écriture qui change une page ou un rapport."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import update_last_login
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains

from comite.models import Decision, RapportArchive, Reunion, Visa
from engagements.models import Action, Champ, Entree, EntreePartenaire, Statut, ValeurVerdict, Verdict
from engagements.tableaux import avec_drapeaux
from protocole.models import VersionDonnees
from signataires.models import Appartenance
from tests.factories import (
    AppartenanceFactory,
    OrganisationFactory,
    QuartierFactory,
    RepresentationFactory,
    UtilisateurFactory,
)
from tests.factories_suivi import ROLES, ActionFactory, habilitation

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def action():
    return ActionFactory(titre="Atelier vélo", statut=Statut.EN_COURS, avancement=10, budget=Decimal("1000.00"))


@pytest.fixture
def auteur(action):
    return habilitation(action.protocole, ROLES.COORDINATEUR).utilisateur


def test_title_description_start_budget_and_partners_are_journaled_with_who_when_old_and_new(action, auteur):
    asso, bailleur = OrganisationFactory(nom="Association Vélo"), OrganisationFactory(nom="Bailleur")
    action.partenaires.set([asso])
    entrees = action.enregistrer(
        auteur=auteur,
        date_effet=timezone.localdate(),
        libres={
            "titre": "Atelier vélo solidaire",
            "description": "Réparer avec les habitants",
            "date_debut": action.date_creation,
            "budget": Decimal("1234.50"),
        },
        partenaires=[asso, bailleur],
    )
    par_champ = {e.champ: e for e in entrees}
    assert set(par_champ) == {Champ.TITRE, Champ.DESCRIPTION, Champ.DEBUT, Champ.BUDGET, Champ.PARTENAIRES}
    assert all(e.auteur == auteur and e.enregistre_le for e in entrees)
    assert par_champ[Champ.TITRE].valeurs() == ("Atelier vélo", "Atelier vélo solidaire")
    assert par_champ[Champ.BUDGET].valeurs()[0].replace("\u202f", " ").replace("\xa0", " ") == "1 000,00 €"
    assert (par_champ[Champ.BUDGET].budget_avant, par_champ[Champ.BUDGET].budget_apres) == (
        Decimal("1000.00"),
        Decimal("1234.50"),
    )
    assert (par_champ[Champ.DEBUT].debut_avant, par_champ[Champ.DEBUT].debut_apres) == (None, action.date_creation)
    assert par_champ[Champ.PARTENAIRES].valeurs() == ("Association Vélo", "Association Vélo, Bailleur")
    assert EntreePartenaire.objects.filter(entree=par_champ[Champ.PARTENAIRES]).count() == 3
    action.refresh_from_db()
    assert (action.titre, action.budget) == ("Atelier vélo solidaire", Decimal("1234.50"))


def test_the_action_page_shows_a_correction_in_its_journal(client, action, auteur):
    action.enregistrer(auteur=auteur, date_effet=timezone.localdate(), libres={"titre": "Atelier vélo solidaire"})
    client.force_login(auteur)
    assertContains(client.get(reverse("action", args=[action.pk])), "Titre : Atelier vélo → Atelier vélo solidaire")


def test_corrections_are_not_news_on_a_past_date_either(action, auteur):
    """Dernière nouvelle il y a 120 jours, une correction il y a 60 : sans nouvelles il y a 20 jours (et
    aujourd'hui) ; le jour de la correction, la dernière nouvelle n'avait que 60 jours."""
    aujourdhui = timezone.localdate()

    def moment(jours):
        return datetime.datetime.combine(aujourdhui - datetime.timedelta(days=jours), datetime.time(10), tzinfo=PARIS)

    ancienne = ActionFactory(
        protocole=action.protocole,
        statut=Statut.EN_COURS,
        date_effet=aujourdhui - datetime.timedelta(days=200),
        maintenant=moment(200),
        echeance=aujourdhui + datetime.timedelta(days=300),
    )
    ancienne.enregistrer(
        auteur=auteur, date_effet=aujourdhui - datetime.timedelta(days=120), maintenant=moment(120), avancement=20
    )
    ancienne.enregistrer(
        auteur=auteur,
        date_effet=aujourdhui - datetime.timedelta(days=60),
        maintenant=moment(60),
        commentaire="Intitulé précisé",
        libres={"titre": "Intitulé précisé", "budget": Decimal("10")},
    )
    assert not Entree.objects.filter(action=ancienne, champ=Champ.NOTE).exists(), "le commentaire suit la correction"

    def silencieuse(jours):
        au = aujourdhui - datetime.timedelta(days=jours)
        return avec_drapeaux(Action.objects.filter(pk=ancienne.pk), au=au).get().est_sans_nouvelles

    assert silencieuse(20) and silencieuse(0)
    assert not silencieuse(60)


# -- la version des données ------------------------------------------------------------------------------------------


def version(protocole):
    return VersionDonnees.lire(protocole)[1]


def monte(protocole, ecriture):
    avant = version(protocole)
    ecriture()
    return version(protocole) > avant


def test_every_kind_of_write_that_a_page_or_report_shows_bumps_the_data_version(action, auteur):
    protocole = action.protocole
    reunion = Reunion.objects.create(protocole=protocole, date=timezone.localdate(), titre="Comité")
    decision = Decision.objects.create(reunion=reunion, texte="Relancer")
    archive = RapportArchive.objects.create(
        reunion=reunion, version=1, contenu=b"%PDF", au=reunion.date, depuis=reunion.date, gele_par=auteur
    )
    representation = RepresentationFactory(signature__protocole=protocole)
    appartenance = AppartenanceFactory(partie__protocole=protocole)
    quartier = QuartierFactory(protocole=protocole)
    aujourdhui = timezone.localdate()

    def renommer(objet, champ, valeur):
        def ecrire():
            setattr(objet, champ, valeur)
            objet.save()

        return ecrire

    ecritures = {
        "entrée du journal": lambda: action.enregistrer(auteur=auteur, date_effet=aujourdhui, avancement=55),
        "correction": lambda: action.enregistrer(auteur=auteur, date_effet=aujourdhui, libres={"titre": "Autre"}),
        "verdict": lambda: Verdict.donner(
            action.obligation, auteur=auteur, valeur=ValeurVerdict.TENU, date_effet=aujourdhui, motif="Bilan"
        ),
        "réunion": renommer(reunion, "titre", "Comité d'automne"),
        "décision": renommer(decision, "suivi", Decision.Suivi.FAITE),
        "obligations d'une décision": lambda: decision.obligations.add(action.obligation),
        "archive": lambda: RapportArchive.objects.create(
            reunion=reunion, version=2, contenu=b"%PDF2", au=reunion.date, depuis=reunion.date, gele_par=auteur
        ),
        "visa": lambda: Visa.objects.create(
            archive=archive, organisation=representation.organisation, utilisateur=auteur
        ),
        "organisation": renommer(action.pilote, "nom", "Ville renommée"),
        "appartenance": lambda: Appartenance.objects.filter(pk=appartenance.pk).get().delete(),
        "quartier": renommer(quartier, "nom", "Quartier renommé"),
        "signature": renommer(representation.signature, "titre", "Le Maire"),
        "représentation": renommer(representation, "organisation", OrganisationFactory()),
        "nom d'un compte": renommer(auteur, "last_name", "Nouveau-Nom"),
    }
    immobiles = [nom for nom, ecriture in ecritures.items() if not monte(protocole, ecriture)]
    assert immobiles == []


def test_a_login_or_a_reading_does_not_bump_the_data_version(client, action, auteur):
    protocole = action.protocole
    assert not monte(protocole, lambda: update_last_login(None, auteur))
    client.force_login(auteur)
    assert not monte(protocole, lambda: client.get(reverse("action", args=[action.pk])))
    assert not monte(protocole, lambda: client.get(reverse("vue_ensemble")))


def test_the_data_version_of_one_protocol_does_not_move_with_another(action, auteur):
    autre = ActionFactory()
    assert not monte(
        autre.protocole, lambda: action.enregistrer(auteur=auteur, date_effet=timezone.localdate(), avancement=70)
    )


def test_a_rebuilt_database_does_not_meet_the_reports_cached_for_the_old_one(action):
    """Le numéro recommence à 1 dans une base refaite ; le jeton tiré à la création de la ligne, non."""
    jeton, _numero = VersionDonnees.lire(action.protocole)
    VersionDonnees.objects.filter(protocole=action.protocole).delete()
    VersionDonnees.monter([action.protocole.pk])
    assert VersionDonnees.lire(action.protocole)[0] not in (None, jeton)


def test_the_version_is_bumped_in_the_writers_transaction(action, auteur):
    """Une écriture annulée (un refus de la règle) ne laisse pas la version montée."""
    avant = version(action.protocole)
    with pytest.raises(ValidationError):
        action.enregistrer(auteur=auteur, date_effet=timezone.localdate(), statut=Statut.REALISE, avancement=40)
    assert version(action.protocole) == avant
    UtilisateurFactory()  # un compte sans rôle ne touche aucun protocole
    assert version(action.protocole) == avant
