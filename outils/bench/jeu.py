"""Le jeu de données synthétique : des protocoles clonés sur un protocole modèle, leurs actions et leur journal,
écrits par lots de protocoles (une transaction chacun) puis les séquences recalées."""

import random
import time
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from engagements.models import (
    Action,
    Bloc,
    Engagement,
    Entree,
    EntreePartenaire,
    EntreeQuartier,
    Indicateur,
    Obligation,
    Paragraphe,
    Repere,
    TexteRecherche,
    Valeur,
    Verdict,
)
from outils.bench.chargeur import Table, recaler_sequences
from outils.bench.indicateurs import indicateurs
from outils.bench.structure import PREFIXE, Organisations, Texte, cloner
from outils.bench.suivi import Ecrivain, verdicts
from outils.historiques.calendrier import placer, placer_verdicts
from outils.historiques.parcours import planifier, planifier_verdicts
from protocole.models import Protocole, Quartier, TextePreambule, VersionDonnees
from signataires.models import Appartenance, Habilitation, Organisation, Partie, Utilisateur

GRAINE = 2026
# Les tables du suivi (`suivi.Ecrivain`), dans l'ordre des clés étrangères.
SUIVI = [
    Action,
    Action.quartiers.through,
    Action.partenaires.through,
    Entree,
    EntreeQuartier,
    EntreePartenaire,
    Verdict,
    TexteRecherche,
    Indicateur,
    Repere,
    Valeur,
]
# Dans l'ordre des clés étrangères : chaque table ne cite que celles qui la précèdent.
MODELES = [
    Organisation,
    Protocole,
    TextePreambule,
    Partie,
    Appartenance,
    Engagement,
    Bloc,
    Obligation,
    Paragraphe,
    Quartier,
    Utilisateur,
    Habilitation,
    *SUIVI,
]


@dataclass(frozen=True)
class Echelle:
    protocoles: int
    actions: int  # en tout, réparties entre les protocoles

    def actions_du(self, numero):
        return self.actions * (numero + 1) // self.protocoles - self.actions * numero // self.protocoles


def construire(modele, echelle, lot=25, graine=GRAINE, ecrire=print):
    """Ajoute les protocoles synthétiques de `echelle`, clonés sur le texte de `modele`. Renvoie {modèle: lignes}."""
    if Protocole.objects.filter(slug__startswith=PREFIXE).exists():
        raise ValueError("Des protocoles synthétiques sont déjà en base : repartir d'une base sans eux.")
    texte = Texte.lire(modele)
    tables = {m: Table(m) for m in MODELES}
    organisations = Organisations(tables[Organisation])
    aujourdhui, maintenant = timezone.localdate(), timezone.now()
    debut = time.monotonic()
    for premier in range(0, echelle.protocoles, lot):
        with transaction.atomic():
            for numero in range(premier, min(echelle.protocoles, premier + lot)):
                rng = random.Random(graine * 100_000 + numero)
                ctx = cloner(numero, texte, tables, organisations, rng)
                ecrivain = Ecrivain(ctx, tables)
                for histoire in planifier(rng, ctx, echelle.actions_du(numero)):
                    ecrivain.ecrire(placer(rng, histoire, aujourdhui, maintenant))
                places = placer_verdicts(rng, planifier_verdicts(rng, ctx), aujourdhui, maintenant)
                verdicts(ctx, tables, places)
                indicateurs(rng, ctx, tables, aujourdhui, maintenant)
            for table in tables.values():
                table.vider()
        fait = min(echelle.protocoles, premier + lot)
        ecrire(
            f"  {fait}/{echelle.protocoles} protocoles, {tables[Action].ecrites:,} actions, "
            f"{tables[Entree].ecrites:,} entrées, {tables[Valeur].ecrites:,} valeurs d'indicateurs "
            f"({time.monotonic() - debut:.0f} s)"
        )
    recaler_sequences(MODELES)
    # Écrites sans passer par les modèles (COPY) : la version des données des nouveaux protocoles est montée ici.
    VersionDonnees.monter(Protocole.objects.filter(slug__startswith=PREFIXE).values_list("pk", flat=True))
    return {m: t.ecrites for m, t in tables.items()}
