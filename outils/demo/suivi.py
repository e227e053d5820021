"""Le suivi de démonstration du Pays Voironnais : ~150 actions « [Démo] … » aux titres plausibles, leur journal et
les verdicts de la coordination, tirés d'une graine fixe par le générateur d'historiques (`outils.historiques`) et
écrits par les méthodes de l'application."""

import random

from django.utils import timezone

from engagements.models import Obligation
from outils.historiques.calendrier import placer, placer_verdicts
from outils.historiques.ecriture import ecrire
from outils.historiques.parcours import planifier, planifier_verdicts
from outils.historiques.plan import Cible, Contexte, Lieu
from protocole.models import Quartier
from signataires.models import Appartenance, Habilitation, Organisation

PREFIXE = "[Démo] "
GRAINE = 2019
NOMBRE_ACTIONS = 150
COMMENTAIRE_CREATION = "Action fictive créée pour la démonstration."

MODELES = {
    1: [
        "Forum de l'emploi de proximité",
        "Permanence emploi au centre social",
        "Parrainage de jeunes diplômés vers l'entreprise",
        "Clauses d'insertion dans les marchés publics",
        "Atelier de création d'entreprise",
        "Job dating des quartiers",
        "Accompagnement vers le permis de conduire",
        "Visites d'entreprises pour les demandeurs d'emploi",
    ],
    2: [
        "Programme de réussite éducative renforcé",
        "Accompagnement à la scolarité du soir",
        "Prévention du décrochage scolaire",
        "Ateliers parents-école",
        "Stages de troisième dans les entreprises locales",
        "Aide aux devoirs au collège",
        "Prévention de l'absentéisme",
        "Accueil des enfants de moins de trois ans",
    ],
    3: [
        "Séances sportives au pied des immeubles",
        "Pass loisirs pour les familles",
        "Résidence d'artistes dans le quartier",
        "Médiathèque hors les murs",
        "Tournoi sportif intergénérationnel",
        "Découverte de la montagne l'été",
        "Pratique musicale collective",
        "Accueil de loisirs sans hébergement",
    ],
    4: [
        "Permanence d'accès aux droits de santé",
        "Dépistage bucco-dentaire à l'école",
        "Atelier nutrition et sport-santé",
        "Projet de maison de santé pluriprofessionnelle",
        "Prévention des conduites addictives",
        "Médiation santé de proximité",
        "Vaccination de proximité",
        "Écoute en santé mentale pour les jeunes",
    ],
    5: [
        "Gestion urbaine et sociale de proximité",
        "Réhabilitation thermique de logements",
        "Charte intercommunale de peuplement",
        "Diagnostic en marchant",
        "Jardins partagés au pied des immeubles",
        "Accompagnement des ménages relogés",
        "Amélioration de l'éclairage public",
        "Appui au conseil citoyen",
    ],
}


class Titres:
    """Les titres, tirés sans répétition dans la liste de chaque engagement ; une action d'un seul quartier le dit."""

    def __init__(self, rng):
        self.listes = {numero: rng.sample(liste, len(liste)) for numero, liste in MODELES.items()}
        self.rangs = dict.fromkeys(MODELES, 0)

    def __call__(self, rng, cible, quartiers, territoire):
        liste = self.listes[cible.numero]
        titre = PREFIXE + liste[self.rangs[cible.numero] % len(liste)]
        self.rangs[cible.numero] += 1
        if not territoire and len(quartiers) == 1:
            titre += f" — {quartiers[0].nom}"
        return titre


def description(cible):
    return (
        f"Action fictive de démonstration, rattachée à {cible.reference}. "
        "Les personnes, les dates et les chiffres sont inventés."
    )


def contexte(rng, protocole, comptes):
    """Le protocole vu du générateur : ses obligations, les organisations de chaque partie, les référents possibles
    parmi les comptes de démonstration (coordination et chargés de mission)."""
    obligations = (
        Obligation.objects.filter(protocole=protocole)
        .select_related("bloc__engagement", "bloc__partie")
        .order_by("bloc__engagement__numero", "bloc__ordre", "rang")
    )
    membres = {}
    for appartenance in Appartenance.objects.filter(partie__protocole=protocole).select_related("organisation"):
        membres.setdefault(appartenance.partie_id, []).append(appartenance.organisation.slug)
    equipes = {}
    habilitations = Habilitation.objects.filter(
        protocole=protocole,
        utilisateur__in=list(comptes.values()),
        role__in=[Habilitation.Role.COORDINATEUR, Habilitation.Role.CHARGE_DE_MISSION],
    ).select_related("utilisateur")
    for habilitation in habilitations.order_by("utilisateur__username"):
        equipes.setdefault(habilitation.organisation_id, []).append(habilitation.utilisateur_id)
    organisations = dict(Organisation.objects.order_by("slug").values_list("slug", "pk"))
    return Contexte(
        protocole=protocole.pk,
        obligations=[
            Cible(o.pk, o.reference, o.bloc.engagement.numero, o.bloc.partie_id, o.bloc_id, o.texte)
            for o in obligations
        ],
        membres={partie: [organisations[s] for s in sorted(slugs)] for partie, slugs in membres.items()},
        equipes=equipes,
        noms={u.pk: u.get_full_name() for u in comptes.values()},
        quartiers=[
            Lieu(q.pk, q.nom, q.ordre, 6 if q.nature == Quartier.Nature.QPV else 2)
            for q in Quartier.objects.filter(protocole=protocole).order_by("ordre", "slug")
        ],
        organisations=list(organisations.values()),
        coordinateur=comptes["demo-coordination"].pk,
        titre=Titres(rng),
        description=description,
        commentaire_creation=COMMENTAIRE_CREATION,
    )


def creer_suivi(protocole, comptes):
    """Tire le plan (graine fixe), le date par rapport à aujourd'hui (une autre graine : la structure ne dépend pas
    du jour du passage) et l'écrit par les méthodes de l'application."""
    rng = random.Random(GRAINE)
    ctx = contexte(rng, protocole, comptes)
    histoires = planifier(rng, ctx, NOMBRE_ACTIONS)
    verdicts = planifier_verdicts(rng, ctx)
    dates = random.Random(GRAINE + 1)
    aujourdhui, maintenant = timezone.localdate(), timezone.now()
    for histoire in histoires:
        placer(dates, histoire, aujourdhui, maintenant)
    ecrire(ctx, histoires, placer_verdicts(dates, verdicts, aujourdhui, maintenant))
