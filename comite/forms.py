"""Les formulaires du comité. Les choix (obligations, actions) sont limités au protocole courant."""

from functools import partial

from django import forms

from comite.models import LONGUEUR_TEXTES, TEXTES_COORDINATION, Decision, Reunion
from engagements.forms import DateInput
from engagements.models import Action, Obligation
from engagements.models.regles import referents_possibles
from protocole.formulaires import Accessible
from protocole.selecteur import Cherchable, ChoixCherchable, ChoixCherchables
from signataires.models import Organisation


class ReunionForm(Accessible, forms.ModelForm):
    class Meta:
        model = Reunion
        fields = ["date", "titre", "participants"]
        widgets = {"date": DateInput(), "participants": forms.Textarea(attrs={"rows": 4})}
        error_messages = {
            "date": {"required": "Indiquez la date de la réunion.", "invalid": "Saisissez une date valide."},
            "titre": {"required": "Donnez un titre à la réunion."},
        }

    def __init__(self, *args, protocole, **kwargs):
        super().__init__(*args, **kwargs)
        # Posé avant la validation : la règle de date de la réunion (`Reunion.clean`) dépend de son protocole.
        self.instance.protocole = protocole


AIDE_TEXTES = (
    f"Texte brut, {LONGUEUR_TEXTES} caractères au plus : une ligne vide sépare deux paragraphes, une ligne qui "
    "commence par « - » est un élément de liste."
)


class TextesForm(Accessible, forms.ModelForm):
    """Les textes de la coordination pour la note du rapport : texte brut, 1 500 caractères chacun au plus."""

    class Meta:
        model = Reunion
        fields = list(TEXTES_COORDINATION)
        widgets = {
            nom: forms.Textarea(attrs={"rows": 5, "maxlength": LONGUEUR_TEXTES, "data-compteur": LONGUEUR_TEXTES})
            for nom in TEXTES_COORDINATION
        }
        help_texts = dict.fromkeys(TEXTES_COORDINATION, AIDE_TEXTES)
        error_messages = {
            nom: {"max_length": "%(limit_value)d caractères au plus (ce texte en compte %(show_value)d)."}
            for nom in TEXTES_COORDINATION
        }


class DecisionForm(Cherchable, Accessible, forms.ModelForm):
    """Une décision du comité. Les obligations et actions qu'elle concerne, l'organisation et la personne
    responsables se choisissent par le sélecteur cherchable (protocole/selecteur.py), chaque obligation avec sa
    référence et tout son texte : « Chercher » réaffiche le formulaire filtré sans rien enregistrer."""

    class Meta:
        model = Decision
        fields = [
            "texte",
            "obligations",
            "actions",
            "responsable",
            "responsable_personne",
            "echeance",
            "suivi",
            "commentaire_suivi",
        ]
        field_classes = {
            "obligations": partial(ChoixCherchables, genre="obligations"),
            "actions": partial(ChoixCherchables, genre="actions"),
            "responsable": partial(ChoixCherchable, genre="organisations"),
            "responsable_personne": partial(ChoixCherchable, genre="referents"),
        }
        widgets = {
            "texte": forms.Textarea(attrs={"rows": 3}),
            "echeance": DateInput(),
            "commentaire_suivi": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {"actions": "Les actions archivées sont exclues (celles déjà liées à la décision restent)."}
        error_messages = {
            "texte": {"required": "Écrivez la décision."},
            "obligations": {"invalid_choice": "« %(value)s » n'est pas une obligation de ce protocole."},
            "actions": {"invalid_choice": "« %(value)s » n'est pas une action de ce protocole."},
        }

    def __init__(self, *args, protocole, **kwargs):
        super().__init__(*args, **kwargs)
        obligations = Obligation.objects.filter(protocole=protocole).select_related("bloc__engagement", "bloc__partie")
        self.fields["obligations"].queryset = obligations.order_by("bloc__engagement__numero", "bloc__ordre", "rang")
        actions = Action.objects.filter(protocole=protocole, archivee=False)
        if self.instance.pk:
            # Une action archivée depuis reste liée à la décision qui la citait.
            actions = actions | Action.objects.filter(protocole=protocole, decisions=self.instance)
        self.fields["actions"].queryset = actions.distinct().order_by("titre", "pk")
        self.fields["responsable"].queryset = Organisation.objects.order_by("nom")
        personnes = referents_possibles(protocole).order_by("last_name", "first_name")
        self.fields["responsable_personne"].queryset = personnes


class GelForm(Accessible, forms.Form):
    # Posé par la page de confirmation : sans lui, le gel montre d'abord ce qui sera archivé.
    confirme = forms.BooleanField(required=False, widget=forms.HiddenInput)
    motif = forms.CharField(
        label="Ce que corrige cette nouvelle version",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Obligatoire dès qu'une version est déjà gelée : elle reste archivée à côté de la nouvelle.",
    )

    def __init__(self, *args, derniere_version=None, **kwargs):
        super().__init__(*args, **kwargs)
        if derniere_version:
            self.fields["motif"].required = True
            self.fields["motif"].error_messages["required"] = (
                f"La version {derniere_version} est déjà gelée : dites ce que corrige cette nouvelle version."
            )


class VisaForm(forms.Form):
    """La confirmation de lecture porte sur une version précise : si une autre a été gelée entre-temps, le visa
    est refusé plutôt que posé sur un texte que le lecteur n'a pas lu."""

    archive = forms.IntegerField(widget=forms.HiddenInput)
    lu = forms.BooleanField(
        error_messages={"required": "Cochez la case pour confirmer que vous avez lu cette version du rapport."}
    )
    reserves = forms.CharField(
        label="Réserves (facultatif : laissez vide pour un visa sans réserve)",
        required=False,
        max_length=LONGUEUR_TEXTES,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": LONGUEUR_TEXTES, "class": "form-control"}),
        error_messages={"max_length": "%(limit_value)d caractères au plus (ce texte en compte %(show_value)d)."},
    )
