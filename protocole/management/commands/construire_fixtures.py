"""Produit les fixtures du protocole à partir de la transcription du texte signé (docs/source/).

Le texte signé va dans fixtures/protocole_pays_voironnais.json ; les données de référence (organisations, parties,
quartiers, organisations représentées) dans fixtures/referentiel_pays_voironnais.json. Le test de fidélité relit la
source avec sa propre logique : il ne partage rien avec ce lecteur.
"""

import json
import re
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

SOURCE = settings.BASE_DIR / "docs" / "source" / "protocole-pays-voironnais.txt"
PROTOCOLE = "pays-voironnais"

PARTIES = [
    # code, début de la phrase d'ouverture, nom tel que le texte le dit, nom court
    ("PT", "Les partenaires territoriaux", "Les partenaires territoriaux", "Partenaires territoriaux"),
    ("ETAT", "Cela sera possible si l'État", "l'État, ses services et ses opérateurs", "État"),
    ("CAF", "La Caisse d'Allocations Familiales", "La Caisse d'Allocations Familiales (CAF)", "CAF"),
    ("ARS", "L'Agence Régionale de Santé", "L'Agence Régionale de Santé (ARS)", "ARS"),
    ("CAPV", "La Communauté d'Agglomération", "La Communauté d'Agglomération du Pays Voironnais", "Pays Voironnais"),
]

# Le texte n'imprime de titre que pour N°2, N°3 et N°4 : ceux-ci sont tirés du contenu des blocs et marqués comme tels.
TITRES_HORS_TEXTE = {
    1: "Mobiliser l'emploi et le développement économique",
    5: "Favoriser la mixité sociale, le cadre de vie et la restructuration urbaine",
}

ORGANISATIONS = [
    # slug, nom, sigle, catégorie, rattachée à
    ("etat-isere", "État — Préfecture de l'Isère", "État", "etat", None),
    ("drac-ara", "Direction régionale des affaires culturelles Auvergne-Rhône-Alpes", "DRAC", "etat", "etat-isere"),
    ("rectorat-grenoble", "Académie de Grenoble — Rectorat", "Rectorat", "etat", None),
    ("parquet-grenoble", "Parquet de Grenoble — Procureur de la République", "Parquet", "etat", None),
    ("ars-ara", "Agence Régionale de Santé Auvergne-Rhône-Alpes", "ARS", "operateur", None),
    ("caf-isere", "Caisse d'allocations familiales de l'Isère", "CAF", "operateur", None),
    ("pole-emploi-voiron", "Pôle Emploi — agence de Voiron", "Pôle Emploi", "operateur", None),
    (
        "caisse-des-depots",
        "Caisse des Dépôts — Direction Territoriale Arc Alpin",
        "Caisse des Dépôts",
        "operateur",
        None,
    ),
    ("pays-voironnais", "Communauté d'Agglomération du Pays Voironnais", "Pays Voironnais", "collectivite", None),
    (
        "cias-pays-voironnais",
        "Centre Intercommunal d'Action Sociale du Pays Voironnais",
        "CIAS",
        "collectivite",
        "pays-voironnais",
    ),
    ("ville-voiron", "Ville de Voiron", "", "collectivite", None),
    ("ville-voreppe", "Ville de Voreppe", "", "collectivite", None),
    ("departement-isere", "Département de l'Isère — Conseil Départemental", "Département", "collectivite", None),
    (
        "maison-emploi",
        "Maison de l'Emploi et de la Formation des Pays Voironnais et Sud Grésivaudan",
        "Maison de l'Emploi",
        "emploi",
        None,
    ),
    ("opac38", "Opac38", "", "bailleur", None),
    ("pluralis", "Société d'Habitation des Alpes — Pluralis", "Pluralis", "bailleur", None),
    ("dauphilogis", "Dauphilogis", "", "bailleur", None),
    ("absise", "Association des Bailleurs Sociaux d'Isère", "ABSISE", "association", None),
    ("cdosi", "Comité Départemental Olympique et Sportif en Isère", "CDOSI", "association", None),
    ("centre-social-brunetiere", "Centre social Brunetière", "", "association", None),
    ("cma-isere", "Chambre des Métiers et de l'Artisanat de l'Isère", "CMA Isère", "chambre", None),
    ("cci-grenoble", "Chambre de Commerce et d'Industrie de Grenoble", "CCI Grenoble", "chambre", None),
]

