"""Ce que chacun peut lire et modifier des actions et des obligations. Toute vue passe par ces aides."""

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404

from engagements.models import Action, Entree, Indicateur, Obligation
from engagements.tableaux import avec_drapeaux
from signataires.models import Appartenance, Organisation, Representation


def obligations_du_protocole(request):
    """Les obligations du protocole courant : celles que lisent les pages du texte et du verdict."""
    return Obligation.objects.filter(protocole=request.protocole)


def get_obligation(request, pk):
    return get_object_or_404(
        obligations_du_protocole(request).select_related("bloc__engagement", "bloc__partie"), pk=pk
    )


def actions_lisibles(request):
    """Toutes les actions du protocole courant : chaque rôle lit tout son protocole, rien d'un autre."""
    return Action.objects.filter(protocole=request.protocole)


def peut_modifier(habilitation, action):
    """La coordination modifie toute action du protocole ; un chargé de mission, celles que pilote son organisation.
    Une action archivée ne se modifie plus (voir `peut_desarchiver`)."""
    return not action.archivee and _a_la_main(habilitation, action)


def _a_la_main(habilitation, action):
    if habilitation is None:
        return False
    if habilitation.coordonne:
        return True
    return habilitation.role == habilitation.Role.CHARGE_DE_MISSION and action.pilote_id == habilitation.organisation_id


def peut_desarchiver(habilitation):
    """Désarchiver une action est un acte de la coordination (coordinateurs et administrateurs), journalisé."""
    return habilitation is not None and habilitation.coordonne


REFUS_ARCHIVEE = (
    "Cette action est archivée : elle se lit, avec tout son journal, mais ne se modifie plus. "
    "La coordination peut la désarchiver."
)


def peut_creer(habilitation):
    """La coordination et les chargés de mission créent des actions ; les lecteurs lisent."""
    return habilitation is not None and (
        habilitation.coordonne or habilitation.role == habilitation.Role.CHARGE_DE_MISSION
    )


def peut_donner_verdict(habilitation):
    """Le verdict d'une obligation est donné par la coordination (coordinateurs et administrateurs)."""
    return habilitation is not None and habilitation.coordonne


REFUS_PILOTE = "Un·e chargé·e de mission ne confie le pilotage qu'à sa propre organisation."


def pilotes_possibles(habilitation):
    """Les organisations auxquelles ce rôle peut confier le pilotage d'une action : toutes pour la coordination, la
    sienne pour un chargé de mission (qui garde ainsi la main sur ce qu'il crée ou modifie)."""
    if habilitation.coordonne:
        return Organisation.objects.all()
    return Organisation.objects.filter(pk=habilitation.organisation_id)


def pilote_par_defaut(habilitation):
    """L'organisation proposée comme pilote d'une nouvelle action : la sienne pour un chargé de mission, aucune
    pour la coordination (qui choisit)."""
    return None if habilitation.coordonne else habilitation.organisation_id


def obligations_ouvertes(habilitation):
    """Les obligations sous lesquelles ce rôle peut créer une action : toutes pour la coordination ; pour un chargé
    de mission, celles des parties dont son organisation est membre."""
    qs = Obligation.objects.filter(protocole=habilitation.protocole_id)
    if habilitation.coordonne:
        return qs
    return qs.filter(bloc__partie__appartenances__organisation=habilitation.organisation_id)


def get_action(request, pk):
    """L'action du protocole courant, avec ce que sa page affiche (drapeaux, obligation, pilote, quartiers…)."""
    qs = (
        avec_drapeaux(actions_lisibles(request), archivees=True)
        .select_related("obligation__bloc__engagement", "obligation__bloc__partie", "pilote", "referent")
        .prefetch_related("partenaires", "quartiers")
    )
    return get_object_or_404(qs, pk=pk)


def get_action_modifiable(request, pk):
    action = get_action(request, pk)
    if not _a_la_main(request.habilitation, action):
        raise PermissionDenied("Seuls l'organisation pilote et la coordination modifient cette action.")
    if action.archivee:
        raise PermissionDenied(REFUS_ARCHIVEE)
    return action


