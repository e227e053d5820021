"""Les filtres de la liste des actions : chaque choix proposé est limité au protocole courant."""

import datetime

import django_filters
from django import forms
from django.db.models import Q

from engagements.acces import organisations_du_protocole
from engagements.forms import DateInput
from engagements.models import Action, Engagement, Statut, ValeurVerdict
from engagements.models.recherche import correspond
from engagements.models.regles import aujourd_hui, debut_du_jour
from engagements.tableaux import en_retard, pilotee_ou_accompagnee, sans_nouvelles
from protocole.formulaires import Accessible
from protocole.models import Quartier
from protocole.selecteur import GENRES, SUFFIXE, Selecteur
from signataires.models import Partie, Utilisateur


class FormulaireFiltres(Accessible, forms.Form):
    """Le formulaire que django-filter construit : étiquettes en français, rendu accessible. `protocole` est posé par
    `FiltreActions.form`."""

    protocole = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partie"].label_from_instance = lambda partie: partie.nom
        self.fields["quartier"].label_from_instance = lambda q: f"{q.nom} ({q.get_nature_display()})"
        # L'organisation et le référent·e se choisissent dans le sélecteur cherchable (plus de 20 choix) ; son bouton
        # « Chercher » renvoie le formulaire de filtres, qui revient avec la liste des choix filtrée.
        for nom in ("organisation", "referent"):
            widget = self.fields[nom].widget
            self.fields[nom].label_from_instance = GENRES[widget.genre].libelle
            if self.is_bound:
                widget.requete = str(self.data.get(f"{nom}{SUFFIXE}", ""))[:200]

    def clean_sans_maj_depuis(self):
        """Une date de fait : ni dans le futur ni avant le début du contrat (`Protocole.plage_des_faits`)."""
        date = self.cleaned_data.get("sans_maj_depuis")
        if date is not None:
            self.protocole.plage_des_faits(aujourd_hui()).verifier(date, "« Sans mise à jour depuis le »")
        return date


class CaseACocher(django_filters.BooleanFilter):
    """Une case : cochée, le filtre s'applique ; décochée, il ne restreint rien."""

    field_class = forms.BooleanField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.CheckboxInput)
        super().__init__(*args, **kwargs)


def _protocole(request):
    return request.protocole


def engagements(request):
    return Engagement.objects.filter(protocole=_protocole(request)).order_by("numero")


def parties(request):
    return Partie.objects.filter(protocole=_protocole(request)).order_by("ordre")


def quartiers(request):
    return Quartier.objects.filter(protocole=_protocole(request))


def referents(request):
    """Les personnes qui tiennent un rôle dans ce protocole (une habilitation au plus par protocole)."""
    return Utilisateur.objects.filter(habilitations__protocole=_protocole(request))


def organisations(request):
    """Les organisations qui ont affaire au protocole (la même définition que la vue partenaire et les rapports)."""
    return organisations_du_protocole(_protocole(request))


class FiltreActions(django_filters.FilterSet):
    """Les filtres de /actions/. Les actions archivées sont écartées tant que « inclure les archivées » n'est pas
    cochée ; la recherche libre demande que chaque mot figure dans le texte cherchable de l'action (titre,
    description, obligation, quartiers, commentaires du journal), accents et majuscules ignorés."""

    q = django_filters.CharFilter(
        label="Rechercher",
        method="chercher",
        help_text="Dans le titre, la description, l'obligation (référence et texte), les quartiers et les "
        "commentaires du journal ; sans tenir compte des accents ni des majuscules.",
    )
    engagement = django_filters.ModelChoiceFilter(
        label="Engagement",
        field_name="obligation__bloc__engagement",
        queryset=engagements,
        empty_label="Tous les engagements",
    )
    partie = django_filters.ModelChoiceFilter(
        label="Partie", field_name="obligation__bloc__partie", queryset=parties, empty_label="Toutes les parties"
    )
    organisation = django_filters.ModelChoiceFilter(
        label="Organisation (pilote ou partenaire)",
        method="filtrer_organisation",
        queryset=organisations,
        empty_label="Toutes les organisations",
        widget=Selecteur("organisations-du-protocole"),
    )
    referent = django_filters.ModelChoiceFilter(
        label="Référent·e", queryset=referents, empty_label="Toutes les personnes", widget=Selecteur("personnes")
    )
    quartier = django_filters.ModelChoiceFilter(
        label="Quartier",
        method="filtrer_quartier",
        queryset=quartiers,
        empty_label="Tous les quartiers",
        help_text="Les actions « tout le territoire » sont comprises.",
    )
    statut = django_filters.ChoiceFilter(label="Statut", choices=Statut.choices, empty_label="Tous les statuts")
    verdict = django_filters.ChoiceFilter(
        label="Verdict de l'obligation",
        choices=ValeurVerdict.choices,
        method="filtrer_verdict",
        empty_label="Tous les verdicts",
    )
    sans_maj_depuis = django_filters.DateFilter(
        label="Sans mise à jour depuis le",
        method="filtrer_sans_maj",
        widget=DateInput(),
        help_text="Aucun changement enregistré depuis cette date.",
    )
    en_retard = CaseACocher(label="En retard seulement", method="filtrer_en_retard")
    # Le lien « toutes les actions sans nouvelles » des tableaux de bord, qui n'en montrent que les premières.
    sans_nouvelles = CaseACocher(label="Sans nouvelles depuis 90 jours seulement", method="filtrer_sans_nouvelles")
    archivees = CaseACocher(label="Inclure les archivées", method="inclure_archivees")

    class Meta:
        model = Action
        fields = []
        form = FormulaireFiltres

    @property
    def form(self):
        form = super().form
        form.protocole = _protocole(self.request)
        return form

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("archivees"):
            queryset = queryset.filter(archivee_au=False)
        return queryset

    def chercher(self, queryset, name, value):
        return queryset.filter(correspond(value))

    def filtrer_organisation(self, queryset, name, organisation):
        return queryset.filter(pilotee_ou_accompagnee(organisation))

    def filtrer_quartier(self, queryset, name, quartier):
        return queryset.dans_quartier_au(quartier, aujourd_hui())

    def filtrer_verdict(self, queryset, name, valeur):
        if valeur == ValeurVerdict.NON_EVALUE:
            return queryset.filter(
                Q(obligation__verdict__isnull=True) | Q(obligation__verdict__valeur=ValeurVerdict.NON_EVALUE)
            )
        return queryset.filter(obligation__verdict__valeur=valeur)

    def filtrer_sans_maj(self, queryset, name, date):
        """Rien d'enregistré à leur sujet ce jour-là ni après (jours comptés à Paris, comme « sans nouvelles »)."""
        return queryset.filter(nouvelles_au__lt=debut_du_jour(date).astimezone(datetime.UTC))

    def filtrer_en_retard(self, queryset, name, coche):
        return queryset.filter(en_retard(aujourd_hui())) if coche else queryset

    def filtrer_sans_nouvelles(self, queryset, name, coche):
        return queryset.filter(sans_nouvelles(aujourd_hui())) if coche else queryset

    def inclure_archivees(self, queryset, name, coche):
        return queryset  # appliqué dans filter_queryset : il faut agir aussi quand la case est décochée