# Le texte ne dresse pas la liste des « partenaires territoriaux » ni de « l'État, ses services et ses opérateurs » :
# seules les appartenances marquées True sont énoncées par lui, les autres sont des affectations à revoir en admin.
APPARTENANCES = {
    "PT": [
        (slug, False)
        for slug in (
            "pays-voironnais",
            "cias-pays-voironnais",
            "ville-voiron",
            "ville-voreppe",
            "departement-isere",
            "maison-emploi",
            "opac38",
            "pluralis",
            "dauphilogis",
            "absise",
            "cdosi",
            "centre-social-brunetiere",
            "cma-isere",
            "cci-grenoble",
        )
    ],
    "ETAT": [("etat-isere", True)]
    + [
        (slug, False)
        for slug in (
            "drac-ara",
            "rectorat-grenoble",
            "parquet-grenoble",
            "pole-emploi-voiron",
            "caisse-des-depots",
        )
    ],
    "CAF": [("caf-isere", True)],
    "ARS": [("ars-ara", True)],
    "CAPV": [("pays-voironnais", True)],
}

# Ordre des signatures → organisation représentée.
REPRESENTATIONS = [
    "etat-isere",
    "pays-voironnais",
    "departement-isere",
    "ville-voiron",
    "ville-voreppe",
    "rectorat-grenoble",
    "maison-emploi",
    "ars-ara",
    "pole-emploi-voiron",
    "caf-isere",
    "caisse-des-depots",
    "parquet-grenoble",
    "opac38",
    "absise",
    "pluralis",
    "cma-isere",
    "cci-grenoble",
]

# docs/source/quartiers.md : commune, code et population restent vides là où rien ne les vérifie.
QUARTIERS = [
    (
        "brunetiere",
        "Brunetière",
        "qpv",
        "Voiron",
        "Seul quartier prioritaire (QPV) du Pays Voironnais ; le contrat de ville nomme aussi le « Grand Brunetière ». "
        "Convention de renouvellement urbain NPNRU.",
    ),
    ("baltiss", "Baltiss", "veille", "Voiron", ""),
    (
        "bourg-vieux",
        "Bourg-Vieux",
        "veille",
        "Voreppe",
        "Non retenu dans la liste des QPV du décret du 30 décembre 2014.",
    ),
    ("croix-maurin", "Croix Maurin", "veille", "", ""),
]

ENGAGEMENT = re.compile(r"^ENGAGEMENT RENFORCÉ N°(\d+) : (.+)$")


def _paragraphes(lignes):
    """Regroupe les lignes en paragraphes séparés par des lignes vides ; une ligne « - » est son propre paragraphe."""
    courant = []
    for ligne in lignes:
        ligne = ligne.rstrip()
        if not ligne or ligne.startswith("- "):
            if courant:
                yield " ".join(courant)
                courant = []
            if ligne:
                yield ligne
        else:
            courant.append(ligne)
    if courant:
        yield " ".join(courant)


def _partie_du_bloc(paragraphe):
    if paragraphe.startswith("- ") or not paragraphe.endswith(":"):
        return None
    for code, debut, _nom, _court in PARTIES:
        if paragraphe.startswith(debut):
            return code
    return None


