"""Les lignes que les pages répètent des dizaines de fois — un enregistrement du journal, une action signalée sur un
tableau de bord — écrites en Python plutôt que par un gabarit inclus à chaque ligne : le rendu d'un gabarit coûte par
nœud, et ces lignes font l'essentiel des nœuds d'un tableau de bord. Même balisage que les gabarits qu'elles
remplacent ; les valeurs passent par `formats.localize` et l'heure de Paris comme dans un gabarit, et sont échappées
par `format_html`. Les gabarits les appellent par `{% load rendus %}`."""

from django.urls import reverse
from django.utils import dateformat, formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from engagements.badges import badge_statut


def _texte(valeur):
    """Une valeur telle que `{{ valeur }}` l'écrirait : heure locale, format français."""
    if hasattr(valeur, "tzinfo") and hasattr(valeur, "hour") and timezone.is_aware(valeur):
        valeur = timezone.localtime(valeur)
    return formats.localize(valeur)


def _jour(date, format_="j F Y"):
    """`{{ date|date:"j F Y" }}` (à l'heure de Paris pour un moment)."""
    if date is None:
        return ""
    if hasattr(date, "hour") and timezone.is_aware(date):
        date = timezone.localtime(date)
    return dateformat.format(date, format_)


def entree_journal(groupe, avec_objet=False, protocole=None):
    """Un enregistrement du journal (les champs changés ensemble) ; `avec_objet` : nommer l'action ou
    l'obligation ; `protocole` : celui de l'entrée, dont l'échéance passée fait marquer « après l'échéance » les
    entrées qui prennent effet après elle. Le balisage de la frise d'une action et des évolutions des tableaux de
    bord."""
    premiere = groupe[0]
    apres_echeance = ""
    if protocole is not None and protocole.termine() and premiere.date_effet > protocole.echeance:
        apres_echeance = mark_safe(' <span class="badge apres-echeance">après l\'échéance</span>')
    objet = ""
    if avec_objet:
        if premiere.action_id:
            lien = format_html(
                '<a href="{}">{}</a>', reverse("action", args=[premiere.action_id]), premiere.action.titre
            )
        else:
            lien = format_html(
                'verdict de l\'obligation <a class="reference-obligation" href="{}"><code>{}</code></a>',
                reverse("obligation", args=[premiere.obligation_id]),
                premiere.obligation.reference,
            )
        objet = format_html(" — {}", lien)
    enregistre = ""
    if _jour(premiere.enregistre_le, "Y-m-d") != _jour(premiere.date_effet, "Y-m-d"):
        enregistre = f", enregistré le {_jour(premiere.enregistre_le)}"
    champs = []
    for entree in groupe:
        avant, apres = entree.valeurs()
        libelle = entree.get_champ_display()
        libelle = libelle[:1].upper() + libelle[1:]
        if entree.champ in ("creation", "note"):
            champs.append(format_html("<li>{}</li>", libelle))
            continue
        fleche = format_html("{} → ", _texte(avant)) if avant is not None else ""
        champs.append(format_html("<li>{} : {}{}</li>", libelle, fleche, _texte(apres) if apres else "—"))
    commentaire = ""
    if premiere.commentaire:
        commentaire = format_html('<p class="journal-commentaire mb-0">« {} »</p>', premiere.commentaire)
    return format_html(
        '<li class="journal-entree">\n  <p class="mb-1"><strong>{}</strong>{}{}\n'
        '    <span class="text-body-secondary">— {}{}</span></p>\n  <ul class="mb-1">{}</ul>\n  {}\n</li>',
        _jour(premiere.date_effet),
        apres_echeance,
        objet,
        premiere.auteur if premiere.auteur_id else "inconnu",
        enregistre,
        mark_safe("".join(champs)),
        commentaire,
    )


def ligne_signalee(action, requete=""):
    """Une ligne des listes « à signaler » d'un tableau de bord (en retard, sans nouvelles), telle qu'était l'action
    le jour montré : les lignes de `engagements.tableaux.actions_a_signaler`. `requete` : la période à reporter sur
    le lien de la vue partenaire du pilote."""
    if action.obligation_au:
        obligation = format_html(
            '<a class="reference-obligation" href="{}"><span class="visually-hidden">Obligation </span>'
            "<code>{}</code></a>",
            reverse("obligation", args=[action.obligation_au]),
            action.reference_au,
        )
    else:
        obligation = "—"
    pilote = action.pilote_au_jour
    if pilote:
        pilote = format_html('<a href="{}{}">{}</a>', reverse("organisation", args=[pilote.slug]), requete, pilote)
    else:
        pilote = "—"
    if action.territoire_au:
        quartiers = mark_safe('<span class="badge territoire">Tout le territoire</span>')
    else:
        quartiers = ", ".join(action.quartiers_au_jour) or "—"
    avancement = "—" if action.avancement_au is None else action.avancement_au
    echeance = _jour(action.echeance_au, "d/m/Y") or "—"
    if action.est_en_retard:
        echeance = format_html(
            '{}<br><span class="texte-retard">{} j de retard</span>', echeance, action.jours_de_retard
        )
    return format_html(
        '<tr><td><a href="{}">{}</a></td><td class="text-nowrap">{}</td><td>{}</td><td>{}</td><td>{}</td>'
        '<td class="text-nowrap">{} %</td><td class="text-nowrap">{}</td><td class="text-nowrap">{}</td></tr>',
        reverse("action", args=[action.pk]),
        action.titre,
        obligation,
        pilote,
        quartiers,
        badge_statut(action.statut_au, action.statut_libelle),
        avancement,
        echeance,
        _jour(action.nouvelles_au, "d/m/Y") or "—",
    )


def lignes_signalees(actions, requete=""):
    return format_html_join("\n", "{}", ((ligne_signalee(action, requete),) for action in actions))
