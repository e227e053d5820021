"""Les tableaux de bord : la vue d'ensemble du protocole, un quartier, une organisation (la vue partenaire).

Tous les chiffres viennent de `engagements.tableaux`, en un nombre fixe de requêtes ; les graphiques de
`engagements.graphiques`, sans requête. `?au=` montre l'état d'un jour passé (reconstruit depuis le journal),
`?depuis=` ouvre la période des évolutions.

Le corps d'un tableau de bord (chiffres, grille, graphiques, listes, évolutions) est le même pour tous les membres du
protocole : il est rendu une fois par (protocole, périmètre, dates, version des données) et gardé dans le cache des
pages (`protocole.cache_pages`). L'en-tête, le formulaire des dates et les liens propres à la personne sont rendus à
chaque requête.
"""

from dataclasses import dataclass, replace
from itertools import groupby

from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from engagements.acces import organisations_du_protocole_hors_suivi
from engagements.graphiques import cellule, graphique_engagements, graphique_quartiers, grille_affichee
from engagements.models import Engagement, ValeurVerdict
from engagements.models.regles import aujourd_hui
from engagements.periode import PeriodeForm, depuis_par_defaut_motive, jour, lire_perimetre, parametres_rapport
from engagements.tableaux import (
    Perimetre,
    actions_a_signaler,
    comptes_par_quartier,
    evolutions,
    grille,
    obligations_au,
    verdicts_par_engagement,
)
from engagements.tableaux.indicateurs import par_etiquette, situations_du_perimetre
from protocole import cache_pages
from protocole.acces import membre_requis
from signataires.models import Appartenance, Representation

# Les listes « à signaler » montrent leurs premières lignes ; la liste des actions, filtrée, les donne toutes.
LIMITE_SIGNALEES = 10
LIMITE_INDICATEURS = 20


def _indicateurs(request, perimetre, periode, lien, portee):
    """Le HTML des indicateurs d'un tableau de bord : leurs situations au jour `au`
    (`engagements.tableaux.indicateurs`), les premières lignes affichées, le reste dans la liste filtrée. Rien du
    suivi n'y entre : il est gardé sur le numéro hors suivi (`protocole.cache_pages`), une nouvelle au journal ne le
    fait pas recalculer."""

    def rendre():
        liste = situations_du_perimetre(perimetre, periode.au)
        contexte = {
            "periode": periode,
            "indicateurs": liste,
            "indicateurs_affiches": liste[:LIMITE_INDICATEURS],
            "comptes_indicateurs": par_etiquette(liste),
            "lien_indicateurs": lien,
            "portee_indicateurs": portee,
        }
        return render_to_string("tableaux/_indicateurs.html", contexte)

    parametres = {
        "perimetre": perimetre.parametres,
        "au": periode.au.isoformat(),
        "aujourd_hui": aujourd_hui().isoformat(),
    }
    return {
        "indicateurs_html": mark_safe(
            cache_pages.memoriser(request, "indicateurs", parametres, rendre, "numero_hors_suivi")
        )
    }


def _periode(request):
    """Lit `au` et `depuis` dans l'URL par le lecteur commun (`engagements.periode`) ; une date refusée est dite en
    français et remplacée par sa valeur par défaut : la page s'affiche toujours. Une requête (le dernier comité)."""
    form = PeriodeForm(request.protocole, request.GET)
    form.is_valid()

    def motiver(protocole, au):
        # Le comité et le début du contrat de ville ne sont pas du suivi : gardé sur le numéro hors suivi.
        return cache_pages.memoriser(
            request,
            "depuis_par_defaut",
            {"au": au.isoformat()},
            lambda: depuis_par_defaut_motive(protocole, au),
            "numero_hors_suivi",
        )

    periode = form.periode(motiver)
    if (reunion := periode.reunion) is not None:
        aide = f"Vide : la date du dernier comité de pilotage, « {reunion.titre} » du {jour(reunion.date)}."
    else:
        aide = (
            f"Vide : six mois avant « état au » ({jour(periode.depuis_defaut)}), tant qu'aucun comité de pilotage "
            "ne s'est réuni."
        )
    # Le champ lié garde l'aide qu'il avait à sa création (par Accessible) : on la remplace sur les deux.
    form.fields["depuis"].help_text = form["depuis"].help_text = f"Le début de la période des évolutions. {aide}"
    # Le formulaire montre les dates réellement appliquées ; ses erreurs, déjà calculées, restent affichées.
    form.data = {"au": periode.au.isoformat(), "depuis": periode.depuis.isoformat()}
    periode.form = form
    return periode


