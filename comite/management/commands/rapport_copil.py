"""Le rapport au comité de pilotage en ligne de commande, par le même chemin que les téléchargements."""

import time
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from comite.archives import periode as periode_de_reunion
from comite.models import Reunion
from comite.rapports import produire, produire_bilan, rendu
from engagements.periode import PerimetreInconnu, lire_au_du_bilan, lire_demande
from protocole.commandes import protocole_demande

# Les deux erreurs d'argparse qu'on rencontre ici, dites en français.
ERREURS_ARGPARSE = {
    "not allowed with argument": (
        "un seul périmètre à la fois : --quartier, --organisation, --engagement ou --reunion (le rapport d'une "
        "réunion couvre tout le protocole)."
    ),
    "the following arguments are required": "l'option --sortie (le fichier PDF à écrire) est obligatoire.",
}

# Les options qui n'ont pas de sens pour un bilan : il porte sur tout le protocole, depuis le début du contrat.
SANS_OBJET_POUR_LE_BILAN = ("quartier", "organisation", "engagement", "reunion", "depuis", "sans_annexe")


class Command(BaseCommand):
    help = (
        "Écrit le rapport PDF au comité de pilotage : le protocole, un quartier, une organisation ou un engagement ; "
        "avec --bilan, le bilan à l'échéance de tout le protocole."
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        erreur = parser.error

        def en_francais(message):
            erreur(next((v for cle, v in ERREURS_ARGPARSE.items() if cle in message), message))

        parser.error = en_francais
        return parser

    def add_arguments(self, parser):
        parser.add_argument("--sortie", required=True, help="fichier PDF à écrire")
        parser.add_argument("--protocole", help="identifiant (slug) du protocole ; facultatif s'il n'y en a qu'un")
        portee = parser.add_mutually_exclusive_group()
        portee.add_argument("--quartier", help="identifiant (slug) du quartier")
        portee.add_argument("--organisation", help="identifiant (slug) de l'organisation")
        portee.add_argument("--engagement", help="numéro de l'engagement renforcé")
        portee.add_argument(
            "--reunion",
            help="identifiant d'une réunion du comité : son rapport (ses textes, ses décisions, sa période par défaut)",
        )
        parser.add_argument("--au", help="état au AAAA-MM-JJ (aujourd'hui par défaut)")
        parser.add_argument("--depuis", help="évolutions depuis AAAA-MM-JJ (par défaut : le comité précédent)")
        parser.add_argument("--sans-annexe", action="store_true", help="la couverture et la note seules")
        parser.add_argument(
            "--bilan",
            action="store_true",
            help="le bilan à l'échéance de tout le protocole (--au : un bilan d'étape, avant l'échéance)",
        )

    def handle(self, *args, sortie, **options):
        if options["bilan"]:
            return self._bilan(sortie, options)
        reunion = self._reunion(options["reunion"], options["protocole"])
        protocole = reunion.protocole if reunion else protocole_demande(options["protocole"])
        # Les options disent la même demande qu'un lien de téléchargement, lue par le même lecteur.
        demande = {"au": options["au"] or "", "depuis": options["depuis"] or ""}
        if reunion is not None:
            # La période du rapport de la réunion, sauf dates données : celle de son aperçu et de son gel.
            au, depuis = periode_de_reunion(reunion)
            demande = {"au": options["au"] or au.isoformat(), "depuis": options["depuis"] or depuis.isoformat()}
        for sorte in ("quartier", "organisation", "engagement"):
            if options[sorte] is not None:
                demande.update(perimetre=sorte, valeur=str(options[sorte]))
        try:
            perimetre, periode = lire_demande(protocole, demande)
        except ValidationError as erreur:
            raise CommandError(" ".join(erreur.messages)) from None
        except PerimetreInconnu as erreur:
            raise CommandError(str(erreur)) from None
        au, depuis = periode.au, periode.depuis

        debut = time.perf_counter()
        pdf = produire(perimetre, au, depuis, reunion=reunion, annexe=not options["sans_annexe"])
        duree = time.perf_counter() - debut
        chemin = self._ecrire(sortie, pdf)
        pages = rendu.nombre_de_pages(pdf)
        par_page = f", {duree / pages:.2f} s par page" if pages else ""
        self.stdout.write(
            f"Rapport écrit : {chemin} — {perimetre.libelle}, état au {au:%d/%m/%Y}, évolutions depuis le "
            f"{depuis:%d/%m/%Y} ; {pages or '?'} pages en {duree:.2f} s{par_page}."
        )

    def _bilan(self, sortie, options):
        """Le bilan à l'échéance : tout le protocole, au jour de l'échéance ou à un jour d'avant (--au)."""
        refusees = [f"--{nom.replace('_', '-')}" for nom in SANS_OBJET_POUR_LE_BILAN if options[nom]]
        if refusees:
            raise CommandError(
                f"{', '.join(refusees)} : sans objet avec --bilan. Un bilan porte sur tout le protocole, à son "
                "échéance ou à une date d'avant (--au) ; seules --protocole et --au l'accompagnent."
            )
        protocole = protocole_demande(options["protocole"])
        try:
            au = lire_au_du_bilan(protocole, options["au"] or "")
        except ValidationError as erreur:
            raise CommandError(" ".join(erreur.messages)) from None
        debut = time.perf_counter()
        pdf = produire_bilan(protocole, au)
        duree = time.perf_counter() - debut
        chemin = self._ecrire(sortie, pdf)
        pages = rendu.nombre_de_pages(pdf)
        self.stdout.write(
            f"Bilan écrit : {chemin} — tout le protocole, au {au:%d/%m/%Y} (échéance le "
            f"{protocole.echeance:%d/%m/%Y}) ; {pages or '?'} pages en {duree:.2f} s."
        )

    def _ecrire(self, sortie, pdf):
        chemin = Path(sortie)
        try:
            chemin.write_bytes(pdf)
        except OSError as erreur:
            raise CommandError(f"Impossible d'écrire {chemin} : {erreur.strerror}.") from None
        return chemin

    def _reunion(self, identifiant, slug):
        if identifiant is None:
            return None
        reunions = Reunion.objects.select_related("protocole")
        if slug:
            reunions = reunions.filter(protocole__slug=slug)
        reunion = reunions.filter(pk=int(identifiant)).first() if identifiant.isdigit() else None
        if reunion is None:
            raise CommandError(f"Réunion inconnue : « {identifiant} » (son numéro est dans l'adresse de sa page).")
        return reunion
