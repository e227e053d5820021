"""Lire un fichier CSV ou XLSX envoyé : le `Tableau` de ses lignes de données, ou `ImportRefuse` en français."""

import csv
import datetime
import io
import re
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.core.exceptions import ValidationError

from protocole.recherche import normaliser

TAILLE_MAX = 2 * 1024 * 1024  # octets d'un fichier envoyé
LIGNES_MAX = 5000  # lignes de données, en-têtes et lignes vides non comptés
COLONNES_MAX = 60  # cellules lues par ligne
DECOMPRESSE_MAX = 40 * 1024 * 1024  # un XLSX est un zip : ce qu'il devient une fois décompressé
SEPARATEURS = (";", ",", "\t")
EXTENSIONS_TEXTE = {"csv", "txt", ""}
EXTENSIONS_CLASSEUR = {"xlsx", "xlsm"}


class ImportRefuse(Exception):
    """Le fichier entier est refusé (vide, trop gros, illisible, en-têtes manquants) ; `message` le dit en français."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Colonne:
    """Une colonne qu'une sorte attend : l'en-tête qu'écrit le modèle, la clé sous laquelle la ligne la donne, et les
    autres en-têtes acceptés. Un en-tête se reconnaît sans accents, majuscules ni ponctuation."""

    entete: str
    cle: str
    obligatoire: bool = True
    alias: tuple = ()

    def reconnait(self, entete):
        return cle_entete(entete) in {cle_entete(nom) for nom in (self.entete, self.cle, *self.alias)}


def cle_entete(texte):
    """« Période (AAAA-T1…) » → « periode aaaa t1 » : la forme sous laquelle deux en-têtes se comparent."""
    return re.sub(r"[^a-z0-9]+", " ", normaliser(str(texte or ""))).strip()


def en_texte(valeur):
    """Une cellule comme on la lit : sans espaces autour, un nombre entier d'un classeur sans « .0 », une date
    JJ/MM/AAAA."""
    if valeur is None:
        return ""
    if isinstance(valeur, float) and valeur.is_integer():
        return str(int(valeur))
    if isinstance(valeur, datetime.datetime) and valeur.time() == datetime.time(0):
        valeur = valeur.date()
    if isinstance(valeur, datetime.date) and not isinstance(valeur, datetime.datetime):
        return f"{valeur:%d/%m/%Y}"
    return str(valeur).strip()


@dataclass
class Ligne:
    """Une ligne de données : son numéro dans le fichier (celui qu'affiche le tableur) et ses cellules par clé."""

    numero: int
    valeurs: dict

    def __getitem__(self, cle):
        return self.valeurs.get(cle)

    def texte(self, cle):
        return en_texte(self.valeurs.get(cle))


@dataclass
class Tableau:
    nom: str
    colonnes: tuple
    lignes: list


def lire_date(valeur):
    """Une date française (« 31/12/2021 », « 1/7/2021 »), ISO (« 2021-12-31 ») ou d'une cellule de classeur ;
    ValidationError en français sinon."""
    if isinstance(valeur, datetime.datetime):
        return valeur.date()
    if isinstance(valeur, datetime.date):
        return valeur
    texte = en_texte(valeur)
    if trouve := re.fullmatch(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})", texte):
        jour, mois, annee = (int(x) for x in trouve.groups())
    elif trouve := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", texte):
        annee, mois, jour = (int(x) for x in trouve.groups())
    else:
        raise ValidationError(f"Date « {texte[:40]} » illisible : écrivez-la JJ/MM/AAAA (par exemple 31/12/2021).")
    try:
        return datetime.date(annee, mois, jour)
    except ValueError:
        raise ValidationError(f"La date « {texte} » n'existe pas.") from None


def lire(nom, contenu, colonnes):
    """Le `Tableau` d'un fichier envoyé (`nom` pour son extension, `contenu` en octets) ; ImportRefuse sinon."""
    nom = PurePath(str(nom or "fichier").replace("\\", "/")).name[:120] or "fichier"
    verifier_taille(len(contenu or b""))
    extension = nom.rpartition(".")[2].lower() if "." in nom else ""
    if contenu.startswith(b"PK\x03\x04"):
        rangees = _rangees_xlsx(contenu)
    elif extension in EXTENSIONS_CLASSEUR:
        raise ImportRefuse(
            "Ce fichier n'est pas un classeur XLSX lisible : enregistrez-le de nouveau depuis le tableur."
        )
    elif extension == "xls" or contenu.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportRefuse("Le format .xls (Excel 97-2003) n'est pas lu : enregistrez le classeur en .xlsx ou en CSV.")
    elif extension not in EXTENSIONS_TEXTE:
        raise ImportRefuse(f"Format « .{extension[:10]} » non reconnu : envoyez un fichier CSV ou XLSX.")
    else:
        rangees = _rangees_csv(_decoder(contenu), colonnes)
    return _tableau(nom, rangees, tuple(colonnes))


