"""Ce que mesure le banc d'essai : pour chaque protocole mesuré, une session de coordinateur et les adresses des pages.

Les sessions sont créées en base (pas de passage par le formulaire de connexion) : le serveur les lit avec la même
SECRET_KEY. Une page dont la route n'existe pas encore est notée absente (None) plutôt que de faire échouer le banc.
"""

import datetime
from importlib import import_module

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.hashers import make_password
from django.db.models import Count
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from engagements.models import Action, Entree, Indicateur
from protocole import middleware
from protocole.models import Protocole
from signataires.models import Appartenance, Habilitation, Organisation, Utilisateur

MOT_DE_PASSE = "banc-d-essai"
JOURS_AU = 365  # « au » une date passée : il y a un an

# (clé, libellé) dans l'ordre du tableau ; la vue triviale d'abord, comme référence.
PAGES = [
    ("sante", "trivial view `/sante/`"),
    ("quartier", "quartier dashboard, today"),
    ("quartier_au", "quartier dashboard, `?au=` one year ago"),
    # La même page, mais l'entrée écrite avant chaque requête froide prend effet le jour montré : elle la recalcule.
    ("quartier_au_antidate", "quartier dashboard, `?au=` one year ago, after an antidated entry"),
    ("vue_ensemble", "overview `/tableau-de-bord/`"),
    ("organisation", "partner view `/organisations/<slug>/`"),
    ("actions", "action list `/actions/`"),
    ("obligation", "obligation page with its indicators `/obligations/<id>/`"),
    ("indicateurs", "indicator list `/indicateurs/`"),
]


def jour_au():
    """Le jour passé que montrent les pages « au » : il y a `JOURS_AU` jours."""
    return timezone.localdate() - datetime.timedelta(days=JOURS_AU)


def _adresse(nom, slug=None):
    essais = [{"args": [slug]}, {"kwargs": {"slug": slug}}] if slug else [{}]
    for essai in essais:
        try:
            return reverse(nom, **essai)
        except NoReverseMatch:
            continue
    return None


def compte_de_mesure(protocole, hachage):
    """Un coordinateur propre au banc, avec un mot de passe (on peut aussi s'y connecter à la main)."""
    utilisateur, _ = Utilisateur.objects.get_or_create(
        username=f"banc-mesure-{protocole.slug}", defaults={"first_name": "Banc", "last_name": "d'essai"}
    )
    utilisateur.password = hachage
    utilisateur.save(update_fields=["password"])
    existante = Habilitation.objects.filter(protocole=protocole, role=Habilitation.Role.COORDINATEUR).first()
    organisation = (
        existante.organisation
        if existante
        else Organisation.objects.filter(
            pk__in=Appartenance.objects.filter(partie__protocole=protocole).values("organisation")
        ).first()
    )
    Habilitation.objects.get_or_create(
        utilisateur=utilisateur,
        protocole=protocole,
        defaults={"organisation": organisation, "role": Habilitation.Role.COORDINATEUR},
    )
    return utilisateur


def session(utilisateur, protocole):
    """Une session ouverte pour `utilisateur` sur `protocole` ; renvoie l'en-tête Cookie à envoyer."""
    moteur = import_module(settings.SESSION_ENGINE)
    store = moteur.SessionStore()
    store[SESSION_KEY] = utilisateur._meta.pk.value_to_string(utilisateur)
    # Le backend qui tient les comptes ; le premier de la liste, django-axes, ne fait que surveiller les connexions.
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = utilisateur.get_session_auth_hash()
    store[middleware.SESSION_KEY] = protocole.pk
    store.create()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def cible(protocole, hachage):
    """Le cookie, les pages et la taille d'un protocole mesuré."""
    au = jour_au()
    quartier = protocole.quartiers.order_by("ordre", "nom").first()
    pilote = (
        Action.objects.filter(protocole=protocole)
        .values("pilote__slug")
        .annotate(n=Count("pk"))
        .order_by("-n", "pilote__slug")
        .first()
    )
    page_quartier = _adresse("quartier", quartier.slug) if quartier else None
    # L'obligation qui a le plus d'indicateurs (et ses actions) : sa page montre leurs courbes.
    mesuree = (
        Indicateur.objects.filter(protocole=protocole)
        .values("obligation")
        .annotate(n=Count("pk"))
        .order_by("-n", "obligation")
        .values_list("obligation", flat=True)
        .first()
    )
    pages = {
        "sante": _adresse("sante"),
        "quartier": page_quartier,
        "quartier_au": f"{page_quartier}?au={au.isoformat()}" if page_quartier else None,
        "quartier_au_antidate": f"{page_quartier}?au={au.isoformat()}" if page_quartier else None,
        "vue_ensemble": _adresse("vue_ensemble"),
        "organisation": _adresse("organisation", pilote["pilote__slug"]) if pilote else None,
        "actions": _adresse("actions"),
        "obligation": reverse("obligation", args=[mesuree]) if mesuree else None,
        "indicateurs": _adresse("indicateurs"),
    }
    return {
        "protocole": protocole.slug,
        "cookie": session(compte_de_mesure(protocole, hachage), protocole),
        "pages": pages,
        "actions": Action.objects.filter(protocole=protocole).count(),
        "entrees": Entree.objects.filter(protocole=protocole).count(),
        "quartiers": protocole.quartiers.count(),
    }


def preparer(demo, nationaux):
    """{'demo': [cible], 'national': [cibles]} pour le protocole de démonstration et les protocoles nationaux."""
    hachage = make_password(MOT_DE_PASSE)
    return {
        "demo": [cible(demo, hachage)],
        "national": [cible(p, hachage) for p in nationaux],
    }


def echantillon(protocoles, nombre=3):
    """Des protocoles répartis dans la liste (le premier, celui du milieu, le dernier…)."""
    protocoles = list(protocoles)
    if len(protocoles) <= nombre:
        return protocoles
    pas = (len(protocoles) - 1) / (nombre - 1)
    return [protocoles[round(i * pas)] for i in range(nombre)]


def totaux():
    return {
        "protocoles": Protocole.objects.count(),
        "actions": Action.objects.count(),
        "entrees": Entree.objects.count(),
    }
