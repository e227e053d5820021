"""Le comité de pilotage : la liste des réunions, leur page (décisions, rapport, versions gelées, visas), leur
saisie par la coordination, le gel du rapport, le téléchargement des versions archivées et le visa des signataires."""

import logging

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from comite import archives as rapport
from comite import preparations
from comite import rapports as rapports_pdf
from comite.acces import (
    get_archive,
    get_decision,
    get_reunion,
    organisations_signataires,
    peut_preparer_comite,
    peut_viser,
    reunions_du_protocole,
    verifier_peut_viser,
)
from comite.forms import DecisionForm, GelForm, ReunionForm, TextesForm, VisaForm
from comite.models import Decision, LimiteAtteinte, Preparation, RapportArchive, Visa, reunion_precedente
from comite.rapports.views import annoncer_gel, limite_atteinte, pdf_en_piece_jointe, servir_ou_preparer
from engagements.models import Action, Obligation
from engagements.tableaux import Perimetre
from protocole.acces import membre_requis, permission_requise
from protocole.francais import de

journal = logging.getLogger(__name__)

preparation_requise = permission_requise(
    peut_preparer_comite, "Le comité est préparé par la coordination du contrat de ville."
)


def _versions():
    """Les versions gelées sans leur fichier : une liste n'a pas à charger les PDF."""
    return RapportArchive.objects.defer("contenu").select_related("gele_par").order_by("version")


def _nombre(qs):
    return Coalesce(Subquery(qs.order_by().values("n")[:1], output_field=IntegerField()), 0)


@membre_requis
@require_safe
def reunions(request):
    signataires = list(organisations_signataires(request.protocole).values_list("pk", flat=True))
    rapports = RapportArchive.objects.filter(genre=RapportArchive.Genre.RAPPORT)
    derniere = rapports.filter(reunion=OuterRef(OuterRef("pk"))).order_by("-version").values("pk")[:1]
    decisions = Decision.objects.filter(reunion=OuterRef("pk")).values("reunion").annotate(n=Count("pk"))
    visas = (
        Visa.objects.filter(archive=Subquery(derniere), organisation__in=signataires)
        .values("archive")
        .annotate(n=Count("pk"))
    )
    liste = (
        reunions_du_protocole(request)
        .annotate(nb_decisions=_nombre(decisions), nb_visas=_nombre(visas))
        .prefetch_related(Prefetch("archives", queryset=_versions()))
        .order_by("-date", "-pk")
    )
    contexte = {
        "reunions": liste,
        "nb_signataires": len(signataires),
        "peut_preparer_comite": peut_preparer_comite(request.habilitation),
    }
    return render(request, "comite/reunions.html", contexte)


@preparation_requise
@require_http_methods(["GET", "POST"])
def reunion_creer(request):
    form = ReunionForm(request.POST or None, protocole=request.protocole)
    if request.method == "POST" and form.is_valid():
        nouvelle = form.save()
        messages.success(request, "Réunion enregistrée. Ajoutez-lui ses décisions.")
        return redirect("reunion", pk=nouvelle.pk)
    return render(request, "comite/reunion_form.html", {"form": form, "reunion": None})


@preparation_requise
@require_http_methods(["GET", "POST"])
def reunion_modifier(request, pk):
    courante = get_reunion(request, pk)
    form = ReunionForm(request.POST or None, instance=courante, protocole=request.protocole)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Réunion modifiée.")
        return redirect("reunion", pk=courante.pk)
    return render(request, "comite/reunion_form.html", {"form": form, "reunion": courante})


@membre_requis
@require_safe
def reunion(request, pk):
    courante = get_reunion(request, pk)
    return render(request, "comite/reunion.html", _contexte(request, courante))


def _decisions(reunion):
    return (
        Decision.objects.filter(reunion=reunion)
        .select_related("responsable", "responsable_personne")
        .prefetch_related(
            Prefetch("obligations", queryset=Obligation.objects.order_by("reference")),
            Prefetch("actions", queryset=Action.objects.order_by("titre")),
        )
        .order_by("pk")
    )


