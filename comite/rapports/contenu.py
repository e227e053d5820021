"""Ce qu'imprime un rapport, assemblé en Python à partir d'un nombre fixe de requêtes, quelle que soit sa taille.

Tout ce qui s'y compte ou s'y liste vient de `engagements.tableaux`, comme pour les tableaux de bord : les chiffres,
les lignes d'actions au jour `au` (drapeaux, jours de retard, noms d'alors, derniers commentaires) et les obligations
avec leur verdict et son motif. Ce module ne fait que les ranger par engagement et par partie.
"""

import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection

from comite.models import TEXTES_COORDINATION, Decision, Visa, prochaine_reunion, reunions_jusqu_au
from comite.rapports.graphiques import graphique_tendance
from engagements.graphiques import graphique_engagements, graphique_quartiers, graphique_verdicts_par_partie
from engagements.graphiques_indicateurs import par_engagement
from engagements.models import Statut, ValeurVerdict
from engagements.models.regles import aujourd_hui
from engagements.tableaux import (
    changements_par_action,
    comptes_par_quartier,
    evolutions,
    grille,
    lignes_actions,
    obligations_au,
    signalees,
    tendance,
    verdicts_par_engagement,
    verdicts_par_partie,
    verdicts_total,
)
from engagements.tableaux.indicateurs import par_etiquette, situations_du_perimetre
from signataires.models import Signature

logger = logging.getLogger(__name__)

# Les titres des textes de la coordination, dans l'ordre de la note.
TITRES_TEXTES = {
    "faits_marquants": "Faits marquants",
    "points_attention": "Points d'attention",
    "decisions_attendues": "Décisions attendues du comité",
}


@dataclass
class Bloc:
    """Les obligations d'une partie dans un engagement, chacune avec ses actions (`obligation.lignes`)."""

    partie: object
    intitule: str
    reference: str
    obligations: list = field(default_factory=list)


@dataclass
class SectionEngagement:
    engagement: object
    compte: object
    blocs: list = field(default_factory=list)

    @property
    def resume(self):
        """« en cours : 9, réalisé : 9, bloqué : 3 ; 4 en retard ; avancement moyen 38 % »."""
        morceaux = [", ".join(f"{libelle} : {n}" for _statut, libelle, n in self.compte.statuts() if n)]
        if self.compte.en_retard:
            morceaux.append(f"{self.compte.en_retard} en retard")
        if self.compte.moyenne is not None:
            morceaux.append(f"avancement moyen {self.compte.moyenne}\u202f%")
        return " ; ".join(morceaux)


class _Compteur:
    """Compte les requêtes envoyées à la base, en production comme en test (le coût du rapport est journalisé)."""

    def __init__(self):
        self.requetes = 0

    def __call__(self, execute, sql, params, many, context):
        self.requetes += 1
        return execute(sql, params, many, context)


def construire(perimetre, au, depuis, reunion=None, annexe=True):
    """Le contexte du gabarit `rapports/rapport.html` pour `perimetre` au jour `au`, évolutions depuis `depuis` ;
    sans `annexe`, la couverture et la note seules."""
    compteur = _Compteur()
    with connection.execute_wrapper(compteur):
        contexte = _note(perimetre, au, depuis, reunion)
        if annexe:
            contexte.update(_annexe(perimetre, au, depuis, reunion, contexte))
    logger.info("Contenu du rapport (%s, au %s) : %d requêtes", perimetre.libelle, au, compteur.requetes)
    contexte["requetes"] = compteur.requetes
    return contexte


def reunion_des_textes(protocole, reunion):
    """La réunion dont la note imprime les textes de la coordination : celle du rapport, sinon la prochaine à venir
    (None : la note le dit)."""
    return reunion if reunion is not None else prochaine_reunion(protocole, aujourd_hui())


