"""Les exports de la liste des actions, en CSV qu'Excel ouvre tel quel en français et en XLSX.

Une colonne est un en-tête et une fonction qui tire de l'action une valeur typée (texte, nombre, date) ; chaque
format la met en forme à sa façon. Tout texte saisi qui commence comme une formule est neutralisé (injection CSV).
Les colonnes ajoutées depuis (texte de l'obligation, dernier commentaire, lien) viennent après les premières, qui
gardent leur place dans les classeurs de chacun. Le XLSX s'imprime : colonnes à la largeur de leur contenu (les
textes longs renvoyés à la ligne dans une colonne large), A4 paysage ajusté à la largeur, en-tête répété.
"""

import csv
import datetime
import io
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins

from engagements.models import ValeurVerdict

DEBUTS_DE_FORMULE = ("=", "+", "-", "@", "\t", "\r")
TYPE_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _quartiers(action):
    if action.tout_le_territoire:
        return "Tout le territoire"
    return ", ".join(q.nom for q in action.quartiers.all())


def _verdict(action):
    verdict = getattr(action.obligation, "verdict", None)
    return verdict.get_valeur_display() if verdict else ValeurVerdict.NON_EVALUE.label


COLONNES = [
    ("Référence", lambda a: a.obligation.reference),
    ("Titre", lambda a: a.titre),
    ("Description", lambda a: a.description),
    ("Engagement", lambda a: f"N°{a.obligation.bloc.engagement.numero}"),
    ("Partie", lambda a: a.obligation.bloc.partie.nom_court),
    ("Pilote", lambda a: a.pilote.nom),
    ("Partenaires", lambda a: ", ".join(p.nom for p in a.partenaires.all())),
    ("Référent·e", lambda a: str(a.referent) if a.referent else ""),
    ("Quartiers", _quartiers),
    ("Statut", lambda a: a.get_statut_display()),
    ("En retard", lambda a: a.est_en_retard),
    ("Sans nouvelles depuis 90 jours", lambda a: a.est_sans_nouvelles),
    ("Avancement (%)", lambda a: a.avancement),
    ("Début", lambda a: a.date_debut),
    ("Échéance", lambda a: a.echeance),
    ("Budget (€)", lambda a: a.budget),
    ("Verdict de l'obligation", _verdict),
    ("Archivée", lambda a: a.archivee),
    ("Dernière mise à jour", lambda a: timezone.localtime(a.nouvelles_au).date()),
    ("Texte de l'obligation", lambda a: a.obligation.texte),
    ("Dernier commentaire", lambda a: a.commentaire_au or ""),
    ("Lien vers l'action", lambda a: a.lien),
]
ENTETES = [entete for entete, _valeur in COLONNES]
# Les textes longs : une colonne large, renvoyés à la ligne (en caractères, l'unité des largeurs d'Excel).
LARGES = {"Titre": 45, "Description": 50, "Texte de l'obligation": 60, "Dernier commentaire": 50}
LARGEUR_MAX = 30  # les autres colonnes : la largeur de leur contenu, bornée


def lignes(actions, lien):
    """Les valeurs typées de chaque action, dans l'ordre des colonnes ; `lien(action)` donne l'adresse de sa page.
    Les actions portent `commentaire_au` (`tableaux.avec_dernier_commentaire`)."""
    for action in actions:
        action.lien = lien(action)
        yield [valeur(action) for _entete, valeur in COLONNES]


def neutraliser(texte):
    """Un texte qu'un tableur prendrait pour une formule est précédé d'une apostrophe."""
    return f"'{texte}" if texte.startswith(DEBUTS_DE_FORMULE) else texte


def en_texte_francais(valeur):
    """Une valeur comme l'écrit un tableur réglé en français : 31/12/2024, 1234,50, oui / non."""
    if valeur is None:
        return ""
    if isinstance(valeur, bool):
        return "oui" if valeur else "non"
    if isinstance(valeur, datetime.date):
        return f"{valeur:%d/%m/%Y}"
    if isinstance(valeur, Decimal):
        return f"{valeur:.2f}".replace(".", ",")
    if isinstance(valeur, int):
        return str(valeur)
    return neutraliser(str(valeur))


