"""Les tableaux de bord : la vue d'ensemble du protocole, un quartier, une organisation (la vue partenaire).

Tous les chiffres viennent de `engagements.tableaux`, en un nombre fixe de requêtes ; les graphiques de
`engagements.graphiques`, sans requête. `?au=` montre l'état d'un jour passé (reconstruit depuis le journal),
`?depuis=` ouvre la période des évolutions.
"""

from dataclasses import dataclass
from itertools import groupby

from django import forms
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, render
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.views.decorators.http import require_safe

from engagements.acces import organisations_du_protocole
from engagements.forms import DateInput
from engagements.graphiques import cellule, graphique_engagements, graphique_quartiers, grille_affichee
from engagements.models import EntreeQuartier, Obligation, Statut, ValeurVerdict
from engagements.models.actions import aujourd_hui
from engagements.tableaux import (
    Perimetre,
    actions_a_signaler,
    comptes_par_quartier,
    depuis_par_defaut_motive,
    en_retard,
    evolutions,
    grille,
    sans_nouvelles,
    verdicts_par_engagement,
)
from protocole.acces import membre_requis
from protocole.formulaires import Accessible
from protocole.models import Quartier
from signataires.models import Appartenance, Organisation, Representation

LIMITE_SIGNALEES = 50


def _jour(date):
    return date_format(date, "j F Y")


class PeriodeForm(Accessible, forms.Form):
    """Le jour montré (« état au ») et le début de la période des évolutions ; une date refusée est dite en
    français et remplacée par la valeur par défaut, la page s'affiche toujours."""

    au = forms.DateField(
        label="État au",
        required=False,
        widget=DateInput(),
        help_text="Le tableau tel qu'il était ce jour-là, reconstruit depuis le journal. Vide : aujourd'hui.",
        error_messages={
            "invalid": "« État au » n'est pas une date reconnue : le tableau montre l'état d'aujourd'hui.",
        },
    )
    depuis = forms.DateField(
        label="Évolutions depuis",
        required=False,
        widget=DateInput(),
        help_text="Le début de la période des évolutions.",
        error_messages={
            "invalid": "« Évolutions depuis » n'est pas une date reconnue : la période commence à la date par défaut.",
        },
    )

    def clean_au(self):
        au = self.cleaned_data["au"]
        if au and au > aujourd_hui():
            raise ValidationError(
                f"« État au » ne peut pas être dans le futur ({_jour(au)}) : le tableau montre l'état d'aujourd'hui."
            )
        return au

    def clean(self):
        donnees = super().clean()
        depuis, au = donnees.get("depuis"), donnees.get("au") or aujourd_hui()
        if depuis and depuis > au:
            self.add_error(
                "depuis",
                f"« Évolutions depuis » ({_jour(depuis)}) doit précéder « État au » ({_jour(au)}) : "
                "la période commence à la date par défaut.",
            )
        return donnees


@dataclass
class Periode:
    au: object
    depuis: object
    passe: bool
    reunion: object  # ce qui fixe le « depuis » par défaut ; None : six mois avant « au »
    depuis_choisi: bool
    form: PeriodeForm
    requete: str  # « ?au=…&depuis=… » à reporter sur les liens vers les autres tableaux


def _periode(request):
    """Lit `au` et `depuis` dans l'URL ; une requête (la dernière réunion du comité, pour le « depuis » par défaut)."""
    form = PeriodeForm(request.GET)
    form.is_valid()
    valides = getattr(form, "cleaned_data", {})
    au = valides.get("au") or aujourd_hui()
    defaut, reunion = depuis_par_defaut_motive(request.protocole, au)
    depuis = valides.get("depuis") or defaut
    if reunion is not None:
        aide = f"Vide : la date du dernier comité de pilotage, « {reunion.titre} » du {_jour(reunion.date)}."
    else:
        aide = f"Vide : six mois avant « état au » ({_jour(defaut)}), tant qu'aucun comité de pilotage ne s'est réuni."
    # Le champ lié garde l'aide qu'il avait à sa création (par Accessible) : on la remplace sur les deux.
    form.fields["depuis"].help_text = form["depuis"].help_text = f"Le début de la période des évolutions. {aide}"
    # Le formulaire montre les dates réellement appliquées ; ses erreurs, déjà calculées, restent affichées.
    form.data = {"au": au.isoformat(), "depuis": depuis.isoformat()}
    passe = au < aujourd_hui()
    reporter = {}
    if passe:
        reporter["au"] = au.isoformat()
    if valides.get("depuis"):
        reporter["depuis"] = depuis.isoformat()
    return Periode(
        au=au,
        depuis=depuis,
        passe=passe,
        reunion=reunion,
        depuis_choisi=bool(valides.get("depuis")),
        form=form,
        requete=f"?{urlencode(reporter)}" if reporter else "",
    )


