"""Les pages des rapports : le choix d'un rapport (/rapports/) et son téléchargement (/rapports/telecharger/)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from comite.models import Reunion
from comite.rapports import nom_de_fichier, produire
from comite.rapports.formulaires import RapportForm
from engagements.models.regles import aujourd_hui
from engagements.periode import depuis_par_defaut, lire_demande
from protocole.acces import membre_requis


@membre_requis
@require_safe
def rapports(request):
    """Le formulaire ; une fois valide, il renvoie vers le téléchargement avec des paramètres canoniques."""
    protocole = request.protocole
    if "perimetre" in request.GET:
        formulaire = RapportForm(protocole, request.GET)
        if formulaire.is_valid():
            return redirect(f"{reverse('rapport')}?{formulaire.parametres()}")
    else:
        au = aujourd_hui()
        initial = {"au": au.isoformat(), "depuis": depuis_par_defaut(protocole, au).isoformat()}
        formulaire = RapportForm(protocole, initial=initial)
    reunions = list(Reunion.objects.filter(protocole=protocole).order_by("-date", "-id"))
    for reunion in reunions:
        reunion.lien = _lien_reunion(reunion)
    return render(request, "rapports/rapports.html", {"formulaire": formulaire, "reunions": reunions})


@membre_requis
@require_safe
def rapport(request):
    """Le PDF, en pièce jointe ; `annexe=non` : la couverture et la note seules. Des paramètres invalides ramènent
    au formulaire avec un message en français."""
    try:
        perimetre, periode = lire_demande(request.protocole, request.GET)
    except ValidationError as erreur:
        messages.error(request, " ".join(erreur.messages))
        return redirect("rapports")
    annexe = request.GET.get("annexe") != "non"
    pdf = produire(perimetre, periode.au, periode.depuis, annexe=annexe)
    reponse = HttpResponse(pdf, content_type="application/pdf")
    nom = nom_de_fichier(perimetre, periode.au, annexe=annexe)
    reponse["Content-Disposition"] = content_disposition_header(True, nom)
    return reponse


def _lien_reunion(reunion):
    """La page de la réunion si les pages du comité existent (elles sont construites à part)."""
    try:
        return reverse("reunion", args=[reunion.pk])
    except NoReverseMatch:
        return None
