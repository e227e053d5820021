"""Ce que le gabarit de base lit sur chaque page. Comme les URL racines, ce module est le toit du projet : il pose
aux applications les questions de la navigation et n'en donne aux gabarits que les réponses."""

from signataires.acces import peut_inviter


def protocole_courant(request):
    habilitation = getattr(request, "habilitation", None)
    return {
        "protocole": getattr(request, "protocole", None),
        "protocoles": getattr(request, "protocoles", []),
        "habilitation": habilitation,
        "peut_inviter": peut_inviter(habilitation),
    }