def textes_de(reunion):
    """[(titre, texte)] des textes non vides de la coordination pour `reunion`."""
    if reunion is None:
        return []
    return [(TITRES_TEXTES[nom], getattr(reunion, nom)) for nom in TEXTES_COORDINATION if getattr(reunion, nom).strip()]


def _note(perimetre, au, depuis, reunion):
    """La couverture et la note : le périmètre, les chiffres clés (statuts avec le retard à part, verdicts par
    partie), la tendance par trimestre, les textes de la coordination."""
    tableau = grille(perimetre, au)
    verdicts = verdicts_par_partie(perimetre, au)
    trimestres = tendance(perimetre, au)
    source = reunion_des_textes(perimetre.protocole, reunion)
    return {
        "protocole": perimetre.protocole,
        "perimetre": perimetre,
        # Pour un quartier, les obligations (et leurs verdicts) sont celles de tout le protocole : le rapport le dit.
        "verdicts_du_protocole": perimetre.quartier is not None,
        "au": au,
        "depuis": depuis,
        "reunion": reunion,
        "grille": tableau,
        "total": tableau.total,
        "ouvertes_a_jour": tableau.total.ouvertes - tableau.total.en_retard,
        "verdicts_parties": verdicts,
        "graphique_verdicts": graphique_verdicts_par_partie(
            verdicts, "rapport-verdicts", "Verdict des obligations par partie"
        ),
        "trimestres": trimestres,
        "graphique_tendance": graphique_tendance(
            trimestres, "rapport-tendance", "Actions réalisées, ouvertes à jour et en retard, par trimestre"
        ),
        "reunion_textes": source,
        "textes": textes_de(source),
        "nb_actions": tableau.total.total,
        "annexe": False,
    }


def _annexe(perimetre, au, depuis, reunion, note):
    """Le détail : par engagement et par partie, chaque obligation et ses actions ; les changements de la période
    (une ligne par action) ; les indicateurs du périmètre par engagement, avec leurs courbes ; les actions en
    retard, sans nouvelles et bloquées ; les décisions et leur suivi, les réserves des visas ; les signataires."""
    tableau = note["grille"]
    verdicts = verdicts_par_engagement(perimetre, au)
    quartiers = comptes_par_quartier(perimetre, au) if perimetre.quartier is None else []
    actions = lignes_actions(perimetre, au)
    en_retard, sans_nouvelles, bloquees = signalees(actions)
    obligations = obligations_au(perimetre, au, {a.obligation_au for a in actions})
    changees = changements_par_action(perimetre, depuis, au)
    decisions = _decisions(perimetre.protocole, au, reunion)
    signatures = list(
        Signature.objects.filter(protocole=perimetre.protocole)
        .select_related("signataire", "representation__organisation")
        .order_by("ordre")
    )
    indicateurs = situations_du_perimetre(perimetre, au)
    return {
        "annexe": True,
        "indicateurs": indicateurs,
        "indicateurs_par_engagement": par_engagement(indicateurs, "rapport-indicateur"),
        "comptes_indicateurs": par_etiquette(indicateurs),
        "par_engagement": _par_engagement(tableau, verdicts),
        "verdicts_total": verdicts_total(verdicts),
        "quartiers": quartiers,
        "graphique": graphique_engagements(tableau, "rapport-engagements", "Actions par statut et par engagement"),
        "graphique_quartiers": graphique_quartiers(quartiers, "rapport-quartiers", "Actions par statut et par quartier")
        if quartiers
        else None,
        "engagements": _sections(tableau, obligations, actions),
        "nb_actions": len(actions),
        "evolutions": evolutions(perimetre, depuis, au, limite=0),
        "changements": _changements(changees),
        "en_retard": en_retard,
        "sans_nouvelles": sans_nouvelles,
        "bloquees": bloquees,
        "signatures": signatures,
        "reserves": _reserves(perimetre.protocole, au, reunion),
        **decisions,
    }


