"""Les données de référence du Pays Voironnais (organisations, appartenance aux parties, organisation que
représente chaque signature, quartiers) et leur fixture (fixtures/referentiel_pays_voironnais.json). Ce que le texte
n'énonce pas est marqué comme tel (`enoncee_par_le_texte`) ; les quartiers suivent docs/source/quartiers.md."""

from django.core.management.base import CommandError

from protocole.construction import PROTOCOLE

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
