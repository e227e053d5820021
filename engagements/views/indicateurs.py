"""Les indicateurs : leur liste filtrée et ses exports, la page d'un indicateur (valeurs, courbe, historique des
saisies), la saisie d'une valeur, les valeurs de départ et cibles, la définition d'un indicateur.

Tous les chiffres viennent de `engagements.tableaux.indicateurs` ; les courbes de `engagements.graphiques_indicateurs`,
sans requête.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from engagements.acces import (
    REFUS_VALEURS,
    get_indicateur,
    indicateurs_lisibles,
    peut_definir_indicateurs,
    peut_importer_valeurs,
    peut_saisir_valeurs,
)
from engagements.exports import exporter_indicateurs
from engagements.formulaires_indicateurs import TERRITOIRE, IndicateurForm, RepereForm, ValeurForm, choix_des_lieux
from engagements.graphiques_indicateurs import graphiques
from engagements.models import Engagement, Valeur
from engagements.models.regles import aujourd_hui
from engagements.tableaux.indicateurs import Etiquette, par_etiquette, situations
from protocole.acces import membre_requis, permission_requise
from protocole.formulaires import Accessible
from signataires.models import Organisation, Partie

REFUS_DEFINIR = "Les indicateurs sont définis par la coordination du contrat de ville."


class FiltreIndicateurs(Accessible, forms.Form):
    engagement = forms.TypedChoiceField(label="Engagement", required=False, coerce=int, empty_value=None)
    partie = forms.ChoiceField(label="Partie", required=False)
    organisation = forms.ChoiceField(label="Fourni par", required=False)
    quartier = forms.ChoiceField(label="Quartier", required=False)
    etiquette = forms.ChoiceField(label="Étiquette", required=False)

    def __init__(self, *args, protocole, **kwargs):
        super().__init__(*args, **kwargs)
        tous = [("", "Tous")]
        self.fields["engagement"].choices = tous + [
            (e.numero, f"N°{e.numero} — {e.titre}") for e in Engagement.objects.filter(protocole=protocole)
        ]
        self.fields["partie"].choices = [("", "Toutes")] + [
            (p.code, p.nom) for p in Partie.objects.filter(protocole=protocole).order_by("ordre")
        ]
        fournisseurs = Organisation.objects.filter(indicateurs_fournis__protocole=protocole).distinct().order_by("nom")
        self.fields["organisation"].choices = [("", "Toutes")] + [(o.slug, o.nom) for o in fournisseurs]
        self.fields["quartier"].choices = tous + choix_des_lieux(protocole)
        self.fields["etiquette"].choices = [("", "Toutes")] + [(e.value, e.label) for e in Etiquette]

    def filtrer(self, indicateurs):
        """Les indicateurs retenus par les filtres valides (un filtre refusé ne s'applique pas)."""
        donnees = self.cleaned_data if self.is_valid() else {}
        if donnees.get("engagement"):
            indicateurs = indicateurs.filter(obligation__bloc__engagement__numero=donnees["engagement"])
        if donnees.get("partie"):
            indicateurs = indicateurs.filter(obligation__bloc__partie__code=donnees["partie"])
        if donnees.get("organisation"):
            indicateurs = indicateurs.filter(fournisseur__slug=donnees["organisation"])
        return indicateurs

    def garder(self, liste):
        """Les situations du quartier et de l'étiquette demandés."""
        donnees = self.cleaned_data if self.is_valid() else {}
        if lieu := donnees.get("quartier"):
            liste = [
                s
                for s in liste
                if (s.quartier is None if lieu == TERRITOIRE else s.quartier is not None and str(s.quartier.pk) == lieu)
            ]
        if etiquette := donnees.get("etiquette"):
            liste = [s for s in liste if s.etiquette == etiquette]
        return liste


@membre_requis
@require_safe
def indicateurs(request):
    """Chaque indicateur du protocole dans chaque quartier, aujourd'hui ; `?export=csv|xlsx` exporte le filtré."""
    protocole = request.protocole
    filtre = FiltreIndicateurs(request.GET or None, protocole=protocole)
    au = aujourd_hui()
    liste = filtre.garder(situations(filtre.filtrer(indicateurs_lisibles(request)), au))
    format_ = request.GET.get("export")
    if format_ in ("csv", "xlsx"):
        if filtre.is_bound and not filtre.is_valid():
            parametres = request.GET.copy()
            parametres.pop("export")
            return redirect(f"{request.path}?{parametres.urlencode()}")
        lien = lambda i: request.build_absolute_uri(reverse("indicateur", args=[i.pk]))  # noqa: E731
        return exporter_indicateurs(liste, protocole, lien, format_)
    parametres = request.GET.copy()
    parametres.pop("export", None)
    actif = any(request.GET.get(nom) for nom in filtre.fields)
    return render(
        request,
        "engagements/indicateurs.html",
        {
            "filtre": filtre,
            "filtre_actif": actif,
            "situations": liste,
            "comptes": par_etiquette(liste),
            "au": au,
            "export_csv": f"?{parametres.urlencode()}&export=csv" if parametres else "?export=csv",
            "export_xlsx": f"?{parametres.urlencode()}&export=xlsx" if parametres else "?export=xlsx",
            "peut_definir": peut_definir_indicateurs(request.habilitation),
            "peut_importer": peut_importer_valeurs(request.habilitation),
        },
    )


def _page(request, indicateur, valeur_form=None, repere_form=None, status=200):
    habilitation = request.habilitation
    au = aujourd_hui()
    siennes = situations(type(indicateur).objects.filter(pk=indicateur.pk), au)
    saisie = peut_saisir_valeurs(habilitation, indicateur)
    definit = peut_definir_indicateurs(habilitation)
    historique = (
        Valeur.objects.filter(indicateur=indicateur)
        .select_related("auteur", "quartier")
        .order_by("-enregistre_le", "-id")[:200]
    )
    contexte = {
        "indicateur": indicateur,
        "obligation": indicateur.obligation,
        "actions": indicateur.actions.order_by("titre"),
        "courbe": graphiques(siennes, "courbe")[0] if siennes else None,
        "situations": siennes,
        "historique": historique,
        "au": au,
        "peut_saisir": saisie,
        "peut_definir": definit,
        "valeur_form": (valeur_form or ValeurForm(indicateur=indicateur)) if saisie else None,
        "repere_form": (repere_form or RepereForm(indicateur=indicateur)) if definit else None,
    }
    return render(request, "engagements/indicateur.html", contexte, status=status)


@membre_requis
@require_safe
def indicateur(request, pk):
    return _page(request, get_indicateur(request, pk))


@membre_requis
@require_POST
def indicateur_valeur(request, pk):
    """Saisir la valeur d'une période (ou la corriger : l'ancienne reste à l'historique)."""
    courant = get_indicateur(request, pk)
    if not peut_saisir_valeurs(request.habilitation, courant):
        raise PermissionDenied(REFUS_VALEURS)
    form = ValeurForm(request.POST, indicateur=courant)
    if form.is_valid():
        d = form.cleaned_data
        try:
            ligne = Valeur.enregistrer(
                courant,
                quartier=form.quartier(),
                periode=d["periode"],
                valeur=d["valeur"],
                source=d["source"],
                commentaire=d["commentaire"],
                auteur=request.user,
            )
        except ValidationError as erreur:
            form.add_error(None, erreur)
        else:
            if ligne is None:
                messages.info(
                    request, "Cette période a déjà cette valeur, cette source et ce commentaire : rien n'a changé."
                )
            elif ligne.correction:
                messages.success(
                    request,
                    f"Valeur du {ligne.periode} corrigée : {courant.formater(ligne.valeur_avant)} → "
                    f"{courant.formater(ligne.valeur)} (l'ancienne reste dans l'historique).",
                )
            else:
                messages.success(request, f"Valeur du {ligne.periode} enregistrée : {courant.formater(ligne.valeur)}.")
            return redirect("indicateur", pk=courant.pk)
    return _page(request, courant, valeur_form=form, status=400)


@permission_requise(peut_definir_indicateurs, REFUS_DEFINIR)
@require_POST
def indicateur_reperes(request, pk):
    """Poser ou changer la valeur de départ et la cible d'un quartier (ou de tout le territoire)."""
    courant = get_indicateur(request, pk)
    form = RepereForm(request.POST, indicateur=courant)
    if form.is_valid():
        repere = form.repere()
        repere.save()
        messages.success(request, f"Valeur de départ et cible enregistrées pour « {repere} ».")
        return redirect("indicateur", pk=courant.pk)
    return _page(request, courant, repere_form=form, status=400)


def _formulaire(request, instance=None):
    initial = {"obligation": request.GET.get("obligation")} if instance is None else None
    form = IndicateurForm(request.POST or None, instance=instance, protocole=request.protocole, initial=initial)
    if request.method == "POST" and form.is_valid():
        cree = form.save()
        messages.success(request, f"Indicateur « {cree} » enregistré.")
        return redirect("indicateur", pk=cree.pk)
    return render(
        request,
        "engagements/indicateur_form.html",
        {"form": form, "indicateur": instance},
        status=400 if form.is_bound else 200,
    )


@permission_requise(peut_definir_indicateurs, REFUS_DEFINIR)
@require_http_methods(["GET", "POST"])
def indicateur_creer(request):
    return _formulaire(request)


@permission_requise(peut_definir_indicateurs, REFUS_DEFINIR)
@require_http_methods(["GET", "POST"])
def indicateur_modifier(request, pk):
    return _formulaire(request, get_indicateur(request, pk))
