"""Les contrôles d'accès des vues, tous côté serveur. Les questions de permission elles-mêmes (qui peut modifier une
action, donner un verdict, inviter, préparer le comité…) vivent dans le `acces.py` de chaque application ; les vues
les posent par `permission_requise`, les gabarits lisent leurs réponses sous forme de drapeaux."""

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
