"""Formulaires du suivi. Les règles métier vivent dans les modèles (engagements/models/actions.py) ; les formulaires
les appellent dans `clean()` pour expliquer un refus en français avant d'écrire, sans en garder de copie."""

import re
from functools import partial

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from engagements.acces import REFUS_PILOTE, obligations_ouvertes, pilote_par_defaut, pilotes_possibles
from engagements.models import Action, Obligation, Statut, ValeurVerdict
from engagements.models.regles import (
    MESSAGE_REFERENT,
    MOTIF_ARCHIVAGE,
    MOTIF_DESARCHIVAGE,
    MOTIF_VERDICT,
    referents_possibles,
    verifier_calendrier,
    verifier_coherence,
    verifier_commentaire,
    verifier_date_effet,
    verifier_report,
)
from protocole.formulaires import Accessible, ChoixMultiples
from protocole.models import Quartier
from protocole.selecteur import Cherchable, ChoixCherchable, ChoixCherchables
from signataires.models import Organisation, Utilisateur


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class MontantField(forms.DecimalField):
    """Un montant saisi à la française (« 1 234,50 ») comme à l'anglaise (« 1234.50 ») ; affiché à la française."""

    widget = forms.TextInput(attrs={"inputmode": "decimal"})
    ESPACES = re.compile(r"[\s\u00a0\u202f]")  # espaces, insécables et fines insécables : séparateurs de milliers

    def __init__(self, **kwargs):
        kwargs.setdefault("localize", True)
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = self.ESPACES.sub("", value).replace(",", ".")
        return super().to_python(value)


def champ_avancement():
    """L'avancement saisi ; ses bornes sont une règle du modèle (`verifier_coherence`), vérifiée par `clean()`."""
    return forms.IntegerField(
        label="Avancement (%)",
        help_text="De 0 à 100 ; une action réalisée est à 100 %.",
        error_messages={"invalid": "L'avancement est un nombre entier de 0 à 100."},
    )


class DateEffetMixin(Accessible, forms.Form):
    """La date d'effet et le commentaire d'un changement. `creation` : la date de création de l'action changée (None
    pour une action à créer ou un verdict), avant laquelle aucun changement ne prend effet."""

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
    creation = None
    protocole = None  # celui de l'action ou de l'obligation : la date d'effet reste dans sa plage des faits

    def appliquer(self, regle, **valeurs):
        """Appelle une règle du modèle ; ses erreurs s'attachent aux champs qu'elle nomme."""
        try:
            regle(**valeurs)
        except ValidationError as erreur:
            self.add_error(None, erreur)

    def clean(self):
        donnees = super().clean()
        if donnees.get("date_effet"):
            self.appliquer(
                verifier_date_effet, date_effet=donnees["date_effet"], protocole=self.protocole, creation=self.creation
            )
        return donnees


VERSION_MANQUANTE = (
    "Le formulaire est arrivé sans la version de l'action qu'il modifie : relisez la fiche et son journal, puis "
    "enregistrez de nouveau."
)


def champ_version():
    """La version de l'action lue quand la page a été ouverte : le contrôle des modifications concurrentes
    (`Action.enregistrer` refuse une version dépassée). Obligatoire sur tout formulaire qui modifie une action."""
    return forms.IntegerField(
        widget=forms.HiddenInput,
        error_messages={"required": VERSION_MANQUANTE, "invalid": VERSION_MANQUANTE},
    )


class VersionMixin:
    """Sans version (ou avec une version illisible), le formulaire est refusé et revient avec la version courante :
    la saisie est gardée, l'utilisateur relit puis confirme."""

    action_modifiee = None

    def full_clean(self):
        super().full_clean()
        if self.is_bound and self.action_modifiee is not None and "version" in self.errors:
            # Le champ est caché : son erreur est dite pour tout le formulaire.
            self.add_error(None, self.errors.pop("version"))
            self.data = self.data.copy()
            self.data["version"] = self.action_modifiee.version


