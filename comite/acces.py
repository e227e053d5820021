"""Ce que chacun peut lire et faire au comité de pilotage. Toute vue du comité passe par ces aides."""

from django.core.exceptions import PermissionDenied
from django.db.models import Min
from django.shortcuts import get_object_or_404

from comite.models import Decision, RapportArchive, Reunion
from signataires.models import Habilitation, Organisation


def reunions_du_protocole(request):
    return Reunion.objects.filter(protocole=request.protocole)


def get_reunion(request, pk):
    return get_object_or_404(reunions_du_protocole(request).select_related("protocole"), pk=pk)


def get_decision(request, pk):
    return get_object_or_404(
        Decision.objects.filter(reunion__protocole=request.protocole).select_related("reunion"), pk=pk
    )


def get_archive(request, pk):
    """Une version gelée d'une réunion du protocole courant, avec son contenu (pour le téléchargement)."""
    return get_object_or_404(
        RapportArchive.objects.filter(reunion__protocole=request.protocole).select_related("reunion"), pk=pk
    )


def organisations_signataires(protocole):
    """Les organisations pour lesquelles une signature du protocole est donnée, une fois chacune, dans l'ordre où
    elles signent le texte."""
    return (
        Organisation.objects.filter(representations__signature__protocole=protocole)
        .annotate(premiere_signature=Min("representations__signature__ordre"))
        .order_by("premiere_signature", "nom")
    )


def peut_preparer_comite(habilitation):
    """La coordination (coordinateurs et administrateurs) prépare le comité : réunions, décisions, gel du rapport."""
    return habilitation is not None and habilitation.coordonne


def peut_viser(habilitation, signataires):
    """Un visa se donne par un lecteur qui agit pour une organisation signataire (`signataires` : les organisations
    signataires du protocole, ou leurs identifiants) ; ni la coordination ni les chargés de mission, qui rendent
    compte, ne visent le rapport."""
    if habilitation is None or habilitation.role != Habilitation.Role.LECTEUR:
        return False
    return habilitation.organisation_id in {getattr(organisation, "pk", organisation) for organisation in signataires}


def verifier_peut_viser(request):
    """Le contrôle de la vue du visa : `peut_viser` sur les organisations signataires du protocole courant."""
    signataires = organisations_signataires(request.protocole).values_list("pk", flat=True)
    if not peut_viser(request.habilitation, signataires):
        raise PermissionDenied("Le visa est réservé aux lecteurs qui représentent une organisation signataire.")
