"""`{% fragment "gabarit.html" nom=valeur … %}` : un morceau rendu avec ses seules variables et gardé sous leur
empreinte (protocole/fragments.py)."""

from django import template

from protocole.fragments import rendre

register = template.Library()


@register.simple_tag(name="fragment")
def fragment(gabarit, **variables):
    return rendre(gabarit, variables)
