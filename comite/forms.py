"""Les formulaires du comité. Les choix (obligations, actions) sont limités au protocole courant."""

from django import forms

from comite.models import LONGUEUR_TEXTES, TEXTES_COORDINATION, Decision, Reunion
from engagements.forms import DateInput
from engagements.models import Action, Obligation
from engagements.models.regles import referents_possibles
from protocole.formulaires import Accessible, ChoixMultiples
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


class DecisionForm(Accessible, forms.ModelForm):
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
        field_classes = {"obligations": ChoixMultiples, "actions": ChoixMultiples}
        widgets = {
            "texte": forms.Textarea(attrs={"rows": 3}),
            "obligations": forms.SelectMultiple(attrs={"size": 8}),
            "actions": forms.SelectMultiple(attrs={"size": 8}),
            "echeance": DateInput(),
            "commentaire_suivi": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "obligations": "Maintenez Ctrl (ou Cmd) pour en choisir plusieurs.",
            "actions": "Maintenez Ctrl (ou Cmd) pour en choisir plusieurs. Les actions archivées sont exclues.",
        }
        error_messages = {
            "texte": {"required": "Écrivez la décision."},
            "obligations": {"invalid_choice": "« %(value)s » n'est pas une obligation de ce protocole."},
            "actions": {"invalid_choice": "« %(value)s » n'est pas une action de ce protocole."},
        }

    def __init__(self, *args, protocole, **kwargs):
        super().__init__(*args, **kwargs)
        obligations = Obligation.objects.filter(protocole=protocole).select_related("bloc__engagement", "bloc__partie")
        self.fields["obligations"].queryset = obligations.order_by("bloc__engagement__numero", "bloc__ordre", "rang")
        self.fields["obligations"].label_from_instance = lambda o: f"{o.reference} — {o.texte[:90]}"
        actions = Action.objects.filter(protocole=protocole, archivee=False)
        if self.instance.pk:
            # Une action archivée depuis reste liée à la décision qui la citait.
            actions = actions | Action.objects.filter(protocole=protocole, decisions=self.instance)
        actions = actions.distinct().select_related("obligation", "pilote")
        self.fields["actions"].queryset = actions.order_by("titre", "pk")
        # Des titres se répètent d'un quartier à l'autre : l'obligation et le pilote les distinguent.
        self.fields["actions"].label_from_instance = lambda a: f"{a.titre} ({a.obligation.reference}, {a.pilote})"
        self.fields["responsable"].queryset = Organisation.objects.order_by("nom")
        self.fields["responsable"].label_from_instance = lambda o: o.nom
        self.fields["responsable"].empty_label = "— aucune —"
        personnes = referents_possibles(protocole).order_by("last_name", "first_name")
        self.fields["responsable_personne"].queryset = personnes
        self.fields["responsable_personne"].label_from_instance = lambda u: u.get_full_name() or u.get_username()
        self.fields["responsable_personne"].empty_label = "— aucune —"


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
