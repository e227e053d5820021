"""La liste des actions du protocole (filtres, tri, pagination, exports) et « Mes actions »."""

from django.contrib import messages
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST, require_safe

from engagements.acces import actions_lisibles, organisations_du_protocole, peut_creer
from engagements.exports import EXPORTS
from engagements.filtres import FiltreActions
from engagements.models.regles import aujourd_hui
from engagements.tableaux import avec_dernier_commentaire, avec_drapeaux, par_urgence
from engagements.tables import OPTIONNELLES, TableActions, colonnes_choisies
from protocole import cache_pages, compilees
from protocole.acces import membre_requis

PAR_PAGE = 25
TAILLES_DE_PAGE = (25, 50, 100)  # celles que propose la liste ; toute autre est refusée


def _par_page(request):
    """(taille de page, refus) : `?per_page=` parmi TAILLES_DE_PAGE, sinon PAR_PAGE et le refus dit en français."""
    demande = request.GET.get("per_page")
    if demande is None or demande == "":
        return PAR_PAGE, None
    if demande.strip() in {str(taille) for taille in TAILLES_DE_PAGE}:
        return int(demande), None
    possibles = ", ".join(str(taille) for taille in TAILLES_DE_PAGE[:-1]) + f" ou {TAILLES_DE_PAGE[-1]}"
    return PAR_PAGE, (
        f"Nombre d'actions par page non reconnu (« {demande[:20]} ») : choisissez {possibles}. "
        f"La liste est affichée par {PAR_PAGE}."
    )


def _pour_affichage(actions):
    """Tout ce qu'une ligne affiche, drapeaux compris (archivées comprises : le filtre les écarte ou non), en un
    nombre fixe de requêtes quelle que soit la taille de la liste."""
    return (
        avec_drapeaux(actions, archivees=True)
        .select_related("obligation__bloc__engagement", "obligation__bloc__partie")
        .select_related("pilote", "referent")
        .prefetch_related("quartiers", "partenaires")
    )


def _tri(request, table):
    """Le tri demandé (`?sort=nom` ou `-nom`), réduit aux colonnes triables du tableau : un nom inconnu est ignoré
    plutôt que confié à django-tables2, qui lit « . » comme un chemin d'attribut."""
    triables = {colonne.name for colonne in table.columns if colonne.orderable}
    return [tri for tri in request.GET.getlist(table.prefixed_order_by_field) if tri.removeprefix("-") in triables]


def _lien_export(request, format_):
    parametres = request.GET.copy()
    parametres.pop("page", None)
    parametres["export"] = format_
    return f"?{parametres.urlencode()}"


def _colonnes(request):
    colonnes = colonnes_choisies(request.user, request.habilitation)
    if request.GET.get("quartier") and "quartiers" not in colonnes:
        colonnes.append("quartiers")  # filtrée par quartier, la liste dit lesquels (« tout le territoire » compris)
    return colonnes


def _table(request, colonnes):
    """Le filtre et le tableau de la requête, triés ; les lignes ne sont lues qu'à l'affichage ou à l'export."""
    filtre = FiltreActions(request.GET, queryset=_pour_affichage(actions_lisibles(request)), request=request)
    # Sans tri demandé, l'ordre de travail : ouvertes en retard, ouvertes par échéance, closes en dernier.
    table = TableActions(par_urgence(filtre.qs))
    table.request = request
    table.montrer(colonnes)
    if tri := _tri(request, table):
        table.order_by = tri
    return filtre, table


def _requete(request):
    """La chaîne de requête de la liste, dans un ordre stable : une partie de la clé de ce qu'elle garde."""
    return sorted((cle, valeurs) for cle, valeurs in request.GET.lists())


def _formulaire(request, contexte):
    """Le HTML du formulaire des filtres, gardé dans le cache des pages sur le numéro hors suivi : ses choix sont des
    données de référence (engagements, parties, quartiers, personnes), sauf les organisations, qui sont du protocole
    aussi parce qu'elles pilotent ou accompagnent une action ; leur liste (une requête) est dans la clé. Ses erreurs
    dépendent de la requête, de ces choix et du jour (une date dans le futur)."""
    protocole = request.protocole
    organisations = compilees.lire(
        ("organisations_du_protocole", protocole.pk),
        lambda: organisations_du_protocole(protocole).order_by("pk").values_list("pk", flat=True),
    )
    parametres = {
        "requete": _requete(request),
        "aujourd_hui": aujourd_hui().isoformat(),
        "organisations": organisations,
    }
    return mark_safe(
        cache_pages.memoriser(
            request,
            "actions:formulaire",
            parametres,
            lambda: render_to_string("engagements/_actions_formulaire.html", contexte),
            "numero_hors_suivi",
        )
    )


