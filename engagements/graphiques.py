"""Ce que dessinent les tableaux de bord, calculé en Python à partir des chiffres déjà agrégés (aucune requête).

Les graphiques sont des SVG rendus par le serveur (templates/tableaux/graphiques/) : ni JavaScript, ni feuille de
style à l'intérieur, des couleurs en attributs et une police explicite, pour que les rapports PDF (WeasyPrint) les
reprennent à l'identique. Chaque couleur double une information écrite : symbole et nombre dans le segment, légende,
et le tableau des mêmes chiffres à côté.
"""

from dataclasses import dataclass, field

from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from engagements.badges import SYMBOLES_STATUT
from engagements.models import Statut, ValeurVerdict
from engagements.tableaux import Compte

# Un symbole par statut, les mêmes que les badges.
SYMBOLES = SYMBOLES_STATUT
# (fond, encre) : le texte écrit sur chaque fond y garde un contraste d'au moins 4,5:1.
COULEURS = {
    Statut.A_VENIR: ("#d0d7de", "#1f2328"),
    Statut.EN_COURS: ("#1f5fa8", "#ffffff"),
    Statut.REALISE: ("#1e6b34", "#ffffff"),
    Statut.BLOQUE: ("#a61b1b", "#ffffff"),
    Statut.EN_PAUSE: ("#f0b85a", "#1f2328"),
    Statut.ABANDONNE: ("#5c636a", "#ffffff"),
}
ENCRE = "#1f2328"

LARGEUR = 640  # la largeur utile d'une page A4 à 96 px par pouce
MARGE_LIBELLE = 64  # au moins : la colonne des libellés (« N°1 », un nom de quartier)
PLACE_RESUME = 190  # après la plus longue barre : « 146 actions, 15 en retard »
HAUTEUR_BARRE = 28
ECART = 12
TAILLE_TEXTE = 13
LARGEUR_CARACTERE = 7.5  # estimation pour décider si un nombre tient dans son segment


def _largeur_texte(texte):
    return len(texte) * LARGEUR_CARACTERE


@dataclass
class Segment:
    statut: str
    libelle: str
    nombre: int
    x: float
    largeur: float
    fond: str
    encre: str
    texte: str  # vide quand le segment est trop étroit : le nombre reste dans la légende du survol et le tableau

    @property
    def milieu(self):
        return round(self.x + self.largeur / 2, 1)


@dataclass
class Barre:
    libelle: str
    intitule: str
    y: float
    compte: Compte
    segments: list
    resume: str
    x_resume: float  # juste après le bout de la barre

    @property
    def milieu(self):
        return self.y + HAUTEUR_BARRE / 2


@dataclass
class Legende:
    symbole: str
    libelle: str
    fond: str
    encre: str
    x: float
    y: float

    @property
    def x_symbole(self):
        return self.x + 8

    @property
    def x_texte(self):
        return self.x + 22

    @property
    def milieu(self):
        return self.y + 8


@dataclass
class Graphique:
    """Un graphique en barres horizontales empilées : une barre par ligne (engagement ou quartier), un segment par
    statut. `identifiant` préfixe les id du SVG (plusieurs graphiques par page)."""

    identifiant: str
    titre: str
    description: str
    entete: str  # l'en-tête de la première colonne du tableau des chiffres
    barres: list
    legende: list
    hauteur: float
    statuts: list = field(default_factory=lambda: [(s.value, SYMBOLES[s], s.label) for s in Statut])
    largeur: int = LARGEUR
    encre: str = ENCRE
    marge_libelle: int = MARGE_LIBELLE
    hauteur_barre: int = HAUTEUR_BARRE
    taille_texte: int = TAILLE_TEXTE

    @property
    def x_libelle(self):
        return self.marge_libelle - 8


def resume(compte):
    """« 12 actions, dont 2 en retard » : ce que dit chaque barre au bout du trait."""
    if not compte.total:
        return "aucune action"
    texte = f"{compte.total} action{'s' if compte.total > 1 else ''}"
    if compte.en_retard:
        texte += f", {compte.en_retard} en retard"
    return texte


def _detail(compte):
    morceaux = [f"{n} {libelle}" for _statut, libelle, n in compte.statuts() if n]
    return f"{resume(compte)}" + (f" ({', '.join(morceaux)})" if morceaux else "")


