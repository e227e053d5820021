"""Données de démonstration, toutes fictives : un compte par rôle, ~150 actions et ~1 500 entrées du journal.

`make run` l'appelle. Elle refuse de tourner quand DEBUG est désactivé, charge le protocole du Pays Voironnais s'il
est absent, et ne change rien au second passage. Les comptes viennent d'`outils.demo.comptes` ; le suivi
(`outils.demo.suivi`) est tiré par le générateur d'historiques que partage le banc d'essai et écrit par
`Action.creer`, `Action.enregistrer` et `Verdict.donner` : le journal est celui qu'écrirait l'interface, antidaté.
"""

import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from engagements.models import Action, Champ, Entree, Indicateur, Valeur
from engagements.models.regles import STATUTS_CLOS
from engagements.tableaux import avec_drapeaux
from outils.demo.comite import creer_reunions
from outils.demo.comptes import creer_comptes, ecrire_comptes
from outils.demo.indicateurs import creer_indicateurs
from outils.demo.suivi import PREFIXE, creer_suivi
from protocole.models import Protocole
from signataires.models import Utilisateur

SLUG = "pays-voironnais"


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
            actions = Action.objects.filter(protocole=protocole, titre__startswith=PREFIXE)
            deja = (
                Utilisateur.objects.filter(username="demo-admin", habilitations__protocole=protocole).exists()
                and actions.exists()
            )
            if deja:
                # Une base de démonstration d'avant les indicateurs les reçoit ; sinon rien ne change.
                comptes = creer_comptes(protocole, self.stderr)
                if valeurs := creer_indicateurs(protocole, comptes):
                    self.stdout.write(f"Indicateurs de démonstration ajoutés ({valeurs} valeurs).")
                else:
                    self.stdout.write("Données de démonstration déjà présentes : rien n'a été fait.")
                ecrire_comptes(self.stdout, self.style)
                return
            comptes = creer_comptes(protocole, self.stderr)
            if not actions.exists():
                creer_suivi(protocole, comptes)
                creer_reunions(protocole)
            creer_indicateurs(protocole, comptes)
        self.ecrire_bilan(protocole, time.monotonic() - debut)

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
        self.stdout.write(self.style.SUCCESS(f"Données de démonstration créées en {duree:.1f} s."))
        self.stdout.write(f"  actions : {actions.count()} (dont {actions.filter(archivee=True).count()} archivées)")
        self.stdout.write(f"  entrées du journal : {entrees + verdicts} (dont {verdicts} verdicts)")
        self.stdout.write(f"  actions ouvertes : {nb_ouvertes}, dont {retard} en retard ({part:.0f} %)")
        self.stdout.write(f"  actions ouvertes sans nouvelles depuis 90 jours : {sans_nouvelles}")
        indicateurs = Indicateur.objects.filter(protocole=protocole)
        valeurs = Valeur.objects.filter(indicateur__in=indicateurs).count()
        self.stdout.write(f"  indicateurs : {indicateurs.count()}, valeurs saisies : {valeurs}")
        ecrire_comptes(self.stdout, self.style)
