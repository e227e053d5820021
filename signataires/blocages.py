"""Les blocages de connexion, tenus par django-axes : ce que voit la personne bloquée, ce que voit et lève la
coordination.

django-axes compte les échecs par compte et par couple (compte, adresse) (réglages AXES_*). Un compte est bloqué
quand ses échecs récents — ceux dont le dernier date de moins de AXES_COOLOFF_TIME — atteignent AXES_FAILURE_LIMIT :
c'est la règle d'axes, relue ici pour l'afficher, jamais réécrite pour décider.
"""

import logging
import math

from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.db.models import Count, Max, Sum
from django.shortcuts import render
from django.utils import timezone

from signataires.models import Utilisateur

logger = logging.getLogger(__name__)


def minutes_de_blocage():
    return math.ceil(settings.AXES_COOLOFF_TIME.total_seconds() / 60)


def reponse_de_blocage(request, reponse_initiale=None, credentials=None):
    """La page de la personne bloquée (AXES_LOCKOUT_CALLABLE) : 429, le délai en français et en Retry-After."""
    reponse = render(
        request,
        "signataires/connexion_bloquee.html",
        {"minutes": minutes_de_blocage(), "echecs": settings.AXES_FAILURE_LIMIT},
        status=429,
    )
    reponse["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return reponse


def comptes_du_protocole(protocole):
    return Utilisateur.objects.filter(habilitations__protocole=protocole)


def echecs_recents(protocole, maintenant=None):
    """Les comptes du protocole qui ont des échecs de connexion récents, les bloqués d'abord, en deux requêtes :
    le compte, le nombre d'échecs, le nombre d'adresses d'où ils viennent, le dernier échec, s'il est bloqué et
    jusqu'à quand au plus tard (un nouvel échec repousse la fin)."""
    maintenant = maintenant or timezone.now()
    lignes = list(
        AccessAttempt.objects.filter(
            username__in=comptes_du_protocole(protocole).values("username"),
            attempt_time__gte=maintenant - settings.AXES_COOLOFF_TIME,
        )
        .values("username")
        .annotate(echecs=Sum("failures_since_start"), adresses=Count("ip_address", distinct=True))
        .annotate(dernier=Max("attempt_time"))
    )
    comptes = comptes_du_protocole(protocole).filter(username__in=[ligne["username"] for ligne in lignes])
    noms = {compte.username: compte for compte in comptes}
    for ligne in lignes:
        ligne["compte"] = noms[ligne["username"]]
        ligne["bloque"] = ligne["echecs"] >= settings.AXES_FAILURE_LIMIT
        ligne["jusqu_a"] = ligne["dernier"] + settings.AXES_COOLOFF_TIME
    return sorted(lignes, key=lambda ligne: (not ligne["bloque"], -ligne["echecs"], ligne["username"]))


def lever(compte, par):
    """Efface les échecs de connexion du compte, de toutes adresses : il peut se connecter de nouveau."""
    nombre = reset(username=compte.username)
    logger.warning("Blocage de connexion levé pour %s par %s (%d ligne(s) d'échecs)", compte.username, par, nombre)
    return nombre
