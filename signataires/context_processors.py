"""Ce que le gabarit de base lit sur chaque page : le protocole courant, le rôle qu'y tient l'utilisateur (posés par
`protocole.middleware`) et les questions de droits de la navigation, dont il ne donne aux gabarits que les
réponses."""

from signataires.acces import peut_inviter


def protocole_courant(request):
    habilitation = getattr(request, "habilitation", None)
    protocole = getattr(request, "protocole", None)
    return {
        "protocole": protocole,
        # Après l'échéance (`Protocole.echeance`), chaque page du protocole le dit une fois (le bandeau de base.html).
        "echeance_passee": protocole is not None and protocole.termine(),
        "protocoles": getattr(request, "protocoles", []),
        "habilitation": habilitation,
        "peut_inviter": peut_inviter(habilitation),
    }