def _get_quartier(request, slug):
    return get_object_or_404(Quartier.objects.filter(protocole=request.protocole), slug=slug)


def _get_organisation(request, slug):
    return get_object_or_404(organisations_du_protocole(request.protocole), slug=slug)


def _au_jour(signalees, perimetre, au):
    """Pose sur chaque action signalée ce qu'affichent les listes tel que c'était le jour `au` : statut, pilote,
    obligation, quartiers. Aujourd'hui, tout est déjà chargé ; pour un jour passé, trois requêtes quelle que soit
    la liste (les pilotes, obligations et quartiers d'alors de toutes les actions signalées)."""
    for action in signalees:
        action.statut_libelle = Statut(action.statut_au).label if action.statut_au else "—"
    if au >= aujourd_hui():
        for action in signalees:
            action.pilote_au_jour = action.pilote
            action.obligation_au_jour = action.obligation
            action.quartiers_au_jour = [q.nom for q in action.quartiers.all()]
        return
    concernees = perimetre.actions(au).filter(en_retard(au) | sans_nouvelles(au))
    pilotes = Organisation.objects.filter(pk__in=concernees.values("pilote_au")).in_bulk()
    obligations = Obligation.objects.filter(pk__in=concernees.values("obligation_au")).in_bulk()
    quartiers = EntreeQuartier.objects.filter(entree__in=concernees.values("entree_quartiers_au"), apres=True)
    noms = {}
    for lien in quartiers.select_related("quartier").order_by("quartier__ordre", "quartier__nom"):
        noms.setdefault(lien.entree_id, []).append(lien.quartier.nom)
    for action in signalees:
        action.pilote_au_jour = pilotes.get(action.pilote_au)
        action.obligation_au_jour = obligations.get(action.obligation_au)
        action.quartiers_au_jour = noms.get(action.entree_quartiers_au, [])


def _journal_groupe(entrees):
    """Les entrées des évolutions regroupées par enregistrement (une action ou une obligation, un même instant)."""

    def enregistrement(entree):
        sujet = entree.action_id or f"obligation-{entree.obligation_id}"
        return (sujet, entree.version, entree.enregistre_le)

    return [sorted(groupe, key=lambda e: e.pk) for _cle, groupe in groupby(entrees, key=enregistrement)]


def _engagements(affichee, verdicts):
    """Le bloc de chaque engagement : ses chiffres (la ligne de la grille) et les verdicts de ses obligations."""
    blocs = []
    for ligne in affichee.lignes:
        par_verdict = verdicts.get(ligne.engagement.numero, {})
        blocs.append(
            {
                "engagement": ligne.engagement,
                "cellule": ligne.total,
                "compte": ligne.total.compte,
                "verdicts": [(v.value, v.label, par_verdict.get(v.value, 0)) for v in ValeurVerdict],
                "obligations": sum(par_verdict.values()),
            }
        )
    return blocs


