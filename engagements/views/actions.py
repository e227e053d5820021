"""La page d'une action (détails, journal, mise à jour en place), sa création, sa modification, son archivage."""

from itertools import groupby

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from engagements.acces import (
    get_action,
    get_action_modifiable,
    obligations_ouvertes,
    peut_creer,
    peut_desarchiver,
    peut_modifier,
)
from engagements.forms import ActionForm, ArchivageForm, MiseAJourForm
from engagements.models import Action, Entree
from engagements.models.regles import ConflitDeVersion
from protocole.acces import membre_requis, permission_requise

REFUS_DESARCHIVAGE = "Seule la coordination désarchive une action."


def _journal(action):
    """Le journal de l'action, regroupé par enregistrement (un enregistrement peut changer plusieurs champs)."""
    entrees = Entree.objects.filter(action=action).pour_affichage().recentes()
    groupes = groupby(entrees, key=lambda e: (e.version, e.enregistre_le))
    # Les groupes du plus récent au plus ancien ; dans un groupe, l'ordre d'écriture (la création d'abord).
    return [sorted(groupe, key=lambda e: e.pk) for _cle, groupe in groupes]


def _contexte(request, action, form=None, conflit=None, annonce=None, relire=True):
    if relire:
        action = get_action(request, action.pk)
    modifiable = peut_modifier(request.habilitation, action)
    if modifiable and form is None:
        form = MiseAJourForm(action=action)
    return {
        "action": action,
        "obligation": action.obligation,
        "journal": _journal(action),
        "form": form if modifiable else None,
        "peut_modifier": modifiable,
        "peut_desarchiver": action.archivee and peut_desarchiver(request.habilitation),
        "conflit": conflit,
        "annonce": annonce,
    }


def _rendre(request, contexte):
    gabarit = "engagements/_fiche.html" if request.htmx else "engagements/action.html"
    return render(request, gabarit, contexte)


@membre_requis
@require_http_methods(["GET", "POST"])
def action(request, pk):
    """GET : la page. POST : la mise à jour (statut, avancement, commentaire, date d'effet), en place avec htmx."""
    if request.method == "GET":
        return render(request, "engagements/action.html", _contexte(request, get_action(request, pk), relire=False))
    courante = get_action_modifiable(request, pk)
    form = MiseAJourForm(request.POST, action=courante)
    if not form.is_valid():
        return _rendre(request, _contexte(request, courante, form=form))
    donnees = form.cleaned_data
    try:
        entrees = courante.enregistrer(
            auteur=request.user,
            date_effet=donnees["date_effet"],
            commentaire=donnees["commentaire"],
            version=donnees["version"],
            **form.changements(),
        )
    except ConflitDeVersion as conflit:
        # Ce qui a été saisi reste dans le formulaire ; la version devient la courante pour pouvoir confirmer.
        saisie = request.POST.copy()
        saisie["version"] = conflit.action.version
        form = MiseAJourForm(saisie, action=conflit.action)
        return _rendre(request, _contexte(request, conflit.action, form=form, conflit=conflit.entrees))
    except ValidationError as erreur:
        form.add_error(None, erreur)
        return _rendre(request, _contexte(request, courante, form=form))
    annonce = "Mise à jour enregistrée au journal." if entrees else "Rien n'a changé : aucune entrée ajoutée."
    if request.htmx:
        return _rendre(request, _contexte(request, courante, annonce=annonce))
    messages.success(request, annonce)
    return redirect("action", pk=courante.pk)


