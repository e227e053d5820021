"""Ce que le gabarit de base affiche sur chaque page : le menu des engagements du protocole courant."""

from django import template

from engagements.models import Engagement

register = template.Library()


@register.simple_tag(takes_context=True)
def menu_engagements(context):
    """Les engagements du protocole courant ; une vue qui les a déjà chargés les passe dans `engagements_menu`."""
    if "engagements_menu" in context:
        return context["engagements_menu"]
    request = context.get("request")
    protocole = getattr(request, "protocole", None)
    if not protocole:
        return []
    return list(Engagement.objects.filter(protocole=protocole).order_by("numero"))
