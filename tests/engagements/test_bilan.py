"""Le bilan à l'échéance (engagements/tableaux/bilan.py et `/bilan/`), sur un jeu construit à la main dont les
réponses sont écrites ici : l'échéance effective est le 31 décembre 2023 (la prorogation légale), celle du texte
signé le 31 décembre 2022.

Obligations (parties PT et ETAT ; engagements 1 et 2) :
- E1-PT-1 : tenu, effet 1er juin 2023 → tenu ; ses actions : « Forum » réalisée en mai 2023, « Atelier » réalisée en
  février 2024 (après l'échéance : ouverte au bilan) ; son indicateur « Accompagnés » (cible 20) : 2022 = 18,
  2023 = 25 saisie aujourd'hui (période finie à l'échéance : comptée), 2024 = 5 (après : pas comptée) → atteint.
- E1-PT-2 : partiel (effet 15 janvier 2023), puis tenu avec effet 1er mars 2024 (après l'échéance) → partiel.
- E1-ETAT-1 : non tenu, enregistré aujourd'hui avec effet au 30 novembre 2023 → non tenu ; son indicateur n'a de
  valeur qu'en 2024 → sans valeur au bilan.
- E2-PT-1 : aucun verdict → non évalué.
- E2-ETAT-1 : tenu, effet le jour même de l'échéance → tenu.
"""

import csv
import datetime
import html
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from engagements.models import Statut, Valeur, ValeurVerdict, Verdict
from engagements.tableaux.bilan import JourDuBilanRefuse, bilan
from tests.factories import BlocFactory, EngagementFactory, ObligationFactory, PartieFactory, ProtocoleFactory
from tests.factories_suivi import ROLES, ActionFactory, IndicateurFactory, RepereFactory, habilitation

pytestmark = pytest.mark.django_db
ECHEANCE = datetime.date(2023, 12, 31)


def d(annee, mois, jour):
    return datetime.date(annee, mois, jour)


def moment(date):
    return timezone.make_aware(datetime.datetime.combine(date, datetime.time(10)))


@pytest.fixture
def jeu():
    protocole = ProtocoleFactory(
        annee_debut=2015,
        annee_fin=2022,
        fin_echeance=d(2022, 12, 31),
        echeance_effective=ECHEANCE,
        echeance_justification="Loi de finances pour 2022 : contrats de ville prorogés au 31 décembre 2023.",
    )
    pt, etat = (
        PartieFactory(protocole=protocole, code="PT", ordre=1),
        PartieFactory(protocole=protocole, code="ETAT", ordre=2),
    )
    obligations = {}
    for numero in (1, 2):
        engagement = EngagementFactory(protocole=protocole, numero=numero)
        for ordre, partie in enumerate((pt, etat), start=1):
            bloc = BlocFactory(engagement=engagement, partie=partie, ordre=ordre)
            for rang in (1, 2) if (numero, partie.code) == (1, "PT") else (1,):
                obligations[f"E{numero}-{partie.code}-{rang}"] = ObligationFactory(
                    bloc=bloc, rang=rang, reference=f"E{numero}-{partie.code}-{rang}"
                )
    coordination = habilitation(protocole, ROLES.COORDINATEUR).utilisateur

    def verdict(reference, valeur, effet, enregistre=None):
        Verdict.donner(
            obligations[reference],
            auteur=coordination,
            valeur=valeur,
            date_effet=effet,
            motif=f"Revue {reference}",
            maintenant=moment(enregistre or effet),
        )

    verdict("E1-PT-1", ValeurVerdict.TENU, d(2023, 6, 1))
    verdict("E1-PT-2", ValeurVerdict.PARTIEL, d(2023, 1, 15))
    verdict("E1-PT-2", ValeurVerdict.TENU, d(2024, 3, 1))
    verdict("E1-ETAT-1", ValeurVerdict.NON_TENU, d(2023, 11, 30), enregistre=timezone.localdate())
    verdict("E2-ETAT-1", ValeurVerdict.TENU, ECHEANCE)

    def action(titre, realisee_le):
        une = ActionFactory(
            obligation=obligations["E1-PT-1"],
            titre=titre,
            date_effet=d(2022, 1, 10),
            echeance=d(2023, 12, 1),
            auteur=coordination,
        )
        une.enregistrer(auteur=coordination, date_effet=realisee_le, statut=Statut.REALISE, avancement=100)
        return une

    action("Forum", d(2023, 5, 1))
    action("Atelier", d(2024, 2, 1))

    accompagnes = IndicateurFactory(obligation=obligations["E1-PT-1"], reference="IND-A")
    RepereFactory(
        indicateur=accompagnes, base_valeur=10, base_date=d(2014, 12, 31), cible_valeur=20, cible_date=ECHEANCE
    )
    tardif = IndicateurFactory(obligation=obligations["E1-ETAT-1"], reference="IND-B")
    RepereFactory(indicateur=tardif, base_valeur=10, base_date=d(2014, 12, 31), cible_valeur=20, cible_date=ECHEANCE)
    for indicateur, periode, valeur, quand in (
        (accompagnes, "2022", 18, moment(d(2023, 2, 1))),
        (accompagnes, "2023", 25, None),
        (accompagnes, "2024", 5, None),
        (tardif, "2024", 30, None),
    ):
        Valeur.enregistrer(
            indicateur, quartier=None, periode=periode, valeur=valeur, auteur=coordination, maintenant=quand
        )
    return {
        "protocole": protocole,
        "obligations": obligations,
        "lecteur": habilitation(protocole, ROLES.LECTEUR).utilisateur,
    }


