"""Choisir un rapport : le formulaire de la page /rapports/ et la lecture des paramètres d'un téléchargement.

Tout se résout dans le protocole courant : un quartier, une organisation ou un engagement d'un autre protocole
répond 404, comme un identifiant deviné ailleurs.
"""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone

from engagements.acces import organisations_du_protocole
from engagements.forms import DateInput
from engagements.tableaux import Perimetre, depuis_par_defaut
from protocole.formulaires import Accessible
from signataires.models import Organisation

PERIMETRES = [
    ("protocole", "Tout le protocole"),
    ("quartier", "Un quartier"),
    ("organisation", "Une organisation"),
    ("engagement", "Un engagement"),
]
A_CHOISIR = {
    "quartier": "Choisissez un quartier.",
    "organisation": "Choisissez une organisation.",
    "engagement": "Choisissez un engagement.",
}


def lire_date(valeur, nom):
    try:
        return datetime.date.fromisoformat(valeur)
    except ValueError:
        raise ValidationError(f"La date « {nom} » est invalide : attendu AAAA-MM-JJ.") from None


def verifier_dates(au, depuis):
    if au > timezone.localdate():
        raise ValidationError("La date « état au » ne peut pas être dans le futur.")
    if depuis > au:
        raise ValidationError("La date « évolutions depuis » doit précéder la date « état au ».")


def lire_demande(protocole, donnees):
    """(Perimetre, au, depuis) d'après les paramètres d'un téléchargement : perimetre=protocole|quartier|
    organisation|engagement, valeur=<slug ou numéro>, au, depuis (AAAA-MM-JJ). Sans paramètre : tout le protocole
    aujourd'hui, évolutions depuis le comité précédent. Lève ValidationError (en français) ou Http404."""
    sorte = donnees.get("perimetre") or "protocole"
    valeur = (donnees.get("valeur") or "").strip()
    if sorte not in dict(PERIMETRES):
        raise ValidationError(
            "Périmètre inconnu : choisissez le protocole, un quartier, une organisation ou un engagement."
        )
    if sorte != "protocole" and not valeur:
        raise ValidationError(A_CHOISIR[sorte])
    if sorte == "quartier":
        perimetre = Perimetre(protocole, quartier=get_object_or_404(protocole.quartiers.all(), slug=valeur))
    elif sorte == "organisation":
        perimetre = Perimetre(
            protocole, organisation=get_object_or_404(organisations_du_protocole(protocole), slug=valeur)
        )
    elif sorte == "engagement":
        if not valeur.isdigit():
            raise ValidationError("Le numéro d'engagement doit être un nombre.")
        engagement = get_object_or_404(protocole.engagements.all(), numero=int(valeur))
        perimetre = Perimetre(protocole, engagement=engagement.numero)
    else:
        perimetre = Perimetre(protocole)
    au = lire_date(donnees["au"], "état au") if donnees.get("au") else timezone.localdate()
    depuis = lire_date(donnees["depuis"], "évolutions depuis") if donnees.get("depuis") else None
    depuis = depuis or depuis_par_defaut(protocole, au)
    verifier_dates(au, depuis)
    return perimetre, au, depuis


class RapportForm(Accessible, forms.Form):
    """Le choix d'un rapport sur la page /rapports/ ; valide, il devient les paramètres d'un téléchargement."""

    perimetre = forms.ChoiceField(label="Périmètre", choices=PERIMETRES, initial="protocole", widget=forms.RadioSelect)
    quartier = forms.ModelChoiceField(
        label="Quartier", queryset=Organisation.objects.none(), to_field_name="slug", required=False, empty_label="—"
    )
    organisation = forms.ModelChoiceField(
        label="Organisation",
        queryset=Organisation.objects.none(),
        to_field_name="slug",
        required=False,
        empty_label="—",
    )
    engagement = forms.TypedChoiceField(label="Engagement", coerce=int, required=False, empty_value=None)
    au = forms.DateField(
        label="État au",
        widget=DateInput(),
        help_text="L'état des actions ce jour-là, reconstruit depuis le journal.",
        error_messages={"required": "Indiquez la date de l'état.", "invalid": "Date invalide."},
    )
    depuis = forms.DateField(
        label="Évolutions depuis le",
        widget=DateInput(),
        help_text="Par défaut, la date du dernier comité de pilotage.",
        error_messages={"required": "Indiquez le début des évolutions.", "invalid": "Date invalide."},
    )

    def __init__(self, protocole, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quartier"].queryset = protocole.quartiers.order_by("ordre", "nom")
        self.fields["organisation"].queryset = organisations_du_protocole(protocole).order_by("nom")
        self.fields["engagement"].choices = [("", "—")] + [
            (e.numero, f"N°{e.numero} — {e.titre}") for e in protocole.engagements.order_by("numero")
        ]

    def clean(self):
        donnees = super().clean()
        sorte = donnees.get("perimetre")
        if sorte in A_CHOISIR and not donnees.get(sorte):
            self.add_error(sorte, A_CHOISIR[sorte])
        au, depuis = donnees.get("au"), donnees.get("depuis")
        if au and au > timezone.localdate():
            self.add_error("au", "La date « état au » ne peut pas être dans le futur.")
        if au and depuis and depuis > au:
            self.add_error("depuis", "La date « évolutions depuis » doit précéder la date « état au ».")
        return donnees

    def parametres(self):
        """Les paramètres du téléchargement (perimetre, valeur, au, depuis)."""
        donnees = self.cleaned_data
        sorte = donnees["perimetre"]
        valeur = {"quartier": lambda o: o.slug, "organisation": lambda o: o.slug, "engagement": str}
        parametres = {"perimetre": sorte, "au": donnees["au"].isoformat(), "depuis": donnees["depuis"].isoformat()}
        if sorte in valeur:
            parametres["valeur"] = valeur[sorte](donnees[sorte])
        return parametres
