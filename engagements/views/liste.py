"""La liste des actions du protocole (filtres, tri, exports) et « Mes actions »."""

from django.shortcuts import render

from engagements.acces import actions_lisibles
from protocole.acces import membre_requis


@membre_requis
def actions(request):
    return render(request, "engagements/actions.html", {"actions": actions_lisibles(request)})


@membre_requis
def mes_actions(request):
    return render(request, "engagements/mes_actions.html", {"actions": actions_lisibles(request)})