def par_code(comptes):
    return {partie.code: dict(v) for partie, v in comptes}


def test_the_balance_counts_per_party_and_per_engagement_at_the_effective_term(jeu):
    resultat = bilan(jeu["protocole"])
    assert resultat.au == ECHEANCE and not resultat.en_cours
    assert par_code(resultat.par_partie) == {
        "PT": {"tenu": 1, "partiel": 1, "non_tenu": 0, "non_evalue": 1},
        "ETAT": {"tenu": 1, "partiel": 0, "non_tenu": 1, "non_evalue": 0},
    }
    assert {e.numero: dict(v) for e, v in resultat.par_engagement} == {
        1: {"tenu": 1, "partiel": 1, "non_tenu": 1, "non_evalue": 0},
        2: {"tenu": 1, "partiel": 0, "non_tenu": 0, "non_evalue": 1},
    }
    verdicts = {o.obligation.reference: o.verdict for o in resultat.obligations}
    assert verdicts == {
        "E1-PT-1": "tenu",
        "E1-PT-2": "partiel",  # le « tenu » de mars 2024 prend effet après l'échéance
        "E1-ETAT-1": "non_tenu",  # enregistré aujourd'hui, effet avant l'échéance
        "E2-PT-1": "non_evalue",
        "E2-ETAT-1": "tenu",
    }


def test_actions_and_indicators_are_read_at_the_term_and_what_was_left_open_is_flagged(jeu):
    resultat = bilan(jeu["protocole"])
    premiere = next(o for o in resultat.obligations if o.obligation.reference == "E1-PT-1")
    assert (premiere.realisees, len(premiere.actions)) == (1, 2)
    assert [a.titre for a in premiere.non_realisees] == ["Atelier"]  # réalisée après l'échéance
    assert premiere.ouverte
    (situation,) = premiere.indicateurs
    assert [p.periode.code for p in situation.points] == ["2022", "2023"] and situation.atteinte
    assert resultat.indicateurs == (1, 2)  # IND-B : rien avant l'échéance
    assert resultat.actions == (1, 2)
    assert sorted(o.obligation.reference for o in resultat.ouvertes) == ["E1-ETAT-1", "E1-PT-1", "E1-PT-2", "E2-PT-1"]


