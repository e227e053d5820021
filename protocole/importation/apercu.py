"""Juger chaque ligne d'un tableau (l'aperçu), puis tout écrire en une transaction (la confirmation)."""

import hashlib
from dataclasses import dataclass, field
from enum import Enum

from django.core.exceptions import ValidationError
from django.db import transaction


class Etat(Enum):
    CREATION = "à créer"
    MODIFICATION = "à modifier"
    INCHANGEE = "inchangée"


@dataclass
class Resultat:
    """Une ligne acceptée. `cle` : ce sur quoi elle porte (deux lignes d'un fichier sur la même chose : la seconde
    est refusée) ; `colonnes` : ce que l'aperçu en montre (`Sorte.entetes_apercu`) ; `avant`, `apres` : la valeur
    actuelle et celle du fichier, en texte ; `donnees` : ce dont `ecrire` a besoin ; `temoin` : ce qui est en place
    (comparé à la confirmation : s'il a changé depuis l'aperçu, rien n'est écrit)."""

    cle: object
    etat: Etat
    colonnes: list
    apres: str
    avant: str = ""
    donnees: dict = field(default_factory=dict, repr=False)
    temoin: object = None
    numero: int = 0


@dataclass
class Refus:
    motif: str
    numero: int = 0
    cellules: list = field(default_factory=list)


class Sorte:
    """Une sorte de ligne (voir l'exemple en tête du module)."""

    nom = ""
    colonnes = ()
    entetes_apercu = ()

    def preparer(self, lignes, verrou=False):
        """Lire d'un coup ce que `valider` consultera ; `verrou` : dans la transaction de la confirmation."""

    def valider(self, ligne):
        """Resultat, Refus(motif) ou None (ligne ignorée) ; une ValidationError refuse la ligne avec son message."""
        raise NotImplementedError

    def doublon(self, ligne, premiere):
        return f"Ligne en double : la ligne {premiere} porte déjà sur la même chose ; celle-ci n'est pas importée."

    def ecrire(self, resultat, origine):
        """Écrit une ligne acceptée (appelé dans la transaction de `confirmer`) ; vrai si quelque chose a changé."""
        raise NotImplementedError


@dataclass
class Apercu:
    nom: str
    entetes: tuple
    a_creer: list = field(default_factory=list)
    a_modifier: list = field(default_factory=list)
    inchangees: list = field(default_factory=list)
    refusees: list = field(default_factory=list)
    ignorees: list = field(default_factory=list)

    @property
    def a_ecrire(self):
        return sorted(self.a_creer + self.a_modifier, key=lambda r: r.numero)

    @property
    def empreinte(self):
        """Ce que l'aperçu annonce, résumé : s'il change entre l'aperçu et la confirmation, on ne confirme pas."""
        annonce = [(r.numero, r.etat.value, r.avant, r.apres, repr(r.temoin)) for r in self.a_ecrire + self.inchangees]
        annonce += [(r.numero, r.motif) for r in self.refusees]
        return hashlib.sha256(repr(sorted(annonce)).encode()).hexdigest()


def previsualiser(sorte, tableau, verrou=False):
    """L'aperçu d'un tableau : rien n'est écrit."""
    sorte.preparer(tableau.lignes, verrou=verrou)
    apercu = Apercu(tableau.nom, tuple(sorte.entetes_apercu))
    rangs = {Etat.CREATION: apercu.a_creer, Etat.MODIFICATION: apercu.a_modifier, Etat.INCHANGEE: apercu.inchangees}
    vues = {}
    for ligne in tableau.lignes:
        try:
            issue = sorte.valider(ligne)
        except ValidationError as erreur:
            issue = Refus(" ".join(erreur.messages))
        if issue is not None and not isinstance(issue, Refus) and issue.cle in vues:
            issue = Refus(sorte.doublon(ligne, vues[issue.cle]))
        if issue is None:
            apercu.ignorees.append(ligne.numero)
        elif isinstance(issue, Refus):
            issue.numero = ligne.numero
            issue.cellules = [ligne.texte(c.cle) for c in tableau.colonnes if c.cle in ligne.valeurs]
            apercu.refusees.append(issue)
        else:
            issue.numero = ligne.numero
            vues[issue.cle] = ligne.numero
            rangs[issue.etat].append(issue)
    return apercu


@dataclass
class Bilan:
    """L'issue d'une confirmation : `confirme` faux quand l'aperçu avait changé (rien n'est écrit, `apercu` est le
    nouveau) ; sinon `ecrites` lignes écrites."""

    apercu: Apercu
    confirme: bool
    ecrites: int = 0


def confirmer(sorte, tableau, empreinte, origine):
    """Juge de nouveau et écrit tout le fichier dans une transaction, ou rien si l'aperçu a changé depuis."""
    with transaction.atomic():
        apercu = previsualiser(sorte, tableau, verrou=True)
        if apercu.empreinte != empreinte:
            return Bilan(apercu, confirme=False)
        ecrites = sum(bool(sorte.ecrire(resultat, origine)) for resultat in apercu.a_ecrire)
    return Bilan(apercu, confirme=True, ecrites=ecrites)
