"""Les chiffres des indicateurs : pour chaque (indicateur, quartier) d'un périmètre, ses valeurs par période au jour D,
sa progression vers la cible et son étiquette. Écrits ici une fois ; la page d'une obligation, celle d'un
indicateur, la liste `/indicateurs/` et ses exports, les tableaux de bord et l'annexe des rapports les lisent tous.

- **La valeur d'une période au jour D** : la dernière enregistrée ce jour-là ou avant
  (`Valeur.objects.enregistrees_au`).
- **La progression vers la cible** = (dernière − départ) / (cible − départ), bornée à 0-100 % ; la dernière est la
  valeur de la période la plus récente. Non calculée, et la raison est dite, sans valeur de départ, sans cible, quand
  l'écart est nul ou quand la cible va dans le sens contraire de celui de l'indicateur.
- **L'étiquette**, dans cet ordre : « sans valeur depuis … » quand la dernière période renseignée a plus d'une période
  de retard sur la dernière période écoulée le jour D (aucune valeur : « sans valeur ») ; « atteint » quand la dernière
  valeur atteint la cible (dans le sens de l'indicateur) ; « en recul » quand elle est moins bonne que la précédente
  (sans précédente : que la valeur de départ) ; « en progrès » sinon.

Chaque fonction répond en un nombre fixe de requêtes, quel que soit le nombre d'indicateurs et de valeurs.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models
from django.db.models import Q

from engagements.models import Frequence, Indicateur, Periode, Repere, Sens, Valeur
from engagements.models.indicateurs import TOUT_LE_TERRITOIRE
from protocole.models import Quartier


class Etiquette(models.TextChoices):
    ATTEINT = "atteint", "atteint"
    EN_PROGRES = "en_progres", "en progrès"
    EN_RECUL = "en_recul", "en recul"
    SANS_VALEUR = "sans_valeur", "sans valeur"


# Un symbole par étiquette : la couleur du badge n'est jamais seule à la dire.
SYMBOLES_ETIQUETTE = {
    Etiquette.ATTEINT: "✓",
    Etiquette.EN_PROGRES: "▲",
    Etiquette.EN_RECUL: "▼",
    Etiquette.SANS_VALEUR: "…",
}


@dataclass(frozen=True)
class Point:
    """La valeur d'une période au jour D, et la ligne qui la porte (qui, quand, source, commentaire)."""

    periode: Periode
    valeur: Decimal
    ligne: Valeur


@dataclass
class Situation:
    """Un indicateur dans un quartier (ou pour tout le territoire) au jour `au`."""

    indicateur: Indicateur
    quartier: Quartier | None
    repere: Repere | None
    points: list
    au: object
    progression: Decimal | None = None
    raison: str = ""
    etiquette: str = Etiquette.SANS_VALEUR
    libelle: str = ""
    derniere_close: Periode | None = field(default=None, repr=False)

    @property
    def lieu(self):
        return self.quartier.nom if self.quartier is not None else TOUT_LE_TERRITOIRE

    @property
    def derniere(self):
        return self.points[-1] if self.points else None

    @property
    def precedente(self):
        return self.points[-2] if len(self.points) > 1 else None

    @property
    def base(self):
        return self.repere.base_valeur if self.repere else None

    @property
    def cible(self):
        return self.repere.cible_valeur if self.repere else None

    @property
    def base_ecrite(self):
        return self.indicateur.formater(self.base)

    @property
    def cible_ecrite(self):
        return self.indicateur.formater(self.cible)

    @property
    def derniere_ecrite(self):
        return self.indicateur.formater(self.derniere.valeur if self.derniere else None)

    @property
    def symbole(self):
        return SYMBOLES_ETIQUETTE[Etiquette(self.etiquette)]

    @property
    def atteinte(self):
        return self.etiquette == Etiquette.ATTEINT


def _mieux(sens, a, b):
    """`a` est meilleure que `b` dans le sens de l'indicateur."""
    return a > b if sens == Sens.HAUSSE else a < b


def _progression(situation):
    """(progression bornée à 0-100, raison de ne pas la calculer)."""
    base, cible, derniere = situation.base, situation.cible, situation.derniere
    if base is None and cible is None:
        return None, "ni valeur de départ ni cible"
    if base is None:
        return None, "pas de valeur de départ"
    if cible is None:
        return None, "pas de cible"
    ecart = cible - base
    if ecart == 0:
        return None, "la cible est égale à la valeur de départ"
    if (ecart > 0) != (situation.indicateur.sens == Sens.HAUSSE):
        return (
            None,
            f"la cible va dans le sens contraire de celui de l'indicateur ({situation.indicateur.get_sens_display()})",
        )
    if derniere is None:
        return None, "aucune valeur enregistrée"
    brute = (derniere.valeur - base) / ecart * 100
    return min(max(brute, Decimal(0)), Decimal(100)).quantize(Decimal(1)), ""


def _depuis(periode):
    return periode.libelle if periode.par_an == 1 else f"le {periode.libelle}"