def _contexte(request, courante, gel_form=None, visa_form=None, textes_form=None, genre_vise=None):
    """La page d'une réunion, en un nombre fixe de requêtes quel que soit le nombre de décisions ou de versions :
    ses décisions, celles de la réunion précédente et leur suivi, les textes de la coordination, le rapport et le
    bilan à l'échéance, leurs versions gelées (une requête pour les deux genres) et les visas sur la dernière de
    chacun (une requête), avec leurs réserves."""
    decisions = _decisions(courante)
    precedente = reunion_precedente(courante)
    versions = list(_versions().filter(reunion=courante))
    rapports = [v for v in versions if v.genre == RapportArchive.Genre.RAPPORT]
    bilans = [v for v in versions if v.genre == RapportArchive.Genre.BILAN]
    derniere = rapports[-1] if rapports else None
    derniere_bilan = bilans[-1] if bilans else None
    signataires = list(organisations_signataires(request.protocole))
    visas = {}
    dernieres = [v for v in (derniere, derniere_bilan) if v is not None]
    if dernieres:
        for v in Visa.objects.filter(archive__in=dernieres).select_related("utilisateur"):
            visas[(v.archive_id, v.organisation_id)] = v
    habilitation = request.habilitation
    au, depuis = rapport.periode(courante)
    visas_rapport = _visas(habilitation, signataires, visas, derniere, visa_form, genre_vise, "rapport")
    visas_bilan = _visas(habilitation, signataires, visas, derniere_bilan, visa_form, genre_vise, "bilan")
    return {
        "reunion": courante,
        "decisions": decisions,
        "precedente": precedente,
        "decisions_precedentes": _decisions(precedente) if precedente else [],
        "textes_form": textes_form or TextesForm(instance=courante),
        "versions": rapports,
        "derniere": derniere,
        "versions_bilan": bilans,
        "derniere_bilan": derniere_bilan,
        "au": au,
        "depuis": depuis,
        "au_bilan": rapport.jour_du_bilan(courante),
        "peut_preparer_comite": peut_preparer_comite(habilitation),
        "gel_form": gel_form or GelForm(derniere_version=derniere.version if derniere else None),
        "visas_rapport": visas_rapport,
        "visas_bilan": visas_bilan,
        "visas_erreurs": [v for v in (visas_rapport, visas_bilan) if v["form"] is not None and v["form"].errors],
    }


def _visas(habilitation, signataires, visas, archive, visa_form, genre_vise, genre):
    """Ce que dit le bloc des visas d'un genre (`comite/_visas.html`) : la dernière version, chaque organisation
    signataire avec son visa, et le formulaire du lecteur qui peut encore viser."""
    possible = archive is not None and peut_viser(habilitation, signataires)
    pk = archive.pk if archive else None
    if possible and not (visa_form is not None and genre_vise == genre):
        # Deux formulaires de visa sur la page : leurs champs ont des id distincts, et les mêmes noms.
        visa_form = VisaForm(initial={"archive": pk}, auto_id=f"id_{genre}_%s")
    return {
        "genre": genre,
        "objet": "du bilan" if genre == RapportArchive.Genre.BILAN else "du rapport",
        "derniere": archive,
        "signataires": [(organisation, visas.get((pk, organisation.pk))) for organisation in signataires],
        "peut_viser": possible,
        "form": visa_form if possible else None,
        "deja_vise": possible and (pk, habilitation.organisation_id) in visas,
    }


@preparation_requise
@require_http_methods(["GET", "POST"])
def decision_creer(request, pk):
    courante = get_reunion(request, pk)
    form = DecisionForm(request.POST or None, protocole=request.protocole)
    if request.method == "POST" and form.is_valid():
        form.instance.reunion = courante
        form.save()
        messages.success(request, "Décision enregistrée.")
        return redirect("reunion", pk=courante.pk)
    return render(request, "comite/decision_form.html", {"form": form, "reunion": courante, "decision": None})