class MiseAJourForm(VersionMixin, DateEffetMixin):
    """Le formulaire de la page d'une action : statut, avancement, échéance (un report se dit en commentaire),
    commentaire, date d'effet. Un envoi sans le champ `echeance` (une page ouverte avant qu'il existe) ne la change
    pas ; un champ vidé la retire."""

    statut = forms.ChoiceField(label="Statut", choices=Statut.choices)
    avancement = champ_avancement()
    echeance = forms.DateField(
        label="Échéance",
        required=False,
        widget=DateInput(),
        help_text="La changer (reporter l'action) demande un commentaire qui dit pourquoi.",
    )
    version = champ_version()

    field_order = ["statut", "avancement", "echeance", "commentaire", "date_effet"]

    def __init__(self, *args, action, **kwargs):
        self.action = self.action_modifiee = action
        self.creation = action.date_creation
        kwargs.setdefault(
            "initial",
            {
                "statut": action.statut,
                "avancement": action.avancement,
                "echeance": action.echeance,
                "date_effet": timezone.localdate(),
                "version": action.version,
            },
        )
        super().__init__(*args, **kwargs)

    @property
    def protocole(self):
        return self.action.protocole  # lu seulement à la validation : la page ne paie pas de requête pour lui

    def clean(self):
        donnees = super().clean()
        statut = donnees.get("statut")
        self.appliquer(
            verifier_commentaire, avant=self.action.statut, apres=statut, commentaire=donnees.get("commentaire")
        )
        self.appliquer(verifier_coherence, statut=statut, avancement=donnees.get("avancement"))
        if self.reporte and "echeance" in donnees:
            echeance = donnees["echeance"]
            self.appliquer(
                verifier_report, avant=self.action.echeance, apres=echeance, commentaire=donnees.get("commentaire")
            )
            self.appliquer(verifier_calendrier, protocole=self.protocole, echeance=echeance)
            self.appliquer(verifier_coherence, statut=statut, date_debut=self.action.date_debut, echeance=echeance)
        return donnees

    @property
    def reporte(self):
        """Le formulaire envoyé porte-t-il l'échéance ?"""
        return self.is_bound and "echeance" in self.data

    def changements(self):
        changements = {"statut": self.cleaned_data["statut"], "avancement": self.cleaned_data["avancement"]}
        if self.reporte:
            changements["echeance"] = self.cleaned_data["echeance"]
        return changements