def _liste(request, colonnes):
    """Ce que la liste montre de la même façon à tous les membres pour cette requête : les filtres, le nombre, les
    exports et le tableau, rendus en HTML (gardés dans le cache des pages), et de quoi écrire le reste de la page."""
    filtre, table = _table(request, colonnes)
    par_page, refus_par_page = _par_page(request)
    table.paginate(per_page=par_page)
    # Une page illisible montre la première, une page au-delà de la dernière montre la dernière.
    table.page = table.paginator.get_page(request.GET.get("page"))
    # La cible du lien d'évitement « Aller aux actions en retard » : la première de la page affichée.
    premiere_en_retard = next((ligne.record for ligne in table.page.object_list if ligne.record.est_en_retard), None)
    filtre_actif = any(request.GET.get(nom) for nom in filtre.filters)
    if not filtre_actif:
        table.empty_text = "Aucune action n'est encore suivie dans ce protocole."
    contexte = {
        "filtre": filtre,
        "table": table,
        "nombre": table.paginator.count,
        "export_csv": _lien_export(request, "csv"),
        "export_xlsx": _lien_export(request, "xlsx"),
        "filtre_actif": filtre_actif,
        "par_page": par_page,
        "tailles_de_page": TAILLES_DE_PAGE,
        "refus_par_page": refus_par_page,
        "request": request,
    }
    contexte["formulaire"] = _formulaire(
        request, {k: contexte[k] for k in ("filtre", "filtre_actif", "par_page", "tailles_de_page", "request")}
    )
    gabarits = ("engagements/_actions_filtres.html", "engagements/_actions_table.html")
    return {
        "html": [render_to_string(gabarit, contexte) for gabarit in gabarits],
        "numero_page": table.page.number,
        "premiere_en_retard": premiere_en_retard.pk if premiere_en_retard else None,
    }


@membre_requis
@require_safe
def actions(request):
    """Les actions du protocole courant, filtrées, triées et paginées ; `?export=csv|xlsx` exporte tout le filtré.

    Les filtres et le tableau sont rendus une fois par (requête, colonnes, jour, version des données) et gardés dans
    le cache des pages ; le bouton de création (selon le rôle) et le choix des colonnes (jeton CSRF) restent rendus à
    chaque requête."""
    colonnes = _colonnes(request)
    exporter = EXPORTS.get(request.GET.get("export"))
    if exporter:
        filtre, table = _table(request, colonnes)
        if not filtre.is_valid():
            # Des filtres refusés ne s'appliquent pas : l'export donnerait plus que demandé. La liste dit pourquoi.
            parametres = request.GET.copy()
            parametres.pop("export")
            return redirect(f"{request.path}?{parametres.urlencode()}")
        # Les exports donnent aussi le verdict de l'obligation, que le tableau ne montre pas (une jointure de moins).
        lignes = avec_dernier_commentaire(table.data.data).select_related("obligation__verdict")
        return exporter(lignes, request.protocole, lambda a: request.build_absolute_uri(reverse("action", args=[a.pk])))
    parametres = {
        "requete": _requete(request),
        "colonnes": colonnes,
        "aujourd_hui": aujourd_hui().isoformat(),
    }
    garde = cache_pages.memoriser(request, "actions", parametres, lambda: _liste(request, colonnes))
    return render(
        request,
        "engagements/actions.html",
        {
            "corps": [mark_safe(html) for html in garde["html"]],
            "numero_page": garde["numero_page"],
            "premiere_en_retard": {"pk": garde["premiere_en_retard"]} if garde["premiere_en_retard"] else None,
            "peut_creer": peut_creer(request.habilitation),
            "colonnes": [(nom, libelle, nom in colonnes) for nom, libelle in OPTIONNELLES.items()],
        },
    )


@membre_requis
@require_POST
def actions_colonnes(request):
    """Garde sur le compte les colonnes de la liste des actions que la personne veut voir (« par défaut » : celles de
    son rôle), puis revient à la liste telle qu'elle était filtrée."""
    utilisateur = request.user
    if "par_defaut" in request.POST:
        utilisateur.colonnes_actions = None
    else:
        utilisateur.colonnes_actions = [nom for nom in OPTIONNELLES if nom in request.POST.getlist("colonnes")]
    utilisateur.save(update_fields=["colonnes_actions"])
    messages.success(request, "Colonnes de la liste enregistrées : elles vous suivront à chaque connexion.")
    suite = request.POST.get("suite", "")
    if not url_has_allowed_host_and_scheme(suite, {request.get_host()}) or not suite.startswith(reverse("actions")):
        suite = reverse("actions")
    return redirect(suite)


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
    toutes = referent + pilotees
    resume = {
        "en_retard": sum(a.est_en_retard for a in toutes),
        "sans_nouvelles": sum(a.est_sans_nouvelles for a in toutes),
    }
    # La cible du lien d'évitement « Aller aux actions en retard » : la première, dans l'ordre de la page.
    premiere_en_retard = next((action for action in toutes if action.est_en_retard), None)
    return render(
        request,
        "engagements/mes_actions.html",
        {"sections": sections, "resume": resume, "premiere_en_retard": premiere_en_retard},
    )