def nom_de_fichier(protocole, extension, sujet="actions"):
    return f"{sujet}-{protocole.slug}-{timezone.localdate():%Y-%m-%d}.{extension}"


def _piece_jointe(reponse, nom):
    reponse["Content-Disposition"] = f'attachment; filename="{nom}"'
    return reponse


def tableau_csv(entetes, lignes, nom):
    """Un tableau en CSV : séparateur « ; » et UTF-8 avec BOM, qu'Excel en français ouvre d'un double clic, accents
    compris ; chaque valeur écrite à la française (`en_texte_francais`)."""
    reponse = HttpResponse(content_type="text/csv; charset=utf-8")
    reponse.write("\ufeff")
    ecrivain = csv.writer(reponse, delimiter=";")
    ecrivain.writerow(entetes)
    for ligne in lignes:
        ecrivain.writerow([en_texte_francais(v) for v in ligne])
    return _piece_jointe(reponse, nom)


def tableau_xlsx(entetes, lignes, nom, titre, larges=None, lien=None):
    """Un tableau en XLSX : des cellules typées (dates, nombres) au format français ; un texte n'y devient jamais une
    formule. `larges` : {en-tête: largeur} des colonnes de textes longs ; `lien` : l'en-tête d'une colonne
    d'adresses, rendues cliquables."""
    larges = larges or {}
    classeur = Workbook()
    feuille = classeur.active
    feuille.title = titre
    feuille.append(entetes)
    for cellule in feuille[1]:
        cellule.font = Font(bold=True)
        cellule.alignment = Alignment(wrap_text=True, vertical="top")
    largeurs = [len(entete) for entete in entetes]
    renvoi = Alignment(wrap_text=True, vertical="top")
    rangs_larges = {rang for rang, entete in enumerate(entetes) if entete in larges}
    rang_lien = entetes.index(lien) if lien else None
    for ligne in lignes:
        feuille.append([_pour_xlsx(v) for v in ligne])
        for rang, valeur in enumerate(ligne):
            largeurs[rang] = max(largeurs[rang], _largeur(valeur))
    for cellules in feuille.iter_rows(min_row=2):
        for rang, cellule in enumerate(cellules):
            if isinstance(cellule.value, datetime.date):
                cellule.number_format = "DD/MM/YYYY"
            elif isinstance(cellule.value, Decimal):
                cellule.number_format = "#,##0.00"
            elif isinstance(cellule.value, str) and cellule.value.startswith(DEBUTS_DE_FORMULE):
                cellule.data_type = "s"  # openpyxl prend « =… » pour une formule : on le garde pour du texte
                cellule.quotePrefix = True
            if rang in rangs_larges:
                cellule.alignment = renvoi
        if rang_lien is not None and cellules[rang_lien].value:
            lien_cellule = cellules[rang_lien]
            lien_cellule.hyperlink, lien_cellule.style = lien_cellule.value, "Hyperlink"
    for rang, entete in enumerate(entetes):
        largeur = larges.get(entete) or min(max(largeurs[rang], 8) + 2, LARGEUR_MAX)
        feuille.column_dimensions[get_column_letter(rang + 1)].width = largeur
    _mise_en_page(feuille)
    flux = io.BytesIO()
    classeur.save(flux)
    return _piece_jointe(HttpResponse(flux.getvalue(), content_type=TYPE_XLSX), nom)


def exporter_csv(actions, protocole, lien):
    return tableau_csv(ENTETES, lignes(actions, lien), nom_de_fichier(protocole, "csv"))


def exporter_xlsx(actions, protocole, lien):
    return tableau_xlsx(
        ENTETES, lignes(actions, lien), nom_de_fichier(protocole, "xlsx"), "Actions", LARGES, "Lien vers l'action"
    )


def _largeur(valeur):
    """La place qu'une valeur prend dans une colonne, en caractères."""
    if isinstance(valeur, datetime.date):
        return 10
    return len(en_texte_francais(valeur))


