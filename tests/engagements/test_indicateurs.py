"""Les chiffres des indicateurs (engagements/tableaux/indicateurs.py) : périodes, valeur d'une période au jour D,
progression vers la cible et étiquettes, sur des cas écrits à la main, horloge figée au 15 novembre 2026."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from engagements.models import Frequence, Periode, Sens, Unite, Valeur
from engagements.tableaux.indicateurs import Etiquette, situations
from tests.factories import ProtocoleFactory, QuartierFactory, UtilisateurFactory
from tests.factories_suivi import IndicateurFactory, RepereFactory

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
AUJOURDHUI = datetime.date(2026, 11, 15)


@pytest.fixture(autouse=True)
def horloge():
    with time_machine.travel(datetime.datetime(2026, 11, 15, 10, 0, tzinfo=PARIS), tick=False):
        yield


def le(jour, heure=10):
    return datetime.datetime.combine(jour, datetime.time(heure), tzinfo=PARIS)


@pytest.fixture
def auteur():
    return UtilisateurFactory()


def indicateur(**champs):
    champs.setdefault("obligation__protocole", ProtocoleFactory(annee_debut=2015, annee_fin=2022))
    return IndicateurFactory(**champs)


def saisir(ind, periode, valeur, auteur, quand=None, quartier=None, **autres):
    return Valeur.enregistrer(
        ind, quartier=quartier, periode=periode, valeur=valeur, auteur=auteur, maintenant=quand, **autres
    )


def seule(ind, au=AUJOURDHUI):
    (situation,) = situations(type(ind).objects.filter(pk=ind.pk), au)
    return situation


# -- les périodes ----------------------------------------------------------------------------------------------------


def test_periods_are_read_in_the_indicator_frequency_and_refused_in_french_otherwise():
    assert Periode.lire("2021", Frequence.ANNUELLE).code == "2021"
    assert Periode.lire(" 2021-s2 ", Frequence.SEMESTRIELLE).code == "2021-S2"
    trimestre = Periode.lire("2021-T3", Frequence.TRIMESTRIELLE)
    assert (trimestre.debut, trimestre.fin) == (datetime.date(2021, 7, 1), datetime.date(2021, 9, 30))
    assert trimestre.libelle == "3e trimestre 2021"
    assert trimestre.suivante.code == "2021-T4" and trimestre.suivante.suivante.code == "2022-T1"
    with pytest.raises(ValidationError, match="ne correspond pas à la fréquence trimestrielle"):
        Periode.lire("2021-S1", Frequence.TRIMESTRIELLE)
    with pytest.raises(ValidationError, match="ne correspond pas à la fréquence annuelle"):
        Periode.lire("2021-T1", Frequence.ANNUELLE)
    with pytest.raises(ValidationError, match="illisible"):
        Periode.lire("T1 2021", Frequence.TRIMESTRIELLE)
    with pytest.raises(ValidationError, match="ne correspond pas"):
        Periode.lire("2021-T5", Frequence.TRIMESTRIELLE)
    # La dernière période écoulée le 15 novembre 2026.
    assert Periode.derniere_close(AUJOURDHUI, Frequence.TRIMESTRIELLE).code == "2026-T3"
    assert Periode.derniere_close(AUJOURDHUI, Frequence.SEMESTRIELLE).code == "2026-S1"
    assert Periode.derniere_close(AUJOURDHUI, Frequence.ANNUELLE).code == "2025"
    assert Periode.derniere_close(datetime.date(2026, 12, 31), Frequence.ANNUELLE).code == "2026"


def test_a_value_is_checked_against_its_indicator_before_anything_is_written(auteur):
    ind = indicateur(unite=Unite.POURCENTAGE, frequence=Frequence.TRIMESTRIELLE)
    refus = {
        "2021": "fréquence trimestrielle",
        "2014-T4": "précède le contrat de ville",
        "2027-T1": "n'a pas encore commencé",
    }
    for periode, message in refus.items():
        with pytest.raises(ValidationError, match=message):
            saisir(ind, periode, "10", auteur)
    for valeur, message in {"douze": "illisible", "-1": "négative", "100,5": "entre 0 et 100"}.items():
        with pytest.raises(ValidationError, match=message):
            saisir(ind, "2021-T1", valeur, auteur)
    autre = QuartierFactory()
    with pytest.raises(ValidationError, match="pas un quartier du protocole"):
        saisir(ind, "2021-T1", "10", auteur, quartier=autre)
    assert not Valeur.objects.exists()
    # Une virgule française, des espaces de milliers : lus.
    ligne = saisir(ind, "2026-T4", "12,5", auteur)
    assert ligne.valeur == Decimal("12.50") and ligne.periode == "2026-T4"


def test_a_correction_keeps_the_old_value_and_the_same_value_twice_writes_nothing(auteur):
    ind = indicateur()
    premiere = saisir(ind, "2021", "100", auteur, quand=le(datetime.date(2022, 2, 1)), source="CAF")
    assert premiere.valeur_avant is None
    assert saisir(ind, "2021", "100,00", auteur, source="CAF") is None
    correction = saisir(ind, "2021", "110", auteur, quand=le(datetime.date(2022, 3, 1)), source="CAF")
    assert (correction.valeur_avant, correction.valeur) == (Decimal(100), Decimal(110))
    assert Valeur.objects.count() == 2
    # En ajout seul : la base refuse de modifier ou de supprimer une valeur.
    with pytest.raises(IntegrityError, match="ajout seul"), transaction.atomic():
        Valeur.objects.filter(pk=premiere.pk).update(valeur=1)
    with pytest.raises(IntegrityError, match="ajout seul"), transaction.atomic():
        Valeur.objects.filter(pk=premiere.pk).delete()


# -- la progression --------------------------------------------------------------------------------------------------


def test_progress_is_the_share_of_the_span_covered_bounded_to_0_100(auteur):
    ind = indicateur()
    RepereFactory(
        indicateur=ind,
        base_valeur=100,
        base_date=datetime.date(2014, 12, 31),
        cible_valeur=200,
        cible_date=datetime.date(2022, 12, 31),
    )
    saisir(ind, "2024", "130", auteur, quand=le(datetime.date(2025, 2, 1)))
    saisir(ind, "2025", "145", auteur, quand=le(datetime.date(2026, 2, 1)))
    situation = seule(ind)
    assert situation.progression == 45
    assert (situation.etiquette, situation.libelle) == (Etiquette.EN_PROGRES, "en progrès")
    saisir(ind, "2025", "80", auteur)  # sous la valeur de départ : 0 %, et en recul sur 2024
    situation = seule(ind)
    assert situation.progression == 0 and situation.etiquette == Etiquette.EN_RECUL


def test_target_reached_caps_progress_at_100_and_says_atteint(auteur):
    ind = indicateur()
    RepereFactory(
        indicateur=ind,
        base_valeur=10,
        base_date=datetime.date(2014, 1, 1),
        cible_valeur=20,
        cible_date=datetime.date(2022, 12, 31),
    )
    saisir(ind, "2024", "25", auteur)
    saisir(ind, "2025", "22", auteur)  # moins que l'an passé, mais la cible est atteinte : « atteint » d'abord
    situation = seule(ind)
    assert situation.progression == 100
    assert situation.etiquette == Etiquette.ATTEINT


def test_a_decreasing_indicator_progresses_when_its_value_goes_down(auteur):
    ind = indicateur(sens=Sens.BAISSE, unite=Unite.POURCENTAGE)
    RepereFactory(
        indicateur=ind,
        base_valeur=40,
        base_date=datetime.date(2014, 1, 1),
        cible_valeur=30,
        cible_date=datetime.date(2022, 12, 31),
    )
    saisir(ind, "2024", "38", auteur)
    saisir(ind, "2025", "36", auteur)
    situation = seule(ind)
    assert (situation.progression, situation.etiquette) == (40, Etiquette.EN_PROGRES)
    saisir(ind, "2025", "39", auteur)  # remonte : en recul
    assert seule(ind).etiquette == Etiquette.EN_RECUL
    saisir(ind, "2025", "30", auteur)
    assert (seule(ind).progression, seule(ind).etiquette) == (100, Etiquette.ATTEINT)


@pytest.mark.parametrize(
    ("base", "cible", "raison"),
    [
        (None, 200, "pas de valeur de départ"),
        (100, None, "pas de cible"),
        (None, None, "ni valeur de départ ni cible"),
        (100, 100, "la cible est égale à la valeur de départ"),
        (100, 50, "sens contraire"),
    ],
)
def test_progress_is_not_computed_without_baseline_or_target_or_span_and_says_why(auteur, base, cible, raison):
    ind = indicateur()
    RepereFactory(
        indicateur=ind,
        base_valeur=base,
        base_date=datetime.date(2014, 1, 1) if base is not None else None,
        cible_valeur=cible,
        cible_date=datetime.date(2022, 12, 31) if cible is not None else None,
    )
    saisir(ind, "2025", "150", auteur)
    situation = seule(ind)
    assert situation.progression is None
    assert raison in situation.raison


def test_values_entered_out_of_order_are_read_in_period_order(auteur):
    ind = indicateur()
    saisir(ind, "2025", "30", auteur, quand=le(datetime.date(2026, 1, 10)))
    saisir(ind, "2023", "10", auteur, quand=le(datetime.date(2026, 1, 11)))
    saisir(ind, "2024", "40", auteur, quand=le(datetime.date(2026, 1, 12)))
    situation = seule(ind)
    assert [p.periode.code for p in situation.points] == ["2023", "2024", "2025"]
    assert situation.derniere.valeur == 30 and situation.precedente.valeur == 40
    assert situation.etiquette == Etiquette.EN_RECUL  # 2025 (30) moins bon que 2024 (40), saisi après


def test_a_correction_recorded_after_a_later_value_changes_the_past_only_from_its_recording_day(auteur):
    ind = indicateur()
    saisir(ind, "2024", "50", auteur, quand=le(datetime.date(2025, 2, 1)))
    saisir(ind, "2025", "60", auteur, quand=le(datetime.date(2026, 2, 1)))
    saisir(ind, "2024", "70", auteur, quand=le(datetime.date(2026, 3, 1)))  # 2024 corrigé après 2025
    avant = seule(ind, datetime.date(2026, 2, 28))
    apres = seule(ind)
    assert [p.valeur for p in avant.points] == [50, 60] and avant.etiquette == Etiquette.EN_PROGRES
    assert [p.valeur for p in apres.points] == [70, 60] and apres.etiquette == Etiquette.EN_RECUL
    # Le jour D compte à Paris : enregistrée le 1er mars à 0 h 30 (le 28 février en UTC), la correction est du 1er.
    saisir(ind, "2025", "65", auteur, quand=datetime.datetime(2026, 3, 2, 0, 30, tzinfo=PARIS))
    assert seule(ind, datetime.date(2026, 3, 1)).derniere.valeur == 60
    assert seule(ind, datetime.date(2026, 3, 2)).derniere.valeur == 65
    # Avant la première saisie, sans valeur de départ ni cible : l'indicateur n'a encore rien dans aucun quartier.
    assert situations(type(ind).objects.filter(pk=ind.pk), datetime.date(2025, 1, 31)) == []


def test_sans_valeur_depuis_when_more_than_one_period_late_for_its_frequency(auteur):
    ind = indicateur(frequence=Frequence.TRIMESTRIELLE)
    saisir(ind, "2026-T1", "10", auteur, quand=le(datetime.date(2026, 4, 10)))
    # Le 15 novembre 2026, la dernière période écoulée est 2026-T3 : T2 manque aussi, deux périodes de retard.
    situation = seule(ind)
    assert (situation.etiquette, situation.libelle) == (
        Etiquette.SANS_VALEUR,
        "sans valeur depuis le 2e trimestre 2026",
    )
    saisir(ind, "2026-T2", "12", auteur)  # une période de retard : toléré
    assert seule(ind).etiquette == Etiquette.EN_PROGRES
    # Des dates passées, où T2 n'était pas encore saisi : le 29 septembre, T2 était la dernière période écoulée (une
    # période de retard) ; le 30, dernier jour de T3, T3 l'est aussi (deux).
    assert seule(ind, datetime.date(2026, 9, 29)).etiquette == Etiquette.EN_PROGRES
    assert seule(ind, datetime.date(2026, 9, 30)).libelle == "sans valeur depuis le 2e trimestre 2026"
    annuel = indicateur(frequence=Frequence.ANNUELLE)
    saisir(annuel, "2023", "10", auteur)
    assert seule(annuel).libelle == "sans valeur depuis 2024"
    vide = indicateur()
    RepereFactory(indicateur=vide, base_valeur=1, base_date=datetime.date(2014, 1, 1))
    assert (seule(vide).etiquette, seule(vide).libelle) == (Etiquette.SANS_VALEUR, "sans valeur")


def test_situations_are_per_quartier_territory_first_and_a_quartier_keeps_its_own_and_the_territory(auteur):
    ind = indicateur()
    protocole = ind.protocole
    brunetiere = QuartierFactory(protocole=protocole, nom="Brunetière")
    baltiss = QuartierFactory(protocole=protocole, nom="Baltiss")
    saisir(ind, "2025", "5", auteur, quartier=brunetiere)
    saisir(ind, "2025", "3", auteur, quartier=baltiss)
    saisir(ind, "2025", "20", auteur)
    toutes = situations(type(ind).objects.filter(pk=ind.pk), AUJOURDHUI)
    assert [s.lieu for s in toutes] == ["Tout le territoire", "Baltiss", "Brunetière"]
    du_quartier = situations(type(ind).objects.filter(pk=ind.pk), AUJOURDHUI, quartier=brunetiere)
    assert [(s.lieu, s.derniere.valeur) for s in du_quartier] == [("Tout le territoire", 20), ("Brunetière", 5)]


def test_situations_take_four_queries_whatever_the_number_of_indicators_and_values(auteur, django_assert_num_queries):
    protocole = ProtocoleFactory(annee_debut=2015, annee_fin=2022)
    quartiers = [QuartierFactory(protocole=protocole) for _ in range(3)]

    def remplir(n):
        for _ in range(n):
            ind = IndicateurFactory(obligation__protocole=protocole, frequence=Frequence.ANNUELLE)
            RepereFactory(indicateur=ind, quartier=quartiers[0], base_valeur=1, base_date=datetime.date(2014, 1, 1))
            for annee in range(2019, 2026):
                for quartier in quartiers:
                    saisir(ind, str(annee), str(annee - 2000), auteur, quartier=quartier)

    remplir(1)
    with django_assert_num_queries(4):
        assert len(situations(protocole.indicateurs.all(), AUJOURDHUI)) == 3
    remplir(4)
    with django_assert_num_queries(4):
        assert len(situations(protocole.indicateurs.all(), AUJOURDHUI)) == 15
