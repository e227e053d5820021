"""Les bornes de la saisie, définies une fois sur le protocole (`plage_des_faits`, `plage_des_previsions`), et la date
d'une réunion du comité qui s'y tient : une réunion datée de l'an 1 ne rend plus sa page impossible à ouvrir."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains

from comite.models import Reunion
from tests.factories import ProtocoleFactory
from tests.factories_suivi import ROLES, habilitation

pytestmark = pytest.mark.django_db

AUJOURD_HUI = timezone.localdate()
DERNIER_JOUR_PREVU = datetime.date(AUJOURD_HUI.year + 10, 12, 31)


@pytest.fixture
def protocole():
    return ProtocoleFactory(annee_debut=2015)


@pytest.fixture
def coordination(client, protocole):
    client.force_login(habilitation(protocole, ROLES.COORDINATEUR).utilisateur)
    return client


def test_facts_run_from_the_first_day_of_the_contract_to_today(protocole):
    plage = protocole.plage_des_faits()
    assert (plage.debut, plage.fin) == (datetime.date(2015, 1, 1), AUJOURD_HUI)
    assert datetime.date(2015, 1, 1) in plage and AUJOURD_HUI in plage
    assert datetime.date(2014, 12, 31) not in plage and AUJOURD_HUI + datetime.timedelta(days=1) not in plage


def test_plans_run_from_the_first_day_of_the_contract_to_the_end_of_the_year_in_ten_years(protocole):
    plage = protocole.plage_des_previsions(datetime.date(2026, 3, 15))
    assert (plage.debut, plage.fin) == (datetime.date(2015, 1, 1), datetime.date(2036, 12, 31))


def test_each_refusal_says_the_allowed_range_in_french(protocole):
    with pytest.raises(ValidationError) as avant:
        protocole.plage_des_previsions(datetime.date(2026, 3, 15)).verifier(datetime.date(1, 1, 1), "L'échéance")
    assert avant.value.messages == [
        "L'échéance ne peut pas précéder le 1 janvier 2015, début du contrat de ville (1 janvier 0001) : dates "
        "possibles du 1 janvier 2015 au 31 décembre 2036."
    ]
    with pytest.raises(ValidationError) as apres:
        protocole.plage_des_faits(datetime.date(2026, 3, 15)).verifier(datetime.date(2026, 3, 16), "La date d'effet")
    assert apres.value.messages == [
        "La date d'effet ne peut pas être dans le futur (16 mars 2026) : dates possibles du 1 janvier 2015 à "
        "aujourd'hui (15 mars 2026)."
    ]


@pytest.mark.parametrize(
    ("date", "message"),
    [
        ("0001-01-01", "La date de la réunion ne peut pas précéder le 1 janvier 2015, début du contrat de ville"),
        ((DERNIER_JOUR_PREVU + datetime.timedelta(days=1)).isoformat(), "La date de la réunion ne peut pas dépasser"),
    ],
    ids=["an-1", "au-dela-de-dix-ans"],
)
def test_a_meeting_outside_the_contract_is_refused_in_french_and_the_typing_is_kept(coordination, date, message):
    reponse = coordination.post(reverse("reunion_creer"), {"date": date, "titre": "Comité mal daté"})
    assert reponse.status_code == 200
    assertContains(reponse, message)
    assertContains(reponse, f"dates possibles du 1 janvier 2015 au {DERNIER_JOUR_PREVU.day} décembre")
    assertContains(reponse, 'value="Comité mal daté"')
    assert not Reunion.objects.exists()


def test_a_meeting_can_be_planned_up_to_the_last_allowed_day(coordination, protocole):
    reponse = coordination.post(reverse("reunion_creer"), {"date": DERNIER_JOUR_PREVU, "titre": "Comité lointain"})
    reunion = Reunion.objects.get(protocole=protocole)
    assert reponse.status_code == 302 and reunion.date == DERNIER_JOUR_PREVU


def test_moving_a_meeting_to_year_one_is_refused_and_changes_nothing(coordination, protocole):
    reunion = Reunion.objects.create(protocole=protocole, date=AUJOURD_HUI, titre="Comité d'automne")
    reponse = coordination.post(reverse("reunion_modifier", args=[reunion.pk]), {"date": "0001-01-01", "titre": "X"})
    assertContains(reponse, "La date de la réunion ne peut pas précéder le 1 janvier 2015")
    reunion.refresh_from_db()
    assert (reunion.date, reunion.titre) == (AUJOURD_HUI, "Comité d'automne")


def test_a_meeting_saved_in_year_one_before_the_rule_still_opens(coordination, protocole):
    """Saisie avant la règle (la base n'a pas de contrainte) : sa page et la liste s'ouvrent, le rapport se lit à
    partir du début du contrat."""
    reunion = Reunion.objects.create(protocole=protocole, date=datetime.date(1, 1, 1), titre="Comité de l'an 1")
    assert coordination.get(reverse("reunions")).status_code == 200
    reponse = coordination.get(reverse("reunion", args=[reunion.pk]))
    assert reponse.status_code == 200
    assert (reponse.context["au"], reponse.context["depuis"]) == (datetime.date(2015, 1, 1), datetime.date(2015, 1, 1))


def test_an_impossible_id_in_a_decision_is_refused_not_a_server_error(coordination, protocole):
    """Un identifiant qu'aucune base ne tient (SQLite levait OverflowError dans le `IN` de la validation)."""
    reunion = Reunion.objects.create(protocole=protocole, date=AUJOURD_HUI, titre="Comité d'automne")
    donnees = {"texte": "Relancer le chantier", "obligations": ["99999999999999999999999"], "suivi": "a_faire"}
    reponse = coordination.post(reverse("decision_creer", args=[reunion.pk]), donnees)
    assert reponse.status_code == 200 and "obligations" in reponse.context["form"].errors
    assert not reunion.decisions.exists()