def _mise_en_page(feuille):
    """Imprimable tel quel : A4 paysage, toutes les colonnes sur la largeur de la page (autant de pages qu'il faut
    en hauteur), la ligne d'en-tête répétée sur chaque page, figée et filtrable à l'écran."""
    feuille.freeze_panes = "A2"
    feuille.auto_filter.ref = feuille.dimensions
    feuille.page_setup.orientation = feuille.ORIENTATION_LANDSCAPE
    feuille.page_setup.paperSize = feuille.PAPERSIZE_A4
    feuille.page_setup.fitToWidth = 1
    feuille.page_setup.fitToHeight = 0
    feuille.sheet_properties.pageSetUpPr.fitToPage = True
    feuille.page_margins = PageMargins(left=0.4, right=0.4, top=0.5, bottom=0.5)
    feuille.print_title_rows = "1:1"
    feuille.oddFooter.center.text = "Page &P / &N"


def _pour_xlsx(valeur):
    if isinstance(valeur, bool):
        return "oui" if valeur else "non"
    if isinstance(valeur, str):
        return ILLEGAL_CHARACTERS_RE.sub("", valeur)  # des caractères de contrôle qu'un classeur refuse
    return valeur


EXPORTS = {"csv": exporter_csv, "xlsx": exporter_xlsx}


# -- les indicateurs (`/indicateurs/?export=csv|xlsx`) : une ligne par indicateur et par quartier ----------------------


COLONNES_INDICATEURS = [
    ("Référence", lambda s: s.indicateur.reference),
    ("Indicateur", lambda s: s.indicateur.nom),
    ("Engagement", lambda s: f"N°{s.indicateur.obligation.bloc.engagement.numero}"),
    ("Partie", lambda s: s.indicateur.obligation.bloc.partie.nom_court),
    ("Obligation", lambda s: s.indicateur.obligation.reference),
    ("Fourni par", lambda s: s.indicateur.fournisseur.nom),
    ("Unité", lambda s: s.indicateur.get_unite_display()),
    ("Sens souhaité", lambda s: s.indicateur.get_sens_display()),
    ("Fréquence", lambda s: s.indicateur.get_frequence_display()),
    ("Quartier", lambda s: s.lieu),
    ("Valeur de départ", lambda s: s.base),
    ("Date de départ", lambda s: s.repere.base_date if s.repere else None),
    ("Cible", lambda s: s.cible),
    ("Date de la cible", lambda s: s.repere.cible_date if s.repere else None),
    ("Dernière période", lambda s: s.derniere.periode.code if s.derniere else ""),
    ("Dernière valeur", lambda s: s.derniere.valeur if s.derniere else None),
    ("Période précédente", lambda s: s.precedente.periode.code if s.precedente else ""),
    ("Valeur précédente", lambda s: s.precedente.valeur if s.precedente else None),
    ("Progression vers la cible (%)", lambda s: s.progression),
    ("Progression non calculée : pourquoi", lambda s: s.raison),
    ("Étiquette", lambda s: s.libelle),
    ("Lien vers l'indicateur", lambda s: s.lien),
]
ENTETES_INDICATEURS = [entete for entete, _valeur in COLONNES_INDICATEURS]


def exporter_indicateurs(situations, protocole, lien, format_):
    """Les situations d'indicateurs (`engagements.tableaux.indicateurs`) en CSV ou XLSX, aux conventions de la liste
    des actions ; `lien(indicateur)` donne l'adresse de sa page."""
    liens = {}

    def lignes():
        for situation in situations:
            situation.lien = liens.setdefault(situation.indicateur.pk, lien(situation.indicateur))
            yield [valeur(situation) for _entete, valeur in COLONNES_INDICATEURS]

    nom = nom_de_fichier(protocole, format_, "indicateurs")
    if format_ == "csv":
        return tableau_csv(ENTETES_INDICATEURS, lignes(), nom)
    return tableau_xlsx(ENTETES_INDICATEURS, lignes(), nom, "Indicateurs", {"Indicateur": 40}, "Lien vers l'indicateur")