@preparation_requise
@require_http_methods(["GET", "POST"])
def decision_modifier(request, pk):
    decision = get_decision(request, pk)
    form = DecisionForm(request.POST or None, instance=decision, protocole=request.protocole)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Décision modifiée.")
        return redirect("reunion", pk=decision.reunion_id)
    contexte = {"form": form, "reunion": decision.reunion, "decision": decision}
    return render(request, "comite/decision_form.html", contexte)


@membre_requis
@require_safe
def reunion_apercu(request, pk):
    """Le rapport rendu avec les données d'aujourd'hui : un aperçu, jamais la version citée. Rendu par un worker
    s'il n'est pas déjà en cache (page de la préparation)."""
    courante = get_reunion(request, pk)
    au, depuis = rapport.periode(courante)
    return servir_ou_preparer(request, Preparation.Sorte.APERCU, Perimetre(courante.protocole), au, depuis, courante)


@preparation_requise
@require_POST
def reunion_textes(request, pk):
    """Les textes de la coordination pour la note du rapport (faits marquants, points d'attention, décisions
    attendues) ; ils montent la version des données, donc tout rapport en cache est rendu de nouveau."""
    courante = get_reunion(request, pk)
    form = TextesForm(request.POST, instance=courante)
    if not form.is_valid():
        return render(request, "comite/reunion.html", _contexte(request, courante, textes_form=form), status=400)
    form.save()
    messages.success(request, "Textes de la coordination enregistrés : ils ouvriront la note du rapport.")
    return redirect("reunion", pk=courante.pk)


def _confirmation(request, courante, form, derniere, genre, status=200):
    """La page qui dit ce qui sera gelé : le périmètre, les dates, et le nombre de pages du dernier aperçu rendu
    sur ces mêmes données quand il y en a un."""
    bilan = genre == RapportArchive.Genre.BILAN
    if bilan:
        au, depuis = rapport.jour_du_bilan(courante), None
        pages = rapports_pdf.pages_du_bilan_en_cache(courante.protocole, au)
    else:
        au, depuis = rapport.periode(courante)
        pages = rapport.pages_de_l_apercu(courante)
    contexte = {
        "reunion": courante,
        "form": form,
        "derniere": derniere,
        "au": au,
        "depuis": depuis,
        "pages_apercu": pages,
        "bilan": bilan,
        "echeance": courante.protocole.echeance,
        "action": reverse("reunion_geler_bilan" if bilan else "reunion_geler", args=[courante.pk]),
        "apercu": f"{reverse('bilan_rapport')}?au={au.isoformat()}"
        if bilan
        else reverse("reunion_apercu", args=[courante.pk]),
    }
    return render(request, "comite/geler.html", contexte, status=status)


@preparation_requise
@require_http_methods(["GET", "POST"])
def reunion_geler(request, pk):
    """GET : la confirmation de ce qui sera archivé. POST confirmé : le gel, par un worker ; la page de la
    préparation ramène à la réunion une fois la version archivée."""
    return _geler(request, pk, RapportArchive.Genre.RAPPORT)


@preparation_requise
@require_http_methods(["GET", "POST"])
def reunion_geler_bilan(request, pk):
    """Comme `reunion_geler`, pour le bilan à l'échéance de la réunion : ses versions se numérotent à part."""
    return _geler(request, pk, RapportArchive.Genre.BILAN)


def _geler(request, pk, genre):
    courante = get_reunion(request, pk)
    versions = RapportArchive.objects.filter(reunion=courante, genre=genre)
    derniere = versions.order_by("-version").values_list("version").first()
    derniere = derniere[0] if derniere else None
    if request.method == "GET":
        form = GelForm(derniere_version=derniere, initial={"confirme": True})
        return _confirmation(request, courante, form, derniere, genre)
    form = GelForm(request.POST, derniere_version=derniere)
    if not form.is_valid():
        return _confirmation(request, courante, form, derniere, genre, status=400)
    if not form.cleaned_data["confirme"]:
        return _confirmation(request, courante, form, derniere, genre)
    sorte = Preparation.Sorte.GEL_BILAN if genre == RapportArchive.Genre.BILAN else Preparation.Sorte.GEL
    try:
        gel = preparations.demander(request, sorte, reunion=courante, motif=form.cleaned_data["motif"])
    except LimiteAtteinte as refus:
        return limite_atteinte(request, refus)
    if gel.etat == Preparation.Etat.PRETE:  # sans courtier : gelé dans la requête même
        annoncer_gel(request, gel.archive)
        return redirect("reunion", pk=courante.pk)
    if gel.etat == Preparation.Etat.ECHEC and gel.message != preparations.INJOIGNABLE:
        # Sans courtier : une autre version gelée entre-temps, dite sur le formulaire comme avant l'envoi.
        form.add_error("motif", gel.message)
        return _confirmation(request, courante, form, derniere, genre, status=400)
    return redirect("preparation", pk=gel.pk)


