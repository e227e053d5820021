"""Le texte signé, lu dans la transcription : préambule, parties, engagements, blocs, obligations, paragraphes,
signatures ; et sa fixture (fixtures/protocole_pays_voironnais.json). Le test de fidélité relit la source avec sa
propre logique : il ne partage rien avec ce lecteur."""

import re

from django.core.management.base import CommandError

from protocole.construction import PROTOCOLE

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
