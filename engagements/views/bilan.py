"""Le bilan à l'échéance : ce à quoi chaque partie s'est engagée, et ce qu'elle en a tenu (`/bilan/`), et son export.

Tous les chiffres viennent de `engagements.tableaux.bilan` ; cette vue les range pour la page et l'export."""

from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from engagements.exports import nom_de_fichier, tableau_csv, tableau_xlsx
from engagements.graphiques import graphique_verdicts_par_partie
from engagements.models import ValeurVerdict
from engagements.periode import lire_au_du_bilan
from engagements.tableaux.bilan import bilan as calculer
from protocole.acces import membre_requis

COLONNES = [
    "Référence",
    "Engagement",
    "Partie",
    "Obligation",
    "Verdict",
    "Motif",
    "Actions réalisées",
    "Actions",
    "Indicateurs à la cible",
    "Indicateurs (par quartier)",
    "Laissée ouverte",
    "Lien",
]


def _lignes(resultat, lien):
    for ligne in resultat.obligations:
        obligation = ligne.obligation
        yield [
            obligation.reference,
            f"N°{obligation.bloc.engagement.numero}",
            obligation.bloc.partie.nom_court,
            obligation.texte,
            ligne.verdict_libelle,
            ligne.motif,
            ligne.realisees,
            len(ligne.actions),
            ligne.a_la_cible,
            len(ligne.indicateurs),
            ligne.ouverte,
            lien(obligation),
        ]


def _tableau(comptes):
    """[(code, libellé, nombre)] dans l'ordre des verdicts, « non évalué » en dernier (compté à part)."""
    ordre = [ValeurVerdict.TENU, ValeurVerdict.PARTIEL, ValeurVerdict.NON_TENU, ValeurVerdict.NON_EVALUE]
    return [(v.value, v.label, comptes.get(v.value, 0)) for v in ordre]


@membre_requis
@require_safe
def bilan(request):
    """Le bilan du protocole à son échéance, ou à une date antérieure (`?au=`) ; `?export=csv|xlsx`."""
    protocole = request.protocole
    refus = None
    try:
        au = lire_au_du_bilan(protocole, request.GET.get("au"))
    except ValidationError as erreur:
        refus, au = " ".join(erreur.messages), protocole.echeance
    resultat = calculer(protocole, au)
    format_ = request.GET.get("export")
    if format_ in ("csv", "xlsx") and refus is None:
        lien = lambda o: request.build_absolute_uri(reverse("obligation", args=[o.pk]))  # noqa: E731
        nom = nom_de_fichier(protocole, format_, f"bilan-au-{au.isoformat()}")
        lignes = _lignes(resultat, lien)
        if format_ == "csv":
            return tableau_csv(COLONNES, lignes, nom)
        return tableau_xlsx(COLONNES, lignes, nom, "Bilan", {"Obligation": 60, "Motif": 50}, "Lien")
    realisees, actions = resultat.actions
    a_la_cible, indicateurs = resultat.indicateurs
    parametres = f"?au={au.isoformat()}" if au != protocole.echeance else ""
    return render(
        request,
        "engagements/bilan.html",
        {
            "bilan": resultat,
            "refus": refus,
            "au_saisi": request.GET.get("au", "") if refus else (au.isoformat() if parametres else ""),
            "par_partie": [
                (partie, _tableau(comptes), sum(comptes.values())) for partie, comptes in resultat.par_partie
            ],
            "par_engagement": [
                (engagement, _tableau(comptes), sum(comptes.values()))
                for engagement, comptes in resultat.par_engagement
            ],
            "total": _tableau(resultat.total),
            "graphique": graphique_verdicts_par_partie(
                resultat.par_partie, "graphique-bilan-parties", "Verdict des obligations par partie au jour du bilan"
            ),
            "realisees": realisees,
            "nb_actions": actions,
            "a_la_cible": a_la_cible,
            "nb_indicateurs": indicateurs,
            "export_csv": f"{parametres or '?'}{'&' if parametres else ''}export=csv",
            "export_xlsx": f"{parametres or '?'}{'&' if parametres else ''}export=xlsx",
            "parametres": parametres,
        },
    )
