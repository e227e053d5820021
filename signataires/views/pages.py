"""Page publique des signataires du protocole et des parties qu'ils composent."""

from collections import defaultdict

from django.db.models import Prefetch
from django.shortcuts import render
from django.views.decorators.http import require_safe

from signataires.models import Appartenance


@require_safe
def signataires(request):
    protocole = request.protocole
    if not protocole:
        return render(request, "signataires/signataires.html")
    signatures = list(
        protocole.signatures.select_related("signataire", "representation__organisation").order_by("ordre")
    )
    # Une même personne peut signer pour deux organisations (MONNOT Didier) : chaque ligne renvoie à l'autre.
    ordres = defaultdict(list)
    for signature in signatures:
        ordres[signature.signataire].append(signature.ordre)
    for signature in signatures:
        signature.autres_ordres = [ordre for ordre in ordres[signature.signataire] if ordre != signature.ordre]
        # Sans organisation représentée, l'accès lève une exception (le None est déjà en cache, sans requête).
        representation = getattr(signature, "representation", None)
        signature.organisation = representation.organisation if representation else None
    appartenances = Appartenance.objects.select_related("organisation").order_by("organisation__nom")
    parties = protocole.parties.order_by("ordre").prefetch_related(Prefetch("appartenances", queryset=appartenances))
    return render(
        request,
        "signataires/signataires.html",
        {
            "signatures": signatures,
            "signent_plusieurs_fois": [(nom, liste) for nom, liste in ordres.items() if len(liste) > 1],
            "parties": parties,
        },
    )