def lire_source(texte):
    """Découpe la transcription en préambule, engagements (blocs, obligations, paragraphes) et signatures."""
    corps, _, signatures = texte.partition("\nSignatures :\n")
    if not signatures:
        raise CommandError("La ligne « Signatures : » est introuvable dans la source.")
    paragraphes = list(_paragraphes(corps.splitlines()))
    intitule_contrat, titre = paragraphes[0], paragraphes[1]
    preambule, engagements = [], []
    nature = "contexte"
    engagement = bloc = None
    for paragraphe in paragraphes[2:]:
        titre_imprime = ENGAGEMENT.match(paragraphe)
        code = _partie_du_bloc(paragraphe)
        if titre_imprime:
            engagement = {"numero": int(titre_imprime[1]), "titre": titre_imprime[2], "du_texte": True, "blocs": []}
            engagements.append(engagement)
            bloc = None
        elif code:
            if engagement is None or any(b["partie"] == code for b in engagement["blocs"]):
                # Pas de titre imprimé : N°1 au début, N°5 quand les partenaires territoriaux reprennent la parole.
                numero = engagements[-1]["numero"] + 1 if engagements else 1
                engagement = {"numero": numero, "titre": TITRES_HORS_TEXTE[numero], "du_texte": False, "blocs": []}
                engagements.append(engagement)
            bloc = {"partie": code, "intitule": paragraphe, "obligations": []}
            engagement["blocs"].append(bloc)
        elif engagement is None:
            if paragraphe.startswith("- "):
                preambule.append((nature, paragraphe[2:]))
            else:
                if nature == "principe":
                    nature = "engagement"
                preambule.append(("contexte" if nature != "engagement" else nature, paragraphe))
                if paragraphe.endswith("trois axes :"):
                    nature = "axe"
                elif paragraphe.endswith("principes suivants :"):
                    nature = "principe"
                elif nature == "axe":
                    nature = "contexte"
        elif paragraphe.startswith("- "):
            bloc["obligations"].append({"texte": paragraphe[2:], "paragraphes": []})
        else:
            bloc["obligations"][-1]["paragraphes"].append(paragraphe)
    return intitule_contrat, titre, preambule, engagements, _signatures(signatures)


def _signatures(texte):
    resultat = []
    for groupe in re.split(r"\n\s*\n", texte.strip()):
        lignes = [ligne.strip() for ligne in groupe.splitlines() if ligne.strip()]
        titre = " ".join(lignes[:-1]).replace("**", "")
        resultat.append((titre, lignes[-1]))
    return resultat


def fixture_texte(texte):
    intitule_contrat, titre, preambule, engagements, signatures = lire_source(texte)
    objets = [
        {
            "model": "protocole.protocole",
            "fields": {
                "slug": PROTOCOLE,
                "titre": titre,
                "intitule_contrat": intitule_contrat,
                "territoire": "Pays Voironnais",
                "annee_debut": 2015,
                "annee_fin": 2022,
                "fin_echeance": "2022-12-31",
                "date_signature": None,
                "ordre": 1,
            },
        }
    ]
    for ordre, (nature, contenu) in enumerate(preambule, 1):
        objets.append(
            {
                "model": "protocole.textepreambule",
                "fields": {"protocole": [PROTOCOLE], "ordre": ordre, "nature": nature, "texte": contenu},
            }
        )
    for ordre, (code, _debut, nom, court) in enumerate(PARTIES, 1):
        objets.append(
            {
                "model": "signataires.partie",
                "fields": {"protocole": [PROTOCOLE], "code": code, "nom": nom, "nom_court": court, "ordre": ordre},
            }
        )
    for engagement in engagements:
        numero = engagement["numero"]
        objets.append(
            {
                "model": "engagements.engagement",
                "fields": {
                    "protocole": [PROTOCOLE],
                    "numero": numero,
                    "titre": engagement["titre"],
                    "titre_du_texte": engagement["du_texte"],
                },
            }
        )
        for ordre, bloc in enumerate(engagement["blocs"], 1):
            cle_bloc = [PROTOCOLE, numero, bloc["partie"]]
            objets.append(
                {
                    "model": "engagements.bloc",
                    "fields": {
                        "engagement": [PROTOCOLE, numero],
                        "partie": [PROTOCOLE, bloc["partie"]],
                        "ordre": ordre,
                        "intitule": bloc["intitule"],
                    },
                }
            )
            for rang, obligation in enumerate(bloc["obligations"], 1):
                reference = f"E{numero}-{bloc['partie']}-{rang}"
                objets.append(
                    {
                        "model": "engagements.obligation",
                        "fields": {
                            "protocole": [PROTOCOLE],
                            "bloc": cle_bloc,
                            "rang": rang,
                            "reference": reference,
                            "texte": obligation["texte"],
                        },
                    }
                )
                for ordre_p, contenu in enumerate(obligation["paragraphes"], 1):
                    objets.append(
                        {
                            "model": "engagements.paragraphe",
                            "fields": {"obligation": [PROTOCOLE, reference], "ordre": ordre_p, "texte": contenu},
                        }
                    )
    noms = []
    for _titre, nom in signatures:
        if nom not in noms:
            noms.append(nom)
            objets.append({"model": "signataires.signataire", "fields": {"protocole": [PROTOCOLE], "nom": nom}})
    for ordre, (titre_signature, nom) in enumerate(signatures, 1):
        objets.append(
            {
                "model": "signataires.signature",
                "fields": {
                    "protocole": [PROTOCOLE],
                    "ordre": ordre,
                    "titre": titre_signature,
                    "signataire": [PROTOCOLE, nom],
                },
            }
        )
    return objets, len(signatures)