def _changements(actions):
    """[(engagement, [actions])] : les changements de la période, une ligne par action, par engagement."""
    groupes = {}
    for action in actions:
        action.statut_avant_libelle = Statut(action.statut_avant).label if action.statut_avant else "—"
        action.statut_libelle = Statut(action.statut_au).label if action.statut_au else "—"
        groupes.setdefault(action.engagement_au, []).append(action)
    return list(groupes.items())


def _reserves(protocole, au, reunion):
    """Une requête : les visas donnés avec réserves sur les versions gelées de la réunion précédente (celle d'avant
    `reunion`, ou la dernière tenue au jour `au`)."""
    avant = reunions_jusqu_au(protocole, reunion.date, inclus=False) if reunion else reunions_jusqu_au(protocole, au)
    derniere = avant.values("pk")[:1]
    return list(
        Visa.objects.filter(archive__reunion__in=derniere)
        .exclude(reserves="")
        .select_related("organisation", "archive__reunion")
        .order_by("archive__version", "organisation__nom")
    )


def _sections(tableau, obligations, actions):
    """Par engagement puis par partie, chaque obligation avec ses actions (`obligation.lignes`)."""
    par_obligation = defaultdict(list)
    for action in actions:
        par_obligation[action.obligation_au].append(action)
    comptes = {engagement.numero: compte for engagement, _cellules, compte in tableau.lignes}
    sections = {engagement.numero: SectionEngagement(engagement, compte) for engagement, _c, compte in tableau.lignes}
    blocs = {}
    for obligation in obligations:
        numero = obligation.bloc.engagement.numero
        if numero not in sections:
            sections[numero] = SectionEngagement(obligation.bloc.engagement, comptes.get(numero))
        bloc = blocs.get(obligation.bloc_id)
        if bloc is None:
            source = obligation.bloc
            bloc = blocs[obligation.bloc_id] = Bloc(source.partie, source.intitule, source.reference)
            sections[numero].blocs.append(bloc)
        obligation.lignes = par_obligation.get(obligation.pk, [])
        bloc.obligations.append(obligation)
    return [section for section in sections.values() if section.blocs]


def _par_engagement(tableau, verdicts):
    """Une ligne par engagement : ses chiffres d'actions et ses verdicts."""
    lignes = []
    for engagement, _cellules, compte in tableau.lignes:
        par_verdict = verdicts.get(engagement.numero, dict.fromkeys(ValeurVerdict.values, 0))
        lignes.append({"engagement": engagement, "compte": compte, "verdicts": par_verdict})
    return lignes


def _decisions(protocole, au, reunion):
    """Trois requêtes : les décisions du comité avec ce qu'elles concernent. Sans réunion : celles de toutes les
    réunions jusqu'au jour `au`. Avec une réunion : les siennes, puis le suivi de celles des réunions précédentes.

    Le suivi d'une décision n'a pas de journal : il est imprimé tel qu'il est au moment du rendu."""
    qs = (
        Decision.objects.filter(reunion__protocole=protocole)
        .select_related("reunion", "responsable", "responsable_personne")
        .prefetch_related("obligations", "actions")
        .order_by("reunion__date", "reunion_id", "id")
    )
    if reunion is None:
        qs = qs.filter(reunion__date__lte=au)
    else:
        qs = qs.filter(reunion__date__lte=reunion.date)
    decisions = list(qs)
    for decision in decisions:
        decision.en_retard = decision.en_retard_au(au)
    if reunion is None:
        return {"decisions_reunion": [], "suivi_decisions": _par_reunion(decisions)}
    du_jour = [d for d in decisions if d.reunion_id == reunion.pk]
    anterieures = [d for d in decisions if d.reunion_id != reunion.pk]
    return {"decisions_reunion": du_jour, "suivi_decisions": _par_reunion(anterieures)}


def _par_reunion(decisions):
    """[(réunion, [décisions])] dans l'ordre des réunions."""
    groupes = {}
    for decision in decisions:
        groupes.setdefault(decision.reunion_id, (decision.reunion, []))[1].append(decision)
    return list(groupes.values())
