"""Le bilan à l'échéance : ce à quoi chaque partie s'est engagée dans le protocole, et ce qu'elle en a tenu.

Écrit ici une fois ; la page `/bilan/`, son export CSV/XLSX, son PDF et `rapport_copil --bilan` le lisent.

- **Le jour du bilan** D : l'échéance du protocole (`Protocole.echeance` : l'échéance effective si la coordination en
  a posé une, sinon celle du texte signé), ou un jour antérieur pour un bilan en cours ; jamais après l'échéance.
- **Le verdict d'une obligation à D** : celui du journal en vigueur ce jour-là (`obligations_au`) — un verdict dont la
  date d'effet suit l'échéance n'y est pas, un verdict enregistré plus tard avec une date d'effet antérieure y est.
  Sans verdict : « non évalué », compté à part, jamais comme tenu ni comme non tenu.
- **Les actions à D** : leur état ce jour-là (`lignes_actions`) ; une action réalisée après l'échéance est ouverte au
  bilan.
- **Les indicateurs à D** : les valeurs des périodes finies le jour D ou avant, telles qu'enregistrées jusqu'à
  aujourd'hui (`situations(…, enregistrees_au=aujourd'hui)`) ; « à la cible » = étiquette « atteint ».
- **Ce qui reste ouvert** : une obligation sans verdict « tenu », une action non réalisée.

Un nombre fixe de requêtes, quelle que soit la taille du protocole.
"""

import datetime
from dataclasses import dataclass, field

from engagements.models import Statut, ValeurVerdict
from engagements.models.regles import aujourd_hui
from engagements.tableaux.comptes import obligations_au, verdicts_par_engagement, verdicts_total
from engagements.tableaux.indicateurs import Etiquette, situations_du_perimetre
from engagements.tableaux.lignes import lignes_actions
from engagements.tableaux.regles import Perimetre
from engagements.tableaux.tendances import verdicts_par_partie


class JourDuBilanRefuse(ValueError):
    """Un jour de bilan après l'échéance du protocole."""


@dataclass
class ObligationAuBilan:
    """Une obligation au jour du bilan : son verdict et son motif, ses actions, ses indicateurs."""

    obligation: object
    actions: list = field(default_factory=list)
    indicateurs: list = field(default_factory=list)

    @property
    def verdict(self):
        return self.obligation.verdict_au

    @property
    def motif(self):
        return self.obligation.motif_verdict_au or ""

    @property
    def verdict_libelle(self):
        return ValeurVerdict(self.verdict).label

    @property
    def tenue(self):
        return self.verdict == ValeurVerdict.TENU

    @property
    def realisees(self):
        return sum(1 for a in self.actions if a.statut_au == Statut.REALISE)

    @property
    def non_realisees(self):
        return [a for a in self.actions if a.statut_au != Statut.REALISE]

    @property
    def a_la_cible(self):
        return sum(1 for s in self.indicateurs if s.etiquette == Etiquette.ATTEINT)

    @property
    def ouverte(self):
        """Laissée ouverte : pas de verdict « tenu », ou une action non réalisée."""
        return not self.tenue or bool(self.non_realisees)


@dataclass
class Bilan:
    protocole: object
    au: datetime.date
    echeance: datetime.date
    par_partie: list  # [(partie, {verdict: nombre})]
    par_engagement: list  # [(engagement, {verdict: nombre})]
    total: dict  # {verdict: nombre}
    obligations: list  # [ObligationAuBilan], dans l'ordre du texte

    @property
    def en_cours(self):
        """Un bilan daté d'avant l'échéance : un bilan d'étape."""
        return self.au < self.echeance

    @property
    def sections(self):
        """[(engagement, [(partie, [ObligationAuBilan])])] dans l'ordre du texte."""
        resultat = {}
        for ligne in self.obligations:
            bloc = ligne.obligation.bloc
            resultat.setdefault(bloc.engagement, {}).setdefault(bloc.partie, []).append(ligne)
        return [(engagement, list(parties.items())) for engagement, parties in resultat.items()]

    @property
    def ouvertes(self):
        return [ligne for ligne in self.obligations if ligne.ouverte]

    @property
    def actions(self):
        """(réalisées, total) au jour du bilan."""
        return sum(o.realisees for o in self.obligations), sum(len(o.actions) for o in self.obligations)

    @property
    def indicateurs(self):
        """(à la cible, total) des (indicateur, quartier) au jour du bilan."""
        return sum(o.a_la_cible for o in self.obligations), sum(len(o.indicateurs) for o in self.obligations)


def jour_du_bilan(protocole, au=None):
    """Le jour D du bilan : `au` s'il est donné (JourDuBilanRefuse s'il suit l'échéance), l'échéance sinon."""
    echeance = protocole.echeance
    if au is None:
        return echeance
    if au > echeance:
        raise JourDuBilanRefuse(
            f"Le bilan se fait à l'échéance du protocole ({echeance:%d/%m/%Y}) ou avant : le {au:%d/%m/%Y} la suit."
        )
    return au


def bilan(protocole, au=None):
    """Le bilan du protocole au jour `au` (l'échéance par défaut ; voir le module)."""
    jour = jour_du_bilan(protocole, au)
    perimetre = Perimetre(protocole)
    actions = lignes_actions(perimetre, jour)
    obligations = obligations_au(perimetre, jour, {a.obligation_au for a in actions})
    lignes = {o.pk: ObligationAuBilan(o) for o in obligations}
    for action in actions:
        lignes[action.obligation_au].actions.append(action)
    for situation in situations_du_perimetre(perimetre, jour, enregistrees_au=aujourd_hui()):
        lignes[situation.indicateur.obligation_id].indicateurs.append(situation)
    par_numero = verdicts_par_engagement(perimetre, jour)
    engagements = {o.bloc.engagement.numero: o.bloc.engagement for o in obligations}
    return Bilan(
        protocole=protocole,
        au=jour,
        echeance=protocole.echeance,
        par_partie=verdicts_par_partie(perimetre, jour),
        par_engagement=[(engagements[n], par_numero[n]) for n in sorted(par_numero) if n in engagements],
        total=verdicts_total(par_numero),
        obligations=list(lignes.values()),
    )
