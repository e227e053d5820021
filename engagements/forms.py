"""Formulaires du suivi. Les règles métier vivent dans les modèles ; les formulaires les expliquent en français."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from engagements.acces import obligations_ouvertes
from engagements.models import Action, Obligation, Statut, ValeurVerdict
from engagements.models.actions import STATUTS_A_COMMENTER
from protocole.formulaires import Accessible
from protocole.models import Quartier
from signataires.models import Habilitation, Organisation, Utilisateur


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateEffetMixin(Accessible, forms.Form):
    date_effet = forms.DateField(
        label="Date d'effet",
        widget=DateInput(),
        help_text="Le jour où le changement a eu lieu (aujourd'hui ou avant).",
        error_messages={"required": "Indiquez la date à laquelle le changement a pris effet."},
    )
    commentaire = forms.CharField(
        label="Commentaire",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Obligatoire quand l'action devient bloquée ou abandonnée.",
    )

    def clean_date_effet(self):
        date = self.cleaned_data["date_effet"]
        if date > timezone.localdate():
            raise ValidationError("La date d'effet ne peut pas être dans le futur.")
        return date


class MiseAJourForm(DateEffetMixin):
    """Le formulaire de la page d'une action : statut, avancement, commentaire, date d'effet."""

    statut = forms.ChoiceField(label="Statut", choices=Statut.choices)
    avancement = forms.IntegerField(
        label="Avancement (%)",
        min_value=0,
        max_value=100,
        help_text="De 0 à 100 ; une action réalisée est à 100 %.",
        error_messages={
            "min_value": "L'avancement va de 0 à 100 %%.",
            "max_value": "L'avancement va de 0 à 100 %%.",
            "invalid": "L'avancement est un nombre entier de 0 à 100.",
        },
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    field_order = ["statut", "avancement", "commentaire", "date_effet"]

    def __init__(self, *args, action, **kwargs):
        self.action = action
        kwargs.setdefault(
            "initial",
            {
                "statut": action.statut,
                "avancement": action.avancement,
                "date_effet": timezone.localdate(),
                "version": action.version,
            },
        )
        super().__init__(*args, **kwargs)

    def clean(self):
        donnees = super().clean()
        statut, avancement = donnees.get("statut"), donnees.get("avancement")
        if statut == Statut.REALISE and avancement is not None and avancement != 100:
            self.add_error("avancement", "Une action réalisée est avancée à 100 %.")
        if (
            statut in STATUTS_A_COMMENTER
            and statut != self.action.statut
            and not (donnees.get("commentaire") or "").strip()
        ):
            self.add_error(
                "commentaire", f"Un commentaire est obligatoire quand l'action devient « {Statut(statut).label} »."
            )
        date = donnees.get("date_effet")
        if date and date < self.action.date_creation:
            self.add_error(
                "date_effet",
                f"La date d'effet ne peut pas précéder la création de l'action ({self.action.date_creation:%d/%m/%Y}).",
            )
        return donnees

    def changements(self):
        return {"statut": self.cleaned_data["statut"], "avancement": self.cleaned_data["avancement"]}


class ActionForm(DateEffetMixin, forms.ModelForm):
    """Création et modification d'une action. Les champs suivis passent par le journal, à la date d'effet."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Action
        fields = [
            "titre",
            "description",
            "obligation",
            "pilote",
            "partenaires",
            "referent",
            "tout_le_territoire",
            "quartiers",
            "date_debut",
            "echeance",
            "budget",
            "statut",
            "avancement",
        ]
        widgets = {
            "date_debut": DateInput(),
            "echeance": DateInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
            "partenaires": forms.SelectMultiple(attrs={"size": 6}),
            "quartiers": forms.CheckboxSelectMultiple,
        }

    field_order = [*Meta.fields, "commentaire", "date_effet"]

    def __init__(self, *args, habilitation, **kwargs):
        self.habilitation = habilitation
        super().__init__(*args, **kwargs)
        protocole = habilitation.protocole
        obligations = obligations_ouvertes(habilitation)
        if self.instance.pk:
            # L'obligation actuelle reste proposée, même hors des parties de l'organisation.
            obligations = obligations | Obligation.objects.filter(pk=self.instance.obligation_id)
        obligations = obligations.distinct().select_related("bloc__engagement", "bloc__partie")
        self.fields["obligation"].queryset = obligations.order_by("bloc__engagement__numero", "bloc__ordre", "rang")
        self.fields["obligation"].label_from_instance = lambda o: f"{o.reference} — {o.texte[:90]}"
        if habilitation.coordonne:
            organisations = Organisation.objects.all()
        else:
            organisations = Organisation.objects.filter(pk=habilitation.organisation_id)
            self.fields["pilote"].initial = habilitation.organisation_id
        self.fields["pilote"].queryset = organisations
        self.fields["partenaires"].queryset = Organisation.objects.all()
        referents = Utilisateur.objects.filter(habilitations__protocole=protocole).exclude(
            habilitations__role=Habilitation.Role.LECTEUR
        )
        self.fields["referent"].queryset = referents.order_by("last_name", "first_name")
        self.fields["quartiers"].queryset = Quartier.objects.filter(protocole=protocole)
        self.fields["avancement"].help_text = "De 0 à 100 ; une action réalisée est à 100 %."
        self.fields["avancement"].error_messages.update(
            min_value="L'avancement va de 0 à 100 %%.", max_value="L'avancement va de 0 à 100 %%."
        )
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        self.fields["date_effet"].initial = timezone.localdate()

    def clean(self):
        donnees = super().clean()
        debut, echeance = donnees.get("date_debut"), donnees.get("echeance")
        if debut and echeance and echeance < debut:
            self.add_error("echeance", "L'échéance ne peut pas précéder le début.")
        if donnees.get("statut") == Statut.REALISE and donnees.get("avancement") not in (None, 100):
            self.add_error("avancement", "Une action réalisée est avancée à 100 %.")
        statut = donnees.get("statut")
        if (
            statut in STATUTS_A_COMMENTER
            and statut != self.instance.statut
            and not (donnees.get("commentaire") or "").strip()
        ):
            self.add_error(
                "commentaire", f"Un commentaire est obligatoire quand l'action devient « {Statut(statut).label} »."
            )
        if donnees.get("tout_le_territoire") and donnees.get("quartiers"):
            donnees["quartiers"] = Quartier.objects.none()
        if not donnees.get("tout_le_territoire") and not donnees.get("quartiers"):
            self.add_error("quartiers", "Choisissez au moins un quartier, ou « tout le territoire ».")
        return donnees

    def _post_clean(self):
        # Les champs suivis ne s'écrivent que par le journal (Action.creer / enregistrer) : pas de validation de
        # l'instance ici, le modèle revalide à l'enregistrement.
        pass

    def champs_libres(self):
        d = self.cleaned_data
        return {n: d[n] for n in ("titre", "description", "date_debut", "budget")}

    def champs_suivis(self):
        d = self.cleaned_data
        return {
            "statut": d["statut"],
            "avancement": d["avancement"],
            "echeance": d["echeance"],
            "pilote": d["pilote"],
            "referent": d["referent"],
            "obligation": d["obligation"],
        }


class VerdictForm(DateEffetMixin):
    valeur = forms.ChoiceField(label="Verdict", choices=ValeurVerdict.choices)

    field_order = ["valeur", "commentaire", "date_effet"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commentaire"].label = "Motif"
        self.fields["commentaire"].required = True
        self.fields["commentaire"].help_text = "Pourquoi ce verdict : il sera lu en comité de pilotage."
        self.fields["commentaire"].error_messages["required"] = "Le motif du verdict est obligatoire."
        self.fields["date_effet"].initial = timezone.localdate()


class ArchivageForm(DateEffetMixin):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commentaire"].required = True
        self.fields["commentaire"].label = "Motif de l'archivage"
        self.fields["commentaire"].error_messages["required"] = "Dites pourquoi l'action est archivée."
        self.fields["commentaire"].help_text = ""
        self.fields["date_effet"].initial = timezone.localdate()
