"""Données de démonstration, toutes fictives : un compte par rôle, ~150 actions et ~1 500 entrées du journal.

`make run` l'appelle. Elle refuse de tourner quand DEBUG est désactivé, charge le protocole du Pays Voironnais s'il
est absent, et ne change rien au second passage. Les données sont tirées d'une graine fixe (2019) puis placées dans
le temps par rapport au jour du passage : créations entre le 1er mars 2019 et il y a un mois, derniers changements
surtout récents, échéances autour d'aujourd'hui (10 à 20 % des actions ouvertes en retard).

Tout passe par `Action.creer`, `Action.enregistrer` et `Verdict.donner` : le journal est celui qu'écrirait
l'interface, antidaté par `date_effet` et `maintenant`.
"""

import datetime
import random
import time
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from engagements.models import Action, Champ, Entree, Obligation, Statut, ValeurVerdict, Verdict
from engagements.models.regles import STATUTS_CLOS
from engagements.tableaux import avec_drapeaux
from protocole.models import Protocole, Quartier
from signataires.models import Appartenance, Habilitation, Organisation, Utilisateur

SLUG = "pays-voironnais"
PREFIXE = "[Démo] "
MOT_DE_PASSE = "demo"
DOMAINE = "exemple.invalid"
GRAINE = 2019
DEBUT = datetime.date(2019, 3, 1)
DEBUT_REVUES = datetime.date(2020, 6, 1)  # premiers verdicts de la coordination
NOMBRE_ACTIONS = 150
PART_EN_RETARD = 0.15  # des actions ouvertes
PART_SANS_NOUVELLES = 0.12  # des actions ouvertes
NOMBRE_ARCHIVEES = 4
NOMBRE_VERDICTS = 20
NOMBRE_VERDICTS_REVUS = 6
GROUPE_COORDINATION = "Coordination"
DROITS = ("view", "add", "change", "delete")

Role = Habilitation.Role

# (identifiant, prénom, nom, rôle, organisation, attributs du compte) : les comptes qu'on peut ouvrir avec « demo ».
COMPTES = [
    (
        "demo-admin",
        "Sophie",
        "Lambert",
        Role.ADMINISTRATEUR,
        "pays-voironnais",
        {"is_staff": True, "is_superuser": True},
    ),
    ("demo-coordination", "Marc", "Chevalier", Role.COORDINATEUR, "pays-voironnais", {"is_staff": True}),
    ("demo-caf", "Élodie", "Garnier", Role.CHARGE_DE_MISSION, "caf-isere", {}),
    ("demo-ars", "Thomas", "Mercier", Role.CHARGE_DE_MISSION, "ars-ara", {}),
    ("demo-lecteur", "Isabelle", "Roussel", Role.LECTEUR, "etat-isere", {}),
]
# D'autres référents fictifs (chargés de mission), sans mot de passe utilisable : des noms variés sur les actions.
REFERENTS = [
    ("demo-ref-pays-voironnais", "Laura", "Bonnet", "pays-voironnais"),
    ("demo-ref-ville-voiron", "Julie", "Fabre", "ville-voiron"),
    ("demo-ref-ville-voiron-2", "Karim", "Haddad", "ville-voiron"),
    ("demo-ref-ville-voreppe", "Anne", "Perrin", "ville-voreppe"),
    ("demo-ref-maison-emploi", "Lucas", "Giraud", "maison-emploi"),
    ("demo-ref-opac38", "Céline", "Morel", "opac38"),
    ("demo-ref-cias", "Nicolas", "Blanc", "cias-pays-voironnais"),
    ("demo-ref-pole-emploi", "Sarah", "Collet", "pole-emploi-voiron"),
    ("demo-ref-rectorat", "Pierre", "Vidal", "rectorat-grenoble"),
]

