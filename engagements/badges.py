"""Les badges du statut d'une action et du verdict d'une obligation : un libellé et un symbole, jamais la seule
couleur. Écrits une fois, en Python : les listes et les tableaux de bord en affichent des dizaines par page, qu'un
gabarit inclus pour chacun rendrait nœud par nœud. Les gabarits les appellent par `{% load badges %}`."""

from django.utils.html import format_html

from engagements.models import Statut, ValeurVerdict

SYMBOLES_STATUT = {
    Statut.A_VENIR: "○",
    Statut.EN_COURS: "▶",
    Statut.REALISE: "✓",
    Statut.BLOQUE: "■",
    Statut.EN_PAUSE: "‖",
    Statut.ABANDONNE: "✗",
}
SYMBOLES_VERDICT = {ValeurVerdict.TENU: "✓", ValeurVerdict.PARTIEL: "◐", ValeurVerdict.NON_TENU: "✗"}


def badge_statut(statut, libelle):
    return format_html(
        '<span class="badge statut statut-{}">{} {}</span>', statut, SYMBOLES_STATUT.get(statut, "○"), libelle
    )


def badge_verdict(valeur, libelle):
    return format_html(
        '<span class="badge verdict verdict-{}">{} {}</span>', valeur, SYMBOLES_VERDICT.get(valeur, "?"), libelle
    )
