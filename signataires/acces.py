"""Ce que chacun peut faire des comptes et des rôles du protocole courant. La vue d'invitation, le formulaire et la
navigation posent ici leurs questions."""


def peut_inviter(habilitation):
    """Inviter, c'est donner un rôle : il faut pouvoir en donner au moins un (`Habilitation.peut_accorder`)."""
    return habilitation is not None and bool(habilitation.roles_accordables())
