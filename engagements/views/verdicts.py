"""L'exécution d'une obligation (ses actions, son verdict et leur histoire) et le verdict de la coordination."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from engagements.acces import (
    actions_lisibles,
    get_obligation,
    peut_creer,
    peut_definir_indicateurs,
    peut_donner_verdict,
)
from engagements.forms import VerdictForm
from engagements.graphiques_indicateurs import graphiques
from engagements.models import Champ, Entree, Verdict
from engagements.models.regles import aujourd_hui
from engagements.tableaux import avec_drapeaux
from engagements.tableaux.indicateurs import situations
from protocole.acces import permission_requise
from protocole.models import jour


def execution(request, obligation, form=None):
    """Ce que la page d'une obligation montre aux membres du protocole, en un nombre fixe de requêtes."""
    habilitation = request.habilitation
    actions = (
        avec_drapeaux(actions_lisibles(request).filter(obligation=obligation))
        .select_related("pilote", "referent")
        .prefetch_related("quartiers")
        .order_by("echeance", "id")
    )
    historique = Entree.objects.filter(obligation=obligation, champ=Champ.VERDICT).select_related("auteur")
    donne_verdict = peut_donner_verdict(habilitation)
    au = aujourd_hui()
    return {
        "indicateurs": graphiques(situations(obligation.indicateurs.all(), au), "courbe"),
        "au_texte": jour(au),
        "peut_definir_indicateurs": peut_definir_indicateurs(habilitation),
        "execution": True,
        "actions": actions,
        "verdict": Verdict.objects.filter(obligation=obligation).select_related("auteur").first(),
        "historique_verdicts": historique.recentes(),
        "peut_donner_verdict": donne_verdict,
        "verdict_form": (VerdictForm(protocole=request.protocole) if form is None else form) if donne_verdict else None,
        "peut_creer": peut_creer(habilitation),
    }


@permission_requise(
    peut_donner_verdict, "Le verdict d'une obligation est donné par la coordination du contrat de ville."
)
@require_POST
def verdict(request, pk):
    obligation = get_obligation(request, pk)
    form = VerdictForm(request.POST, protocole=request.protocole)
    if form.is_valid():
        d = form.cleaned_data
        try:
            entree = Verdict.donner(
                obligation, auteur=request.user, valeur=d["valeur"], date_effet=d["date_effet"], motif=d["commentaire"]
            )
        except ValidationError as erreur:
            form.add_error(None, erreur)
        else:
            if entree is None:
                messages.info(request, "Ce verdict est déjà celui de l'obligation à cette date : rien n'a changé.")
            else:
                messages.success(request, f"Verdict « {entree.valeurs()[1]} » enregistré au journal.")
            return redirect("obligation", pk=obligation.pk)
    from engagements.views.texte import contexte_obligation

    contexte = contexte_obligation(obligation) | execution(request, obligation, form=form)
    return render(request, "engagements/obligation.html", contexte, status=400)
