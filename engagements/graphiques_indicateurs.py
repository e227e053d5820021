"""La courbe d'un indicateur : ses valeurs par période, une ligne par quartier (ou tout le territoire), la cible de
chacun en tirets. Calculée en Python à partir des situations de la couche des requêtes (aucune requête), rendue par
templates/tableaux/graphiques/courbes.svg.html. Mêmes conventions que `engagements.graphiques` : SVG autonome que
WeasyPrint reprend, chaque couleur doublée d'une forme de point et d'une légende écrite, et le tableau des mêmes
valeurs à côté.
"""

from dataclasses import dataclass
from decimal import Decimal

from engagements.graphiques import ENCRE, LARGEUR, TAILLE_TEXTE

# (couleur, forme) par série : contraste d'au moins 3:1 sur blanc, et une forme différente pour chaque série.
STYLES = [
    ("#1f5fa8", "rond"),
    ("#a61b1b", "carre"),
    ("#1e6b34", "triangle"),
    ("#6f42c1", "losange"),
    ("#8a4b08", "rond"),
    ("#0b6e79", "carre"),
    ("#5c636a", "triangle"),
    ("#b0226b", "losange"),
]
SYMBOLES_FORME = {"rond": "●", "carre": "■", "triangle": "▲", "losange": "◆"}
MARGE_GAUCHE = 64
MARGE_DROITE = 16
HAUT = 12
HAUTEUR_TRACE = 170
HAUTEUR_LEGENDE = 20


@dataclass
class Serie:
    nom: str
    couleur: str
    forme: str
    points: list  # [(x, y, libellé de la période, valeur écrite)]
    cible_y: float | None
    cible: str

    @property
    def trace(self):
        return " ".join(f"{x},{y}" for x, y, _p, _v in self.points)

    @property
    def symbole(self):
        return SYMBOLES_FORME[self.forme]


@dataclass
class GraphiqueCourbes:
    identifiant: str
    titre: str
    description: str
    series: list
    graduations: list  # [(y, texte)]
    abscisses: list  # [(x, texte)]
    legende: list  # [(x, y, serie)]
    hauteur: float
    base: float
    x_fin: float
    largeur: int = LARGEUR
    encre: str = ENCRE
    taille_texte: int = TAILLE_TEXTE
    marge: int = MARGE_GAUCHE


def _haut_rond(valeur):
    """Un haut d'axe lisible au-dessus de `valeur` : 1, 2 ou 5 fois une puissance de dix."""
    if valeur <= 0:
        return Decimal(1)
    puissance = Decimal(10) ** (len(str(int(valeur))) - 1)
    for facteur in (1, 2, 5, 10):
        if facteur * puissance >= valeur:
            return facteur * puissance
    return 10 * puissance  # pragma: no cover - la boucle finit à 10 × la puissance, toujours assez


