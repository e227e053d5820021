"""`{% entree_journal groupe avec_objet %}` et `{% lignes_signalees actions requete %}` (engagements/rendus.py)."""

from django import template

from engagements import rendus

register = template.Library()
register.simple_tag(rendus.entree_journal, name="entree_journal")
register.simple_tag(rendus.lignes_signalees, name="lignes_signalees")
