"""Les contrôles d'accès, tous côté serveur et en un seul endroit."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied


def membre_requis(vue):
    """Connexion obligatoire, puis un rôle dans le protocole courant (sinon 403)."""

    @wraps(vue)
    def controle(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if request.habilitation is None:
            raise PermissionDenied("Vous n'avez pas de rôle dans ce protocole.")
        return vue(request, *args, **kwargs)

    return controle


def coordination_requise(vue):
    """Réservé aux coordinateurs et administrateurs du protocole courant."""

    @membre_requis
    @wraps(vue)
    def controle(request, *args, **kwargs):
        if not request.habilitation.coordonne:
            raise PermissionDenied("Réservé à la coordination du contrat de ville.")
        return vue(request, *args, **kwargs)

    return controle


def permission_requise(regle, refus):
    """Un membre du protocole courant dont l'habilitation satisfait `regle(habilitation)` ; les autres reçoivent un
    403 qui dit `refus`."""

    def decorateur(vue):
        @membre_requis
        @wraps(vue)
        def controle(request, *args, **kwargs):
            if not regle(request.habilitation):
                raise PermissionDenied(refus)
            return vue(request, *args, **kwargs)

        return controle

    return decorateur
