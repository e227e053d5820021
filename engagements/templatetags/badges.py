"""`{% badge_statut statut libelle %}` et `{% badge_verdict valeur libelle %}` (engagements/badges.py)."""

from django import template

from engagements import badges

register = template.Library()
register.simple_tag(badges.badge_statut, name="badge_statut")
register.simple_tag(badges.badge_verdict, name="badge_verdict")