def _tableau(perimetre, periode, identifiant):
    """Ce que montrent les trois tableaux de bord, en un nombre fixe de requêtes."""
    au = periode.au
    resultat = grille(perimetre, au)
    affichee = grille_affichee(resultat)
    verdicts = verdicts_par_engagement(perimetre, au)
    retard, silence = actions_a_signaler(perimetre, au, limite=LIMITE_SIGNALEES)
    _au_jour(retard + silence, perimetre, au)
    changements = evolutions(perimetre, periode.depuis, au)
    return {
        "perimetre": perimetre,
        "periode": periode,
        "grille": affichee,
        "engagements_menu": [ligne.engagement for ligne in affichee.lignes],
        "engagements_blocs": _engagements(affichee, verdicts),
        "graphique_engagements": graphique_engagements(
            resultat, f"graphique-{identifiant}", f"Actions par statut et par engagement — {perimetre.libelle}"
        ),
        "en_retard": retard,
        "sans_nouvelles": silence,
        "limite_signalees": LIMITE_SIGNALEES,
        "evolutions": changements,
        "journal": _journal_groupe(changements.entrees),
    }


def _membres_des_parties(protocole):
    """Les organisations de chaque partie, pour rejoindre leur vue partenaire : une requête."""
    appartenances = (
        Appartenance.objects.filter(partie__protocole=protocole)
        .select_related("partie", "organisation")
        .order_by("partie__ordre", "organisation__nom")
    )
    return [(partie, list(membres)) for partie, membres in groupby(appartenances, key=lambda a: a.partie)]


@membre_requis
@require_safe
def vue_ensemble(request):
    """Le protocole sur tout le territoire (chaque action comptée une fois), et les quartiers côte à côte."""
    protocole = request.protocole
    periode = _periode(request)
    perimetre = Perimetre(protocole)
    contexte = _tableau(perimetre, periode, "ensemble")
    quartiers = comptes_par_quartier(perimetre, periode.au)
    membres = _membres_des_parties(protocole)
    mon_organisation = request.habilitation.organisation
    contexte |= {
        "quartiers": [(q, cellule(c)) for q, c in quartiers],
        "graphique_quartiers": graphique_quartiers(
            quartiers, "graphique-quartiers", "Actions par statut et par quartier"
        ),
        "membres": membres,
        "mon_organisation": mon_organisation
        if any(a.organisation_id == mon_organisation.pk for _p, liste in membres for a in liste)
        else None,
    }
    return render(request, "tableaux/vue_ensemble.html", contexte)


@membre_requis
@require_safe
def quartier(request, slug):
    """Un quartier : ses actions et celles de « tout le territoire », qui comptent dans chaque quartier."""
    courant = _get_quartier(request, slug)
    periode = _periode(request)
    contexte = _tableau(Perimetre(request.protocole, quartier=courant), periode, "quartier")
    contexte |= {"quartier": courant, "membres": _membres_des_parties(request.protocole)}
    return render(request, "tableaux/quartier.html", contexte)


@membre_requis
@require_safe
def organisation(request, slug):
    """La vue partenaire : ce à quoi une organisation s'est engagée, engagement par engagement, et où elle en est."""
    courante = _get_organisation(request, slug)
    protocole = request.protocole
    periode = _periode(request)
    perimetre = Perimetre(protocole, organisation=courante)
    contexte = _tableau(perimetre, periode, "organisation")
    appartenances = (
        Appartenance.objects.filter(organisation=courante, partie__protocole=protocole)
        .select_related("partie")
        .order_by("partie__ordre")
    )
    signatures = (
        Representation.objects.filter(organisation=courante, signature__protocole=protocole)
        .select_related("signature__signataire")
        .order_by("signature__ordre")
    )
    obligations = (
        perimetre.obligations()
        .verdicts_au(periode.au)
        .select_related("bloc__engagement", "bloc__partie")
        .order_by("bloc__engagement__numero", "bloc__ordre", "rang")
    )
    par_engagement = {
        numero: list(liste) for numero, liste in groupby(obligations, key=lambda o: o.bloc.engagement.numero)
    }
    for bloc in contexte["engagements_blocs"]:
        bloc["liste_obligations"] = par_engagement.get(bloc["engagement"].numero, [])
    libelles = dict(ValeurVerdict.choices)
    for liste in par_engagement.values():
        for obligation in liste:
            obligation.verdict_libelle = libelles[obligation.verdict_au]
    contexte |= {
        "organisation": courante,
        "appartenances": list(appartenances),
        "signatures": list(signatures),
        "nombre_obligations": sum(len(liste) for liste in par_engagement.values()),
    }
    return render(request, "tableaux/organisation.html", contexte)
