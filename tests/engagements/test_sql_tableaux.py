"""Le SQL des requêtes des tableaux de bord, photographié date figée : une requête changée se voit en revue, comme un
diff de `tests/engagements/sql_tableaux/<base>/`.

Après un changement voulu d'une requête, réécrire les photographies (sur SQLite, puis sur PostgreSQL) :
`SQL_TABLEAUX=reecrire .venv/bin/pytest tests/engagements/test_sql_tableaux.py`, puis relire le diff.
"""

import datetime
import os
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from engagements.models import Statut
from engagements.tableaux import (
    Perimetre,
    actions_a_signaler,
    comptes_par_quartier,
    evolutions,
    grille,
    obligations_au,
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

PARIS = ZoneInfo("Europe/Paris")
MAINTENANT = datetime.datetime(2026, 11, 29, 10, 0, tzinfo=PARIS)
AUJOURDHUI = MAINTENANT.date()
PASSE = datetime.date(2026, 6, 30)
DOSSIER = Path(__file__).parent / "sql_tableaux"
# Les identifiants de lignes créées au fil du test (actions, entrées) varient d'une base à l'autre : seules les
# listes `IN (…)` d'identifiants en portent, elles sont remplacées par `IN (…)`.
LISTE_D_IDENTIFIANTS = re.compile(r"IN \((?:%s|\d+)(?:, (?:%s|\d+))*\)")


@pytest.fixture
def jeu():
    """Un petit protocole aux identifiants fixés (ils figurent dans le SQL) ; deux actions, l'une en retard."""
    with time_machine.travel(MAINTENANT, tick=False):
        protocole = ProtocoleFactory(pk=9101)
        pt = PartieFactory(pk=9201, protocole=protocole, code="PT")
        caf = PartieFactory(pk=9202, protocole=protocole, code="CAF")
        e1 = EngagementFactory(pk=9301, protocole=protocole, numero=1)
        obligation = ObligationFactory(pk=9401, bloc=BlocFactory(pk=9501, engagement=e1, partie=pt), rang=1)
        ObligationFactory(pk=9402, bloc=BlocFactory(pk=9502, engagement=e1, partie=caf), rang=1)
        quartier = QuartierFactory(pk=9601, protocole=protocole, slug="centre", nom="Centre")
        organisation = OrganisationFactory(pk=9701, slug="caf", nom="CAF")
        auteur = UtilisateurFactory(pk=9801)
        debut = datetime.date(2026, 1, 5)
        commun = {"obligation": obligation, "auteur": auteur, "date_effet": debut}
        commun["maintenant"] = datetime.datetime(2026, 1, 5, 10, tzinfo=PARIS)
        ActionFactory(quartiers=[quartier], pilote=organisation, echeance=datetime.date(2026, 3, 1), **commun)
        ActionFactory(tout_le_territoire=True, pilote=organisation, statut=Statut.A_VENIR, **commun)
    return {"protocole": protocole, "quartier": quartier, "organisation": organisation}


def _sql_des_tableaux(perimetre, au):
    with CaptureQueriesContext(connection) as requetes:
        grille(perimetre, au)
        if perimetre.quartier is None:
            comptes_par_quartier(perimetre, au)
        verdicts_par_engagement(perimetre, au)
        actions_a_signaler(perimetre, au, limite=50)
        evolutions(perimetre, datetime.date(2026, 1, 1), au)
        if perimetre.organisation is not None:
            obligations_au(perimetre, au)
    return "\n\n".join(LISTE_D_IDENTIFIANTS.sub("IN (…)", r["sql"]) + ";" for r in requetes.captured_queries) + "\n"


@pytest.mark.parametrize("au", [AUJOURDHUI, PASSE], ids=["aujourdhui", "passe"])
@pytest.mark.parametrize("portee", ["protocole", "quartier", "organisation"])
def test_the_sql_of_the_dashboards_is_the_one_reviewed(jeu, portee, au):
    perimetre = Perimetre(jeu["protocole"], **({} if portee == "protocole" else {portee: jeu[portee]}))
    with time_machine.travel(MAINTENANT, tick=False):
        sql = _sql_des_tableaux(perimetre, au)
    fichier = DOSSIER / connection.vendor / f"{portee}-{'aujourdhui' if au == AUJOURDHUI else 'passe'}.sql"
    if os.environ.get("SQL_TABLEAUX") == "reecrire":
        fichier.parent.mkdir(parents=True, exist_ok=True)
        fichier.write_text(sql)
    assert fichier.exists(), f"Photographie absente : {fichier} (voir le docstring du module pour l'écrire)."
    assert sql == fichier.read_text(), f"Le SQL des tableaux a changé : relire le diff de {fichier}."
