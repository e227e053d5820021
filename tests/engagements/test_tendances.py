"""Les chiffres de la note au comité, lus dans la couche des requêtes : la tendance par trimestre, les verdicts par
partie, les changements d'une période (une ligne par action)."""

import datetime

import pytest
from django.utils import timezone

from engagements.models import Statut, ValeurVerdict, Verdict
from engagements.tableaux import Perimetre, grille
from engagements.tableaux.tendances import changements_par_action, fins_de_trimestre, tendance, verdicts_par_partie
from tests.factories import ObligationFactory, PartieFactory, ProtocoleFactory, UtilisateurFactory
from tests.factories_suivi import ActionFactory

pytestmark = pytest.mark.django_db

J = datetime.date


def moment(jour):
    return timezone.make_aware(datetime.datetime.combine(jour, datetime.time(10)))


@pytest.fixture
def jeu():
    """Trois actions créées en 2024 sur un protocole commencé en 2024 :
    A réalisée le 10 mai 2024 ; B due le 15 août 2024, toujours en cours (en retard dès le 16 août) ; C due fin 2030,
    abandonnée le 1er octobre 2024 (elle sort des trois nombres)."""
    protocole = ProtocoleFactory(annee_debut=2024, annee_fin=2030)
    obligation = ObligationFactory(bloc__engagement__protocole=protocole, protocole=protocole)
    auteur = UtilisateurFactory()

    def action(titre, echeance):
        return ActionFactory(
            obligation=obligation,
            titre=titre,
            date_effet=J(2024, 2, 1),
            maintenant=moment(J(2024, 2, 1)),
            echeance=echeance,
            auteur=auteur,
        )

    a = action("A", J(2024, 6, 30))
    a.enregistrer(
        auteur=auteur,
        date_effet=J(2024, 5, 10),
        maintenant=moment(J(2024, 5, 10)),
        statut=Statut.REALISE,
        avancement=100,
    )
    b = action("B", J(2024, 8, 15))
    c = action("C", J(2030, 12, 31))
    c.enregistrer(
        auteur=auteur,
        date_effet=J(2024, 10, 1),
        maintenant=moment(J(2024, 10, 1)),
        statut=Statut.ABANDONNE,
        commentaire="Dispositif arrêté.",
    )
    return protocole, auteur, obligation, (a, b, c)


def test_quarter_ends_run_from_the_start_of_the_contract_to_the_given_day():
    assert fins_de_trimestre(J(2024, 1, 1), J(2024, 11, 29)) == [
        J(2024, 3, 31),
        J(2024, 6, 30),
        J(2024, 9, 30),
        J(2024, 11, 29),
    ]
    assert fins_de_trimestre(J(2024, 1, 1), J(2024, 12, 31)) == [
        J(2024, 3, 31),
        J(2024, 6, 30),
        J(2024, 9, 30),
        J(2024, 12, 31),
    ]


def test_the_trend_counts_done_on_time_and_late_actions_per_quarter(jeu, django_assert_num_queries):
    protocole, *_reste = jeu
    perimetre = Perimetre(protocole)

    with django_assert_num_queries(1):
        trimestres = tendance(perimetre, J(2025, 2, 15))

    assert [(t.libelle, t.realisees, t.a_jour, t.en_retard) for t in trimestres] == [
        ("T1 2024", 0, 3, 0),
        ("T2 2024", 1, 2, 0),
        ("T3 2024", 1, 1, 1),  # B est due le 15 août
        ("T4 2024", 1, 0, 1),  # C est abandonnée le 1er octobre
        ("T1 2025", 1, 0, 1),
    ]


def test_the_trend_equals_the_query_layer_counts_on_each_quarter_end(jeu):
    protocole, *_reste = jeu
    perimetre = Perimetre(protocole)

    for trimestre in tendance(perimetre, J(2025, 2, 15)):
        total = grille(perimetre, trimestre.fin).total
        ouvertes = sum(n for statut, n in total.par_statut.items() if statut not in (Statut.REALISE, Statut.ABANDONNE))
        assert trimestre.realisees == total.par_statut[Statut.REALISE], trimestre
        assert trimestre.en_retard == total.en_retard, trimestre
        assert trimestre.a_jour == ouvertes - total.en_retard, trimestre


def test_verdicts_are_counted_per_party_as_they_stood(jeu):
    protocole, auteur, obligation, _actions = jeu
    caf = PartieFactory(protocole=protocole, code="CAF")
    autre = ObligationFactory(bloc__engagement=obligation.bloc.engagement, bloc__partie=caf, protocole=protocole)
    Verdict.donner(obligation, auteur=auteur, valeur=ValeurVerdict.TENU, date_effet=J(2024, 12, 1), motif="Bilan.")

    avant = dict((p.code, v) for p, v in verdicts_par_partie(Perimetre(protocole), J(2024, 11, 30)))
    apres = dict((p.code, v) for p, v in verdicts_par_partie(Perimetre(protocole), J(2024, 12, 1)))

    assert avant[obligation.bloc.partie.code][ValeurVerdict.NON_EVALUE] == 1
    assert apres[obligation.bloc.partie.code][ValeurVerdict.TENU] == 1
    assert apres[autre.bloc.partie.code][ValeurVerdict.NON_EVALUE] == 1


def test_changes_of_a_period_give_one_line_per_action_from_and_to(jeu, django_assert_num_queries):
    protocole, *_reste = jeu

    with django_assert_num_queries(1):
        lignes = changements_par_action(Perimetre(protocole), J(2024, 5, 1), J(2024, 12, 31))

    assert [(a.titre, a.statut_avant, a.statut_au, a.avancement_avant, a.avancement_au) for a in lignes] == [
        ("A", Statut.EN_COURS, Statut.REALISE, 10, 100),
        ("C", Statut.EN_COURS, Statut.ABANDONNE, 10, 10),
    ]
    assert lignes[1].dernier_commentaire == "Dispositif arrêté."
    assert changements_par_action(Perimetre(protocole), J(2025, 1, 1), J(2025, 2, 1)) == []
