"""Caviarder un commentaire du journal à la demande de la personne concernée (RGPD), et trouver les entrées à
caviarder. Le journal est en ajout seul : c'est la seule écriture en place qu'il admette (README, « Corriger le
journal »)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils import formats, timezone

from engagements.acces import peut_caviarder
from engagements.models import Entree
from signataires.models import Habilitation, Utilisateur


class Command(BaseCommand):
    help = (
        "Remplace le commentaire d'une entrée du journal (donnée personnelle, sur demande) et écrit le caviardage au "
        "journal ; réservé à un administrateur du protocole. --chercher TEXTE liste les entrées dont le commentaire "
        "le contient."
    )

    def add_arguments(self, parser):
        parser.add_argument("entree", nargs="?", type=int, help="numéro de l'entrée du journal (voir --chercher)")
        parser.add_argument("--par", help="identifiant ou e-mail de l'administrateur qui caviarde")
        parser.add_argument("--texte", help="le texte qui remplace le commentaire")
        parser.add_argument(
            "--chercher", help="liste les entrées dont le commentaire contient ce texte, sans rien changer"
        )

    def handle(self, *args, entree, par, texte, chercher, **options):
        if chercher is not None:
            return self.chercher(chercher)
        if entree is None or par is None or texte is None:
            raise CommandError("Donnez le numéro de l'entrée, --par et --texte (ou --chercher TEXTE pour la trouver).")
        cible = Entree.objects.select_related("action", "obligation").filter(pk=entree).first()
        if cible is None:
            raise CommandError(f"Aucune entrée du journal n° {entree}.")
        auteur = Utilisateur.objects.filter(Q(username=par) | Q(email__iexact=par)).first()
        if auteur is None:
            raise CommandError(f"Aucun compte « {par} » (identifiant ou e-mail).")
        habilitation = Habilitation.objects.filter(utilisateur=auteur, protocole_id=cible.protocole_id).first()
        if not peut_caviarder(habilitation):
            raise CommandError(
                f"« {par} » n'est pas administrateur du protocole de cette entrée : seul un administrateur caviarde "
                "un commentaire du journal."
            )
        try:
            trace = cible.caviarder(auteur=auteur, texte=texte)
        except ValidationError as erreur:
            raise CommandError(" ".join(erreur.messages)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Commentaire de l'entrée n° {cible.pk} ({self.decrire(cible)}) remplacé ; caviardage écrit au "
                f"journal (entrée n° {trace.pk}, par {auteur.username}, le "
                f"{formats.date_format(timezone.localtime(trace.enregistre_le), 'SHORT_DATETIME_FORMAT')})."
            )
        )

    def chercher(self, texte):
        entrees = Entree.objects.filter(commentaire__icontains=texte).select_related("action", "obligation")
        entrees = list(entrees.order_by("pk"))
        for entree in entrees:
            self.stdout.write(f"n° {entree.pk} — {self.decrire(entree)} : « {entree.commentaire} »")
        self.stdout.write(f"{len(entrees)} entrée(s) dont le commentaire contient « {texte} ».")

    @staticmethod
    def decrire(entree):
        sujet = f"action n° {entree.action_id}" if entree.action_id else f"obligation {entree.obligation.reference}"
        date = formats.date_format(entree.date_effet, "SHORT_DATE_FORMAT")
        return f"{entree.get_champ_display()} du {date}, {sujet}"
