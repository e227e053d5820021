"""Dix verdicts au même instant sur la même obligation, par de vrais fils et de vraies transactions (PostgreSQL) :
le journal reste une chaîne et le verdict courant est celui de sa dernière entrée."""

import threading

import pytest
from django.db import connection
from django.utils import timezone

from engagements.models import Champ, Entree, ValeurVerdict, Verdict
from engagements.models.journal import ORDRE_RECENT
from tests.factories import ObligationFactory, UtilisateurFactory

SIMULTANES = 10
VALEURS = [ValeurVerdict.TENU, ValeurVerdict.PARTIEL, ValeurVerdict.NON_TENU]

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite sérialise déjà les écritures : la concurrence se vérifie sur PostgreSQL (la CI lance les deux).",
)


@pytest.mark.django_db(transaction=True)
def test_simultaneous_verdicts_on_an_obligation_form_a_chain_and_the_current_verdict_is_the_last_entry():
    protocole = ObligationFactory().protocole
    obligations = [ObligationFactory(protocole=protocole, bloc__engagement__protocole=protocole) for _ in range(4)]
    auteur = UtilisateurFactory()
    aujourdhui = timezone.localdate()
    erreurs = []

    def donner(obligation, valeur, depart):
        try:
            depart.wait()
            Verdict.donner(obligation, auteur=auteur, valeur=valeur, date_effet=aujourdhui, motif="en même temps")
        except Exception as erreur:  # noqa: BLE001 — remontée au fil principal, qui échoue en la montrant
            erreurs.append(erreur)
        finally:
            connection.close()

    for obligation in obligations:
        depart = threading.Barrier(SIMULTANES)
        fils = [
            threading.Thread(target=donner, args=(obligation, VALEURS[rang % len(VALEURS)], depart))
            for rang in range(SIMULTANES)
        ]
        for f in fils:
            f.start()
        for f in fils:
            f.join()
    assert not erreurs, erreurs

    for obligation in obligations:
        entrees = list(Entree.objects.filter(obligation=obligation, champ=Champ.VERDICT).order_by(*ORDRE_RECENT))
        entrees.reverse()
        avant = ValeurVerdict.NON_EVALUE
        for entree in entrees:
            assert entree.verdict_avant == avant, (
                f"{obligation.reference} : la chaîne est rompue à l'entrée {entree.pk}"
            )
            assert entree.verdict_apres != entree.verdict_avant
            avant = entree.verdict_apres
        assert Verdict.objects.get(obligation=obligation).valeur == entrees[-1].verdict_apres