@dataclass(frozen=True)
class Categorie:
    """Une part d'une barre empilée : sa clé, son symbole, son libellé et ses couleurs (fond, encre)."""

    cle: str
    symbole: str
    libelle: str
    fond: str
    encre: str


CATEGORIES_STATUTS = [Categorie(s.value, SYMBOLES[s], s.label, *COULEURS[s]) for s in Statut]
# Les verdicts d'une obligation, dans l'ordre de lecture : du meilleur au pire, puis « non évalué ».
CATEGORIES_VERDICTS = [
    Categorie(ValeurVerdict.TENU, "✓", "tenu", "#1e6b34", "#ffffff"),
    Categorie(ValeurVerdict.PARTIEL, "◐", "partiellement tenu", "#f0b85a", "#1f2328"),
    Categorie(ValeurVerdict.NON_TENU, "✗", "non tenu", "#a61b1b", "#ffffff"),
    Categorie(ValeurVerdict.NON_EVALUE, "○", "non évalué", "#d0d7de", "#1f2328"),
]


def barres_par_statut(identifiant, titre, lignes, entete="Engagement"):
    """Le graphique des actions par statut ; `lignes` = [(libellé court, intitulé, Compte)]."""
    return barres_empilees(
        identifiant,
        titre,
        [
            (libelle, intitule, compte.par_statut, compte, resume(compte), _detail(compte))
            for libelle, intitule, compte in lignes
        ],
        CATEGORIES_STATUTS,
        "Nombre d'actions par statut. ",
        entete,
    )


def barres_empilees(identifiant, titre, lignes, categories, introduction, entete):
    """Un graphique en barres horizontales empilées ; `lignes` = [(libellé court, intitulé, {clé: nombre}, objet
    compté, résumé au bout de la barre, détail pour l'alternative textuelle)]."""
    plus_grand = max((sum(valeurs.values()) for _l, _i, valeurs, *_r in lignes), default=0) or 1
    marge = max([MARGE_LIBELLE] + [round(_largeur_texte(libelle)) + 16 for libelle, *_r in lignes])
    zone = LARGEUR - marge - PLACE_RESUME
    barres = []
    for rang, (libelle, intitule, valeurs, compte, au_bout, _detail_ligne) in enumerate(lignes):
        y = ECART + rang * (HAUTEUR_BARRE + ECART)
        x, segments = marge, []
        for categorie in categories:
            nombre = valeurs.get(categorie.cle, 0)
            if not nombre:
                continue
            largeur = round(zone * nombre / plus_grand, 1)
            texte = f"{categorie.symbole} {nombre}"
            if _largeur_texte(texte) + 6 > largeur:
                texte = str(nombre) if _largeur_texte(str(nombre)) + 4 <= largeur else ""
            segments.append(
                Segment(
                    categorie.cle,
                    categorie.libelle,
                    nombre,
                    round(x, 1),
                    largeur,
                    categorie.fond,
                    categorie.encre,
                    texte,
                )
            )
            x += largeur
        barres.append(Barre(libelle, intitule, y, compte, segments, au_bout, round(x + 8, 1)))
    y_legende = ECART + len(lignes) * (HAUTEUR_BARRE + ECART) + 6
    legende, x = [], marge
    for categorie in categories:
        # Le symbole est dans la pastille : seul le libellé s'écrit à côté.
        largeur = 22 + _largeur_texte(categorie.libelle)
        if x + largeur > LARGEUR:
            x, y_legende = marge, y_legende + 22
        legende.append(
            Legende(categorie.symbole, categorie.libelle, categorie.fond, categorie.encre, round(x, 1), y_legende)
        )
        x += largeur + 16
    description = introduction + " ; ".join(f"{intitule} : {detail}" for _l, intitule, *_r, detail in lignes)
    return Graphique(
        identifiant=identifiant,
        titre=titre,
        description=description + ".",
        entete=entete,
        barres=barres,
        legende=legende,
        hauteur=y_legende + 24,
        statuts=[(c.cle, c.symbole, c.libelle) for c in categories],
        marge_libelle=marge,
    )


def graphique_verdicts_par_partie(verdicts, identifiant, titre):
    """Une barre par partie, d'après `verdicts_par_partie` : le verdict de chacune de ses obligations."""
    lignes = []
    for partie, par_verdict in verdicts:
        total = sum(par_verdict.values())
        detail = ", ".join(f"{par_verdict[c.cle]} {c.libelle}" for c in CATEGORIES_VERDICTS if par_verdict[c.cle])
        au_bout = f"{total} obligation{'s' if total > 1 else ''}"
        lignes.append((partie.nom_court, partie.nom, par_verdict, None, au_bout, f"{au_bout} ({detail})"))
    return barres_empilees(
        identifiant, titre, lignes, CATEGORIES_VERDICTS, "Verdict des obligations par partie. ", "Partie"
    )


