"""Ce que toute réponse HTTP dit au navigateur en plus de son contenu ; l'adresse du client telle qu'on peut la croire.

La Content-Security-Policy vient de django-csp et les autres en-têtes de sécurité de Django (réglages) ; ce module
ajoute ce que ni l'un ni l'autre ne pose : Permissions-Policy, et `Cache-Control: private, no-store` dès qu'une
session est ouverte, pour qu'aucune page, aucun export ni aucun PDF du suivi ne reste dans un cache partagé (proxy
d'une administration) ni sur le disque d'un poste partagé.
"""

from django.conf import settings

SANS_CACHE = "private, no-store"


class EntetesDeSecuriteMiddleware:
    """Permissions-Policy sur toute réponse ; `Cache-Control: private, no-store` pour une personne connectée.

    Toute page qui demande une connexion est servie à une personne connectée (les autres sont redirigées) : poser
    l'en-tête selon la session plutôt que vue par vue couvre les pages, les exports et les PDF d'aujourd'hui et de
    demain. Les pages publiques lues par une personne connectée portent son nom dans l'en-tête : privées aussi.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        reponse = self.get_response(request)
        reponse.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        if request.user.is_authenticated:
            reponse["Cache-Control"] = SANS_CACHE
        return reponse


def adresse_client(request):
    """L'adresse du client : celle de la connexion, ou, derrière le proxy de confiance (PROXY_DE_CONFIANCE), la
    dernière de X-Forwarded-For, la seule que le proxy écrit lui-même (les précédentes viennent du client).

    Sans proxy déclaré, X-Forwarded-For n'est jamais lu : n'importe qui pourrait s'y donner une adresse par requête.
    """
    if settings.PROXY_DE_CONFIANCE:
        transmises = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        if transmises:
            return transmises[-1]
    return request.META.get("REMOTE_ADDR")
