"""Choisir un rapport sur la page /rapports/. Les dates et le périmètre se lisent et se vérifient par le lecteur
commun des tableaux de bord et des téléchargements (`engagements.periode`) : mêmes règles, mêmes messages. Les
listes du formulaire ne servent qu'à choisir ; ce qui est choisi est relu par `lire_perimetre`."""

from django import forms
from django.core.exceptions import ValidationError

from engagements.acces import organisations_du_protocole
from engagements.periode import PERIMETRES, PerimetreInconnu, PeriodeForm, lire_perimetre, parametres_rapport

# Le paramètre du téléchargement qui demande la note seule.
SANS_ANNEXE = "annexe=non"
CHAMP_DE = {"quartier": "quartier", "organisation": "organisation", "engagement": "engagement"}


class RapportForm(PeriodeForm):
    """Le choix d'un rapport sur la page /rapports/ ; valide, il devient les paramètres d'un téléchargement."""

    perimetre = forms.CharField(label="Périmètre", initial="protocole", widget=forms.RadioSelect(choices=PERIMETRES))
    quartier = forms.CharField(label="Quartier", required=False, widget=forms.Select)
    organisation = forms.CharField(label="Organisation", required=False, widget=forms.Select)
    engagement = forms.CharField(label="Engagement", required=False, widget=forms.Select)
    sans_annexe = forms.BooleanField(
        label="La note seule : la couverture et la note au comité, sans l'annexe",
        required=False,
    )

    field_order = ["perimetre", "quartier", "organisation", "engagement", "au", "depuis", "sans_annexe"]

    def __init__(self, protocole, *args, **kwargs):
        super().__init__(protocole, *args, **kwargs)
        vide = [("", "—")]
        self.fields["quartier"].widget.choices = vide + [
            (q.slug, q.nom) for q in protocole.quartiers.order_by("ordre", "nom")
        ]
        self.fields["organisation"].widget.choices = vide + [
            (o.slug, o.nom) for o in organisations_du_protocole(protocole).order_by("nom")
        ]
        self.fields["engagement"].widget.choices = vide + [
            (str(e.numero), f"N°{e.numero} — {e.titre}") for e in protocole.engagements.order_by("numero")
        ]

    def clean(self):
        donnees = super().clean()
        sorte = donnees.get("perimetre")
        champ = CHAMP_DE.get(sorte, "perimetre")
        try:
            self.perimetre_lu = lire_perimetre(
                self.protocole, sorte, donnees.get(champ) if champ != "perimetre" else None
            )
        except (ValidationError, PerimetreInconnu) as erreur:
            self.add_error(champ, erreur.messages if isinstance(erreur, ValidationError) else str(erreur))
        return donnees

    def parametres(self):
        """Les paramètres du téléchargement (perimetre, valeur, au, depuis), écrits comme ceux des tableaux de bord."""
        parametres = parametres_rapport(self.perimetre_lu, self.periode())
        return f"{parametres}&{SANS_ANNEXE}" if self.cleaned_data.get("sans_annexe") else parametres
