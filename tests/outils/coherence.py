"""Ce que tout générateur d'historiques doit tenir : chaque action égale à l'état le plus récent de son journal."""

from django.db.models import Max, Q

from engagements.models import Action, Champ, Entree, EntreeQuartier
from engagements.models.journal import ORDRE_RECENT
from engagements.models.regles import CORRECTIONS


def verifier_actions_egales_au_journal(actions):
    """Les champs courants de chaque action de `actions` sont l'état du journal à sa dernière date d'effet (une
    requête par date distincte), ses quartiers ceux de sa dernière entrée de quartiers, sa version celle de sa
    dernière entrée, son `maj_le` le moment de sa dernière entrée qui n'est pas une correction (`CORRECTIONS`)."""
    actions = {a.pk: a for a in actions.prefetch_related("quartiers")}
    resume = Entree.objects.filter(action__in=actions).values("action")
    nouvelles = ~Q(champ__in=CORRECTIONS)
    resume = resume.annotate(
        dernier=Max("date_effet"), version=Max("version"), moment=Max("enregistre_le", filter=nouvelles)
    )
    par_date = {}
    for ligne in resume:
        action = actions[ligne["action"]]
        assert (action.version, action.maj_le) == (ligne["version"], ligne["moment"]), action
        par_date.setdefault(ligne["dernier"], []).append(action.pk)
    assert len(resume) == len(actions)

    vues = 0
    for date, pks in par_date.items():
        reconstruits = {a.pk: a for a in Action.objects.filter(pk__in=pks).etat_au(date)}
        for pk in pks:
            action = actions[pk]
            if pk not in reconstruits:  # archivée ce jour-là (ou avant)
                assert action.archivee
                continue
            etat = reconstruits[pk]
            assert not action.archivee
            assert (etat.statut_au, etat.avancement_au, etat.echeance_au) == (
                action.statut,
                action.avancement,
                action.echeance,
            ), action
            assert (etat.pilote_au, etat.referent_au, etat.obligation_au, etat.territoire_au) == (
                action.pilote_id,
                action.referent_id,
                action.obligation_id,
                action.tout_le_territoire,
            ), action
            vues += 1
    assert vues == len(actions) - sum(a.archivee for a in actions.values())

    dernieres = {}
    for entree in Entree.objects.filter(action__in=actions, champ=Champ.QUARTIERS).order_by(*ORDRE_RECENT):
        dernieres.setdefault(entree.action_id, entree.pk)
    apres = {}
    for entree, quartier in EntreeQuartier.objects.filter(entree__in=dernieres.values(), apres=True).values_list(
        "entree", "quartier"
    ):
        apres.setdefault(entree, set()).add(quartier)
    for pk, action in actions.items():
        assert {q.pk for q in action.quartiers.all()} == apres.get(dernieres[pk], set()), action
        assert not (action.tout_le_territoire and apres.get(dernieres[pk]))
