"""Écrire des histoires datées par les méthodes de l'application : `Action.creer`, `Action.enregistrer` et
`Verdict.donner`, antidatées par `date_effet` et `maintenant`. Le journal est celui qu'écrirait l'interface.

Le banc d'essai écrit les mêmes histoires par lots (`outils.bench.suivi.Ecrivain`) ; un test compare ses lignes avec
celles qu'écrit cette fonction (tests/outils/test_historiques.py)."""

from engagements.models import Action, Obligation, Verdict
from protocole.models import Protocole
from signataires.models import Utilisateur


def ecrire(ctx, histoires, verdicts=()):
    """Écrit les `histoires` (placées) et les `verdicts` (placés) du protocole de `ctx` ; renvoie les actions."""
    protocole = Protocole.objects.get(pk=ctx.protocole)
    auteurs = {h.auteur for h in histoires} | {e.auteur for h in histoires for e in h.evenements}
    utilisateurs = Utilisateur.objects.in_bulk(auteurs | {ctx.coordinateur})
    actions = [ecrire_action(h, protocole, utilisateurs, ctx.commentaire_creation) for h in histoires]
    obligations = Obligation.objects.select_related("protocole").in_bulk([c.pk for c, _suite in verdicts])
    for cible, suite in verdicts:
        for valeur, jour, moment, motif in suite:
            Verdict.donner(
                obligations[cible.pk],
                auteur=utilisateurs[ctx.coordinateur],
                valeur=valeur,
                date_effet=jour,
                motif=motif,
                maintenant=moment,
            )
    return actions


def ecrire_action(histoire, protocole, utilisateurs, commentaire_creation):
    action = Action.creer(
        auteur=utilisateurs[histoire.auteur],
        date_effet=histoire.creation,
        maintenant=histoire.moment,
        commentaire=commentaire_creation,
        quartiers=[lieu.pk for lieu in histoire.quartiers],
        partenaires=histoire.partenaires,
        protocole=protocole,
        obligation_id=histoire.obligation.pk,
        titre=histoire.titre,
        description=histoire.description,
        pilote_id=histoire.pilote,
        referent_id=histoire.referent,
        tout_le_territoire=histoire.territoire,
        date_debut=histoire.debut,
        echeance=histoire.echeance,
        budget=histoire.budget,
        avancement=histoire.avancement,
        statut=histoire.statut,
    )
    for evenement in histoire.evenements:
        action.enregistrer(
            auteur=utilisateurs[evenement.auteur],
            date_effet=evenement.jour,
            maintenant=evenement.moment,
            commentaire=evenement.commentaire,
            **evenement.changements,
        )
    return action
