"""Pages publiques des engagements renforcés : un engagement et ses blocs, une obligation."""

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from engagements.acces import obligations_du_protocole
from engagements.models import Bloc, Engagement, Obligation, Paragraphe


def _protocole_ou_404(request):
    if not request.protocole:
        raise Http404("Aucun protocole n'est chargé.")
    return request.protocole


def _get_engagement(request, numero):
    """L'engagement du protocole courant, avec ses blocs, leurs obligations et leurs paragraphes, dans l'ordre."""
    paragraphes = Prefetch("paragraphes", queryset=Paragraphe.objects.order_by("ordre"))
    obligations = Prefetch("obligations", queryset=Obligation.objects.order_by("rang").prefetch_related(paragraphes))
    blocs = Prefetch(
        "blocs", queryset=Bloc.objects.select_related("partie").order_by("ordre").prefetch_related(obligations)
    )
    return get_object_or_404(
        Engagement.objects.filter(protocole=_protocole_ou_404(request)).prefetch_related(blocs), numero=numero
    )


def _get_obligation(request, pk):
    """L'obligation du protocole courant : un identifiant deviné ne traverse jamais les protocoles."""
    return get_object_or_404(
        obligations_du_protocole(request)
        .select_related("bloc__engagement", "bloc__partie")
        .prefetch_related(Prefetch("paragraphes", queryset=Paragraphe.objects.order_by("ordre"))),
        pk=pk,
    )


@require_safe
def engagement(request, numero):
    courant = _get_engagement(request, numero)
    # La liste des engagements sert au menu et à la navigation précédent / suivant : une seule requête.
    menu = list(Engagement.objects.filter(protocole=request.protocole).order_by("numero"))
    rang = next(i for i, e in enumerate(menu) if e.pk == courant.pk)
    return render(
        request,
        "engagements/engagement.html",
        {
            "engagement": courant,
            "engagements_menu": menu,
            "precedent": menu[rang - 1] if rang > 0 else None,
            "suivant": menu[rang + 1] if rang + 1 < len(menu) else None,
        },
    )


def contexte_obligation(obligation):
    return {"obligation": obligation, "bloc": obligation.bloc, "engagement": obligation.bloc.engagement}


@require_safe
def obligation(request, pk):
    """Le texte pour tous ; pour les membres du protocole, son exécution (actions, verdicts)."""
    from engagements.views.verdicts import execution

    courante = _get_obligation(request, pk)
    contexte = contexte_obligation(courante)
    if request.habilitation is not None:
        contexte |= execution(request, courante)
    return render(request, "engagements/obligation.html", contexte)
