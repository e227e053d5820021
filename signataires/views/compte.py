"""« Mon compte » (/compte/) : qui je suis dans le protocole courant et mon récapitulatif hebdomadaire ; et, pour la
coordination, le récapitulatif d'avant comité de chaque compte du protocole (/comptes/rappels/), qu'elle seule
arrête."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from protocole.acces import membre_requis, permission_requise
from signataires.acces import peut_gerer_rappels
from signataires.models import Habilitation


@membre_requis
@require_http_methods(["GET", "POST"])
def compte(request):
    """GET : nom, adresse, organisation, rôle, lien vers le changement de mot de passe, préférences. POST : le
    récapitulatif hebdomadaire, que chacun arrête ou reprend pour soi."""
    if request.method == "POST":
        voulu = request.POST.get("rappel_hebdomadaire") == "on"
        request.user.rappel_hebdomadaire = voulu
        request.user.save(update_fields=["rappel_hebdomadaire"])
        messages.success(
            request, "Vous recevrez le récapitulatif hebdomadaire." if voulu else "Récapitulatif hebdomadaire arrêté."
        )
        return redirect("compte")
    contexte = {"habilitation": request.habilitation, "peut_gerer_rappels": peut_gerer_rappels(request.habilitation)}
    return render(request, "signataires/compte.html", contexte)


@permission_requise(peut_gerer_rappels, "Seule la coordination arrête le récapitulatif d'avant comité.")
@require_http_methods(["GET", "POST"])
def rappels_comptes(request):
    """GET : les comptes du protocole et leur récapitulatif d'avant comité. POST : les cases cochées le reçoivent,
    les autres non."""
    habilitations = Habilitation.objects.filter(protocole=request.protocole).select_related(
        "utilisateur", "organisation"
    )
    if request.method == "POST":
        coches = {valeur for valeur in request.POST.getlist("recoit") if valeur.isdigit()}
        recoivent = habilitations.filter(pk__in=[int(v) for v in coches])
        recoivent.update(rappel_avant_comite=True)
        habilitations.exclude(pk__in=recoivent.values("pk")).update(rappel_avant_comite=False)
        messages.success(request, "Récapitulatifs d'avant comité enregistrés.")
        return redirect("rappels_comptes")
    lignes = habilitations.order_by("utilisateur__last_name", "utilisateur__first_name", "utilisateur__username")
    return render(request, "signataires/rappels_comptes.html", {"habilitations": lignes})
