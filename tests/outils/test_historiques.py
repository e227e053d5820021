"""Un seul générateur d'historiques pour `manage.py demo` et le banc d'essai, et deux écritures qui disent la même
chose : les mêmes histoires écrites par les méthodes de l'application (`Action.creer`, `Action.enregistrer`,
`Verdict.donner`) puis, à la place, par l'écriture par lots du banc (`outils.bench.suivi`) donnent les mêmes lignes,
identifiants mis à part."""

import datetime
import random

import pytest
from django.db import transaction
from django.utils import timezone

from engagements.models import Action, Champ, Entree, EntreePartenaire, EntreeQuartier, TexteRecherche, Verdict
from outils.bench.chargeur import Table
from outils.bench.jeu import MODELES, SUIVI
from outils.bench.structure import Organisations, Texte, cloner
from outils.bench.suivi import Ecrivain, verdicts
from outils.historiques.calendrier import placer, placer_verdicts
from outils.historiques.ecriture import ecrire
from outils.historiques.parcours import planifier, planifier_verdicts
from signataires.models import Organisation
from tests.factories import construire_protocole

pytestmark = pytest.mark.django_db

NOMBRE = 60


@pytest.fixture
def plan():
    """Un protocole synthétique (texte cloné, quartiers, organisations, comptes) et ses histoires datées."""
    modele = construire_protocole(engagements=2, blocs=3, obligations=3, paragraphes=1)
    tables = {m: Table(m) for m in MODELES}
    rng = random.Random(7)
    ctx = cloner(0, Texte.lire(modele), tables, Organisations(tables[Organisation]), rng)
    for table in tables.values():
        table.vider()
    maintenant = timezone.now()
    aujourdhui = timezone.localdate(maintenant)
    histoires = [placer(rng, h, aujourdhui, maintenant) for h in planifier(rng, ctx, NOMBRE)]
    places = placer_verdicts(rng, planifier_verdicts(rng, ctx), aujourdhui, maintenant)
    return ctx, histoires, places


def photo(protocole):
    """Les lignes du suivi d'un protocole, sans leurs identifiants : chaque action par son rang de création (avec son
    texte cherchable), chaque entrée avec les quartiers et partenaires qu'elle cite."""
    actions = list(Action.objects.filter(protocole=protocole).order_by("pk").values())
    rang = {a.pop("id"): i for i, a in enumerate(actions)}
    for action, pk in zip(actions, rang, strict=True):
        action["quartiers"] = sorted(
            Action.quartiers.through.objects.filter(action=pk).values_list("quartier", flat=True)
        )
        action["partenaires"] = sorted(
            Action.partenaires.through.objects.filter(action=pk).values_list("organisation", flat=True)
        )
        action["recherche"] = TexteRecherche.objects.get(action=pk).texte
    lies = {}
    for modele, colonne in ((EntreeQuartier, "quartier_id"), (EntreePartenaire, "organisation_id")):
        for ligne in modele.objects.filter(entree__protocole=protocole).order_by("pk").values():
            lies.setdefault(ligne["entree_id"], []).append((modele.__name__, ligne[colonne], ligne["apres"]))
    entrees = []
    for entree in Entree.objects.filter(protocole=protocole).order_by("pk").values():
        pk = entree.pop("id")
        entree["action_id"] = rang.get(entree["action_id"])
        entree["lies"] = lies.get(pk, [])
        entrees.append(entree)
    entrees.sort(key=lambda e: (e["action_id"] is None, e["action_id"] or 0, e["obligation_id"] or 0))
    verdicts_ = [
        {k: v for k, v in ligne.items() if k != "id"} for ligne in Verdict.objects.order_by("obligation_id").values()
    ]
    return {"actions": actions, "entrees": entrees, "verdicts": verdicts_}


def test_bulk_writing_gives_the_rows_the_model_methods_write(plan):
    ctx, histoires, places = plan
    with transaction.atomic():
        ecrire(ctx, histoires, places)
        par_les_modeles = photo(ctx.protocole)
        transaction.set_rollback(True)
    assert not Action.objects.filter(protocole=ctx.protocole).exists()

    tables = {m: Table(m) for m in SUIVI}
    ecrivain = Ecrivain(ctx, tables)
    for histoire in histoires:
        ecrivain.ecrire(histoire)
    verdicts(ctx, tables, places)
    for table in tables.values():
        table.vider()
    par_lots = photo(ctx.protocole)

    assert len(par_les_modeles["actions"]) == NOMBRE
    assert par_lots["actions"] == par_les_modeles["actions"]
    assert len(par_lots["entrees"]) == len(par_les_modeles["entrees"])
    for lot, modele in zip(par_lots["entrees"], par_les_modeles["entrees"], strict=True):
        assert lot == modele
    assert par_lots["verdicts"] == par_les_modeles["verdicts"]


def test_the_plan_exercises_every_kind_of_entry(plan):
    """Sans quoi la comparaison ci-dessus laisserait des chemins de l'écriture par lots sans contrôle."""
    ctx, histoires, places = plan
    ecrire(ctx, histoires, places)

    champs = set(Entree.objects.filter(protocole=ctx.protocole).values_list("champ", flat=True))

    assert champs >= set(Champ.values) - {Champ.CAVIARDAGE} - {Champ.TITRE, Champ.DESCRIPTION, Champ.DEBUT}
    assert Entree.objects.filter(protocole=ctx.protocole, champ__in=[Champ.TITRE, Champ.DESCRIPTION, Champ.DEBUT])


def test_dates_are_placed_in_order_and_never_after_now(plan):
    _ctx, histoires, _places = plan
    maintenant = timezone.now()
    for histoire in histoires:
        jours = [histoire.creation, *(e.jour for e in histoire.evenements)]
        assert jours == sorted(jours) and len(set(jours)) == len(jours)
        assert histoire.creation >= datetime.date(2019, 3, 1)
        assert all(e.moment <= maintenant for e in histoire.evenements)