def _par_le_texte_et_la_coordination(protocole):
    """Les liens d'une organisation au protocole que le suivi n'écrit pas : membre d'une partie, représentée par une
    signature, fournisseur d'un indicateur."""
    return (
        Exists(Appartenance.objects.filter(organisation=OuterRef("pk"), partie__protocole=protocole))
        | Exists(Representation.objects.filter(organisation=OuterRef("pk"), signature__protocole=protocole))
        | Exists(Indicateur.objects.filter(protocole=protocole, fournisseur=OuterRef("pk")))
    )


def organisations_du_protocole(protocole):
    """Les organisations qui ont affaire au protocole : membres d'une de ses parties, pilotes (aujourd'hui ou d'après
    le journal) ou partenaires d'une de ses actions, représentées par une de ses signatures, fournisseurs d'un de ses
    indicateurs. Vue partenaire et
    rapports partagent cette définition : un lien de l'une vers l'autre ne répond jamais 404."""
    return Organisation.objects.filter(
        _par_le_texte_et_la_coordination(protocole)
        | Exists(Action.objects.filter(protocole=protocole, pilote=OuterRef("pk")))
        | Exists(Action.partenaires.through.objects.filter(organisation=OuterRef("pk"), action__protocole=protocole))
        | Exists(Entree.objects.filter(protocole=protocole, pilote_apres=OuterRef("pk")))
    )


def organisations_du_protocole_hors_suivi(protocole):
    """Celles des `organisations_du_protocole` qui le sont par un lien que le suivi (journal, actions, verdicts)
    n'écrit pas : une écriture du suivi ne les fait ni entrer ni sortir (le cache des pages les garde sur le numéro
    hors suivi, `engagements/views/tableaux.py::_perimetre`)."""
    return Organisation.objects.filter(_par_le_texte_et_la_coordination(protocole))


def peut_caviarder(habilitation):
    """Caviarder un commentaire du journal (`manage.py caviarder_commentaire`) : un administrateur du protocole
    seulement, la seule écriture en place que le journal admette."""
    return habilitation is not None and habilitation.role == habilitation.Role.ADMINISTRATEUR


# -- les indicateurs --------------------------------------------------------------------------------------------------


def peut_definir_indicateurs(habilitation):
    """Définir un indicateur (et ses valeurs de départ et cibles) est un acte de la coordination."""
    return habilitation is not None and habilitation.coordonne


def peut_saisir_valeurs(habilitation, indicateur):
    """La coordination saisit toute valeur ; un chargé de mission, celles des indicateurs que fournit son
    organisation. Les lecteurs lisent."""
    if habilitation is None or indicateur.protocole_id != habilitation.protocole_id:
        return False
    if habilitation.coordonne:
        return True
    return (
        habilitation.role == habilitation.Role.CHARGE_DE_MISSION
        and indicateur.fournisseur_id == habilitation.organisation_id
    )


def peut_importer_valeurs(habilitation):
    """Qui saisit des valeurs en importe : la coordination et les chargés de mission (chaque ligne est ensuite
    vérifiée par `peut_saisir_valeurs`)."""
    return peut_creer(habilitation)


REFUS_VALEURS = "Seules l'organisation qui fournit cet indicateur et la coordination en saisissent les valeurs."


def indicateurs_lisibles(request):
    """Les indicateurs du protocole courant : tout membre les lit, rien d'un autre protocole."""
    return Indicateur.objects.filter(protocole=request.protocole)


def indicateurs_saisissables(habilitation):
    """Les indicateurs dont ce rôle saisit les valeurs (les modèles de fichier d'import les listent)."""
    qs = Indicateur.objects.filter(protocole=habilitation.protocole_id)
    if habilitation.coordonne:
        return qs
    if habilitation.role != habilitation.Role.CHARGE_DE_MISSION:
        return qs.none()
    return qs.filter(fournisseur=habilitation.organisation_id)


def get_indicateur(request, pk):
    """L'indicateur du protocole courant : un identifiant deviné ne traverse jamais les protocoles."""
    return get_object_or_404(
        indicateurs_lisibles(request).select_related(
            "obligation__bloc__engagement", "obligation__bloc__partie", "fournisseur"
        ),
        pk=pk,
    )
