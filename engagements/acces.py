"""Ce que chacun peut lire et modifier des actions et des obligations. Toute vue passe par ces aides."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from engagements.models import Action, Obligation


def obligations_du_protocole(request):
    return Obligation.objects.filter(protocole=request.protocole)


def get_obligation(request, pk):
    return get_object_or_404(
        obligations_du_protocole(request).select_related("bloc__engagement", "bloc__partie"), pk=pk
    )


def actions_lisibles(request):
    """Toutes les actions du protocole courant : chaque rôle lit tout son protocole, rien d'un autre."""
    return Action.objects.filter(protocole=request.protocole)


def peut_modifier(habilitation, action):
    if habilitation is None:
        return False
    if habilitation.coordonne:
        return True
    return habilitation.role == habilitation.Role.CHARGE_DE_MISSION and action.pilote_id == habilitation.organisation_id


def peut_creer(habilitation):
    return habilitation is not None and (
        habilitation.coordonne or habilitation.role == habilitation.Role.CHARGE_DE_MISSION
    )


def obligations_ouvertes(habilitation):
    """Les obligations sous lesquelles ce rôle peut créer une action : toutes pour la coordination ; pour un chargé
    de mission, celles des parties dont son organisation est membre."""
    qs = Obligation.objects.filter(protocole=habilitation.protocole_id)
    if habilitation.coordonne:
        return qs
    return qs.filter(bloc__partie__appartenances__organisation=habilitation.organisation_id)


def get_action(request, pk):
    """L'action du protocole courant, avec ce que sa page affiche (drapeaux, obligation, pilote, quartiers…)."""
    qs = (
        actions_lisibles(request)
        .avec_drapeaux()
        .select_related("obligation__bloc__engagement", "obligation__bloc__partie", "pilote", "referent")
        .prefetch_related("partenaires", "quartiers")
    )
    return get_object_or_404(qs, pk=pk)


def get_action_modifiable(request, pk):
    action = get_action(request, pk)
    if not peut_modifier(request.habilitation, action):
        raise PermissionDenied("Seuls l'organisation pilote et la coordination modifient cette action.")
    return action