@membre_requis
@require_safe
def archive(request, pk):
    """Les octets archivés, tels quels, avec leur empreinte ; refusés s'ils ne correspondent plus à l'empreinte."""
    version = get_archive(request, pk)
    if not version.intact():
        journal.error(
            "Rapport archivé %s (réunion %s, version %s) altéré : son contenu ne correspond plus au SHA-256 %s.",
            version.pk,
            version.reunion_id,
            version.version,
            version.sha256,
        )
        return render(request, "comite/archive_alteree.html", {"archive": version}, status=409)
    nom = rapport.nom_de_fichier(version.reunion, au=version.au, version=version.version, genre=version.genre)
    return pdf_en_piece_jointe(bytes(version.contenu), nom, **{"X-Empreinte-SHA256": version.sha256})


@membre_requis
@require_POST
def visa(request, pk):
    """Le visa d'une organisation signataire sur la dernière version gelée du rapport ou du bilan de la réunion
    (le genre est celui de la version que le formulaire nomme)."""
    courante = get_reunion(request, pk)
    verifier_peut_viser(request)
    genre = _genre_vise(courante, request.POST.get("archive", ""))
    objet = "du bilan" if genre == RapportArchive.Genre.BILAN else "du rapport"
    precision = " du bilan" if genre == RapportArchive.Genre.BILAN else ""
    derniere = (
        RapportArchive.objects.defer("contenu").filter(reunion=courante, genre=genre).order_by("-version").first()
    )
    if derniere is None:
        messages.error(request, f"Aucune version {objet} n'est gelée : il n'y a encore rien à viser.")
        return redirect("reunion", pk=courante.pk)
    form = VisaForm(request.POST, auto_id=f"id_{genre}_%s")
    if not form.is_valid():
        contexte = _contexte(request, courante, visa_form=form, genre_vise=genre)
        return render(request, "comite/reunion.html", contexte, status=400)
    if form.cleaned_data["archive"] != derniere.pk:
        messages.error(
            request,
            f"La version {derniere.version} {objet} a été gelée entre-temps : lisez-la avant de la viser.",
        )
        return redirect("reunion", pk=courante.pk)
    organisation = request.habilitation.organisation
    try:
        with transaction.atomic():
            Visa.objects.create(
                archive=derniere,
                organisation=organisation,
                utilisateur=request.user,
                reserves=form.cleaned_data["reserves"].strip(),
            )
    except IntegrityError:
        messages.info(
            request,
            f"La version {derniere.version}{precision} est déjà visée pour {organisation.nom} : rien n'a changé.",
        )
    else:
        avec = " avec réserves" if form.cleaned_data["reserves"].strip() else ""
        messages.success(
            request,
            f"Visa{avec} {de(organisation.nom)} enregistré sur la version {derniere.version}{precision} "
            f"(SHA-256 {derniere.sha256}).",
        )
    return redirect("reunion", pk=courante.pk)


def _genre_vise(reunion, archive):
    """Le genre de la version que nomme le formulaire du visa, parmi celles de la réunion (le rapport sinon)."""
    if not archive.strip().isdigit():
        return RapportArchive.Genre.RAPPORT
    genre = RapportArchive.objects.filter(reunion=reunion, pk=int(archive)).values_list("genre", flat=True).first()
    return genre or RapportArchive.Genre.RAPPORT
