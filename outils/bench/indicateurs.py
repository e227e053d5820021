"""Les indicateurs du jeu du banc d'essai : 10 par protocole, trimestriels, avec une valeur par trimestre depuis 2015
dans un quartier et pour tout le territoire, une valeur de départ et une cible pour chacun. Écrits par lots (`COPY`),
comme le reste du suivi ; une valeur sur vingt est corrigée une fois (une seconde ligne qui garde l'ancienne)."""

import datetime
from decimal import Decimal

from engagements.models import Frequence, Indicateur, Periode, Repere, Sens, Unite, Valeur

PAR_PROTOCOLE = 10
PREMIERE_ANNEE = 2015


def indicateurs(rng, ctx, tables, aujourdhui, maintenant):
    """Met en attente dans `tables` (Indicateur, Repere, Valeur) les indicateurs du protocole de `ctx`."""
    premiere = Periode.contenant(datetime.date(PREMIERE_ANNEE, 1, 1), Frequence.TRIMESTRIELLE)
    derniere = Periode.derniere_close(aujourdhui, Frequence.TRIMESTRIELLE)
    for rang in range(PAR_PROTOCOLE):
        cible = ctx.obligations[rng.randrange(len(ctx.obligations))]
        indicateur = tables[Indicateur].ajouter(
            protocole_id=ctx.protocole,
            obligation_id=cible.pk,
            reference=f"IND-{rang + 1:02d}",
            nom=f"Indicateur synthétique {rang + 1} de {cible.reference}",
            definition="Indicateur synthétique du banc d'essai.",
            unite=Unite.PERSONNES,
            sens=Sens.HAUSSE if rang % 3 else Sens.BAISSE,
            source="Banc d'essai",
            fournisseur_id=rng.choice(ctx.organisations),
            frequence=Frequence.TRIMESTRIELLE,
            cree_le=maintenant,
        )
        lieux = [rng.choice(ctx.quartiers).pk if ctx.quartiers else None, None]
        for quartier in dict.fromkeys(lieux):
            depart = rng.randint(20, 200)
            pas = rng.uniform(0.2, 2.0) * (1 if rang % 3 else -0.3)
            tables[Repere].ajouter(
                indicateur_id=indicateur,
                quartier_id=quartier,
                base_valeur=Decimal(depart),
                base_date=datetime.date(PREMIERE_ANNEE - 1, 12, 31),
                cible_valeur=Decimal(round(depart * (1.5 if pas > 0 else 0.7))),
                cible_date=datetime.date(2022, 12, 31),
            )
            niveau, periode = float(depart), premiere
            while periode <= derniere:
                niveau = max(0.0, niveau + pas + rng.uniform(-2, 2))
                valeur = Decimal(round(niveau))
                quand = min(
                    maintenant,
                    datetime.datetime.combine(
                        periode.fin + datetime.timedelta(days=20), datetime.time(10), maintenant.tzinfo
                    ),
                )
                commun = {
                    "protocole_id": ctx.protocole,
                    "indicateur_id": indicateur,
                    "quartier_id": quartier,
                    "periode": periode.code,
                    "rang": periode.rang,
                    "auteur_id": ctx.coordinateur,
                    "source": "Banc d'essai",
                }
                tables[Valeur].ajouter(**commun, valeur=valeur, enregistre_le=quand)
                if rng.random() < 0.05:
                    tables[Valeur].ajouter(
                        **commun,
                        valeur=valeur + 1,
                        valeur_avant=valeur,
                        enregistre_le=quand + datetime.timedelta(days=7),
                    )
                periode = periode.suivante
