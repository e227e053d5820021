"""Un protocole synthétique : le texte signé d'un protocole modèle cloné, ses quartiers, ses organisations (les unes
propres au territoire, les autres partagées par département ou région, comme une préfecture ou une ARS) et ses comptes.
"""

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from engagements.models import Bloc, Engagement, Obligation, Paragraphe
from outils.historiques.plan import Cible, Contexte, Lieu
from protocole.models import Protocole, Quartier, TextePreambule
from signataires.models import Appartenance, Habilitation, Organisation, Partie, Utilisateur

PREFIXE = "banc-"
DEPARTEMENTS = 96
REGIONS = 13
NOMS_QUARTIERS = [
    "Les Glycines", "Le Mail", "Centre ancien", "Les Hauts", "La Gare", "Les Peupliers", "Le Plateau",
    "Les Tilleuls", "La Prairie", "Les Iris", "Le Val", "Les Cèdres",
]  # fmt: skip
NATURES_QUARTIERS = [Quartier.Nature.VEILLE_ACTIVE, Quartier.Nature.QUARTIER_VECU]
Role = Habilitation.Role


@dataclass
class Texte:
    """Le texte signé d'un protocole modèle, lu une fois, cloné pour chaque protocole synthétique."""

    parties: list
    engagements: list
    blocs: list
    obligations: list
    paragraphes: list
    preambule: list

    @classmethod
    def lire(cls, protocole):
        return cls(
            parties=list(Partie.objects.filter(protocole=protocole).values_list("code", "nom", "nom_court", "ordre")),
            engagements=list(protocole.engagements.values_list("numero", "titre", "titre_du_texte")),
            blocs=list(
                Bloc.objects.filter(engagement__protocole=protocole).values_list(
                    "engagement__numero", "partie__code", "ordre", "intitule"
                )
            ),
            obligations=list(
                Obligation.objects.filter(protocole=protocole).values_list(
                    "bloc__engagement__numero", "bloc__partie__code", "rang", "reference", "texte"
                )
            ),
            paragraphes=list(
                Paragraphe.objects.filter(obligation__protocole=protocole).values_list(
                    "obligation__reference", "ordre", "texte"
                )
            ),
            preambule=list(protocole.preambule.values_list("ordre", "nature", "texte")),
        )


class Titres:
    """Les titres des actions d'un protocole synthétique : le thème de l'engagement et un numéro."""

    THEMES = {
        1: "Emploi et insertion",
        2: "Réussite éducative",
        3: "Sport, culture et loisirs",
        4: "Accès à la santé",
        5: "Cadre de vie",
    }

    def __init__(self, numero):
        self.numero, self.rang = numero, 0

    def __call__(self, rng, cible, quartiers, territoire):
        self.rang += 1
        return f"{self.THEMES.get(cible.numero, 'Action')} — action {self.numero + 1}.{self.rang}"


def description(cible):
    return "Action synthétique du banc d'essai : personnes, dates et chiffres inventés."


class Organisations:
    """Les organisations déjà créées, par identifiant : une préfecture ou une CAF sert tous les protocoles de son
    département, une ARS ceux de sa région."""

    def __init__(self, table):
        self.table = table
        self.ids = {}

    def obtenir(self, slug, nom, sigle, categorie):
        if slug not in self.ids:
            self.ids[slug] = self.table.ajouter(slug=slug, nom=nom, sigle=sigle, categorie=categorie)
        return self.ids[slug]


