"""Ce qu'imprime un rapport, assemblé en Python à partir d'un nombre fixe de requêtes, quelle que soit sa taille.

Tous les chiffres viennent de `engagements.tableaux` (les mêmes que les tableaux de bord) ; les lignes d'actions de
`Perimetre.actions(au)`, donc de l'état reconstruit depuis le journal au jour `au`.
"""

import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import F, OuterRef, Q, Subquery

from engagements.graphiques import graphique_engagements, graphique_quartiers
from engagements.models import Champ, Entree, Obligation, Statut, ValeurVerdict
from engagements.models.actions import STATUTS_CLOS
from engagements.models.journal import ORDRE_RECENT
from engagements.tableaux import comptes_par_quartier, evolutions, grille, verdicts_par_engagement
from protocole.models import Decision
from signataires.models import Organisation, Signature, Utilisateur

logger = logging.getLogger(__name__)

# Les évolutions listées une à une (les chiffres de la synthèse, eux, comptent tout).
LIMITE_EVOLUTIONS = 200
DECISIONS_CLOSES = (Decision.Suivi.FAITE, Decision.Suivi.ABANDONNEE)


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


def construire(perimetre, au, depuis, reunion=None):
    """Le contexte du gabarit `rapports/rapport.html` pour `perimetre` au jour `au`, évolutions depuis `depuis`."""
    compteur = _Compteur()
    with connection.execute_wrapper(compteur):
        contexte = _construire(perimetre, au, depuis, reunion)
    logger.info("Contenu du rapport (%s, au %s) : %d requêtes", perimetre.libelle, au, compteur.requetes)
    contexte["requetes"] = compteur.requetes
    return contexte


def _construire(perimetre, au, depuis, reunion):
    tableau = grille(perimetre, au)
    verdicts = verdicts_par_engagement(perimetre, au)
    quartiers = comptes_par_quartier(perimetre, au) if perimetre.quartier is None else []
    actions = _actions(perimetre, au)
    obligations = _obligations(perimetre, au, {a.obligation_au for a in actions})
    _nommer(actions)
    changements = evolutions(perimetre, depuis, au, limite=LIMITE_EVOLUTIONS)
    decisions = _decisions(perimetre.protocole, au, reunion)
    signatures = list(
        Signature.objects.filter(protocole=perimetre.protocole)
        .select_related("signataire", "representation__organisation")
        .order_by("ordre")
    )
    return {
        "protocole": perimetre.protocole,
        "perimetre": perimetre,
        "au": au,
        "depuis": depuis,
        "reunion": reunion,
        "grille": tableau,
        "total": tableau.total,
        "par_engagement": _par_engagement(tableau, verdicts),
        "verdicts_total": _verdicts_total(verdicts),
        "quartiers": quartiers,
        "graphique": graphique_engagements(tableau, "rapport-engagements", "Actions par statut et par engagement"),
        "graphique_quartiers": graphique_quartiers(quartiers, "rapport-quartiers", "Actions par statut et par quartier")
        if quartiers
        else None,
        "engagements": _sections(tableau, obligations, actions),
        "nb_actions": len(actions),
        "evolutions": changements,
        "evolutions_tronquees": len(changements.entrees) >= LIMITE_EVOLUTIONS,
        "en_retard": sorted((a for a in actions if a.en_retard), key=lambda a: (a.echeance_au, a.pk)),
        "bloquees": sorted((a for a in actions if a.statut_au == Statut.BLOQUE), key=_depuis_quand),
        "signatures": signatures,
        **decisions,
    }


