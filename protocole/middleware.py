"""Le protocole courant de la requête et le rôle qu'y tient l'utilisateur : tous les écrans filtrent sur eux."""

from protocole.models import Protocole

SESSION_KEY = "protocole_id"


def protocoles_lisibles(user):
    """Les protocoles qu'un visiteur peut choisir : ceux de ses rôles une fois connecté, sinon tous (texte public)."""
    qs = Protocole.objects.all()
    if user.is_authenticated and user.habilitations.exists():
        qs = qs.filter(habilitations__utilisateur=user)
    return qs


def choisir(session, protocoles):
    """Le protocole retenu en session s'il est parmi `protocoles`, sinon le premier."""
    protocole_id = session.get(SESSION_KEY)
    return next((p for p in protocoles if p.pk == protocole_id), protocoles[0] if protocoles else None)


class ProtocoleCourantMiddleware:
    """Pose `request.protocole` et `request.habilitation` (None hors connexion ou sans rôle dans ce protocole).

    Une seule requête : les habilitations de l'utilisateur avec leur protocole (et sa version des données), ou la
    liste des protocoles publics.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Par la relation inverse du compte : ce module du rez-de-chaussée n'importe pas `signataires`.
        habilitations = []
        if request.user.is_authenticated:
            # La version des données vient avec le protocole : la clé du cache des pages (protocole/cache_pages.py),
            # lue avant tout calcul de la requête.
            qs = request.user.habilitations.select_related("protocole__version_donnees", "organisation")
            habilitations = list(qs.order_by("protocole__ordre", "protocole__territoire"))
        if habilitations:
            request.protocoles = [h.protocole for h in habilitations]
            request.protocole = choisir(request.session, request.protocoles)
            request.habilitation = next(h for h in habilitations if h.protocole == request.protocole)
        else:
            request.protocoles = list(Protocole.objects.all())
            request.protocole = choisir(request.session, request.protocoles)
            request.habilitation = None
        return self.get_response(request)
