"""Pages publiques du protocole dans son ensemble : accueil, quartiers, choix du protocole affiché, déclaration
d'accessibilité ; `/sante/` ; la page d'une requête invalide (400)."""

from itertools import groupby

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db.models import Count, Prefetch
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.template import loader
from django.template.defaultfilters import filesizeformat
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe

from engagements.models import Bloc, Engagement
from protocole.middleware import SESSION_KEY, protocoles_lisibles


def _engagements_avec_blocs(protocole):
    """Les engagements du protocole, chacun avec ses blocs (partie, nombre d'obligations) et son total."""
    blocs = Bloc.objects.select_related("partie").annotate(nb_obligations=Count("obligations")).order_by("ordre")
    engagements = list(
        Engagement.objects.filter(protocole=protocole).prefetch_related(Prefetch("blocs", queryset=blocs))
    )
    for engagement in engagements:
        engagement.nb_obligations = sum(bloc.nb_obligations for bloc in engagement.blocs.all())
    return engagements


@require_safe
def accueil(request):
    protocole = request.protocole
    if not protocole:
        return render(request, "protocole/accueil.html", {"protocole": None})
    # Le préambule alterne paragraphes et listes (axes, principes) : on regroupe les suites de même nature.
    preambule = [
        (nature, list(textes)) for nature, textes in groupby(protocole.preambule.order_by("ordre"), lambda t: t.nature)
    ]
    engagements = _engagements_avec_blocs(protocole)
    return render(
        request,
        "protocole/accueil.html",
        {
            "protocole": protocole,
            "preambule": preambule,
            "engagements": engagements,
            "engagements_menu": engagements,
            "nb_obligations": sum(e.nb_obligations for e in engagements),
            "titres_hors_texte": [e for e in engagements if not e.titre_du_texte],
        },
    )


@require_safe
def quartiers(request):
    protocole = request.protocole
    liste = list(protocole.quartiers.order_by("ordre", "nom")) if protocole else []
    return render(request, "protocole/quartiers.html", {"quartiers": liste})


@require_POST
def choisir_protocole(request):
    slug = request.POST.get("protocole", "")
    protocole = protocoles_lisibles(request.user).filter(slug=slug).first()
    if protocole is None:
        messages.error(request, "Ce protocole n'existe pas ou ne vous est pas accessible : rien n'a changé.")
    else:
        request.session[SESSION_KEY] = protocole.pk
        messages.success(request, f"Protocole affiché : {protocole}.")
    suite = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(suite, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(suite)
    return redirect("accueil")


@require_safe
def accessibilite(request):
    """La déclaration d'accessibilité que la loi demande aux organismes publics (article 47 de la loi du 11 février
    2005, RGAA) : « non conforme » tant qu'aucun audit ne dit autre chose."""
    return render(request, "protocole/accessibilite.html", {"contact": settings.CONTACT_ACCESSIBILITE})


@require_safe
def sante(request):
    """Pour la supervision et le banc d'essai : répond « ok » sans rien demander à la base (le middleware du
    protocole courant, lui, fait sa requête habituelle)."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


def requete_invalide(request, exception):
    """La page 400 (`handler400`), rendue comme celle de Django sans requête ni base : une requête trop volumineuse
    (DATA_UPLOAD_MAX_MEMORY_SIZE, DATA_UPLOAD_MAX_NUMBER_FIELDS) le dit, avec les limites, en français."""
    contexte = {
        "trop_grande": isinstance(exception, (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)),
        "taille_maximale": settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        and filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE),
        "champs_maximum": settings.DATA_UPLOAD_MAX_NUMBER_FIELDS,
    }
    return HttpResponseBadRequest(loader.render_to_string("400.html", contexte))
