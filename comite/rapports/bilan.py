"""Ce qu'imprime le bilan à l'échéance (`templates/rapports/bilan.html`), assemblé à partir d'un nombre fixe de
requêtes, quelle que soit la taille du protocole.

Tout chiffre et toute ligne viennent de `engagements.tableaux.bilan` (les verdicts, les actions et les indicateurs
au jour du bilan, par partie et par engagement, ce qui reste ouvert) : ce module ne compte rien lui-même, il range
et dessine. La date « au » d'un lien ou de la commande se lit par `engagements.periode.lire_au_du_bilan`.
"""

import logging

from django.db import connection

from comite.rapports.contenu import _Compteur
from engagements.graphiques import CATEGORIES_VERDICTS, barres_empilees, graphique_verdicts_par_partie
from engagements.models import ValeurVerdict
from engagements.tableaux.bilan import bilan

logger = logging.getLogger(__name__)


def construire(protocole, au=None):
    """Le contexte du gabarit du bilan au jour `au` (l'échéance par défaut)."""
    compteur = _Compteur()
    with connection.execute_wrapper(compteur):
        resultat = bilan(protocole, au)
    logger.info("Contenu du bilan (%s, au %s) : %d requêtes", protocole.slug, resultat.au, compteur.requetes)
    realisees, actions = resultat.actions
    a_la_cible, indicateurs = resultat.indicateurs
    total = resultat.total
    return {
        "protocole": protocole,
        "bilan": resultat,
        "au": resultat.au,
        "echeance": resultat.echeance,
        "echeance_effective": protocole.echeance_effective,
        "total": total,
        "obligations_evaluees": sum(n for verdict, n in total.items() if verdict != ValeurVerdict.NON_EVALUE),
        "obligations": len(resultat.obligations),
        "actions_realisees": realisees,
        "actions": actions,
        "actions_ouvertes": actions - realisees,
        "indicateurs_a_la_cible": a_la_cible,
        "indicateurs": indicateurs,
        "ouvertes": len(resultat.ouvertes),
        "graphique_parties": graphique_verdicts_par_partie(
            resultat.par_partie, "bilan-parties", "Verdict des obligations par partie au jour du bilan"
        ),
        "graphique_engagements": _graphique_par_engagement(resultat.par_engagement),
        "nb_actions": actions,
        "requetes": compteur.requetes,
    }


def _graphique_par_engagement(par_engagement):
    """Une barre par engagement : le verdict de chacune de ses obligations (mêmes couleurs, symboles et légende que
    le graphique par partie)."""
    lignes = []
    for engagement, par_verdict in par_engagement:
        total = sum(par_verdict.values())
        detail = ", ".join(f"{par_verdict[c.cle]} {c.libelle}" for c in CATEGORIES_VERDICTS if par_verdict[c.cle])
        au_bout = f"{total} obligation{'s' if total > 1 else ''}"
        intitule = f"Engagement N°{engagement.numero}"
        lignes.append((f"N°{engagement.numero}", intitule, par_verdict, None, au_bout, f"{au_bout} ({detail})"))
    return barres_empilees(
        "bilan-engagements",
        "Verdict des obligations par engagement au jour du bilan",
        lignes,
        CATEGORIES_VERDICTS,
        "Verdict des obligations par engagement. ",
        "Engagement",
    )
