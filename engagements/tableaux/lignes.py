"""Les lignes d'actions (la liste, les exports, les actions à signaler) et les évolutions d'une période."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, F, OuterRef, Q, Subquery

from engagements.models import Action, Champ, Entree, EntreeQuartier, Obligation, Statut
from engagements.models.regles import HORS_NOUVELLES, aujourd_hui
from engagements.tableaux.regles import _drapeaux, en_retard, sans_nouvelles
from protocole import compilees
from signataires.models import Organisation, Utilisateur


def _lignes(actions, au, commentaires=True):
    """Sur un `etat_au(au)` : ce qu'affiche une ligne d'action, dans la même requête et tel que c'était le jour
    `au` — ses drapeaux, la référence de son obligation, et si `commentaires` son dernier commentaire (et sa date
    d'effet), le commentaire et la date de l'entrée qui a posé son statut (le motif d'un blocage). Le verdict de
    l'obligation et son motif au jour `au` viennent d'`obligations_au`, sous lesquelles le rapport range les lignes."""
    lignes = _drapeaux(actions, au).annotate(
        reference_au=Subquery(Obligation.objects.filter(pk=OuterRef("obligation_au")).values("reference")[:1]),
    )
    if not commentaires:
        return lignes
    statut = Entree.objects.filter(action=OuterRef("pk")).en_vigueur_au(au).filter(champ=Champ.STATUT)
    return avec_dernier_commentaire(lignes, au).annotate(
        motif_statut=Subquery(statut.values("commentaire")[:1]),
        statut_le=Subquery(statut.values("date_effet")[:1]),
    )


def avec_dernier_commentaire(actions, au=None):
    """Annote `commentaire_au` et `commentaire_le` : le dernier commentaire du journal de l'action en vigueur le
    jour `au` (aujourd'hui par défaut) et sa date d'effet — le rapport, les lignes des tableaux et les exports."""
    commente = Entree.objects.filter(action=OuterRef("pk")).en_vigueur_au(au or aujourd_hui()).exclude(commentaire="")
    return actions.annotate(
        commentaire_au=Subquery(commente.values("commentaire")[:1]),
        commentaire_le=Subquery(commente.values("date_effet")[:1]),
    )


def _nommer(actions, au, referents=True, quartiers=False):
    """Complète des lignes de `_lignes` : libellés, jours de retard, pilote tel qu'il était le jour `au` (une
    requête), et, sur demande, le référent·e (une requête) et les quartiers (une requête) d'alors."""
    pilotes = Organisation.objects.in_bulk({a.pilote_au for a in actions if a.pilote_au})
    referents = Utilisateur.objects.in_bulk({a.referent_au for a in actions if a.referent_au}) if referents else {}
    for action in actions:
        action.statut_libelle = Statut(action.statut_au).label if action.statut_au else "—"
        action.jours_de_retard = (au - action.echeance_au).days if action.est_en_retard else 0
        action.pilote_au_jour = pilotes.get(action.pilote_au)
        action.referent_au_jour = referents.get(action.referent_au)
    if quartiers and actions:
        noms = {}
        if au >= aujourd_hui():
            liens = Action.quartiers.through.objects.filter(action__in=[a.pk for a in actions])
            cle = "action_id"
        else:
            liens = EntreeQuartier.objects.filter(entree__in=[a.entree_quartiers_au for a in actions], apres=True)
            cle = "entree_id"
        for lien in liens.select_related("quartier").order_by("quartier__ordre", "quartier__nom"):
            noms.setdefault(getattr(lien, cle), []).append(lien.quartier.nom)
        for action in actions:
            action.quartiers_au_jour = noms.get(action.pk if cle == "action_id" else action.entree_quartiers_au, [])
    return actions


def lignes_actions(perimetre, au):
    """Toutes les actions du périmètre au jour `au`, par échéance, prêtes à imprimer (voir `_lignes` et
    `_nommer`) : trois requêtes."""
    actions = _lignes(perimetre.actions(au), au).order_by(F("echeance_au").asc(nulls_last=True), "pk")
    return _nommer(list(actions), au)


def signalees(lignes):
    """Sur des lignes de `lignes_actions` : (en retard, sans nouvelles, bloquées), dans l'ordre des listes des
    tableaux de bord — les plus anciennes échéances, les plus anciennes nouvelles, les blocages les plus anciens."""
    retard = sorted((a for a in lignes if a.est_en_retard), key=lambda a: (a.echeance_au, a.pk))
    silence = sorted((a for a in lignes if a.est_sans_nouvelles), key=lambda a: (a.nouvelles_au, a.pk))
    bloquees = sorted(
        (a for a in lignes if a.statut_au == Statut.BLOQUE),
        key=lambda a: (a.statut_le or a.echeance_au or a.date_creation, a.pk),
    )
    return retard, silence, bloquees


def actions_a_signaler(perimetre, au, limite=50):
    """Deux listes au jour `au` : les actions en retard (les plus anciennes échéances d'abord) et celles sans
    nouvelles (les plus anciennes nouvelles d'abord), `limite` au plus chacune, avec leur pilote et leurs quartiers
    d'alors : quatre requêtes, aujourd'hui comme un jour passé."""

    def base():
        return _lignes(perimetre.actions(au, structure=False), au, commentaires=False)

    retard = compilees.lire(
        ("en_retard", perimetre.cle, au, limite),
        lambda: base().filter(en_retard(au)).order_by("echeance_au", "pk")[:limite],
    )
    silence = compilees.lire(
        ("sans_nouvelles", perimetre.cle, au, limite),
        lambda: base().filter(sans_nouvelles(au)).order_by("nouvelles_au", "pk")[:limite],
    )
    _nommer(retard + silence, au, referents=False, quartiers=True)
    return retard, silence


@dataclass
class Evolutions:
    depuis: datetime.date
    au: datetime.date
    statuts_changes: int
    realisees: int
    nouvelles: int
    verdicts: int
    entrees: list


def evolutions(perimetre, depuis, au, limite=20):
    """Ce qui a changé entre `depuis` et `au` (dates d'effet incluses), d'après le journal : deux requêtes et une
    pour les quartiers des entrées affichées. Les corrections et les caviardages (`HORS_NOUVELLES`) n'en sont pas."""

    def periode():
        actions = perimetre.actions(au, structure=False).values("pk")
        obligations = perimetre.obligations().values("pk")
        periode = Entree.objects.filter(protocole=perimetre.protocole, date_effet__gte=depuis, date_effet__lte=au)
        return periode.filter(Q(action__in=actions) | Q(champ=Champ.VERDICT, obligation__in=obligations))

    def requete_chiffres():
        changement_de_statut = Q(champ=Champ.STATUT) & ~Q(version=1)
        # Une ligne (ou aucune, sans entrée) : les entrées de la période sont toutes du protocole.
        return (
            periode()
            .order_by()
            .values("protocole")
            .annotate(
                statuts_changes=Count("pk", filter=changement_de_statut),
                realisees=Count("pk", filter=changement_de_statut & Q(statut_apres=Statut.REALISE)),
                nouvelles=Count("pk", filter=Q(champ=Champ.CREATION)),
                verdicts=Count("pk", filter=Q(champ=Champ.VERDICT)),
            )
        )

    def frise():
        # Les entrées d'état initial écrites avec la création se lisent dans la ligne « création ».
        etat_initial = Q(version=1) & ~Q(champ=Champ.CREATION)
        # Les corrections (titre, budget…) et les caviardages ne sont pas des évolutions du suivi : la frise ne les
        # montre pas.
        entrees = periode().exclude(etat_initial).exclude(champ__in=HORS_NOUVELLES)
        return entrees.pour_affichage(corrections=False).recentes()[:limite]

    cle = (perimetre.cle, depuis, au)
    lignes = compilees.lire(("evolutions:chiffres", *cle), requete_chiffres)
    zero = {"statuts_changes": 0, "realisees": 0, "nouvelles": 0, "verdicts": 0}
    chiffres = {nom: lignes[0][nom] for nom in zero} if lignes else zero
    entrees = compilees.lire(("evolutions:frise", *cle, limite), frise)
    return Evolutions(depuis=depuis, au=au, entrees=entrees, **chiffres)
