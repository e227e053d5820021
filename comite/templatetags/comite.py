"""Les textes de la coordination (faits marquants, points d'attention, décisions attendues) mis en page : texte brut
saisi sans HTML, des paragraphes séparés par une ligne vide, des listes en lignes qui commencent par « - » ou « • »."""

import re

from django import template
from django.utils.html import escape, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()

PUCE = re.compile(r"^\s*[-•*]\s+")


@register.filter
def texte_brut(texte):
    """Le texte échappé en paragraphes (<p>) et listes (<ul>) ; les retours à la ligne d'un paragraphe restent."""
    blocs = []
    for bloc in re.split(r"\n\s*\n", (texte or "").replace("\r\n", "\n").strip()):
        lignes = [ligne for ligne in bloc.split("\n") if ligne.strip()]
        if not lignes:
            continue
        if all(PUCE.match(ligne) for ligne in lignes):
            items = format_html_join("", "<li>{}</li>", ((PUCE.sub("", ligne),) for ligne in lignes))
            blocs.append(f"<ul>{items}</ul>")
        else:
            blocs.append("<p>" + "<br>".join(escape(ligne) for ligne in lignes) + "</p>")
    return mark_safe("".join(blocs))


@register.filter
def pluriel(nombre, marque="s"):
    """« s » au-delà de un : en français, zéro et un sont au singulier (« 0 nouvelle action »)."""
    try:
        return marque if abs(int(nombre)) > 1 else ""
    except (TypeError, ValueError):
        return ""
