"""Les chiffres des tableaux de bord sur un jeu construit à la main, dont les bonnes réponses sont écrites ici.

Six actions, deux engagements, deux quartiers : « tout le territoire », abandonnée (hors moyenne), en retard,
archivée, créée après la date « au », et une entrée antidatée enregistrée après coup.
"""

import datetime

import pytest
from django.utils import timezone

from comite.models import Reunion
from engagements.models import Statut, ValeurVerdict, Verdict
from engagements.periode import depuis_par_defaut
from engagements.tableaux import (
    Perimetre,
    comptes_par_quartier,
    evolutions,
    grille,
    verdicts_par_engagement,
)
from tests.factories import (
    BlocFactory,
    EngagementFactory,
    ObligationFactory,
    OrganisationFactory,
    PartieFactory,
    ProtocoleFactory,
    QuartierFactory,
    UtilisateurFactory,
)
from tests.factories_suivi import ActionFactory

pytestmark = pytest.mark.django_db

D = datetime.date
JUIN = D(2024, 6, 1)
AVRIL = D(2024, 4, 1)


def moment(date):
    return timezone.make_aware(datetime.datetime.combine(date, datetime.time(10)))


@pytest.fixture
def jeu():
    protocole = ProtocoleFactory()
    parties = {code: PartieFactory(protocole=protocole, code=code) for code in ("PT", "ETAT", "CAF", "ARS")}
    e1 = EngagementFactory(protocole=protocole, numero=1)
    e2 = EngagementFactory(protocole=protocole, numero=2)
    obligation = {
        "E1-PT": ObligationFactory(bloc=BlocFactory(engagement=e1, partie=parties["PT"]), rang=1),
        "E1-ETAT": ObligationFactory(bloc=BlocFactory(engagement=e1, partie=parties["ETAT"]), rang=1),
        "E2-PT": ObligationFactory(bloc=BlocFactory(engagement=e2, partie=parties["PT"]), rang=1),
        "E2-CAF": ObligationFactory(bloc=BlocFactory(engagement=e2, partie=parties["CAF"]), rang=1),
    }
    qa = QuartierFactory(protocole=protocole, nom="A", ordre=1)
    qb = QuartierFactory(protocole=protocole, nom="B", ordre=2)
    caf = OrganisationFactory(nom="CAF")
    auteur = UtilisateurFactory()
    j0 = D(2024, 1, 10)

    def action(ref, quartiers=(), date=j0, **champs):
        champs.setdefault("echeance", D(2030, 1, 1))
        return ActionFactory(
            obligation=obligation[ref],
            quartiers=quartiers,
            date_effet=date,
            maintenant=moment(date),
            auteur=auteur,
            **champs,
        )

    a1 = action("E1-PT", [qa], statut=Statut.EN_COURS, avancement=40, echeance=D(2024, 3, 1), partenaires=[caf])
    action("E1-PT", tout_le_territoire=True, statut=Statut.REALISE, avancement=100, echeance=D(2024, 2, 1))
    action("E1-ETAT", [qb], statut=Statut.ABANDONNE, avancement=10, commentaire="sans objet", echeance=D(2024, 2, 1))
    a4 = action("E2-CAF", [qa, qb], statut=Statut.EN_COURS, avancement=60, echeance=D(2025, 1, 1), pilote=caf)
    action("E2-PT", [qb], date=D(2024, 8, 1), statut=Statut.A_VENIR, avancement=0)
    a6 = action("E1-PT", [qa], statut=Statut.EN_COURS, avancement=20, echeance=D(2024, 12, 31))

    a6.archiver(auteur=auteur, date_effet=D(2024, 5, 1), commentaire="doublon", maintenant=moment(D(2024, 5, 1)))
    a1.enregistrer(
        auteur=auteur,
        date_effet=D(2024, 6, 15),
        statut=Statut.REALISE,
        avancement=100,
        maintenant=moment(D(2024, 6, 15)),
    )
    a4.enregistrer(auteur=auteur, date_effet=D(2024, 7, 1), avancement=80, maintenant=moment(D(2024, 7, 1)))
    # Antidatée : prise d'effet le 1er mars, enregistrée aujourd'hui, après le changement de juillet.
    a4.enregistrer(auteur=auteur, date_effet=D(2024, 3, 1), statut=Statut.BLOQUE, commentaire="local fermé")
    Verdict.donner(
        obligation["E1-PT"], auteur=auteur, valeur=ValeurVerdict.TENU, date_effet=D(2024, 5, 1), motif="revue"
    )
    return {"protocole": protocole, "qa": qa, "qb": qb, "caf": caf}


def statuts(compte):
    return {statut: n for statut, n in compte.par_statut.items() if n}