def fixture_referentiel(nombre_signatures):
    if nombre_signatures != len(REPRESENTATIONS):
        raise CommandError(f"{nombre_signatures} signatures dans la source, {len(REPRESENTATIONS)} représentations.")
    objets = []
    for slug, nom, sigle, categorie, parent in ORGANISATIONS:
        objets.append(
            {
                "model": "signataires.organisation",
                "fields": {
                    "slug": slug,
                    "nom": nom,
                    "sigle": sigle,
                    "categorie": categorie,
                    "parent": [parent] if parent else None,
                },
            }
        )
    for code, membres in APPARTENANCES.items():
        for slug, enoncee in membres:
            objets.append(
                {
                    "model": "signataires.appartenance",
                    "fields": {"partie": [PROTOCOLE, code], "organisation": [slug], "enoncee_par_le_texte": enoncee},
                }
            )
    for ordre, slug in enumerate(REPRESENTATIONS, 1):
        objets.append(
            {"model": "signataires.representation", "fields": {"signature": [PROTOCOLE, ordre], "organisation": [slug]}}
        )
    for ordre, (slug, nom, nature, commune, precisions) in enumerate(QUARTIERS, 1):
        objets.append(
            {
                "model": "protocole.quartier",
                "fields": {
                    "protocole": [PROTOCOLE],
                    "slug": slug,
                    "nom": nom,
                    "nature": nature,
                    "commune": commune,
                    "code_officiel": "",
                    "population": None,
                    "precisions": precisions,
                    "ordre": ordre,
                },
            }
        )
    return objets


def _ecrire(chemin, objets):
    Path(chemin).write_text(json.dumps(objets, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


class Command(BaseCommand):
    help = "Produit les fixtures du protocole (texte signé et référentiel) depuis docs/source/."

    def add_arguments(self, parser):
        parser.add_argument("--source", default=str(SOURCE))
        parser.add_argument("--dossier", default=str(settings.FIXTURE_DIRS[0]))

    def handle(self, source, dossier, **options):
        texte, nombre = fixture_texte(Path(source).read_text(encoding="utf-8"))
        _ecrire(Path(dossier) / "protocole_pays_voironnais.json", texte)
        _ecrire(Path(dossier) / "referentiel_pays_voironnais.json", fixture_referentiel(nombre))
        self.stdout.write(f"{len(texte)} objets du texte signé, {nombre} signatures écrits dans {dossier}.")