def _perimetre(request, sorte, valeur):
    """`lire_perimetre` (le lecteur commun) pour un tableau de bord, l'objet trouvé gardé dans le cache des pages :
    un quartier sur le numéro hors suivi ; une organisation aussi quand elle est du protocole par un lien que le suivi
    n'écrit pas (une partie, une signature, un indicateur : `organisations_du_protocole_hors_suivi`), sinon sur le
    numéro entier, car elle en est aussi parce qu'elle pilote ou accompagne une de ses actions. Inconnu : la même
    404, rien de gardé."""

    def trouver():
        perimetre = lire_perimetre(request.protocole, sorte, valeur)
        return perimetre.quartier if sorte == "quartier" else perimetre.organisation

    if sorte == "quartier":
        objet = cache_pages.memoriser(request, "perimetre:quartier", {"valeur": valeur}, trouver, "numero_hors_suivi")
        # Le quartier gardé porte le protocole de la requête qui l'a lu (et ses compteurs d'alors) : celui-ci le
        # remplace.
        objet.protocole = request.protocole
        return Perimetre(request.protocole, quartier=objet)
    # False (gardé) : pas par un lien hors suivi ; la définition entière, sur le numéro entier, tranche.
    objet = cache_pages.memoriser(
        request,
        "perimetre:organisation-hors-suivi",
        {"valeur": valeur},
        lambda: organisations_du_protocole_hors_suivi(request.protocole).filter(slug=valeur).first() or False,
        "numero_hors_suivi",
    ) or cache_pages.memoriser(request, "perimetre:organisation", {"valeur": valeur}, trouver)
    return Perimetre(request.protocole, organisation=objet)


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


def _liens_liste(perimetre, periode):
    """Les adresses de la liste des actions filtrée sur les actions en retard, puis sans nouvelles, du périmètre :
    les listes du tableau de bord n'en montrent que les premières. None pour un jour passé (la liste est celle
    d'aujourd'hui)."""
    if periode.passe:
        return None, None
    filtres = {}
    if perimetre.quartier is not None:
        filtres["quartier"] = perimetre.quartier.pk
    if perimetre.organisation is not None:
        filtres["organisation"] = perimetre.organisation.pk
    liste = reverse("actions")
    return (
        f"{liste}?{urlencode({**filtres, 'en_retard': 'on'})}",
        f"{liste}?{urlencode({**filtres, 'sans_nouvelles': 'on'})}",
    )