def verifier_taille(taille):
    """Un fichier vide ou trop gros est refusé avant même d'être lu."""
    if not taille:
        raise ImportRefuse("Le fichier est vide.")
    if taille > TAILLE_MAX:
        raise ImportRefuse(
            f"Le fichier dépasse {TAILLE_MAX // (1024 * 1024)} Mo : découpez-le en plusieurs fichiers plus petits."
        )


def _decoder(contenu):
    if contenu.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodages = ("utf-16",)  # « Texte Unicode » d'Excel
    elif b"\x00" in contenu:
        raise ImportRefuse("Ce fichier n'est ni un texte CSV ni un classeur XLSX.")
    else:
        encodages = ("utf-8-sig", "cp1252")  # le BOM d'Excel est retiré ; sinon l'encodage des anciens Windows
    for encodage in encodages:
        try:
            return contenu.decode(encodage)
        except UnicodeDecodeError:
            continue
    raise ImportRefuse("Encodage du fichier non reconnu : enregistrez-le en « CSV UTF-8 » depuis le tableur.")


def _separateur(texte, colonnes):
    """Celui des séparateurs qui, sur la première ligne non vide, découpe le plus d'en-têtes attendus (« ; » à
    égalité : celui d'Excel en français)."""
    premiere = next((ligne for ligne in texte.splitlines() if ligne.strip()), "")

    def score(separateur):
        cellules = next(csv.reader([premiere], delimiter=separateur), [])
        return sum(any(c.reconnait(cellule) for c in colonnes) for cellule in cellules), len(cellules)

    return max(SEPARATEURS, key=score)


def _rangees_csv(texte, colonnes):
    lecteur = csv.reader(io.StringIO(texte, newline=""), delimiter=_separateur(texte, colonnes))
    debut = 1
    try:
        for cellules in lecteur:
            yield debut, cellules[:COLONNES_MAX]
            debut = lecteur.line_num + 1
    except csv.Error:
        raise ImportRefuse(f"Ligne {debut} illisible : le fichier n'est pas un CSV valable.") from None


def _rangees_xlsx(contenu):
    try:
        with zipfile.ZipFile(io.BytesIO(contenu)) as archive:
            if sum(info.file_size for info in archive.infolist()) > DECOMPRESSE_MAX:
                raise ImportRefuse("Ce classeur est trop volumineux une fois ouvert : découpez-le.")
        from openpyxl import load_workbook

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # les styles ou validations qu'openpyxl ne connaît pas ne gênent pas
            classeur = load_workbook(io.BytesIO(contenu), read_only=True, data_only=True)
            try:
                feuille = classeur.worksheets[0]
                for numero, cellules in enumerate(feuille.iter_rows(max_col=COLONNES_MAX, values_only=True), 1):
                    yield numero, list(cellules)
            finally:
                classeur.close()
    except ImportRefuse:
        raise
    except Exception:  # zip, XML ou classeur abîmé : openpyxl lève bien des sortes d'erreurs
        raise ImportRefuse(
            "Classeur XLSX illisible : enregistrez-le de nouveau depuis le tableur, ou envoyez un CSV."
        ) from None


def _vide(cellules):
    return all(en_texte(c) == "" for c in cellules)


def _tableau(nom, rangees, colonnes):
    entetes = next(((n, c) for n, c in rangees if not _vide(c)), None)
    if entetes is None:
        raise ImportRefuse("Le fichier ne contient aucune ligne.")
    attendues = " ; ".join(c.entete for c in colonnes)
    places = {}
    for rang, entete in enumerate(entetes[1]):
        colonne = next((c for c in colonnes if c.reconnait(en_texte(entete))), None)
        if colonne is None:
            continue
        if colonne.cle in places:
            raise ImportRefuse(f"La colonne « {colonne.entete} » apparaît deux fois dans les en-têtes.")
        places[colonne.cle] = rang
    if not places:
        raise ImportRefuse(
            f"Les en-têtes de la première ligne ne sont pas reconnus. Colonnes attendues : {attendues} "
            "(partez d'un modèle de fichier)."
        )
    manquantes = [f"« {c.entete} »" for c in colonnes if c.obligatoire and c.cle not in places]
    if manquantes:
        raise ImportRefuse(f"Colonne(s) manquante(s) : {', '.join(manquantes)}. Colonnes attendues : {attendues}.")
    lignes = []
    for numero, cellules in rangees:
        if _vide(cellules):
            continue
        if len(lignes) == LIGNES_MAX:
            raise ImportRefuse(f"Le fichier compte plus de {LIGNES_MAX} lignes : découpez-le en plusieurs fichiers.")
        valeurs = {cle: cellules[rang] if rang < len(cellules) else None for cle, rang in places.items()}
        lignes.append(Ligne(numero, valeurs))
    if not lignes:
        raise ImportRefuse("Le fichier n'a aucune ligne à importer sous ses en-têtes.")
    return Tableau(nom, colonnes, lignes)
