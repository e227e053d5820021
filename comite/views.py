"""Le comité de pilotage : la liste des réunions, leur page (décisions, rapport, versions gelées, visas), leur
saisie par la coordination, le gel du rapport, le téléchargement des versions archivées et le visa des signataires."""

import logging

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from comite import archives as rapport
from comite import preparations
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
    derniere = RapportArchive.objects.filter(reunion=OuterRef(OuterRef("pk"))).order_by("-version").values("pk")[:1]
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


def _contexte(request, courante, gel_form=None, visa_form=None, textes_form=None):
    """La page d'une réunion, en un nombre fixe de requêtes quel que soit le nombre de décisions ou de versions :
    ses décisions, celles de la réunion précédente et leur suivi, les textes de la coordination, le rapport, ses
    versions gelées et les visas (avec leurs réserves)."""
    decisions = _decisions(courante)
    precedente = reunion_precedente(courante)
    versions = list(_versions().filter(reunion=courante))
    derniere = versions[-1] if versions else None
    signataires = list(organisations_signataires(request.protocole))
    visas = {}
    if derniere is not None:
        visas = {v.organisation_id: v for v in Visa.objects.filter(archive=derniere).select_related("utilisateur")}
    habilitation = request.habilitation
    au, depuis = rapport.periode(courante)
    visa_possible = derniere is not None and peut_viser(habilitation, signataires)
    return {
        "reunion": courante,
        "decisions": decisions,
        "precedente": precedente,
        "decisions_precedentes": _decisions(precedente) if precedente else [],
        "textes_form": textes_form or TextesForm(instance=courante),
        "versions": versions,
        "derniere": derniere,
        "au": au,
        "depuis": depuis,
        "signataires": [(organisation, visas.get(organisation.pk)) for organisation in signataires],
        "peut_preparer_comite": peut_preparer_comite(habilitation),
        "gel_form": gel_form or GelForm(derniere_version=derniere.version if derniere else None),
        "peut_viser": visa_possible,
        "visa_form": (visa_form or VisaForm(initial={"archive": derniere.pk})) if visa_possible else None,
        "deja_vise": visa_possible and habilitation.organisation_id in visas,
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


def _confirmation(request, courante, form, derniere, status=200):
    """La page qui dit ce qui sera gelé : le périmètre, les dates, et le nombre de pages du dernier aperçu rendu
    sur ces mêmes données quand il y en a un."""
    au, depuis = rapport.periode(courante)
    contexte = {
        "reunion": courante,
        "form": form,
        "derniere": derniere,
        "au": au,
        "depuis": depuis,
        "pages_apercu": rapport.pages_de_l_apercu(courante),
    }
    return render(request, "comite/geler.html", contexte, status=status)


@preparation_requise
@require_http_methods(["GET", "POST"])
def reunion_geler(request, pk):
    """GET : la confirmation de ce qui sera archivé. POST confirmé : le gel, par un worker ; la page de la
    préparation ramène à la réunion une fois la version archivée."""
    courante = get_reunion(request, pk)
    derniere = RapportArchive.objects.filter(reunion=courante).order_by("-version").values_list("version").first()
    derniere = derniere[0] if derniere else None
    if request.method == "GET":
        return _confirmation(
            request, courante, GelForm(derniere_version=derniere, initial={"confirme": True}), derniere
        )
    form = GelForm(request.POST, derniere_version=derniere)
    if not form.is_valid():
        return _confirmation(request, courante, form, derniere, status=400)
    if not form.cleaned_data["confirme"]:
        return _confirmation(request, courante, form, derniere)
    try:
        gel = preparations.demander(request, Preparation.Sorte.GEL, reunion=courante, motif=form.cleaned_data["motif"])
    except LimiteAtteinte as refus:
        return limite_atteinte(request, refus)
    if gel.etat == Preparation.Etat.PRETE:  # sans courtier : gelé dans la requête même
        annoncer_gel(request, gel.archive)
        return redirect("reunion", pk=courante.pk)
    if gel.etat == Preparation.Etat.ECHEC and gel.message != preparations.INJOIGNABLE:
        # Sans courtier : une autre version gelée entre-temps, dite sur le formulaire comme avant l'envoi.
        form.add_error("motif", gel.message)
        return _confirmation(request, courante, form, derniere, status=400)
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
    nom = rapport.nom_de_fichier(version.reunion, au=version.au, version=version.version)
    return pdf_en_piece_jointe(bytes(version.contenu), nom, **{"X-Empreinte-SHA256": version.sha256})


@membre_requis
@require_POST
def visa(request, pk):
    courante = get_reunion(request, pk)
    verifier_peut_viser(request)
    derniere = RapportArchive.objects.defer("contenu").filter(reunion=courante).order_by("-version").first()
    if derniere is None:
        messages.error(request, "Aucune version du rapport n'est gelée : il n'y a encore rien à viser.")
        return redirect("reunion", pk=courante.pk)
    form = VisaForm(request.POST)
    if not form.is_valid():
        return render(request, "comite/reunion.html", _contexte(request, courante, visa_form=form), status=400)
    if form.cleaned_data["archive"] != derniere.pk:
        messages.error(
            request,
            f"La version {derniere.version} du rapport a été gelée entre-temps : lisez-la avant de la viser.",
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
            request, f"La version {derniere.version} est déjà visée pour {organisation.nom} : rien n'a changé."
        )
    else:
        avec = " avec réserves" if form.cleaned_data["reserves"].strip() else ""
        messages.success(
            request,
            f"Visa{avec} {de(organisation.nom)} enregistré sur la version {derniere.version} "
            f"(SHA-256 {derniere.sha256}).",
        )
    return redirect("reunion", pk=courante.pk)