def _tableau(perimetre, periode, identifiant):
    """Ce que montrent les trois tableaux de bord, en un nombre fixe de requêtes."""
    au = periode.au
    resultat = grille(perimetre, au)
    affichee = grille_affichee(resultat)
    verdicts = verdicts_par_engagement(perimetre, au)
    retard, silence = actions_a_signaler(perimetre, au, limite=LIMITE_SIGNALEES)
    changements = evolutions(perimetre, periode.depuis, au)
    lien_retard, lien_sans_nouvelles = _liens_liste(perimetre, periode)
    return {
        "perimetre": perimetre,
        # Sans le formulaire de la requête (que le corps ne montre pas) : les morceaux du corps sont gardés sous
        # l'empreinte de leurs données (protocole.fragments), qu'un formulaire n'a pas.
        "periode": replace(periode, form=None),
        "parametres_rapport": parametres_rapport(perimetre, periode),
        "lien_retard": lien_retard,
        "lien_sans_nouvelles": lien_sans_nouvelles,
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


@dataclass
class Corps:
    """Ce que le cache des pages garde d'un tableau de bord : le HTML de son corps (un morceau par gabarit), les
    organisations qui ont une vue partenaire et le menu des engagements de l'en-tête (déjà lus par le calcul : la
    page ne les relit pas)."""

    html: list
    membres: list
    menu: list

    @property
    def morceaux(self):
        return [mark_safe(html) for html in self.html]

    @property
    def engagements_menu(self):
        return [Engagement(numero=numero, titre=titre) for numero, titre in self.menu]


def _corps(request, nom, perimetre, periode, calculer, gabarits=None):
    """Le `Corps` d'un tableau de bord, rendu par `tableaux/_corps_<nom>.html` (ou par chacun des `gabarits`) avec le
    contexte que donne `calculer()` : une fois par (protocole, périmètre, dates, version des données), puis lu dans
    le cache des pages. Le contexte ne tient rien de propre à la personne."""
    ce_jour = aujourd_hui()  # lu une fois : la clé et le choix du compteur parlent du même jour
    parametres = {
        "perimetre": perimetre.parametres,
        "au": periode.au.isoformat(),
        "depuis": periode.depuis.isoformat(),
        "depuis_choisi": periode.depuis_choisi,
        "aujourd_hui": ce_jour.isoformat(),
    }

    def rendre():
        contexte = calculer()
        return Corps(
            html=[render_to_string(gabarit, contexte) for gabarit in gabarits or [f"tableaux/_corps_{nom}.html"]],
            membres=[a.organisation_id for _partie, liste in contexte.get("membres", []) for a in liste],
            menu=[(e.numero, e.titre) for e in contexte["engagements_menu"]],
        )

    # Un jour passé ne change pas avec une entrée du journal en effet aujourd'hui (VersionDonnees.numero_passe).
    compteur = "numero_passe" if periode.passe_le(ce_jour) else "numero"
    return cache_pages.memoriser(request, f"tableau:{nom}", parametres, rendre, compteur)


def _membres_des_parties(request):
    """Les organisations de chaque partie, pour rejoindre leur vue partenaire : une requête, gardée sur le numéro hors
    suivi (des données de référence, qu'une écriture du suivi ne change pas)."""

    def lire():
        appartenances = (
            Appartenance.objects.filter(partie__protocole=request.protocole)
            .select_related("partie", "organisation")
            .order_by("partie__ordre", "organisation__nom")
        )
        return [(partie, list(membres)) for partie, membres in groupby(appartenances, key=lambda a: a.partie)]

    return cache_pages.memoriser(request, "membres_des_parties", {}, lire, "numero_hors_suivi")


@membre_requis
@require_safe
def vue_ensemble(request):
    """Le protocole sur tout le territoire (chaque action comptée une fois), et les quartiers côte à côte."""
    protocole = request.protocole
    periode = _periode(request)
    perimetre = Perimetre(protocole)

    def calculer():
        contexte = _tableau(perimetre, periode, "ensemble")
        quartiers = comptes_par_quartier(perimetre, periode.au)
        return contexte | {
            "quartiers": [(q, cellule(c)) for q, c in quartiers],
            "graphique_quartiers": graphique_quartiers(
                quartiers, "graphique-quartiers", "Actions par statut et par quartier"
            ),
            "membres": _membres_des_parties(request),
        }

    corps = _corps(request, "ensemble", perimetre, periode, calculer)
    # Le lien vers la vue de sa propre organisation, propre à la personne : hors du corps gardé.
    mon_organisation = request.habilitation.organisation
    contexte = {
        "periode": periode,
        "corps": corps.morceaux[0],
        "mon_organisation": mon_organisation if mon_organisation.pk in corps.membres else None,
        "engagements_menu": corps.engagements_menu,
    }
    return render(request, "tableaux/vue_ensemble.html", contexte)


@membre_requis
@require_safe
def quartier(request, slug):
    """Un quartier : ses actions et celles de « tout le territoire », qui comptent dans chaque quartier."""
    perimetre = _perimetre(request, "quartier", slug)
    periode = _periode(request)

    courant = perimetre.quartier

    def calculer():
        contexte = _tableau(perimetre, periode, "quartier")
        contexte |= {"quartier": courant, "membres": _membres_des_parties(request)}
        return contexte | _indicateurs(
            request,
            perimetre,
            periode,
            f"{reverse('indicateurs')}?quartier={courant.pk}",
            f"Les indicateurs mesurés dans le quartier {courant.nom} et pour tout le territoire",
        )

    corps = _corps(request, "quartier", perimetre, periode, calculer)
    contexte = {
        "periode": periode,
        "quartier": courant,
        "corps": corps.morceaux[0],
        "engagements_menu": corps.engagements_menu,
    }
    return render(request, "tableaux/quartier.html", contexte)


def _parties_et_signatures(request, organisation):
    """Les parties d'une organisation et les signatures qui la représentent (deux requêtes), gardées sur le numéro
    hors suivi."""

    def lire():
        appartenances = (
            Appartenance.objects.filter(organisation=organisation, partie__protocole=request.protocole)
            .select_related("partie")
            .order_by("partie__ordre")
        )
        signatures = (
            Representation.objects.filter(organisation=organisation, signature__protocole=request.protocole)
            .select_related("signature__signataire")
            .order_by("signature__ordre")
        )
        return list(appartenances), list(signatures)

    parametres = {"organisation": organisation.pk}
    return cache_pages.memoriser(request, "parties_et_signatures", parametres, lire, "numero_hors_suivi")


@membre_requis
@require_safe
def organisation(request, slug):
    """La vue partenaire : ce à quoi une organisation s'est engagée, engagement par engagement, et où elle en est."""
    perimetre = _perimetre(request, "organisation", slug)
    courante = perimetre.organisation
    periode = _periode(request)

    def calculer():
        contexte = _tableau(perimetre, periode, "organisation")
        appartenances, signatures = _parties_et_signatures(request, courante)
        obligations = obligations_au(perimetre, periode.au)
        par_engagement = {
            numero: list(liste) for numero, liste in groupby(obligations, key=lambda o: o.bloc.engagement.numero)
        }
        for bloc in contexte["engagements_blocs"]:
            bloc["liste_obligations"] = par_engagement.get(bloc["engagement"].numero, [])
        contexte |= {
            "organisation": courante,
            "appartenances": appartenances,
            "signatures": signatures,
            "nombre_obligations": sum(len(liste) for liste in par_engagement.values()),
        }
        return contexte | _indicateurs(
            request,
            perimetre,
            periode,
            f"{reverse('indicateurs')}?organisation={courante.slug}",
            f"Les indicateurs des obligations de ses parties et ceux que fournit {courante.nom}",
        )

    gabarits = ["tableaux/_corps_organisation_parties.html", "tableaux/_corps_organisation.html"]
    corps = _corps(request, "organisation", perimetre, periode, calculer, gabarits)
    parties, suite = corps.morceaux
    contexte = {
        "periode": periode,
        "organisation": courante,
        "parties": parties,
        "corps": suite,
        "engagements_menu": corps.engagements_menu,
    }
    return render(request, "tableaux/organisation.html", contexte)