class ActionForm(Cherchable, VersionMixin, DateEffetMixin, forms.ModelForm):
    """Création et modification d'une action. Les champs suivis passent par le journal, à la date d'effet.
    L'obligation, les partenaires et le référent se choisissent par le sélecteur cherchable (protocole/selecteur.py) :
    « Chercher » réaffiche le formulaire filtré sans rien enregistrer."""

    avancement = champ_avancement()
    version = champ_version()

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
        field_classes = {
            "budget": MontantField,
            "quartiers": ChoixMultiples,
            "obligation": partial(ChoixCherchable, genre="obligations"),
            "pilote": partial(ChoixCherchable, genre="organisations"),
            "partenaires": partial(ChoixCherchables, genre="organisations"),
            "referent": partial(ChoixCherchable, genre="referents"),
        }
        help_texts = {"budget": "En euros, par exemple 1 234,50."}
        widgets = {
            "date_debut": DateInput(),
            "echeance": DateInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
            "quartiers": forms.CheckboxSelectMultiple,
        }

    field_order = [*Meta.fields, "commentaire", "date_effet"]

    def __init__(self, *args, habilitation, **kwargs):
        self.habilitation = habilitation
        super().__init__(*args, **kwargs)
        protocole = self.protocole = habilitation.protocole
        self.creation = self.instance.date_creation if self.instance.pk else None
        obligations = obligations_ouvertes(habilitation)
        if self.instance.pk:
            # L'obligation actuelle reste proposée, même hors des parties de l'organisation.
            obligations = obligations | Obligation.objects.filter(pk=self.instance.obligation_id)
        obligations = obligations.distinct().select_related("bloc__engagement", "bloc__partie")
        self.fields["obligation"].queryset = obligations.order_by("bloc__engagement__numero", "bloc__ordre", "rang")
        self.fields["pilote"].queryset = pilotes_possibles(habilitation)
        self.fields["pilote"].error_messages["invalid_choice"] = REFUS_PILOTE
        self.fields["pilote"].initial = pilote_par_defaut(habilitation)
        self.fields["partenaires"].queryset = Organisation.objects.all()
        referents = referents_possibles(protocole)
        if self.instance.referent_id:
            # Le référent actuel reste proposé même s'il n'en remplit plus les conditions : on ne le change pas sans
            # le vouloir. Un nouveau référent, lui, doit les remplir (le modèle le vérifie aussi).
            referents = referents | Utilisateur.objects.filter(pk=self.instance.referent_id)
        self.fields["referent"].queryset = referents.order_by("last_name", "first_name")
        self.fields["referent"].error_messages["invalid_choice"] = MESSAGE_REFERENT
        self.fields["quartiers"].queryset = Quartier.objects.filter(protocole=protocole)
        if self.instance.pk:
            self.action_modifiee = self.instance
            self.fields["version"].initial = self.instance.version
        else:
            self.fields["version"].required = False
        self.fields["date_effet"].initial = timezone.localdate()

    def clean(self):
        donnees = super().clean()
        statut = donnees.get("statut")
        avant = self.instance.statut if self.instance.pk else None
        self.appliquer(verifier_commentaire, avant=avant, apres=statut, commentaire=donnees.get("commentaire"))
        self.appliquer(
            verifier_coherence,
            statut=statut,
            avancement=donnees.get("avancement"),
            date_debut=donnees.get("date_debut"),
            echeance=donnees.get("echeance"),
        )
        self.appliquer(
            verifier_calendrier,
            protocole=self.protocole,
            date_debut=donnees.get("date_debut"),
            echeance=donnees.get("echeance"),
        )
        if donnees.get("tout_le_territoire") and donnees.get("quartiers"):
            donnees["quartiers"] = Quartier.objects.none()
        if not donnees.get("tout_le_territoire") and not donnees.get("quartiers"):
            self.add_error("quartiers", "Choisissez au moins un quartier, ou « tout le territoire ».")
        return donnees

    def _post_clean(self):
        # Pas de construct_instance : l'action ne change que par Action.creer / enregistrer, qui écrivent le journal
        # et appliquent les règles du modèle ; clean() les a déjà appelées pour expliquer un refus.
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

    def __init__(self, *args, protocole, **kwargs):
        self.protocole = protocole
        super().__init__(*args, **kwargs)
        self.fields["commentaire"].label = "Motif"
        self.fields["commentaire"].required = True
        self.fields["commentaire"].help_text = "Pourquoi ce verdict : il sera lu en comité de pilotage."
        self.fields["commentaire"].error_messages["required"] = MOTIF_VERDICT
        self.fields["date_effet"].initial = timezone.localdate()


class ArchivageForm(VersionMixin, DateEffetMixin):
    """L'archivage d'une action, ou son désarchivage (`desarchiver=True`) : un motif, une date d'effet."""

    version = champ_version()

    def __init__(self, *args, action, desarchiver=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.creation = action.date_creation
        self.action_modifiee = action
        self.protocole = action.protocole
        self.fields["commentaire"].required = True
        motif = MOTIF_DESARCHIVAGE if desarchiver else MOTIF_ARCHIVAGE
        self.fields["commentaire"].label = "Motif du désarchivage" if desarchiver else "Motif de l'archivage"
        self.fields["commentaire"].error_messages["required"] = motif
        self.fields["commentaire"].help_text = ""
        self.fields["date_effet"].initial = timezone.localdate()
