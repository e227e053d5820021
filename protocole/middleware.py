"""Le protocole courant de la requête : tous les écrans filtrent sur lui."""

from django.utils.functional import SimpleLazyObject

from protocole.models import Protocole

SESSION_KEY = "protocole_id"


def protocoles_lisibles(user):
    """Les protocoles qu'un visiteur peut choisir : tous pour le texte public, ceux de ses rôles une fois connecté."""
    qs = Protocole.objects.all()
    if user.is_authenticated and not user.is_superuser:
        qs = qs.filter(habilitations__utilisateur=user)
    return qs


def _protocole_courant(request):
    choix = protocoles_lisibles(request.user)
    protocole_id = request.session.get(SESSION_KEY)
    if protocole_id is not None:
        protocole = choix.filter(pk=protocole_id).first()
        if protocole is not None:
            return protocole
    return choix.first()


class ProtocoleCourantMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.protocole = SimpleLazyObject(lambda: _protocole_courant(request))
        return self.get_response(request)
