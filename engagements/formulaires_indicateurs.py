"""Les formulaires des indicateurs : définir un indicateur (la coordination), poser une valeur de départ et une cible
(la coordination), saisir une valeur (l'organisation qui le fournit et la coordination). Les règles vivent dans le
modèle (`engagements/models/indicateurs.py`) ; les formulaires les appellent pour dire un refus en français."""

from django import forms
from django.core.exceptions import ValidationError

from engagements.forms import DateInput, MontantField
from engagements.models import Action, Indicateur, Obligation, Repere, Valeur
from engagements.models.indicateurs import TOUT_LE_TERRITOIRE
from engagements.models.periodes import FORME
from protocole.formulaires import Accessible, ChoixMultiples
from protocole.models import Quartier
from signataires.models import Organisation

TERRITOIRE = "territoire"


class IndicateurForm(Accessible, forms.ModelForm):
    class Meta:
        model = Indicateur
        fields = [
            "reference",
            "nom",
            "definition",
            "obligation",
            "actions",
            "unite",
            "sens",
            "source",
            "fournisseur",
            "frequence",
        ]
        widgets = {"definition": forms.Textarea(attrs={"rows": 3})}
        field_classes = {"actions": ChoixMultiples}

    def __init__(self, *args, protocole, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.protocole = protocole
        self.protocole = protocole
        self.fields["obligation"].queryset = Obligation.objects.filter(protocole=protocole).select_related(
            "bloc__engagement"
        )
        self.fields["obligation"].label_from_instance = lambda o: f"{o.reference} — {o.texte[:90]}"
        self.fields["actions"].queryset = Action.objects.filter(protocole=protocole, archivee=False).order_by("titre")
        self.fields["actions"].label_from_instance = lambda a: a.titre
        self.fields["actions"].required = False
        self.fields["actions"].help_text = "Facultatif : les actions dont cet indicateur mesure l'effet."
        self.fields["fournisseur"].queryset = Organisation.objects.order_by("nom")

    def clean_reference(self):
        reference = self.cleaned_data["reference"].strip()
        autres = Indicateur.objects.filter(protocole=self.protocole, reference__iexact=reference)
        if autres.exclude(pk=self.instance.pk).exists():
            raise ValidationError(f"La référence « {reference} » est déjà celle d'un autre indicateur du protocole.")
        return reference


def choix_des_lieux(protocole):
    """« Tout le territoire » puis les quartiers du protocole."""
    quartiers = Quartier.objects.filter(protocole=protocole).order_by("nom")
    return [(TERRITOIRE, TOUT_LE_TERRITOIRE)] + [(str(q.pk), q.nom) for q in quartiers]


def lire_lieu(protocole, valeur):
    """Le quartier choisi (None : tout le territoire)."""
    if valeur == TERRITOIRE:
        return None
    return Quartier.objects.get(protocole=protocole, pk=int(valeur))


class LieuForm(Accessible, forms.Form):
    lieu = forms.ChoiceField(label="Quartier")

    def __init__(self, *args, indicateur, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicateur = indicateur
        self.fields["lieu"].choices = choix_des_lieux(indicateur.protocole_id)

    def quartier(self):
        return lire_lieu(self.indicateur.protocole_id, self.cleaned_data["lieu"])


class ValeurForm(LieuForm):
    periode = forms.CharField(label="Période", max_length=20)
    valeur = forms.CharField(label="Valeur", max_length=40, widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    source = forms.CharField(label="Source", max_length=200, required=False)
    commentaire = forms.CharField(label="Commentaire", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["periode"].help_text = f"Écrivez {FORME[self.indicateur.frequence]}."
        self.fields["valeur"].help_text = f"En {self.indicateur.get_unite_display()} ; virgule décimale acceptée."
        self.fields["source"].initial = self.indicateur.source

    def clean(self):
        donnees = super().clean()
        if self.errors:
            return donnees
        try:
            Valeur.verifier(
                self.indicateur, quartier=self.quartier(), periode=donnees["periode"], valeur=donnees["valeur"]
            )
        except ValidationError as erreur:
            self.add_error(None, erreur)
        return donnees


class RepereForm(LieuForm):
    base_valeur = MontantField(label="Valeur de départ", required=False, max_digits=14, decimal_places=2)
    base_date = forms.DateField(label="Date de la valeur de départ", required=False, widget=DateInput())
    cible_valeur = MontantField(label="Cible", required=False, max_digits=14, decimal_places=2)
    cible_date = forms.DateField(label="Date de la cible", required=False, widget=DateInput())

    def clean(self):
        donnees = super().clean()
        if self.errors:
            return donnees
        repere = self.repere()
        try:
            repere.clean()
        except ValidationError as erreur:
            self.add_error(None, erreur)
        return donnees

    def repere(self):
        """Le repère du quartier choisi, existant ou nouveau, avec les valeurs du formulaire (non enregistré)."""
        quartier = self.quartier()
        repere = Repere.objects.filter(indicateur=self.indicateur, quartier=quartier).first() or Repere(
            indicateur=self.indicateur, quartier=quartier
        )
        for champ in ("base_valeur", "base_date", "cible_valeur", "cible_date"):
            setattr(repere, champ, self.cleaned_data.get(champ))
        return repere