# La coordination tient les données de référence dans l'administration et y lit le texte signé.
PERMISSIONS_GERER = [
    ("signataires", "organisation"),
    ("signataires", "appartenance"),
    ("signataires", "representation"),
    ("protocole", "quartier"),
]
PERMISSIONS_LIRE = [
    ("protocole", "protocole"),
    ("protocole", "textepreambule"),
    ("signataires", "partie"),
    ("signataires", "signataire"),
    ("signataires", "signature"),
    ("engagements", "engagement"),
    ("engagements", "bloc"),
    ("engagements", "obligation"),
    ("engagements", "paragraphe"),
]

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

POIDS_STATUT_FINAL = {
    Statut.A_VENIR: 12,
    Statut.EN_COURS: 38,
    Statut.EN_PAUSE: 8,
    Statut.BLOQUE: 9,
    Statut.REALISE: 27,
    Statut.ABANDONNE: 8,
}
COMMENTAIRES = {
    Statut.EN_COURS: [
        "Lancement de l'action.",
        "Première réunion du groupe de travail.",
        "Démarrage avec les partenaires.",
    ],
    Statut.EN_PAUSE: ["En attente du vote du budget.", "Suspendue pendant la période estivale.", "Attente d'un local."],
    Statut.BLOQUE: [
        "Cofinancement non confirmé à ce jour.",
        "Locaux indisponibles jusqu'à nouvel ordre.",
        "Poste d'animateur vacant.",
        "Convention en attente de signature.",
    ],
    Statut.REALISE: ["Bilan présenté au comité technique.", "Action terminée, bilan transmis.", "Objectifs atteints."],
    Statut.ABANDONNE: [
        "Remplacée par une action d'un autre partenaire.",
        "Public visé non mobilisé malgré deux relances.",
        "Dispositif national arrêté.",
    ],
}
COMMENTAIRE_DEBLOCAGE = "Blocage levé, l'action reprend."
COMMENTAIRES_ECHEANCE = ["Échéance reportée en comité technique.", "Calendrier revu avec les partenaires."]
COMMENTAIRES_ARCHIVAGE = ["Doublon d'une autre action.", "Saisie en erreur.", "Fusionnée avec une action voisine."]
MOTIFS_VERDICT = {
    ValeurVerdict.TENU: ["Les actions prévues sont réalisées.", "Engagement tenu d'après le bilan annuel."],
    ValeurVerdict.PARTIEL: ["Une partie seulement des actions a démarré.", "Résultats inégaux selon les quartiers."],
    ValeurVerdict.NON_TENU: ["Aucune action engagée à la date de la revue.", "Actions abandonnées sans remplacement."],
}
COMMENTAIRES_NOTE = [
    "Point d'étape en comité technique : calendrier confirmé.",
    "Réunion avec les habitants, bonne participation.",
    "Bilan intermédiaire transmis aux financeurs.",
    "Relance des partenaires pour la prochaine session.",
]
COMMENTAIRE_CREATION = "Action fictive créée pour la démonstration."

ECHEANCE = object()  # marque, dans le plan, le changement d'échéance dont la date se calcule par rapport à aujourd'hui


@dataclass
class Evenement:
    changements: dict
    commentaire: str = ""
    auteur: Utilisateur | None = None


@dataclass
class Plan:
    """Une action à créer, sans ses dates (tirées ensuite par rapport à aujourd'hui)."""

    obligation: Obligation
    titre: str
    pilote: Organisation
    referent: Utilisateur | None
    territoire: bool
    quartiers: list
    partenaires: list
    budget: Decimal | None
    statut: str
    avancement: int
    statut_final: str
    avec_debut: bool
    evenements: list = field(default_factory=list)
    auteur: Utilisateur | None = None
    avec_echeance: bool = True
    archivee: bool = False
    sans_nouvelles: bool = False
    en_retard: bool = False

    @property
    def ouverte(self):
        return self.statut_final not in STATUTS_CLOS and not self.archivee


