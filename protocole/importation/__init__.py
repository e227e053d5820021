"""Importer un fichier CSV ou XLSX ligne par ligne : lecture, validation de chaque ligne, aperçu, confirmation.

Une *sorte de ligne* dit ses colonnes, juge chaque ligne et l'écrit ; ce module fait le reste, pour toutes :

- **Lire** (`lire`) : CSV (BOM, séparateur « ; », « , » ou tabulation reconnu d'après les en-têtes, UTF-8 puis
  Windows-1252) ou XLSX (la première feuille) ; en-têtes reconnus sans accents ni majuscules, colonnes inconnues
  ignorées (les colonnes d'aide d'un modèle), lignes vides sautées ; taille et nombre de lignes bornés. Un fichier
  refusé en entier lève `ImportRefuse`, avec un message en français. Les cellules restent telles quelles (texte,
  nombre, date d'un classeur) : la virgule décimale et les dates JJ/MM/AAAA (`lire_date`) sont l'affaire de la sorte.
- **Prévoir** (`previsualiser`) : chaque ligne est jugée ; l'aperçu range les lignes à créer, à modifier (avant →
  après), inchangées, ignorées (laissées vides) et refusées (numéro de ligne, motif), et une seconde ligne qui porte
  sur la même chose qu'une précédente est refusée. Rien n'est écrit.
- **Garder** (`garder`, `reprendre`, `oublier`) : entre l'aperçu et la confirmation, le fichier attend côté serveur,
  dans le cache partagé (Redis ou la table du cache), sous un jeton tiré au sort, lié à la personne, au protocole et à
  la sorte, une heure au plus. Aucune donnée ne transite par un champ caché : seul le jeton.
- **Confirmer** (`confirmer`) : dans une seule transaction, le fichier est jugé de nouveau ; si l'aperçu a changé
  depuis celui qu'on a lu (quelqu'un a saisi entre-temps), rien n'est écrit et le nouvel aperçu est rendu ; sinon
  chaque ligne à créer ou à modifier est écrite. Une erreur en cours de route annule tout. Une sorte qui n'écrit pas
  ce qui est déjà là rend l'import idempotent : le même fichier deux fois ne change rien la seconde fois.

Une autre sorte de ligne (des réunions, des décisions…) s'écrit ainsi, dans l'application qui connaît ses modèles :

    class Reunions(Sorte):
        nom = "réunions du comité"
        colonnes = (Colonne("Date", "date"), Colonne("Titre", "titre", alias=("intitulé",)))
        entetes_apercu = ("Date", "Titre")

        def preparer(self, lignes, verrou=False):       # lit d'un coup ce que `valider` consulte
            self.existantes = set(Reunion.objects.filter(protocole=self.protocole).values_list("date", "titre"))

        def valider(self, ligne):                        # Resultat, Refus(motif), None (ligne ignorée)
            date = lire_date(ligne["date"])              # une ValidationError refuse la ligne avec son message
            titre = ligne.texte("titre") or Refus("Titre manquant.")
            ...
            return Resultat(cle=(date, titre), etat=Etat.CREATION, colonnes=[f"{date:%d/%m/%Y}", titre], apres=titre)

        def ecrire(self, resultat, origine):             # dans la transaction de `confirmer` ; vrai si écrit
            Reunion.objects.create(protocole=self.protocole, date=..., titre=...)
            return True

puis, dans la vue ou la commande : `tableau = lire(nom, octets, Reunions.colonnes)`, `apercu =
previsualiser(sorte, tableau)`, `jeton = garder(...)` ; à la confirmation `reprendre(jeton, ...)`, `lire` de nouveau
et `confirmer(sorte, tableau, attente.empreinte, origine=nom)`. Tests : `tests/protocole/test_importation.py`.
"""

from protocole.importation.apercu import Apercu, Bilan, Etat, Refus, Resultat, Sorte, confirmer, previsualiser
from protocole.importation.attente import DUREE_ATTENTE, EnAttente, garder, oublier, reprendre
from protocole.importation.lecture import (
    LIGNES_MAX,
    TAILLE_MAX,
    Colonne,
    ImportRefuse,
    Ligne,
    Tableau,
    cle_entete,
    en_texte,
    lire,
    lire_date,
    verifier_taille,
)

__all__ = [
    "DUREE_ATTENTE",
    "LIGNES_MAX",
    "TAILLE_MAX",
    "Apercu",
    "Bilan",
    "Colonne",
    "EnAttente",
    "Etat",
    "ImportRefuse",
    "Ligne",
    "Refus",
    "Resultat",
    "Sorte",
    "Tableau",
    "cle_entete",
    "confirmer",
    "en_texte",
    "garder",
    "lire",
    "lire_date",
    "oublier",
    "previsualiser",
    "reprendre",
    "verifier_taille",
]
