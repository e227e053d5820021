"""Ce que chacun peut faire des comptes et des rôles du protocole courant. La vue d'invitation, le formulaire et la
navigation posent ici leurs questions."""

from django.shortcuts import get_object_or_404
from django.urls import reverse

from signataires.blocages import comptes_du_protocole


def peut_inviter(habilitation):
    """Inviter, c'est donner un rôle : il faut pouvoir en donner au moins un (`Habilitation.peut_accorder`)."""
    return habilitation is not None and bool(habilitation.roles_accordables())


def peut_lever_blocages(habilitation):
    """La coordination voit les blocages de connexion des comptes de son protocole et les lève."""
    return habilitation is not None and habilitation.coordonne


def get_compte(request, identifiant):
    """Un compte qui a un rôle dans le protocole courant (404 sinon : on ne lève pas le blocage d'un inconnu)."""
    return get_object_or_404(comptes_du_protocole(request.protocole).distinct(), username=identifiant)


def peut_gerer_rappels(habilitation):
    """La coordination décide qui reçoit le récapitulatif d'avant comité (chacun arrête seul son hebdomadaire)."""
    return habilitation is not None and habilitation.coordonne


def page_d_arrivee(habilitation):
    """Où arrive une personne qui vient de se connecter : un lecteur sur le tableau de bord, les autres rôles sur
    « Mes actions » (leurs actions, en retard et sans nouvelles d'abord)."""
    if habilitation is not None and habilitation.role == habilitation.Role.LECTEUR:
        return reverse("vue_ensemble")
    return reverse("mes_actions")
