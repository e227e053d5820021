"""Les pages des rapports : le choix d'un rapport (/rapports/), son téléchargement (/rapports/telecharger/) et la
page d'une préparation (/rapports/preparations/<id>/), qui se rafraîchit (htmx) jusqu'au fichier.

Un rapport déjà dans le cache pour la version courante des données est servi aussitôt ; sinon son rendu part vers
un worker (`comite.preparations`) et la personne suit la page de la préparation : le serveur web n'attend jamais un
rendu (sauf sans courtier, en développement, où la tâche s'exécute dans la requête même)."""

from types import SimpleNamespace

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST, require_safe
from django_htmx.http import HttpResponseClientRedirect

from comite import archives, preparations
from comite.acces import peut_preparer_comite
from comite.models import LimiteAtteinte, Preparation, RapportArchive, Reunion
from comite.rapports import cache, nom_de_fichier, nom_du_bilan, production
from comite.rapports.formulaires import RapportForm
from engagements.models.regles import aujourd_hui
from engagements.periode import (
    depuis_par_defaut,
    lire_au_du_bilan,
    lire_demande,
    lire_perimetre,
    parametres_rapport,
)
from protocole.acces import membre_requis

# Secondes entre deux rafraîchissements de la page d'une préparation.
RAFRAICHIR = 2


@membre_requis
@require_safe
def rapports(request):
    """Le formulaire ; une fois valide, il renvoie vers le téléchargement avec des paramètres canoniques."""
    protocole = request.protocole
    if "perimetre" in request.GET:
        formulaire = RapportForm(protocole, request.GET)
        if formulaire.is_valid():
            return redirect(f"{reverse('rapport')}?{formulaire.parametres()}")
    else:
        au = aujourd_hui()
        initial = {"au": au.isoformat(), "depuis": depuis_par_defaut(protocole, au).isoformat()}
        formulaire = RapportForm(protocole, initial=initial)
    reunions = list(Reunion.objects.filter(protocole=protocole).order_by("-date", "-id"))
    for reunion in reunions:
        reunion.lien = _lien_reunion(reunion)
    return render(request, "rapports/rapports.html", {"formulaire": formulaire, "reunions": reunions})


@membre_requis
@require_safe
def rapport(request):
    """Le PDF s'il est en cache, sinon la page de sa préparation ; `annexe=non` : la couverture et la note seules.
    Des paramètres invalides ramènent au formulaire avec un message en français."""
    try:
        perimetre, periode = lire_demande(request.protocole, request.GET)
    except ValidationError as erreur:
        messages.error(request, " ".join(erreur.messages))
        return redirect("rapports")
    au, depuis = periode.au, periode.depuis
    annexe = request.GET.get("annexe") != "non"
    parametres = preparations.parametres_rapport(perimetre, au, depuis, annexe)
    return servir_ou_preparer(request, Preparation.Sorte.RAPPORT, perimetre, au, depuis, parametres=parametres)


@membre_requis
@require_safe
def bilan_rapport(request):
    """Le bilan à l'échéance en PDF (`?au=AAAA-MM-JJ` : un bilan d'étape ; l'échéance par défaut), par le même chemin
    que les rapports : servi par le cache, sinon préparé par un worker. Une date illisible ou postérieure à
    l'échéance est dite en français."""
    protocole = request.protocole
    try:
        au = lire_au_du_bilan(protocole, request.GET.get("au", ""))
    except ValidationError as erreur:
        return bilan_refuse(request, " ".join(erreur.messages))
    cle = production.cle_du_bilan(protocole, au)
    pdf = cache.lire(cle)
    if pdf is not None:
        return pdf_en_piece_jointe(pdf, nom_du_bilan(protocole, au))
    try:
        preparation = preparations.demander(request, Preparation.Sorte.BILAN, cle, au=au)
    except LimiteAtteinte as refus:
        return limite_atteinte(request, refus)
    return suite(request, preparation)


def bilan_refuse(request, message):
    """Retour à la page du bilan avec le message ; sans elle, une page qui le dit (400)."""
    try:
        page = reverse("bilan")
    except NoReverseMatch:
        return render(request, "rapports/bilan_refuse.html", {"message": message}, status=400)
    messages.error(request, message)
    return redirect(page)


def servir_ou_preparer(request, sorte, perimetre, au, depuis, reunion=None, parametres=None):
    """Le fichier tout de suite s'il est dans le cache ; sinon une préparation, et sa page."""
    parametres = parametres or {}
    annexe = parametres.get("annexe", True)
    cle = production.cle(perimetre, au, depuis, reunion, annexe=annexe)
    pdf = cache.lire(cle)
    if pdf is not None:
        return pdf_en_piece_jointe(pdf, nom_de_fichier(perimetre, au, annexe=annexe))
    try:
        preparation = preparations.demander(request, sorte, cle, reunion=reunion, **parametres)
    except LimiteAtteinte as refus:
        return limite_atteinte(request, refus)
    return suite(request, preparation)


def limite_atteinte(request, refus):
    """429 : la personne a déjà assez de rendus en attente ; la page les liste."""
    en_cours = Preparation.objects.attendues().filter(demandeur=request.user).select_related("reunion")
    en_cours = en_cours.order_by("cree_le")
    contexte = {"refus": " ".join(refus.messages), "en_cours": en_cours}
    return render(request, "rapports/limite.html", contexte, status=429)


