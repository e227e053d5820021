"""Le rapport au comité de pilotage en ligne de commande, par le même chemin que les téléchargements."""

import time
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from comite.archives import periode as periode_de_reunion
from comite.models import Reunion
from comite.rapports import produire, rendu
from engagements.periode import PerimetreInconnu, lire_demande
from protocole.models import Protocole

# Les deux erreurs d'argparse qu'on rencontre ici, dites en français.
ERREURS_ARGPARSE = {
    "not allowed with argument": (
        "un seul périmètre à la fois : --quartier, --organisation, --engagement ou --reunion (le rapport d'une "
        "réunion couvre tout le protocole)."
    ),
    "the following arguments are required": "l'option --sortie (le fichier PDF à écrire) est obligatoire.",
}


class Command(BaseCommand):
    help = "Écrit le rapport PDF au comité de pilotage : le protocole, un quartier, une organisation ou un engagement."

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

    def handle(self, *args, sortie, **options):
        reunion = self._reunion(options["reunion"], options["protocole"])
        protocole = reunion.protocole if reunion else self._protocole(options["protocole"])
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
        chemin = Path(sortie)
        try:
            chemin.write_bytes(pdf)
        except OSError as erreur:
            raise CommandError(f"Impossible d'écrire {chemin} : {erreur.strerror}.") from None
        pages = rendu.nombre_de_pages(pdf)
        par_page = f", {duree / pages:.2f} s par page" if pages else ""
        self.stdout.write(
            f"Rapport écrit : {chemin} — {perimetre.libelle}, état au {au:%d/%m/%Y}, évolutions depuis le "
            f"{depuis:%d/%m/%Y} ; {pages or '?'} pages en {duree:.2f} s{par_page}."
        )

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

    def _protocole(self, slug):
        if slug:
            protocole = Protocole.objects.filter(slug=slug).first()
            if protocole is None:
                raise CommandError(f"Protocole inconnu : « {slug} ».")
            return protocole
        protocoles = list(Protocole.objects.all()[:2])
        if not protocoles:
            raise CommandError("Aucun protocole n'est chargé : lancez d'abord « manage.py charger_protocole ».")
        if len(protocoles) > 1:
            slugs = ", ".join(Protocole.objects.values_list("slug", flat=True))
            raise CommandError(f"Plusieurs protocoles existent ({slugs}) : précisez --protocole.")
        return protocoles[0]