def cloner(numero, texte, tables, organisations, rng):
    """Écrit (en attente dans `tables`) le protocole synthétique n° `numero` et renvoie son `Contexte` (le
    protocole vu du générateur d'historiques)."""
    code = f"{numero + 1:03d}"
    nom = f"Territoire synthétique {code}"
    protocole = tables[Protocole].ajouter(
        slug=f"{PREFIXE}{code}",
        titre="Protocole d'Engagement Renforcé Réciproque",
        intitule_contrat=f"CONTRAT DE VILLE du {nom} 2015-2022",
        territoire=nom,
        annee_debut=2015,
        annee_fin=2022,
        ordre=100 + numero,
    )
    for ordre, nature, contenu in texte.preambule:
        tables[TextePreambule].ajouter(protocole_id=protocole, ordre=ordre, nature=nature, texte=contenu)
    parties = {
        c: tables[Partie].ajouter(protocole_id=protocole, code=c, nom=n, nom_court=nc, ordre=o)
        for c, n, nc, o in texte.parties
    }
    engagements = {
        n: tables[Engagement].ajouter(protocole_id=protocole, numero=n, titre=t, titre_du_texte=d)
        for n, t, d in texte.engagements
    }
    blocs = {
        (n, c): tables[Bloc].ajouter(engagement_id=engagements[n], partie_id=parties[c], ordre=o, intitule=i)
        for n, c, o, i in texte.blocs
    }
    obligations, references = [], {}
    for n, c, rang, reference, contenu in texte.obligations:
        bloc = blocs[(n, c)]
        pk = tables[Obligation].ajouter(
            protocole_id=protocole, bloc_id=bloc, rang=rang, reference=reference, texte=contenu
        )
        obligations.append(Cible(pk, reference, n, c, bloc, contenu))
        references[reference] = pk
    for reference, ordre, contenu in texte.paragraphes:
        tables[Paragraphe].ajouter(obligation_id=references[reference], ordre=ordre, texte=contenu)

    membres, epci = _organisations(numero, code, nom, organisations, rng)
    for partie_code, ids in membres.items():
        for organisation in ids:
            if partie_code in parties:
                tables[Appartenance].ajouter(partie_id=parties[partie_code], organisation_id=organisation)
    toutes = sorted({o for ids in membres.values() for o in ids})

    quartiers = []
    for ordre in range(1, rng.randint(4, 10) + 1):
        nature = Quartier.Nature.QPV if ordre <= 2 else rng.choice(NATURES_QUARTIERS)
        nom_quartier = f"{NOMS_QUARTIERS[(numero + ordre) % len(NOMS_QUARTIERS)]} ({code}-{ordre})"
        pk = tables[Quartier].ajouter(
            protocole_id=protocole, slug=f"quartier-{ordre}", nom=nom_quartier, nature=nature, ordre=ordre
        )
        quartiers.append(Lieu(pk, nom_quartier, ordre, 6 if ordre == 1 else 3 if ordre <= 3 else 1))
    territoire = Contexte(
        protocole=protocole,
        obligations=obligations,
        membres={c: ids for c, ids in membres.items() if c in parties},
        equipes={},
        noms={},
        quartiers=quartiers,
        organisations=toutes,
        coordinateur=0,
        titre=Titres(numero),
        description=description,
        commentaire_creation="Action synthétique créée pour le banc d'essai.",
    )
    _comptes(territoire, epci, code, tables)
    return territoire


def _organisations(numero, code, nom, organisations, rng):
    """{code de partie: [organisations]} et l'EPCI, qui porte le contrat de ville."""
    departement = numero % DEPARTEMENTS + 1
    region = departement % REGIONS + 1
    obtenir = organisations.obtenir
    Categorie = Organisation.Categorie
    epci = obtenir(
        f"{PREFIXE}{code}-epci", f"Communauté d'agglomération du {nom}", f"CA {code}", Categorie.COLLECTIVITE
    )
    villes = [
        obtenir(f"{PREFIXE}{code}-ville-{k}", f"Ville {k} du {nom}", "", Categorie.COLLECTIVITE)
        for k in range(1, rng.randint(2, 4) + 1)
    ]
    locales = [
        obtenir(f"{PREFIXE}{code}-centre-social", f"Centre social du {nom}", "", Categorie.ASSOCIATION),
        obtenir(f"{PREFIXE}{code}-mission-locale", f"Mission locale du {nom}", "", Categorie.EMPLOI),
        obtenir(f"{PREFIXE}d{departement:02d}-bailleur", f"Office HLM {departement:02d}", "", Categorie.BAILLEUR),
    ]
    prefecture = obtenir(
        f"{PREFIXE}d{departement:02d}-prefecture", f"Préfecture {departement:02d}", "État", Categorie.ETAT
    )
    caf = obtenir(f"{PREFIXE}d{departement:02d}-caf", f"CAF {departement:02d}", "CAF", Categorie.OPERATEUR)
    ars = obtenir(f"{PREFIXE}r{region:02d}-ars", f"ARS région {region:02d}", "ARS", Categorie.OPERATEUR)
    membres = {"PT": [epci, *villes, *locales], "ETAT": [prefecture], "CAF": [caf], "ARS": [ars], "CAPV": [epci]}
    return membres, epci


def _comptes(territoire, epci, code, tables):
    """Un coordinateur (l'EPCI), un chargé de mission par organisation du protocole, un lecteur (la préfecture)."""
    inutilisable = make_password(None)
    maintenant = timezone.now()

    def compte(suffixe, role, organisation, prenom):
        utilisateur = tables[Utilisateur].ajouter(
            username=f"{PREFIXE}{code}-{suffixe}",
            first_name=prenom,
            last_name=f"Synthétique {code}",
            password=inutilisable,
            date_joined=maintenant,
        )
        tables[Habilitation].ajouter(
            utilisateur_id=utilisateur, protocole_id=territoire.protocole, organisation_id=organisation, role=role
        )
        territoire.noms[utilisateur] = f"{prenom} Synthétique {code}"
        return utilisateur

    territoire.coordinateur = compte("coordination", Role.COORDINATEUR, epci, "Coordination")
    for rang, organisation in enumerate(territoire.organisations, start=1):
        referent = compte(f"cdm-{rang}", Role.CHARGE_DE_MISSION, organisation, f"Chargé·e {rang}")
        territoire.equipes[organisation] = [referent]
    prefecture = territoire.membres.get("ETAT", [epci])[0]
    compte("lecteur", Role.LECTEUR, prefecture, "Lecteur")
