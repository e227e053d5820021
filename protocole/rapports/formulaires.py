"""Choisir un rapport sur la page /rapports/. Les dates et le périmètre se lisent et se vérifient par le lecteur
commun des tableaux de bord et des téléchargements (`engagements.periode`) : mêmes règles, mêmes messages."""

from django import forms

from engagements.acces import organisations_du_protocole
from engagements.periode import A_CHOISIR, PERIMETRES, PeriodeForm, lire_perimetre, parametres_rapport
from signataires.models import Organisation


class RapportForm(PeriodeForm):
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

    field_order = ["perimetre", "quartier", "organisation", "engagement", "au", "depuis"]

    def __init__(self, protocole, *args, **kwargs):
        super().__init__(protocole, *args, **kwargs)
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
        return donnees

    def parametres(self):
        """Les paramètres du téléchargement (perimetre, valeur, au, depuis), écrits comme ceux des tableaux de bord."""
        donnees = self.cleaned_data
        sorte = donnees["perimetre"]
        choix = donnees.get(sorte)
        valeur = {"quartier": lambda o: o.slug, "organisation": lambda o: o.slug, "engagement": str}
        perimetre = lire_perimetre(self.protocole, sorte, valeur[sorte](choix) if sorte in valeur else None)
        return parametres_rapport(perimetre, self.periode())
