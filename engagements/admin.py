from django.contrib import admin

from engagements.models import Bloc, Engagement, Obligation, Paragraphe
from protocole.admin import TexteSigneAdmin


class ParagrapheInline(admin.StackedInline):
    model = Paragraphe
    fields = ["ordre", "texte"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Engagement)
class EngagementAdmin(TexteSigneAdmin):
    list_display = ["numero", "titre", "titre_du_texte", "protocole"]
    list_filter = ["protocole", "titre_du_texte"]
    ordering = ["protocole", "numero"]


@admin.register(Bloc)
class BlocAdmin(TexteSigneAdmin):
    list_display = ["reference", "partie", "intitule", "engagement"]
    list_filter = ["engagement__protocole", "partie__code", "engagement__numero"]
    list_select_related = ["engagement", "partie"]
    ordering = ["engagement__protocole", "engagement__numero", "ordre"]


@admin.register(Obligation)
class ObligationAdmin(TexteSigneAdmin):
    list_display = ["reference", "texte", "bloc"]
    list_filter = ["protocole", "bloc__engagement__numero", "bloc__partie__code"]
    list_select_related = ["bloc__engagement", "bloc__partie"]
    search_fields = ["reference", "texte", "paragraphes__texte"]
    inlines = [ParagrapheInline]