def _etiqueter(situation):
    """(étiquette, libellé) selon les règles du module."""
    sens = situation.indicateur.sens
    derniere, precedente = situation.derniere, situation.precedente
    if derniere is None:
        return Etiquette.SANS_VALEUR, "sans valeur"
    if derniere.periode.ecart(situation.derniere_close) > 1:
        return Etiquette.SANS_VALEUR, f"sans valeur depuis {_depuis(derniere.periode.suivante)}"
    cible = situation.cible
    if cible is not None and (derniere.valeur == cible or _mieux(sens, derniere.valeur, cible)):
        return Etiquette.ATTEINT, Etiquette.ATTEINT.label
    reference = precedente.valeur if precedente else situation.base
    if reference is not None and _mieux(sens, reference, derniere.valeur):
        return Etiquette.EN_RECUL, Etiquette.EN_RECUL.label
    return Etiquette.EN_PROGRES, Etiquette.EN_PROGRES.label


def indicateurs_du_perimetre(perimetre):
    """Les indicateurs dont rend compte un périmètre : ceux des obligations du périmètre ; pour une organisation,
    aussi ceux qu'elle fournit. Pour un quartier : tous ceux du protocole (`situations` garde ce quartier)."""
    qs = Indicateur.objects.filter(protocole=perimetre.protocole)
    if perimetre.organisation is None and perimetre.engagement is None:
        return qs
    condition = Q(obligation__in=perimetre.obligations().values("pk"))
    if perimetre.organisation is not None:
        condition |= Q(fournisseur=perimetre.organisation)
    return qs.filter(condition)


def situations(indicateurs, au, quartier=None, enregistrees_au=None):
    """Chaque (indicateur, quartier) qui a une valeur de départ, une cible ou une valeur enregistrée le jour `au`
    ou avant, dans l'ordre du texte (engagement, obligation, référence), tout le territoire avant les quartiers.
    `quartier` donné : ce quartier et tout le territoire. Quatre requêtes.

    `enregistrees_au` (le bilan à l'échéance) : les valeurs des seules périodes finies le jour `au` ou avant, telles
    qu'enregistrées jusqu'à ce jour-là (plus tard que `au`) ; l'étiquette se lit au jour `au`."""
    indicateurs = list(
        indicateurs.select_related("obligation__bloc__engagement", "obligation__bloc__partie", "fournisseur").order_by(
            "obligation__bloc__engagement__numero", "obligation__bloc__ordre", "obligation__rang", "reference"
        )
    )
    if not indicateurs:
        return []
    par_id = {i.pk: i for i in indicateurs}
    protocole_id = indicateurs[0].protocole_id
    quartiers = {q.pk: q for q in Quartier.objects.filter(protocole=protocole_id)}
    # Un quartier : ses lignes et celles de tout le territoire, choisies par la base.
    du_lieu = Q() if quartier is None else Q(quartier__isnull=True) | Q(quartier=quartier)

    cles = {}
    for repere in Repere.objects.filter(du_lieu, indicateur__in=par_id):
        cles.setdefault((repere.indicateur_id, repere.quartier_id), [None, {}])[0] = repere
    lignes = Valeur.objects.filter(du_lieu, indicateur__in=par_id)
    if enregistrees_au is not None:
        # Une condition par fréquence (le rang d'une période dépend de sa fréquence) : une requête de taille fixe.
        closes = Q()
        for frequence in Frequence:
            closes |= Q(indicateur__frequence=frequence, rang__lte=Periode.derniere_close(au, frequence).rang)
        lignes = lignes.filter(closes)
    lignes = (
        lignes.enregistrees_au(enregistrees_au or au)
        .select_related("auteur")
        .order_by("indicateur_id", "quartier_id", "rang", "-enregistre_le", "-id")
    )
    for ligne in lignes:
        # La première ligne de chaque période est la plus récente enregistrée le jour `au` ou avant.
        points = cles.setdefault((ligne.indicateur_id, ligne.quartier_id), [None, {}])[1]
        if ligne.rang not in points:
            periode = Periode(ligne.rang, par_id[ligne.indicateur_id].frequence)
            points[ligne.rang] = Point(periode, ligne.valeur, ligne)

    rang_indicateur = {i.pk: rang for rang, i in enumerate(indicateurs)}
    resultat = []
    for (indicateur_id, quartier_id), (repere, points) in sorted(
        cles.items(),
        key=lambda c: (
            rang_indicateur[c[0][0]],
            c[0][1] is not None,
            quartiers[c[0][1]].nom if c[0][1] else "",
        ),
    ):
        indicateur = par_id[indicateur_id]
        situation = Situation(
            indicateur=indicateur,
            quartier=quartiers.get(quartier_id),
            repere=repere,
            points=[points[rang] for rang in sorted(points)],
            au=au,
            derniere_close=Periode.derniere_close(au, indicateur.frequence),
        )
        situation.progression, situation.raison = _progression(situation)
        situation.etiquette, situation.libelle = _etiqueter(situation)
        resultat.append(situation)
    return resultat


def situations_du_perimetre(perimetre, au, enregistrees_au=None):
    """Les situations des indicateurs d'un périmètre (tableaux de bord, rapports, bilan)."""
    return situations(
        indicateurs_du_perimetre(perimetre), au, quartier=perimetre.quartier, enregistrees_au=enregistrees_au
    )


def par_etiquette(liste):
    """[(étiquette, libellé, nombre)] sur des situations, dans l'ordre des étiquettes, zéro compris."""
    comptes = {e.value: 0 for e in Etiquette}
    for situation in liste:
        comptes[situation.etiquette] += 1
    return [(e.value, e.label, comptes[e.value]) for e in Etiquette]
