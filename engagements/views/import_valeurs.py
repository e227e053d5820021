"""Importer des valeurs d'indicateurs depuis un fichier CSV ou XLSX : envoi, aperçu, confirmation ; et les modèles de
fichier à remplir. La lecture, l'aperçu, l'attente et la confirmation sont ceux de `protocole.importation` ; les
lignes sont jugées par `engagements.import_valeurs`."""

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from engagements.acces import peut_importer_valeurs
from engagements.import_valeurs import FORMATS_MODELE, ValeursIndicateurs, modele
from protocole import importation
from protocole.acces import permission_requise
from protocole.formulaires import Accessible

REFUS_IMPORT = (
    "L'import des valeurs d'indicateurs est réservé à la coordination et aux chargé·es de mission des organisations "
    "qui les fournissent."
)
LIMITES = f"{importation.TAILLE_MAX // (1024 * 1024)} Mo et {importation.LIGNES_MAX:,} lignes au plus.".replace(
    ",", "\u202f"
)
EXPIRE = "Cet aperçu a expiré ou a déjà servi : envoyez le fichier de nouveau."


class FormulaireImport(Accessible, forms.Form):
    fichier = forms.FileField(
        label="Fichier CSV ou XLSX",
        help_text=LIMITES,
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )

    def lire(self):
        """Le tableau du fichier envoyé, ou None avec l'erreur sur le champ."""
        fichier = self.cleaned_data["fichier"]
        try:
            importation.verifier_taille(fichier.size)  # avant de lire le fichier en mémoire
            contenu = fichier.read()
            return importation.lire(fichier.name, contenu, ValeursIndicateurs.colonnes), contenu
        except importation.ImportRefuse as refus:
            self.add_error("fichier", refus.message)
            return None, b""


def _lien(request):
    """Ce qui lie un fichier en attente à la personne, au protocole et à la sorte de ligne."""
    return {
        "utilisateur_id": request.user.pk,
        "protocole_id": request.protocole.pk,
        "sorte": ValeursIndicateurs.nom,
    }


def _formulaire(request, form, status=200, erreur=""):
    contexte = {"form": form, "erreur": erreur}
    return render(request, "engagements/indicateurs_importer.html", contexte, status=status)


def _apercu(request, apercu, jeton, change=False):
    contexte = {"apercu": apercu, "jeton": jeton, "change": change, "form": None}
    return render(request, "engagements/indicateurs_apercu.html", contexte)


@permission_requise(peut_importer_valeurs, REFUS_IMPORT)
@require_http_methods(["GET", "POST"])
def indicateurs_importer(request):
    """GET : le formulaire d'envoi. POST d'un fichier : l'aperçu, rien n'est écrit. POST du jeton : « annuler »
    oublie le fichier ; sinon la confirmation écrit tout le fichier en une transaction, ou montre le nouvel aperçu si
    les données ont changé depuis le premier."""
    if request.method == "GET":
        return _formulaire(request, FormulaireImport())
    if "jeton" in request.POST:
        return _confirmer(request, request.POST["jeton"])
    form = FormulaireImport(request.POST, request.FILES)
    if not form.is_valid():
        return _formulaire(request, form, status=400)
    tableau, contenu = form.lire()
    if tableau is None:
        return _formulaire(request, form, status=400)
    apercu = importation.previsualiser(ValeursIndicateurs(request.habilitation), tableau)
    jeton = importation.garder(tableau.nom, contenu, apercu.empreinte, **_lien(request))
    return _apercu(request, apercu, jeton)


def _confirmer(request, jeton):
    lien = _lien(request)
    if "annuler" in request.POST:
        importation.oublier(jeton, **lien)
        messages.info(request, "Import annulé : rien n'a été enregistré.")
        return redirect("indicateurs_importer")
    attente = importation.reprendre(jeton, **lien)
    if attente is None:
        return _formulaire(request, FormulaireImport(), status=400, erreur=EXPIRE)
    tableau = importation.lire(attente.nom, attente.contenu, ValeursIndicateurs.colonnes)
    bilan = importation.confirmer(ValeursIndicateurs(request.habilitation), tableau, attente.empreinte, attente.nom)
    if not bilan.confirme:
        importation.garder(attente.nom, attente.contenu, bilan.apercu.empreinte, jeton=jeton, **lien)
        return _apercu(request, bilan.apercu, jeton, change=True)
    importation.oublier(jeton, **lien)
    apercu = bilan.apercu
    messages.success(
        request,
        f"Import de « {attente.nom} » enregistré : {len(apercu.a_creer)} valeur(s) créée(s), "
        f"{len(apercu.a_modifier)} corrigée(s), {len(apercu.inchangees)} inchangée(s), "
        f"{len(apercu.refusees)} ligne(s) refusée(s) non importée(s).",
    )
    return redirect("indicateurs_importer")


@permission_requise(peut_importer_valeurs, REFUS_IMPORT)
@require_safe
def indicateurs_modele(request, format_):
    """Le modèle de fichier (CSV ou XLSX) : les indicateurs que la personne saisit, une ligne par lieu."""
    if format_ not in FORMATS_MODELE:
        raise Http404("Modèle disponible en CSV ou en XLSX.")
    return modele(request.habilitation, format_)