@permission_requise(peut_creer, "Les lecteurs ne créent pas d'action.")
@require_http_methods(["GET", "POST"])
def action_creer(request):
    habilitation = request.habilitation
    initial = {}
    obligation_id = request.GET.get("obligation", "")
    if (
        obligation_id.isascii()
        and obligation_id.isdigit()
        and obligations_ouvertes(habilitation).filter(pk=obligation_id).exists()
    ):
        initial["obligation"] = obligation_id
    form = ActionForm(request.POST or None, habilitation=habilitation, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            nouvelle = Action.creer(
                protocole=request.protocole,
                auteur=request.user,
                date_effet=d["date_effet"],
                commentaire=d["commentaire"],
                quartiers=d["quartiers"],
                partenaires=d["partenaires"],
                tout_le_territoire=d["tout_le_territoire"],
                **form.champs_libres(),
                **form.champs_suivis(),
            )
        except ValidationError as erreur:
            form.add_error(None, erreur)
        else:
            messages.success(request, "Action créée et inscrite au journal.")
            return redirect("action", pk=nouvelle.pk)
    return render(request, "engagements/action_form.html", {"form": form, "action": None})


@membre_requis
@require_http_methods(["GET", "POST"])
def action_modifier(request, pk):
    courante = get_action_modifiable(request, pk)
    form = ActionForm(request.POST or None, instance=courante, habilitation=request.habilitation)
    conflit = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            courante.enregistrer(
                auteur=request.user,
                date_effet=d["date_effet"],
                commentaire=d["commentaire"],
                version=d["version"],
                libres=form.champs_libres(),
                partenaires=d["partenaires"],
                quartiers=(d["tout_le_territoire"], d["quartiers"]),
                **form.champs_suivis(),
            )
        except ConflitDeVersion as erreur:
            conflit = erreur.entrees
            saisie = request.POST.copy()
            saisie["version"] = erreur.action.version
            form = ActionForm(saisie, instance=erreur.action, habilitation=request.habilitation)
        except ValidationError as erreur:
            form.add_error(None, erreur)
        else:
            messages.success(request, "Modifications enregistrées.")
            return redirect("action", pk=courante.pk)
    return render(request, "engagements/action_form.html", {"form": form, "action": courante, "conflit": conflit})


@membre_requis
@require_POST
def action_archiver(request, pk):
    courante = get_action_modifiable(request, pk)
    form = ArchivageForm(request.POST, action=courante)
    if form.is_valid():
        d = form.cleaned_data
        try:
            courante.archiver(
                auteur=request.user, date_effet=d["date_effet"], commentaire=d["commentaire"], version=d["version"]
            )
        except ConflitDeVersion:
            messages.error(request, "L'action a été modifiée entre-temps : relisez son journal avant de l'archiver.")
        except ValidationError as erreur:
            messages.error(request, " ".join(erreur.messages))
        else:
            messages.success(request, "Action archivée : elle reste lisible, avec tout son journal.")
            return redirect(reverse("actions"))
    else:
        messages.error(request, " ".join(e for erreurs in form.errors.values() for e in erreurs))
    return redirect("action", pk=courante.pk)


@permission_requise(peut_desarchiver, REFUS_DESARCHIVAGE)
@require_POST
def action_desarchiver(request, pk):
    """Rend une action archivée de nouveau modifiable : un acte de la coordination, avec son motif, au journal."""
    courante = get_action(request, pk)
    if not courante.archivee:
        messages.info(request, "Cette action n'est pas archivée : rien n'a changé.")
        return redirect("action", pk=courante.pk)
    form = ArchivageForm(request.POST, action=courante, desarchiver=True)
    if form.is_valid():
        d = form.cleaned_data
        try:
            courante.desarchiver(
                auteur=request.user, date_effet=d["date_effet"], commentaire=d["commentaire"], version=d["version"]
            )
        except ConflitDeVersion:
            messages.error(
                request, "L'action a été modifiée entre-temps : relisez son journal avant de la désarchiver."
            )
        except ValidationError as erreur:
            messages.error(request, " ".join(erreur.messages))
        else:
            messages.success(request, "Action désarchivée : elle se modifie de nouveau, le journal le dit.")
    else:
        messages.error(request, " ".join(e for erreurs in form.errors.values() for e in erreurs))
    return redirect("action", pk=courante.pk)