def test_the_grid_on_a_past_date_counts_each_action_once_under_its_party(jeu):
    resultat = grille(Perimetre(jeu["protocole"]), JUIN)
    assert [p.code for p in resultat.parties] == ["PT", "ETAT", "CAF", "ARS"]
    (_e1, cellules1, total1), (_e2, cellules2, _total2) = resultat.lignes
    pt, etat, caf, ars = cellules1
    assert statuts(pt) == {"en_cours": 1, "realise": 1} and pt.en_retard == 1 and pt.moyenne == 70
    assert statuts(etat) == {"abandonne": 1} and etat.moyenne is None, "une action abandonnée n'entre pas en moyenne"
    assert caf.sans_objet and ars.sans_objet and not pt.sans_objet
    assert (total1.total, total1.en_retard, total1.moyenne) == (3, 1, 70)
    pt2, etat2, caf2, _ars2 = cellules2
    assert pt2.total == 0 and not pt2.sans_objet, "pas encore créée en juin : 0, pas « sans objet »"
    assert etat2.sans_objet
    assert statuts(caf2) == {"bloque": 1}, "l'entrée antidatée au 1er mars compte en juin"
    assert caf2.moyenne == 60, "l'avancement de juillet ne compte pas encore"
    assert (resultat.total.total, resultat.total.en_retard, resultat.total.moyenne) == (4, 1, 67)


def test_an_archived_action_counts_until_its_archiving(jeu):
    avril = grille(Perimetre(jeu["protocole"]), AVRIL)
    assert avril.lignes[0][2].total == 4
    assert statuts(avril.lignes[1][1][2]) == {"bloque": 1}


def test_today_reads_the_current_state(jeu):
    resultat = grille(Perimetre(jeu["protocole"]), timezone.localdate())
    (_, cellules1, total1), (_, cellules2, total2) = resultat.lignes
    assert statuts(total1) == {"realise": 2, "abandonne": 1} and total1.en_retard == 0 and total1.moyenne == 100
    assert statuts(total2) == {"bloque": 1, "a_venir": 1} and total2.en_retard == 1 and total2.moyenne == 40
    assert resultat.total.total == 5


def test_quartiers_count_whole_territory_actions_in_each_and_do_not_add_up(jeu):
    perimetre = Perimetre(jeu["protocole"])
    juin = dict(comptes_par_quartier(perimetre, JUIN))
    a, b = juin[jeu["qa"]], juin[jeu["qb"]]
    assert statuts(a) == {"en_cours": 1, "realise": 1, "bloque": 1} and a.en_retard == 1 and a.moyenne == 67
    assert statuts(b) == {"realise": 1, "abandonne": 1, "bloque": 1} and b.en_retard == 0 and b.moyenne == 80
    assert a.total + b.total == 6 != grille(perimetre, JUIN).total.total
    aujourdhui = dict(comptes_par_quartier(perimetre, timezone.localdate()))
    assert statuts(aujourdhui[jeu["qa"]]) == {"realise": 2, "bloque": 1}
    assert statuts(aujourdhui[jeu["qb"]]) == {"realise": 1, "abandonne": 1, "bloque": 1, "a_venir": 1}
    assert aujourdhui[jeu["qb"]].moyenne == 60


def test_a_quartier_perimeter_gives_the_same_figures_as_the_side_by_side_view(jeu):
    resultat = grille(Perimetre(jeu["protocole"], quartier=jeu["qa"]), JUIN)
    assert statuts(resultat.total) == {"en_cours": 1, "realise": 1, "bloque": 1}
    assert resultat.total.moyenne == 67


def test_an_organisation_perimeter_covers_its_piloted_and_partnered_actions(jeu):
    resultat = grille(Perimetre(jeu["protocole"], organisation=jeu["caf"]), timezone.localdate())
    assert statuts(resultat.total) == {"realise": 1, "bloque": 1}


def test_verdicts_are_counted_as_they_stood_on_the_date(jeu):
    perimetre = Perimetre(jeu["protocole"])
    assert verdicts_par_engagement(perimetre, AVRIL)[1] == {"non_evalue": 2, "tenu": 0, "partiel": 0, "non_tenu": 0}
    assert verdicts_par_engagement(perimetre, JUIN)[1]["tenu"] == 1
    assert verdicts_par_engagement(perimetre, JUIN)[2]["non_evalue"] == 2


@pytest.mark.parametrize(
    ("depuis", "au", "attendu"),
    [
        (D(2024, 5, 15), D(2024, 8, 31), (1, 1, 1, 0)),
        (D(2024, 6, 15), D(2024, 8, 31), (1, 1, 1, 0)),  # « depuis » inclut son jour
        (D(2024, 6, 16), D(2024, 8, 31), (0, 0, 1, 0)),
        (D(2024, 5, 15), D(2024, 6, 14), (0, 0, 0, 0)),  # « au » arrête la période
        (D(2024, 5, 1), D(2024, 6, 15), (1, 1, 0, 1)),
        (D(2024, 1, 1), D(2024, 12, 31), (2, 1, 5, 1)),  # l'antidatée comprise ; l'archivée sort du périmètre
    ],
)
def test_changes_since_a_date_follow_the_journal_effect_dates(jeu, depuis, au, attendu):
    resultat = evolutions(Perimetre(jeu["protocole"]), depuis, au)
    assert (resultat.statuts_changes, resultat.realisees, resultat.nouvelles, resultat.verdicts) == attendu


def test_since_defaults_to_the_last_committee_meeting_then_six_months(jeu):
    protocole = jeu["protocole"]
    assert depuis_par_defaut(protocole, D(2024, 8, 31)) == D(2024, 2, 29)
    Reunion.objects.create(protocole=protocole, date=D(2024, 5, 20), titre="Comité de printemps")
    Reunion.objects.create(protocole=protocole, date=D(2024, 10, 1), titre="Comité d'automne")
    assert depuis_par_defaut(protocole, D(2024, 8, 31)) == D(2024, 5, 20)