def suite(request, preparation):
    """Après la demande : le fichier si le rendu est déjà fait (sans courtier, il s'est fait dans la requête),
    sinon la page de la préparation."""
    if preparation.etat == Preparation.Etat.PRETE and not preparation.est_un_gel:
        pdf = cache.lire(preparation.cle)
        if pdf is not None:
            return pdf_en_piece_jointe(pdf, _nom(preparation))
    return redirect("preparation", pk=preparation.pk)


def get_preparation(request, pk):
    """Une préparation du protocole courant : tout membre lit les rapports de son protocole."""
    preparations_du_protocole = Preparation.objects.filter(protocole=request.protocole)
    return get_object_or_404(preparations_du_protocole.select_related("reunion__protocole", "archive"), pk=pk)


@membre_requis
@require_safe
def preparation(request, pk):
    """« Rapport en préparation » tant que le worker rend (l'encadré se redemande par htmx), puis « rapport prêt »,
    qui fait partir le fichier ; « échec de la préparation — réessayer » passé le délai. Un gel prêt ramène à la
    réunion."""
    courante = get_preparation(request, pk)
    etat = courante.etat_affiche
    if etat == Preparation.Etat.PRETE and courante.est_un_gel:
        annoncer_gel(request, courante.archive)
        cible = reverse("reunion", args=[courante.reunion_id])
        return HttpResponseClientRedirect(cible) if request.htmx else redirect(cible)
    if etat == Preparation.Etat.PRETE and request.htmx:
        # La page entière, qui ne s'interroge plus et fait partir le fichier (un téléchargement ne quitte pas la
        # page : l'encadré qui interroge resterait, et le fichier repartirait toutes les deux secondes).
        return HttpResponseClientRedirect(reverse("preparation", args=[courante.pk]))
    contexte = {"preparation": courante, "etat": etat, "rafraichir": RAFRAICHIR, "Etat": Preparation.Etat}
    gabarit = "rapports/_preparation.html" if request.htmx else "rapports/preparation.html"
    return render(request, gabarit, contexte)


@membre_requis
@require_safe
def preparation_fichier(request, pk):
    """Le PDF d'une préparation prête, lu dans le cache partagé. Sorti du cache entre-temps : demandé de nouveau."""
    courante = get_preparation(request, pk)
    if courante.etat_affiche != Preparation.Etat.PRETE or courante.est_un_gel:
        return redirect("preparation", pk=courante.pk)
    pdf = cache.lire(courante.cle)
    if pdf is None:
        messages.info(request, "Le fichier n'était plus en cache : il est préparé de nouveau.")
        return redirect(_demande(courante))
    return pdf_en_piece_jointe(pdf, _nom(courante))


@membre_requis
@require_POST
def preparation_reessayer(request, pk):
    """Après un échec : la même demande, de nouveau (un gel, par la coordination seule, avec le même motif)."""
    courante = get_preparation(request, pk)
    if courante.etat_affiche != Preparation.Etat.ECHEC:
        return redirect("preparation", pk=courante.pk)
    if not courante.est_un_gel:
        return redirect(_demande(courante))
    if not peut_preparer_comite(request.habilitation):
        raise PermissionDenied("Le comité est préparé par la coordination du contrat de ville.")
    try:
        nouvelle = preparations.demander(request, courante.sorte, reunion=courante.reunion, motif=courante.motif)
    except LimiteAtteinte as refus:
        return limite_atteinte(request, refus)
    return redirect("preparation", pk=nouvelle.pk)


def annoncer_gel(request, archive):
    quoi = "Bilan gelé" if archive.genre == RapportArchive.Genre.BILAN else "Rapport gelé"
    messages.success(
        request, f"{quoi} : version {archive.version}, SHA-256 {archive.sha256}. Ce fichier ne changera plus."
    )


def pdf_en_piece_jointe(contenu, nom, **entetes):
    entetes["Content-Disposition"] = content_disposition_header(True, nom)
    return HttpResponse(contenu, content_type="application/pdf", headers=entetes)


def _demande(preparation):
    """L'adresse qui demande le même rapport : elle relit le cache et les règles de la demande."""
    if preparation.sorte == Preparation.Sorte.APERCU:
        return reverse("reunion_apercu", args=[preparation.reunion_id])
    if preparation.sorte == Preparation.Sorte.BILAN:
        return f"{reverse('bilan_rapport')}?au={preparation.au.isoformat()}"
    perimetre = lire_perimetre(preparation.protocole, preparation.perimetre, preparation.valeur)
    periode = SimpleNamespace(au=preparation.au, depuis=preparation.depuis)
    return f"{reverse('rapport')}?{parametres_rapport(perimetre, periode)}{'' if preparation.annexe else '&annexe=non'}"


def _nom(preparation):
    if preparation.sorte == Preparation.Sorte.APERCU:
        return archives.nom_de_fichier(preparation.reunion)
    if preparation.sorte == Preparation.Sorte.BILAN:
        return nom_du_bilan(preparation.protocole, preparation.au)
    perimetre = lire_perimetre(preparation.protocole, preparation.perimetre, preparation.valeur)
    return nom_de_fichier(perimetre, preparation.au, annexe=preparation.annexe)


def _lien_reunion(reunion):
    """La page de la réunion si les pages du comité existent (elles sont construites à part)."""
    try:
        return reverse("reunion", args=[reunion.pk])
    except NoReverseMatch:
        return None
