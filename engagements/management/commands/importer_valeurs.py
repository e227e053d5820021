"""Importer des valeurs d'indicateurs depuis un fichier CSV ou XLSX, comme la page `/indicateurs/importer/` : l'aperçu
d'abord ; rien n'est écrit sans --confirmer, et tout le fichier l'est alors en une transaction. Le rôle de l'auteur
dans le protocole décide des lignes permises."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from engagements.acces import peut_importer_valeurs
from engagements.import_valeurs import ValeursIndicateurs
from protocole import importation
from protocole.commandes import protocole_demande
from signataires.models import Habilitation, Utilisateur


class Command(BaseCommand):
    help = (
        "Importe des valeurs d'indicateurs (une ligne par valeur : indicateur, quartier ou « tout le territoire », "
        "période, valeur, source, commentaire) : affiche l'aperçu ; n'écrit qu'avec --confirmer."
    )

    def add_arguments(self, parser):
        parser.add_argument("fichier", help="le fichier .csv ou .xlsx")
        parser.add_argument("--protocole", help="identifiant (slug) du protocole ; facultatif s'il n'y en a qu'un")
        parser.add_argument("--auteur", required=True, help="identifiant ou e-mail de la personne qui importe")
        parser.add_argument("--confirmer", action="store_true", help="écrit les lignes acceptées (sinon : aperçu)")

    def handle(self, *args, fichier, protocole, auteur, confirmer, **options):
        chemin = Path(fichier)
        if not chemin.is_file():
            raise CommandError(f"Fichier « {fichier} » introuvable.")
        protocole = protocole_demande(protocole)
        habilitation = self._habilitation(auteur, protocole)
        try:
            tableau = importation.lire(chemin.name, chemin.read_bytes(), ValeursIndicateurs.colonnes)
        except importation.ImportRefuse as refus:
            raise CommandError(f"Fichier refusé : {refus.message}") from None
        sorte = ValeursIndicateurs(habilitation)
        apercu = importation.previsualiser(sorte, tableau)
        self.afficher(apercu)
        if not confirmer:
            self.stdout.write("Aperçu seulement : rien n'a été enregistré. Relancez avec --confirmer pour importer.")
            return
        bilan = importation.confirmer(sorte, tableau, apercu.empreinte, origine=tableau.nom)
        if not bilan.confirme:  # une saisie entre l'aperçu et l'écriture : rien n'est écrit
            raise CommandError("Les valeurs ont changé pendant l'import : rien n'a été enregistré, relancez-le.")
        self.stdout.write(self.style.SUCCESS(f"Import enregistré : {bilan.ecrites} valeur(s) écrite(s)."))

    def afficher(self, apercu):
        ecrire = self.stdout.write
        ecrire(
            f"Aperçu de « {apercu.nom} » : {len(apercu.a_creer)} à créer, {len(apercu.a_modifier)} à corriger, "
            f"{len(apercu.inchangees)} sans changement, {len(apercu.refusees)} refusée(s), "
            f"{len(apercu.ignorees)} sans valeur (ignorée(s))."
        )
        for titre, lignes in (("À créer", apercu.a_creer), ("À corriger", apercu.a_modifier)):
            for r in lignes:
                avant = f"{r.avant} → " if r.avant else ""
                ecrire(f"  {titre} — ligne {r.numero} : {' ; '.join(filter(None, r.colonnes))} : {avant}{r.apres}")
        for r in apercu.inchangees:
            ecrire(f"  Sans changement — ligne {r.numero} : {' ; '.join(filter(None, r.colonnes))} : {r.apres}")
        for r in apercu.refusees:
            ecrire(f"  Refusée — ligne {r.numero} : {r.motif}")

    @staticmethod
    def _habilitation(identifiant, protocole):
        utilisateur = Utilisateur.objects.filter(Q(username=identifiant) | Q(email__iexact=identifiant)).first()
        if utilisateur is None:
            raise CommandError(f"Aucun compte « {identifiant} » (identifiant ou e-mail).")
        habilitation = (
            Habilitation.objects.select_related("utilisateur", "protocole")
            .filter(utilisateur=utilisateur, protocole=protocole)
            .first()
        )
        if habilitation is None:
            raise CommandError(f"« {identifiant} » n'a pas de rôle dans le protocole « {protocole.slug} ».")
        if not peut_importer_valeurs(habilitation):
            raise CommandError(
                f"« {identifiant} » ne peut pas importer de valeurs : c'est l'affaire de la coordination et des "
                "chargé·es de mission des organisations qui fournissent les indicateurs."
            )
        return habilitation
