"""Les graphiques propres à la note au comité : la tendance des actions par trimestre depuis le début du contrat
de ville, en colonnes empilées (templates/tableaux/graphiques/colonnes.svg.html). Mêmes conventions que
`engagements.graphiques` : SVG rendu par le serveur, chaque couleur doublée d'un symbole, d'une légende et d'un
tableau des mêmes chiffres (en annexe du rapport)."""

from dataclasses import dataclass

from engagements.graphiques import ECART, ENCRE, LARGEUR, TAILLE_TEXTE, Categorie, Legende, _largeur_texte

# Les trois parts d'un trimestre, de bas en haut ; « en retard » porte la couleur et le symbole du blocage.
CATEGORIES_TENDANCE = [
    Categorie("realisees", "✓", "réalisées", "#1e6b34", "#ffffff"),
    Categorie("a_jour", "▶", "ouvertes à jour", "#1f5fa8", "#ffffff"),
    Categorie("en_retard", "⚠", "ouvertes en retard", "#a61b1b", "#ffffff"),
]
HAUTEUR_TENDANCE = 150  # la hauteur de la plus haute colonne


@dataclass
class Colonne:
    libelle: str  # « T1 2024 », écrit sous la colonne pour le premier trimestre de chaque année
    intitule: str
    x: float
    largeur: float
    segments: list  # [(y, hauteur, fond, libellé, nombre)]
    ecrire: bool


@dataclass
class GraphiqueColonnes:
    identifiant: str
    titre: str
    description: str
    colonnes: list
    legende: list
    hauteur: float
    base: float  # l'ordonnée de l'axe horizontal
    maximum: int
    largeur: int = LARGEUR
    encre: str = ENCRE
    taille_texte: int = TAILLE_TEXTE


def graphique_tendance(trimestres, identifiant, titre):
    """Une colonne empilée par trimestre (réalisées, ouvertes à jour, ouvertes en retard), d'après `tendance`. Le
    texte alternatif donne les chiffres du premier trimestre où une action existe, du dernier et du plus chargé en
    retard ; le tableau complet est en annexe du rapport."""
    marge, place = 40, LARGEUR - 48
    pas = place / max(len(trimestres), 1)
    largeur = max(2.0, round(pas * 0.75, 1))
    maximum = max((t.total for t in trimestres), default=0) or 1
    base = ECART + HAUTEUR_TENDANCE
    colonnes = []
    for rang, trimestre in enumerate(trimestres):
        y, segments = base, []
        for categorie in CATEGORIES_TENDANCE:
            nombre = getattr(trimestre, categorie.cle)
            hauteur = round(HAUTEUR_TENDANCE * nombre / maximum, 1)
            if nombre:
                y -= hauteur
                segments.append((round(y, 1), hauteur, categorie.fond, categorie.libelle, nombre))
        x = round(marge + rang * pas, 1)
        premier = trimestre.fin.month <= 3 or rang == 0
        colonnes.append(Colonne(str(trimestre.fin.year), trimestre.libelle, x, largeur, segments, premier))
    y_legende, x = base + 26, marge
    legende = []
    for categorie in CATEGORIES_TENDANCE:
        legende.append(
            Legende(categorie.symbole, categorie.libelle, categorie.fond, categorie.encre, round(x, 1), y_legende)
        )
        x += 22 + _largeur_texte(categorie.libelle) + 16
    return GraphiqueColonnes(
        identifiant=identifiant,
        titre=titre,
        description=_decrire_tendance(trimestres),
        colonnes=colonnes,
        legende=legende,
        hauteur=y_legende + 24,
        base=base,
        maximum=maximum,
    )


def _decrire_tendance(trimestres):
    avec = [t for t in trimestres if t.total]
    if not avec:
        return "Aucune action sur la période."

    def dire(t):
        return f"{t.libelle} : {t.realisees} réalisées, {t.a_jour} ouvertes à jour, {t.en_retard} ouvertes en retard"

    pire = max(avec, key=lambda t: (t.en_retard, t.fin))
    morceaux = [dire(avec[0]), dire(avec[-1])]
    if pire not in (avec[0], avec[-1]):
        morceaux.insert(1, "le plus de retards, " + dire(pire))
    return "Actions par trimestre, à la fin de chaque trimestre. " + " ; ".join(morceaux) + "."