def courriel(prenom, nom):
    texte = unicodedata.normalize("NFKD", f"{prenom}.{nom}".lower()).encode("ascii", "ignore").decode()
    return f"{texte}@{DOMAINE}"


class Command(BaseCommand):
    help = (
        "Ajoute des données fictives de démonstration (comptes, actions, journal) ; refuse quand DEBUG est désactivé."
    )

    def handle(self, **options):
        if not settings.DEBUG:
            raise CommandError(
                "Refusé : DEBUG est désactivé. Les données de démonstration sont fictives et ne vont jamais dans une "
                "base de production (lancez avec DEBUG=true)."
            )
        debut = time.monotonic()
        with transaction.atomic():
            if not Protocole.objects.filter(slug=SLUG).exists():
                call_command("charger_protocole", stdout=self.stdout)
            protocole = Protocole.objects.get(slug=SLUG)
            deja = (
                Utilisateur.objects.filter(username="demo-admin", habilitations__protocole=protocole).exists()
                and Action.objects.filter(protocole=protocole, titre__startswith=PREFIXE).exists()
            )
            if deja:
                self.stdout.write("Données de démonstration déjà présentes : rien n'a été fait.")
                self.ecrire_comptes()
                return
            comptes = self.creer_comptes(protocole)
            if not Action.objects.filter(protocole=protocole, titre__startswith=PREFIXE).exists():
                self.creer_suivi(protocole, comptes)
        self.ecrire_bilan(protocole, time.monotonic() - debut)

    # -- comptes ----------------------------------------------------------------------------------------------------

    def creer_comptes(self, protocole):
        """Crée ce qui manque des comptes, de leurs habilitations et du groupe Coordination ; ne touche pas au reste."""
        organisations = {o.slug: o for o in Organisation.objects.all()}
        manquantes = {c[4] for c in COMPTES} | {r[3] for r in REFERENTS}
        manquantes -= set(organisations)
        if manquantes:
            raise CommandError(f"Organisations absentes du référentiel : {', '.join(sorted(manquantes))}.")
        comptes = {}
        hache = make_password(MOT_DE_PASSE)  # un seul hachage (lent à dessein) pour les cinq comptes
        lignes = [(u, p, n, role, org, attrs, True) for u, p, n, role, org, attrs in COMPTES]
        lignes += [(u, p, n, Role.CHARGE_DE_MISSION, org, {}, False) for u, p, n, org in REFERENTS]
        for username, prenom, nom, role, slug, attributs, connexion in lignes:
            utilisateur = Utilisateur.objects.filter(username=username).first()
            if utilisateur is None:
                utilisateur = Utilisateur(
                    username=username, first_name=prenom, last_name=nom, email=courriel(prenom, nom), **attributs
                )
                utilisateur.password = hache if connexion else make_password(None)
                utilisateur.save()
            Habilitation.objects.get_or_create(
                utilisateur=utilisateur,
                protocole=protocole,
                defaults={"role": role, "organisation": organisations[slug]},
            )
            comptes[username] = utilisateur
        groupe, _ = Group.objects.get_or_create(name=GROUPE_COORDINATION)
        groupe.permissions.add(*self.permissions_coordination())
        comptes["demo-coordination"].groups.add(groupe)
        return comptes

    def permissions_coordination(self):
        voulues = [(app, f"{verbe}_{modele}") for app, modele in PERMISSIONS_GERER for verbe in DROITS]
        voulues += [(app, f"view_{modele}") for app, modele in PERMISSIONS_LIRE]
        trouvees = {
            (p.content_type.app_label, p.codename): p
            for p in Permission.objects.filter(codename__in=[c for _a, c in voulues]).select_related("content_type")
        }
        absentes = [f"{app}.{code}" for app, code in voulues if (app, code) not in trouvees]
        if absentes:
            self.stderr.write(f"Permissions introuvables (migrate les crée) : {', '.join(absentes)}.")
        return [trouvees[v] for v in voulues if v in trouvees]

    # -- actions, journal, verdicts -----------------------------------------------------------------------------------

    def creer_suivi(self, protocole, comptes):
        rng = random.Random(GRAINE)
        plans = self.planifier(rng, protocole, comptes)
        verdicts = self.planifier_verdicts(rng, protocole)
        dates = random.Random(GRAINE + 1)  # les dates à part : la structure ne dépend pas du jour du passage
        aujourdhui = timezone.localdate()
        for plan in plans:
            self.creer_action(plan, protocole, dates, aujourdhui)
        coordination = comptes["demo-coordination"]
        for obligation, valeurs in verdicts:
            premiere = jour_entre(dates, DEBUT_REVUES, aujourdhui - datetime.timedelta(days=200))
            jours = [premiere]
            if len(valeurs) > 1:
                jours.append(jour_entre(dates, premiere + datetime.timedelta(days=90), aujourdhui))
            for valeur, jour in zip(valeurs, jours, strict=True):
                Verdict.donner(
                    obligation,
                    auteur=coordination,
                    valeur=valeur,
                    date_effet=jour,
                    motif=dates.choice(MOTIFS_VERDICT[valeur]),
                    maintenant=moment(dates, jour),
                )

    def planifier(self, rng, protocole, comptes):
        coordination = comptes["demo-coordination"]
        obligations = list(
            Obligation.objects.filter(protocole=protocole)
            .select_related("bloc__engagement", "bloc__partie")
            .order_by("bloc__engagement__numero", "bloc__ordre", "rang")
        )
        membres = {}
        for appartenance in Appartenance.objects.filter(partie__protocole=protocole).select_related("organisation"):
            membres.setdefault(appartenance.partie_id, []).append(appartenance.organisation)
        for liste in membres.values():
            liste.sort(key=lambda o: o.slug)
        referents = {}
        habilitations = Habilitation.objects.filter(
            protocole=protocole,
            utilisateur__in=list(comptes.values()),
            role__in=[Role.COORDINATEUR, Role.CHARGE_DE_MISSION],
        ).select_related("utilisateur")
        for habilitation in habilitations.order_by("utilisateur__username"):
            referents.setdefault(habilitation.organisation_id, []).append(habilitation.utilisateur)
        quartiers = list(Quartier.objects.filter(protocole=protocole).order_by("ordre", "slug"))
        organisations = list(Organisation.objects.order_by("slug"))
        poids_quartiers = [6 if q.nature == Quartier.Nature.QPV else 2 for q in quartiers]

        nombres = dict.fromkeys((o.pk for o in obligations), 2)
        en_plus = max(0, min(len(obligations), NOMBRE_ACTIONS - 2 * len(obligations)))
        for obligation in rng.sample(obligations, en_plus):
            nombres[obligation.pk] += 1
        modeles = {numero: rng.sample(liste, len(liste)) for numero, liste in MODELES.items()}
        rangs = dict.fromkeys(MODELES, 0)
        statuts, poids = zip(*POIDS_STATUT_FINAL.items(), strict=True)

        plans = []
        for obligation in obligations:
            numero = obligation.bloc.engagement.numero
            candidats = membres.get(obligation.bloc.partie_id) or [organisations[0]]
            for _ in range(nombres[obligation.pk]):
                pilote = rng.choices(candidats, weights=[3 if referents.get(o.pk) else 1 for o in candidats])[0]
                referent = self.choisir_referent(rng, referents.get(pilote.pk), coordination)
                tirage = rng.random()
                if tirage < 0.15:
                    territoire, choisis = True, []
                elif tirage < 0.7:
                    territoire, choisis = False, rng.choices(quartiers, weights=poids_quartiers)
                else:
                    territoire, choisis = False, rng.sample(quartiers, min(len(quartiers), rng.choice([2, 2, 3])))
                liste = modeles[numero]
                titre = PREFIXE + liste[rangs[numero] % len(liste)]
                rangs[numero] += 1
                if not territoire and len(choisis) == 1:
                    titre += f" — {choisis[0].nom}"
                final = rng.choices(statuts, weights=poids)[0]
                demarree = final != Statut.A_VENIR and rng.random() < 0.45
                plan = Plan(
                    obligation=obligation,
                    titre=titre,
                    pilote=pilote,
                    referent=referent,
                    territoire=territoire,
                    quartiers=sorted(choisis, key=lambda q: q.ordre),
                    partenaires=rng.sample([o for o in organisations if o != pilote], rng.choice([0, 0, 1, 1, 2, 3])),
                    budget=Decimal(rng.randrange(2, 160) * 1000) if rng.random() < 0.6 else None,
                    statut=Statut.EN_COURS if demarree else Statut.A_VENIR,
                    avancement=10 if demarree else 0,
                    statut_final=final,
                    avec_debut=rng.random() < 0.85,
                )
                self.planifier_evenements(rng, plan, candidats, referents, quartiers, coordination)
                plans.append(plan)

        self.planifier_obligations(rng, plans, nombres)
        for plan in rng.sample(plans, NOMBRE_ARCHIVEES):
            plan.archivee = True
            plan.evenements.append(Evenement({"archivee": True}, rng.choice(COMMENTAIRES_ARCHIVAGE)))
        ouvertes = [p for p in plans if p.ouverte]
        for plan in rng.sample(ouvertes, round(PART_SANS_NOUVELLES * len(ouvertes))):
            plan.sans_nouvelles = True
        for plan in rng.sample(ouvertes, round(PART_EN_RETARD * len(ouvertes))):
            plan.en_retard = True
        for plan in ouvertes:
            a_echeance = any(ECHEANCE is e.changements.get("echeance") for e in plan.evenements)
            plan.avec_echeance = plan.en_retard or a_echeance or rng.random() > 0.06
        for quartier in quartiers:  # chaque quartier a au moins une action qui le nomme
            if not any(quartier in p.quartiers for p in plans if not self.change_quartiers(p)):
                cible = next(p for p in plans if not p.territoire and not self.change_quartiers(p))
                cible.quartiers.append(quartier)
        for plan in plans:
            self.attribuer_auteurs(plan, coordination)
        return plans

    @staticmethod
    def choisir_referent(rng, equipe, coordination):
        if equipe:
            return rng.choice(equipe)
        return coordination if rng.random() < 0.3 else None

    @staticmethod
    def change_quartiers(plan):
        return any("quartiers" in e.changements for e in plan.evenements)

    def planifier_evenements(self, rng, plan, candidats, referents, quartiers, coordination):
        """Le parcours du statut jusqu'au statut final, puis quelques changements d'échéance, de référent, de
        pilote ou de quartiers glissés avant la clôture."""
        final, avancement = plan.statut_final, plan.avancement
        parcours = []

        def progresser():
            nonlocal avancement
            if avancement < 90:
                avancement = min(95, avancement + rng.choice([10, 15, 20, 25, 30]))
                parcours.append(Evenement({"avancement": avancement}))

        if final != Statut.A_VENIR:
            if plan.statut == Statut.A_VENIR and (final != Statut.ABANDONNE or rng.random() < 0.5):
                changements = {"statut": Statut.EN_COURS}
                if rng.random() < 0.4:
                    avancement = changements["avancement"] = rng.choice([5, 10, 15, 20])
                parcours.append(Evenement(changements, choix(rng, Statut.EN_COURS)))
            if final == Statut.EN_COURS:
                if rng.random() < 0.1:
                    parcours.append(Evenement({"statut": Statut.BLOQUE}, choix(rng, Statut.BLOQUE)))
                    parcours.append(Evenement({"statut": Statut.EN_COURS}, COMMENTAIRE_DEBLOCAGE))
                for _ in range(rng.choice([0, 0, 1])):
                    progresser()
            elif final in (Statut.EN_PAUSE, Statut.BLOQUE):
                if rng.random() < 0.3:
                    progresser()
                parcours.append(Evenement({"statut": final}, choix(rng, final)))
            elif final == Statut.REALISE:
                if rng.random() < 0.5:
                    progresser()
                parcours.append(Evenement({"statut": final, "avancement": 100}, choix(rng, final)))
            else:
                parcours.append(Evenement({"statut": final}, choix(rng, final)))

        cloture = parcours.pop() if final in STATUTS_CLOS else None
        extras = []
        if rng.random() < (0.3 if cloture is None else 0.15):
            extras.append(Evenement({"echeance": ECHEANCE}, rng.choice(COMMENTAIRES_ECHEANCE)))
        tirage = rng.random()
        equipe = [u for u in referents.get(plan.pilote.pk, []) if u != plan.referent]
        autres_pilotes = [o for o in candidats if o != plan.pilote]
        if tirage < 0.08 and equipe:
            nouveau = rng.choice(equipe)
            extras.append(Evenement({"referent": nouveau}, f"{nouveau.get_full_name()} reprend le suivi."))
        elif tirage < 0.13 and autres_pilotes:
            pilote = rng.choice(autres_pilotes)
            referent = self.choisir_referent(rng, referents.get(pilote.pk), coordination)
            extras.append(Evenement({"pilote": pilote, "referent": referent}, f"Pilotage transféré à {pilote}."))
        if rng.random() < 0.08:
            if plan.territoire:
                apres = (False, [rng.choice(quartiers)])
            elif len(plan.quartiers) == 1:
                autres = [q for q in quartiers if q not in plan.quartiers]
                apres = (False, plan.quartiers + [rng.choice(autres)]) if autres else (True, [])
            else:
                apres = (True, [])
            extras.append(Evenement({"quartiers": apres}, "Périmètre revu avec les partenaires."))
        if rng.random() < (0.15 if cloture is None else 0.05):
            extras.append(Evenement({}, rng.choice(COMMENTAIRES_NOTE)))  # un commentaire seul : une note au journal
        if rng.random() < 0.15:
            extras.append(self.correction(rng, plan, autres_pilotes))
        for extra in extras:
            parcours.insert(rng.randint(0, len(parcours)), extra)
        if cloture:
            parcours.append(cloture)
        plan.evenements = parcours

    @staticmethod
    def correction(rng, plan, organisations):
        """Une correction (titre, description, début, budget ou partenaires) : journalisée, sans être une nouvelle
        de l'avancement."""
        sorte = rng.choice(["titre", "description", "date_debut", "budget", "partenaires"])
        if sorte == "titre":
            return Evenement({"libres": {"titre": f"{plan.titre} (intitulé précisé)"}}, "Intitulé précisé.")
        if sorte == "description":
            description = "Description reprise après le comité technique. Action fictive de démonstration."
            return Evenement({"libres": {"description": description}})
        if sorte == "date_debut" and plan.avec_debut:
            return Evenement({"libres": {"date_debut": None}}, "Date de début saisie par erreur, retirée.")
        if sorte == "partenaires" and organisations:
            partenaires = [*plan.partenaires, rng.choice(organisations)]
            return Evenement({"partenaires": partenaires}, "Un partenaire rejoint l'action.")
        budget = Decimal(rng.randrange(2_000, 80_000, 500))
        return Evenement({"libres": {"budget": budget}}, "Budget revu au vote du budget supplémentaire.")

    @staticmethod
    def planifier_obligations(rng, plans, nombres):
        """Deux actions rattachées après coup à une autre obligation du même bloc (sans vider la première)."""
        possibles = [
            p
            for p in plans
            if nombres[p.obligation.pk] >= 3 and p.obligation.bloc.obligations.count() > 1 and not p.archivee
        ]
        for plan in rng.sample(possibles, min(2, len(possibles))):
            autres = list(plan.obligation.bloc.obligations.exclude(pk=plan.obligation.pk).order_by("rang"))
            nouvelle = rng.choice(autres)
            nombres[plan.obligation.pk] -= 1
            nombres[nouvelle.pk] += 1
            evenement = Evenement({"obligation": nouvelle}, f"Rattachée à {nouvelle.reference}.")
            plan.evenements.insert(rng.randint(0, len(plan.evenements)), evenement)

    @staticmethod
    def attribuer_auteurs(plan, coordination):
        """Le référent du moment écrit ; sans référent, la coordination."""
        referent = plan.referent
        plan.auteur = referent or coordination
        for evenement in plan.evenements:
            evenement.auteur = referent or coordination
            if "referent" in evenement.changements:
                referent = evenement.changements["referent"]

    def planifier_verdicts(self, rng, protocole):
        obligations = list(Obligation.objects.filter(protocole=protocole).order_by("reference"))
        choisies = rng.sample(obligations, min(NOMBRE_VERDICTS, len(obligations)))
        valeurs = [ValeurVerdict.TENU, ValeurVerdict.PARTIEL, ValeurVerdict.NON_TENU]
        verdicts = []
        for i, obligation in enumerate(choisies):
            premiere = rng.choices(valeurs, weights=[4, 4, 2])[0]
            suite = [premiere]
            if i < NOMBRE_VERDICTS_REVUS:
                suite.append(rng.choice([v for v in valeurs if v != premiere]))
            verdicts.append((obligation, suite))
        return verdicts

    def creer_action(self, plan, protocole, rng, aujourdhui):
        """Place le plan dans le temps puis l'écrit par `Action.creer` et `Action.enregistrer`."""
        n = len(plan.evenements)
        un_jour = datetime.timedelta(days=1)
        if plan.ouverte and plan.sans_nouvelles:
            dernier = aujourdhui - rng.randint(95, 500) * un_jour
            creation = dernier if n == 0 else jour_entre(rng, DEBUT, dernier - (n + 10) * un_jour)
        elif plan.ouverte:
            if n == 0:
                creation = dernier = aujourdhui - rng.randint(30, 85) * un_jour
            else:
                dernier = aujourdhui - rng.randint(0, 60) * un_jour
                creation = jour_entre(rng, DEBUT, min(aujourdhui - 30 * un_jour, dernier - (n + 5) * un_jour))
        else:
            creation = jour_entre(rng, DEBUT, aujourdhui - max(30, n + 5) * un_jour)
            dernier = jour_entre(rng, creation + (n + 5) * un_jour, aujourdhui)
        jours = []
        if n:
            jours = sorted(rng.sample(range(creation.toordinal() + 1, dernier.toordinal()), n - 1))
            jours = [datetime.date.fromordinal(j) for j in jours] + [dernier]

        debut = creation + rng.randint(0, 20) * un_jour if plan.avec_debut else None
        plancher = debut or creation
        if not plan.avec_echeance:
            echeance = None
        elif plan.en_retard:
            echeance = max(plancher, aujourdhui - rng.randint(1, 200) * un_jour)
        elif plan.ouverte:
            echeance = aujourdhui + rng.randint(7, 420) * un_jour
        else:
            echeance = max(plancher, dernier + rng.randint(-90, 180) * un_jour)
        initiale = echeance
        if echeance and any(e.changements.get("echeance") is ECHEANCE for e in plan.evenements):
            if (echeance - plancher).days > 30:
                initiale = max(plancher, echeance - rng.randint(30, 400) * un_jour)
            else:
                initiale = echeance + rng.randint(30, 200) * un_jour

        action = Action.creer(
            auteur=plan.auteur,
            date_effet=creation,
            maintenant=moment(rng, creation),
            commentaire=COMMENTAIRE_CREATION,
            quartiers=plan.quartiers,
            partenaires=plan.partenaires,
            protocole=protocole,
            obligation=plan.obligation,
            titre=plan.titre,
            description=(
                f"Action fictive de démonstration, rattachée à {plan.obligation.reference}. "
                "Les personnes, les dates et les chiffres sont inventés."
            ),
            pilote=plan.pilote,
            referent=plan.referent,
            tout_le_territoire=plan.territoire,
            date_debut=debut,
            echeance=initiale,
            budget=plan.budget,
            avancement=plan.avancement,
            statut=plan.statut,
        )
        for evenement, jour in zip(plan.evenements, jours, strict=True):
            changements = dict(evenement.changements)
            if changements.get("echeance") is ECHEANCE:
                if echeance is None or echeance == initiale:
                    continue
                changements["echeance"] = echeance
            action.enregistrer(
                auteur=evenement.auteur,
                date_effet=jour,
                maintenant=moment(rng, jour),
                commentaire=evenement.commentaire,
                **changements,
            )
        return action

    # -- bilan --------------------------------------------------------------------------------------------------------

    def ecrire_bilan(self, protocole, duree):
        actions = Action.objects.filter(protocole=protocole, titre__startswith=PREFIXE)
        entrees = Entree.objects.filter(action__in=actions).count()
        verdicts = Entree.objects.filter(
            protocole=protocole, champ=Champ.VERDICT, auteur__username="demo-coordination"
        ).count()
        ouvertes = avec_drapeaux(actions).exclude(statut_au__in=STATUTS_CLOS)
        nb_ouvertes = ouvertes.count()
        retard = ouvertes.filter(est_en_retard=True).count()
        part = 100 * retard / nb_ouvertes if nb_ouvertes else 0
        sans_nouvelles = ouvertes.filter(est_sans_nouvelles=True).count()
        style = self.style.SUCCESS
        self.stdout.write(style(f"Données de démonstration créées en {duree:.1f} s."))
        self.stdout.write(f"  actions : {actions.count()} (dont {actions.filter(archivee=True).count()} archivées)")
        self.stdout.write(f"  entrées du journal : {entrees + verdicts} (dont {verdicts} verdicts)")
        self.stdout.write(f"  actions ouvertes : {nb_ouvertes}, dont {retard} en retard ({part:.0f} %)")
        self.stdout.write(f"  actions ouvertes sans nouvelles depuis 90 jours : {sans_nouvelles}")
        self.ecrire_comptes()

    def ecrire_comptes(self):
        self.stdout.write(f"Comptes de démonstration (mot de passe : {MOT_DE_PASSE}) :")
        largeur = max(len(c[0]) for c in COMPTES)
        for username, _prenom, _nom, role, slug, _attributs in COMPTES:
            organisation = Organisation.objects.filter(slug=slug).first() or slug
            self.stdout.write(f"  {username:<{largeur}}  {Role(role).label:<17}  {organisation}")
        self.stdout.write(
            self.style.WARNING(
                "Toutes ces données sont fictives (actions « [Démo] … », personnes, dates, verdicts) : "
                "elles ne décrivent pas l'exécution réelle du protocole."
            )
        )


def choix(rng, statut):
    return rng.choice(COMMENTAIRES[statut])


def jour_entre(rng, premier, dernier):
    """Un jour au hasard entre `premier` et `dernier` inclus (`premier` si l'intervalle est vide)."""
    return premier + datetime.timedelta(days=rng.randint(0, max(0, (dernier - premier).days)))


def moment(rng, jour):
    """Un moment d'enregistrement ce jour-là, en heures ouvrées à Paris, jamais dans le futur."""
    heure = datetime.time(rng.randint(9, 17), rng.randint(0, 59), rng.randint(0, 59))
    return min(timezone.make_aware(datetime.datetime.combine(jour, heure)), timezone.now())