def graphique_engagements(grille, identifiant, titre):
    """Une barre par engagement, d'après la grille (le total de chaque ligne)."""
    lignes = [(f"N°{e.numero}", f"Engagement N°{e.numero}", total) for e, _cellules, total in grille.lignes]
    return barres_par_statut(identifiant, titre, lignes)


def graphique_quartiers(comptes, identifiant, titre):
    """Une barre par quartier, d'après `comptes_par_quartier`."""
    lignes = [(_abrege(q.nom), q.nom, compte) for q, compte in comptes]
    return barres_par_statut(identifiant, titre, lignes, entete="Quartier")


def _abrege(nom, longueur=18):
    return nom if len(nom) <= longueur else nom[: longueur - 1] + "…"


# -- la grille réciproque ---------------------------------------------------------------------------------------------


@dataclass
class Cellule:
    """Une case de la grille : ses chiffres, une classe de couleur et la même information écrite en mots."""

    compte: Compte
    classe: str  # sans-objet, vide, alerte, ok, en-cours
    mention: str

    @property
    def statuts(self):
        return [(statut, SYMBOLES[statut], libelle, n) for statut, libelle, n in self.compte.statuts() if n]

    def __html__(self):
        """Le contenu de la case, écrit en Python plutôt que par un gabarit inclus à chaque case (une grille en a des
        dizaines) ; la couleur (`classe`, posée par la cellule du tableau) double toujours ces mots."""
        if self.classe in ("sans-objet", "vide"):
            return format_html('<span class="mention">{}</span>', self.mention)
        total = self.compte.total
        morceaux = [format_html('<strong class="d-block">{} action{}</strong>', total, "s" if total > 1 else "")]
        if self.mention:
            morceaux.append(format_html('<span class="mention d-block">{}</span>', self.mention))
        morceaux.append(
            format_html(
                '<ul class="list-unstyled mb-0 statuts-cellule">{}</ul>',
                format_html_join(
                    "",
                    '<li><span aria-hidden="true">{} </span>{} : {}</li>',
                    ((symbole, libelle, n) for _s, symbole, libelle, n in self.statuts),
                ),
            )
        )
        if self.compte.moyenne is not None:
            morceaux.append(
                format_html('<span class="d-block small">avancement moyen {} %</span>', self.compte.moyenne)
            )
        return mark_safe("".join(morceaux))

    __str__ = __html__  # le gabarit écrit `{{ cellule }}` : Django passe par str() avant d'échapper


def cellule(compte):
    if compte.sans_objet:
        return Cellule(compte, "sans-objet", "sans objet")
    if not compte.total:
        return Cellule(compte, "vide", "aucune action")
    if compte.en_retard:
        return Cellule(compte, "alerte", f"⚠ {compte.en_retard} en retard")
    if not compte.ouvertes:
        if compte.par_statut[Statut.REALISE] == compte.total:
            return Cellule(compte, "ok", "✓ toutes réalisées" if compte.total > 1 else "✓ réalisée")
        return Cellule(compte, "ok", "✓ aucune action ouverte")
    return Cellule(compte, "en-cours", "")


@dataclass
class LigneGrille:
    engagement: object
    cellules: list
    total: Cellule


@dataclass
class GrilleAffichee:
    parties: list
    lignes: list
    totaux_parties: list
    total: Cellule


def grille_affichee(grille):
    """La grille prête à afficher : chaque case classée, et le total de chaque partie (somme des cases)."""
    totaux = [Compte() for _ in grille.parties]
    lignes = []
    for engagement, comptes, total in grille.lignes:
        for somme, compte in zip(totaux, comptes, strict=True):
            somme += compte
        lignes.append(LigneGrille(engagement, [cellule(c) for c in comptes], cellule(total)))
    for rang, somme in enumerate(totaux):
        somme.sans_objet = all(comptes[rang].sans_objet for _e, comptes, _t in grille.lignes)
    return GrilleAffichee(grille.parties, lignes, [cellule(c) for c in totaux], cellule(grille.total))
