"""Le rapport au comité de pilotage en ligne de commande, par le même chemin que les téléchargements."""

import datetime
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from engagements.tableaux import Perimetre, depuis_par_defaut
from protocole.models import Protocole
from protocole.rapports import produire, rendu
from protocole.rapports.formulaires import organisations_du_protocole


def date_iso(valeur):
    try:
        return datetime.date.fromisoformat(valeur)
    except ValueError:
        raise CommandError(f"Date invalide : « {valeur} » (attendu : AAAA-MM-JJ, par exemple 2026-11-25).") from None


# Les deux erreurs d'argparse qu'on rencontre ici, dites en français.
ERREURS_ARGPARSE = {
    "not allowed with argument": "un seul périmètre à la fois : --quartier, --organisation ou --engagement.",
    "the following arguments are required": "l'option --sortie (le fichier PDF à écrire) est obligatoire.",
    "invalid int value": "--engagement attend un numéro (1, 2, 3…).",
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
        portee.add_argument("--engagement", type=int, help="numéro de l'engagement renforcé")
        parser.add_argument("--au", help="état au AAAA-MM-JJ (aujourd'hui par défaut)")
        parser.add_argument("--depuis", help="évolutions depuis AAAA-MM-JJ (par défaut : le comité précédent)")

    def handle(self, *args, sortie, **options):
        protocole = self._protocole(options["protocole"])
        perimetre = self._perimetre(protocole, options)
        aujourd_hui = timezone.localdate()
        au = date_iso(options["au"]) if options["au"] else aujourd_hui
        if au > aujourd_hui:
            raise CommandError("La date « au » ne peut pas être dans le futur.")
        depuis = date_iso(options["depuis"]) if options["depuis"] else depuis_par_defaut(protocole, au)
        if depuis > au:
            raise CommandError("La date « depuis » doit précéder la date « au ».")

        debut = time.perf_counter()
        pdf = produire(perimetre, au, depuis)
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

    def _perimetre(self, protocole, options):
        if slug := options["quartier"]:
            quartier = protocole.quartiers.filter(slug=slug).first()
            if quartier is None:
                raise CommandError(f"Quartier inconnu dans ce protocole : « {slug} ».")
            return Perimetre(protocole, quartier=quartier)
        if slug := options["organisation"]:
            organisation = organisations_du_protocole(protocole).filter(slug=slug).first()
            if organisation is None:
                raise CommandError(f"Organisation inconnue dans ce protocole : « {slug} ».")
            return Perimetre(protocole, organisation=organisation)
        if (numero := options["engagement"]) is not None:
            if not protocole.engagements.filter(numero=numero).exists():
                raise CommandError(f"Engagement inconnu dans ce protocole : N°{numero}.")
            return Perimetre(protocole, engagement=numero)
        return Perimetre(protocole)