def courbes(indicateur, situations, identifiant):
    """Le graphique d'un indicateur d'après ses `situations` (une par quartier) ; None s'il n'y a aucune valeur."""
    situations = [s for s in situations if s.points][: len(STYLES)]
    if not situations:
        return None
    rangs = sorted({p.periode.rang for s in situations for p in s.points})
    premier, dernier = rangs[0], rangs[-1]
    periodes = {p.periode.rang: p.periode for s in situations for p in s.points}
    valeurs = [p.valeur for s in situations for p in s.points] + [s.cible for s in situations if s.cible is not None]
    haut = _haut_rond(max(valeurs))
    x_fin = LARGEUR - MARGE_DROITE
    base = HAUT + HAUTEUR_TRACE
    pas = (x_fin - MARGE_GAUCHE) / max(dernier - premier, 1)

    def x(rang):
        return round(MARGE_GAUCHE + (rang - premier) * pas, 1) if dernier > premier else (MARGE_GAUCHE + x_fin) / 2

    def y(valeur):
        return round(base - float(valeur / haut) * HAUTEUR_TRACE, 1)

    series = []
    for rang, situation in enumerate(situations):
        couleur, forme = STYLES[rang]
        points = [
            (x(p.periode.rang), y(p.valeur), p.periode.libelle, indicateur.formater(p.valeur)) for p in situation.points
        ]
        cible = situation.cible
        series.append(
            Serie(
                situation.lieu,
                couleur,
                forme,
                points,
                y(cible) if cible is not None else None,
                indicateur.formater(cible) if cible is not None else "",
            )
        )
    # Au plus une douzaine d'étiquettes sous l'axe : une période sur `saut`.
    saut = max(1, (dernier - premier + 1 + 11) // 12)
    abscisses = [(x(r), periodes[r].code if r in periodes else "") for r in range(premier, dernier + 1, saut)]
    graduations = [(y(haut * k / 2), indicateur.formater(haut * k / 2)) for k in (0, 1, 2)]
    legende, lx, ly = [], MARGE_GAUCHE, base + 30
    for serie in series:
        largeur = 40 + len(serie.nom) * 7 + (60 + len(serie.cible) * 7 if serie.cible else 0)
        if lx + largeur > LARGEUR and lx > MARGE_GAUCHE:
            lx, ly = MARGE_GAUCHE, ly + HAUTEUR_LEGENDE
        legende.append((lx, ly, serie))
        lx += largeur
    premiere, derniere = periodes[premier], periodes[dernier]
    description = (
        f"{indicateur.nom}, {indicateur.get_unite_display()}, du {premiere.libelle} au {derniere.libelle} : "
        + " ; ".join(
            f"{s.lieu} {indicateur.formater(s.derniere.valeur)} au {s.derniere.periode.libelle}"
            + (f", cible {indicateur.formater(s.cible)}" if s.cible is not None else "")
            for s in situations
        )
        + ". Les cibles sont en tirets ; le tableau des valeurs suit."
    )
    return GraphiqueCourbes(
        identifiant=identifiant,
        titre=f"{indicateur.reference} — {indicateur.nom}",
        description=description,
        series=series,
        graduations=graduations,
        abscisses=abscisses,
        legende=legende,
        hauteur=ly + HAUTEUR_LEGENDE,
        base=base,
        x_fin=x_fin,
    )


def tableau_des_valeurs(situations):
    """Le tableau des mêmes valeurs : une ligne par période (la plus récente d'abord), une colonne par quartier."""
    situations = [s for s in situations if s.points]
    periodes = {}
    for situation in situations:
        for point in situation.points:
            periodes.setdefault(point.periode.rang, point.periode)
    lignes = []
    for rang in sorted(periodes, reverse=True):
        valeurs = []
        for situation in situations:
            point = next((p for p in situation.points if p.periode.rang == rang), None)
            valeurs.append(situation.indicateur.formater(point.valeur) if point else "—")
        lignes.append((periodes[rang], valeurs))
    return {"colonnes": [s.lieu for s in situations], "lignes": lignes}


def graphiques(liste, prefixe):
    """Pour chaque indicateur de `liste` (des situations, dans l'ordre) : {indicateur, ses situations, sa courbe, le
    tableau de ses valeurs}. Ce que montrent la page d'une obligation, celle d'un indicateur et l'annexe des
    rapports. Sans requête."""
    par_indicateur = {}
    for situation in liste:
        par_indicateur.setdefault(situation.indicateur, []).append(situation)
    return [
        {
            "indicateur": indicateur,
            "situations": siennes,
            "graphique": courbes(indicateur, siennes, f"{prefixe}-{indicateur.pk}"),
            "tableau": tableau_des_valeurs(siennes),
        }
        for indicateur, siennes in par_indicateur.items()
    ]


def par_engagement(liste, prefixe):
    """Les mêmes blocs, rangés par engagement : [(engagement, [bloc…])], dans l'ordre du texte."""
    rangs = {}
    for bloc in graphiques(liste, prefixe):
        engagement = bloc["indicateur"].obligation.bloc.engagement
        rangs.setdefault(engagement, []).append(bloc)
    return list(rangs.items())