def _actions(perimetre, au):
    """Une requête : les actions du périmètre au jour `au`, avec le dernier commentaire à cette date et le
    commentaire (et la date) de l'entrée qui a posé leur statut — le motif d'un blocage."""
    journal = Entree.objects.filter(action=OuterRef("pk"), date_effet__lte=au).order_by(*ORDRE_RECENT)
    commente = journal.exclude(commentaire="")
    statut = journal.filter(champ=Champ.STATUT)
    qs = perimetre.actions(au).annotate(
        commentaire_au=Subquery(commente.values("commentaire")[:1]),
        commentaire_le=Subquery(commente.values("date_effet")[:1]),
        motif_statut=Subquery(statut.values("commentaire")[:1]),
        statut_le=Subquery(statut.values("date_effet")[:1]),
    )
    actions = list(qs.order_by(F("echeance_au").asc(nulls_last=True), "pk"))
    for action in actions:
        action.statut_libelle = Statut(action.statut_au).label
        action.en_retard = bool(action.echeance_au and action.echeance_au < au and action.statut_au not in STATUTS_CLOS)
        action.jours_de_retard = (au - action.echeance_au).days if action.en_retard else 0
    return actions


def _nommer(actions):
    """Deux requêtes : les noms des pilotes et des référents tels qu'ils étaient au jour `au`."""
    pilotes = Organisation.objects.in_bulk({a.pilote_au for a in actions if a.pilote_au})
    referents = Utilisateur.objects.in_bulk({a.referent_au for a in actions if a.referent_au})
    for action in actions:
        action.pilote_nom = pilotes.get(action.pilote_au)
        action.referent_nom = referents.get(action.referent_au)


def _obligations(perimetre, au, autres):
    """Une requête : les obligations du périmètre, plus celles des actions retenues (une organisation peut agir sous
    l'obligation d'une partie dont elle n'est pas membre), avec leur verdict et son motif au jour `au`."""
    verdict = Entree.objects.filter(obligation=OuterRef("pk"), champ=Champ.VERDICT, date_effet__lte=au)
    verdict = verdict.order_by(*ORDRE_RECENT)
    qs = (
        Obligation.objects.filter(protocole=perimetre.protocole)
        .filter(Q(pk__in=perimetre.obligations().values("pk")) | Q(pk__in=autres))
        .verdicts_au(au)
        .annotate(verdict_motif=Subquery(verdict.values("commentaire")[:1]))
        .select_related("bloc__engagement", "bloc__partie")
        .order_by("bloc__engagement__numero", "bloc__ordre", "rang")
    )
    obligations = list(qs)
    for obligation in obligations:
        obligation.verdict_libelle = ValeurVerdict(obligation.verdict_au).label
    return obligations


def _sections(tableau, obligations, actions):
    """Par engagement puis par partie, chaque obligation avec ses actions (`obligation.lignes`)."""
    par_obligation = defaultdict(list)
    references = {obligation.pk: obligation.reference for obligation in obligations}
    for action in actions:
        action.reference = references.get(action.obligation_au, "")
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


def _verdicts_total(verdicts):
    total = dict.fromkeys(ValeurVerdict.values, 0)
    for par_verdict in verdicts.values():
        for valeur, nombre in par_verdict.items():
            total[valeur] += nombre
    return total


def _depuis_quand(action):
    return (action.statut_le or action.echeance_au or action.date_creation, action.pk)


def _decisions(protocole, au, reunion):
    """Trois requêtes : les décisions du comité avec ce qu'elles concernent. Sans réunion : celles de toutes les
    réunions jusqu'au jour `au`. Avec une réunion : les siennes, puis le suivi de celles des réunions précédentes.

    Le suivi d'une décision n'a pas de journal : il est imprimé tel qu'il est au moment du rendu."""
    qs = (
        Decision.objects.filter(reunion__protocole=protocole)
        .select_related("reunion", "responsable")
        .prefetch_related("obligations", "actions")
        .order_by("reunion__date", "reunion_id", "id")
    )
    if reunion is None:
        qs = qs.filter(reunion__date__lte=au)
    else:
        qs = qs.filter(reunion__date__lte=reunion.date)
    decisions = list(qs)
    for decision in decisions:
        decision.en_retard = bool(
            decision.echeance and decision.echeance < au and decision.suivi not in DECISIONS_CLOSES
        )
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
