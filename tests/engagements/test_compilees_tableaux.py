"""Chaque chiffre des tableaux de bord, relu par une requête gardée (protocole/compilees.py), est celui que donne la
même requête construite de nouveau : sur chaque sorte de périmètre, aujourd'hui et un jour passé, après que les
données ont changé entre deux lectures."""

import datetime

import pytest
from django.db.models import Model
from django.utils import timezone

from engagements.models import Action
from engagements.tableaux import (
    Perimetre,
    actions_a_signaler,
    comptes_par_quartier,
    evolutions,
    grille,
    obligations_au,
    verdicts_par_engagement,
)
from protocole import compilees
from tests.engagements.test_tableaux import JUIN, jeu  # noqa: F401 (la fixture)
from tests.factories import UtilisateurFactory

pytestmark = pytest.mark.django_db


def a_plat(valeur):
    """Ce qu'un chiffre montre, comparable : un objet d'un modèle par ses champs, ses annotations et ce qui lui est
    attaché ; le reste par ses attributs."""
    if isinstance(valeur, Model):
        champs = {cle: a_plat(v) for cle, v in vars(valeur).items() if not cle.startswith("_")}
        # Le protocole qu'un gestionnaire lié (`protocole.quartiers`) attache à ce qu'il lit n'est pas gardé avec la
        # requête (ce serait celui de la requête qui l'a construite) : le seul écart voulu.
        lies = {cle: a_plat(v) for cle, v in valeur._state.fields_cache.items() if cle != "protocole"}
        prefetch = {cle: a_plat(list(v)) for cle, v in getattr(valeur, "_prefetched_objects_cache", {}).items()}
        return (type(valeur).__name__, champs, lies, prefetch)
    if isinstance(valeur, dict):
        return {cle: a_plat(v) for cle, v in valeur.items()}
    if isinstance(valeur, (list, tuple)):
        return [a_plat(v) for v in valeur]
    if hasattr(valeur, "__dict__"):
        return (type(valeur).__name__, a_plat(vars(valeur)))
    return valeur


def chiffres(perimetre, au):
    depuis = au - datetime.timedelta(days=400)
    return a_plat(
        {
            "grille": grille(perimetre, au),
            "quartiers": comptes_par_quartier(perimetre, au),
            "verdicts": verdicts_par_engagement(perimetre, au),
            "signalees": actions_a_signaler(perimetre, au, limite=3),
            "evolutions": evolutions(perimetre, depuis, au, limite=4),
            "obligations": obligations_au(perimetre, au),
        }
    )


def construites_a_chaque_fois(monkeypatch):
    monkeypatch.setattr(compilees, "lire", lambda cle, construire: list(construire()))


@pytest.mark.parametrize("sorte", ["protocole", "quartier", "organisation", "engagement"])
@pytest.mark.parametrize("jour", ["aujourd'hui", "passé"])
def test_a_kept_query_gives_what_the_query_built_again_gives(jeu, monkeypatch, sorte, jour):  # noqa: F811
    protocole = jeu["protocole"]
    perimetre = {
        "protocole": Perimetre(protocole),
        "quartier": Perimetre(protocole, quartier=jeu["qa"]),
        "organisation": Perimetre(protocole, organisation=jeu["caf"]),
        "engagement": Perimetre(protocole, engagement=1),
    }[sorte]
    au = timezone.localdate() if jour == "aujourd'hui" else JUIN
    chiffres(perimetre, au)  # les requêtes sont gardées
    action = Action.objects.filter(protocole=protocole, archivee=False).order_by("pk").first()
    action.enregistrer(
        auteur=UtilisateurFactory(),
        date_effet=min(au, timezone.localdate()),
        statut="bloque",
        commentaire="Grue en panne.",
    )
    gardees = chiffres(perimetre, au)
    with monkeypatch.context() as m:
        construites_a_chaque_fois(m)
        refaites = chiffres(perimetre, au)
    assert gardees == refaites