def test_a_balance_in_progress_before_the_term_and_never_after_it(jeu):
    etape = bilan(jeu["protocole"], d(2023, 6, 30))
    assert etape.en_cours
    assert {o.obligation.reference: o.verdict for o in etape.obligations}["E1-ETAT-1"] == "non_evalue"
    with pytest.raises(JourDuBilanRefuse, match="à l'échéance du protocole"):
        bilan(jeu["protocole"], d(2024, 1, 1))
    # Sans échéance effective : celle du texte signé.
    protocole = jeu["protocole"]
    protocole.echeance_effective = None
    assert bilan(protocole).au == d(2022, 12, 31)


def test_the_balance_takes_a_fixed_number_of_queries(jeu, django_assert_num_queries):
    with django_assert_num_queries(10):
        bilan(jeu["protocole"])
    for rang in range(5):
        ActionFactory(obligation=jeu["obligations"]["E2-PT-1"], titre=f"Autre {rang}", date_effet=d(2022, 3, 1))
        IndicateurFactory(obligation=jeu["obligations"]["E2-ETAT-1"], reference=f"IND-X{rang}")
    with django_assert_num_queries(10):
        bilan(jeu["protocole"])


def test_the_balance_page_per_party_and_its_export(client, jeu):
    client.force_login(jeu["lecteur"])
    page = html.unescape(" ".join(client.get(reverse("bilan")).content.decode().split()))
    assert "Bilan à l'échéance du 31 décembre 2023" in page and "échéance effective" in page
    assert "Loi de finances pour 2022" in page
    assert "Laissée ouverte" in page and "1 action réalisée sur 2" in page.replace("</strong>", "").replace(
        "<strong>", ""
    )
    export = client.get(reverse("bilan"), {"export": "csv"})
    lignes = list(csv.reader(io.StringIO(export.content.decode("utf-8").lstrip("\ufeff")), delimiter=";"))
    entetes = lignes[0]
    rangs = {ligne[0]: ligne for ligne in lignes[1:]}
    assert rangs["E1-PT-1"][entetes.index("Verdict")] == "tenu"
    assert (
        rangs["E1-PT-1"][entetes.index("Actions réalisées")] == "1"
        and rangs["E1-PT-1"][entetes.index("Actions")] == "2"
    )
    assert rangs["E1-PT-1"][entetes.index("Indicateurs à la cible")] == "1"
    assert rangs["E2-PT-1"][entetes.index("Verdict")] == "non évalué"
    assert rangs["E1-PT-2"][entetes.index("Laissée ouverte")] == "oui"


def test_a_balance_date_after_the_term_is_refused_in_french_and_the_term_is_shown(client, jeu):
    client.force_login(jeu["lecteur"])
    for au in ("2024-01-01", "n'importe", "0001-01-01"):
        reponse = client.get(reverse("bilan"), {"au": au})
        assert reponse.status_code == 200
        page = html.unescape(reponse.content.decode())
        assert "Le bilan est montré à l'échéance." in page
        assert reponse.context["bilan"].au == ECHEANCE


def test_after_the_term_every_page_says_so_once_and_late_entries_are_marked(client, jeu):
    client.force_login(jeu["lecteur"])
    for nom, args in (("vue_ensemble", []), ("actions", []), ("obligation", [jeu["obligations"]["E1-PT-1"].pk])):
        page = client.get(reverse(nom, args=args)).content.decode()
        assert page.count("Le protocole a pris fin le <strong>31 décembre 2023</strong>") == 1
    atelier = jeu["obligations"]["E1-PT-1"].actions.get(titre="Atelier")
    fiche = html.unescape(client.get(reverse("action", args=[atelier.pk])).content.decode())
    assert fiche.count("après l'échéance") >= 2  # la réalisation de février 2024 (et le bandeau)
    protocole = jeu["protocole"]
    protocole.echeance_effective = timezone.localdate() + datetime.timedelta(days=30)
    protocole.save()
    assert "a pris fin" not in client.get(reverse("actions")).content.decode()
