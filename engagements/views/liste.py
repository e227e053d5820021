"""La liste des actions du protocole (filtres, tri, pagination, exports) et « Mes actions »."""

from django.db.models import Case, F, IntegerField, Q, Value, When
from django.shortcuts import render
from django.views.decorators.http import require_safe
from django_tables2 import RequestConfig

from engagements.acces import actions_lisibles, peut_creer
from engagements.exports import EXPORTS
from engagements.filtres import FiltreActions
from engagements.tableaux import avec_drapeaux
from engagements.tables import TableActions
from protocole.acces import membre_requis

PAR_PAGE = 25


def _pour_affichage(actions):
    """Tout ce qu'une ligne affiche, drapeaux compris (archivées comprises : le filtre les écarte ou non), en un
    nombre fixe de requêtes quelle que soit la taille de la liste."""
    return (
        avec_drapeaux(actions, archivees=True)
        .select_related("obligation__bloc__engagement", "obligation__bloc__partie", "obligation__verdict")
        .select_related("pilote", "referent")
        .prefetch_related("quartiers", "partenaires")
    )


def _lien_export(request, format_):
    parametres = request.GET.copy()
    parametres.pop("page", None)
    parametres["export"] = format_
    return f"?{parametres.urlencode()}"


@membre_requis
@require_safe
def actions(request):
    """Les actions du protocole courant, filtrées, triées et paginées ; `?export=csv|xlsx` exporte tout le filtré."""
    filtre = FiltreActions(request.GET, queryset=_pour_affichage(actions_lisibles(request)), request=request)
    table = TableActions(filtre.qs)
    exporter = EXPORTS.get(request.GET.get("export"))
    if exporter:
        RequestConfig(request, paginate=False).configure(table)
        return exporter(table.data.data, request.protocole)
    RequestConfig(request, paginate={"per_page": PAR_PAGE}).configure(table)
    filtre_actif = any(request.GET.get(nom) for nom in filtre.filters)
    if not filtre_actif:
        table.empty_text = "Aucune action n'est encore suivie dans ce protocole."
    return render(
        request,
        "engagements/actions.html",
        {
            "filtre": filtre,
            "table": table,
            "nombre": table.paginator.count,
            "peut_creer": peut_creer(request.habilitation),
            "export_csv": _lien_export(request, "csv"),
            "export_xlsx": _lien_export(request, "xlsx"),
            "filtre_actif": filtre_actif,
        },
    )


def _a_surveiller_d_abord(actions):
    """Sur des actions `avec_drapeaux` : en tête celles en retard ou sans nouvelles depuis 90 jours, puis par
    échéance (les sans échéance à la fin)."""
    a_surveiller = Q(est_en_retard=True) | Q(est_sans_nouvelles=True)
    rang = Case(When(a_surveiller, then=Value(0)), default=Value(1), output_field=IntegerField())
    return actions.order_by(rang, F("echeance").asc(nulls_last=True), "id")


@membre_requis
@require_safe
def mes_actions(request):
    """Les actions dont je suis référent·e, puis les autres que pilote mon organisation ; sans les archivées.

    Une seule requête, partagée ensuite en deux sections qui gardent l'ordre « à surveiller d'abord »."""
    organisation = request.habilitation.organisation
    miennes = actions_lisibles(request).filter(Q(referent=request.user) | Q(pilote=organisation))
    miennes = _a_surveiller_d_abord(avec_drapeaux(miennes).select_related("obligation", "referent"))
    referent, pilotees = [], []
    for action in miennes:
        (referent if action.referent_id == request.user.pk else pilotees).append(action)
    nom = organisation.nom
    sections = [
        {
            "id": "referent",
            "titre": "Dont je suis référent·e",
            "actions": referent,
            "vide": "Vous n'êtes référent·e d'aucune action suivie.",
        },
        {
            "id": "pilotees",
            "titre": f"Pilotées par {nom}",
            "actions": pilotees,
            "vide": f"{nom} ne pilote aucune {'autre ' if referent else ''}action suivie.",
        },
    ]
    return render(request, "engagements/mes_actions.html", {"sections": sections})
