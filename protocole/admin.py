from django.contrib import admin

from protocole.models import Protocole, Quartier, TextePreambule


class LectureSeuleAdmin(admin.ModelAdmin):
    """Ce que l'administration montre sans jamais le créer, le modifier ni le supprimer : le texte signé, les preuves
    du comité (rapports gelés, visas), ce qui a été envoyé, les valeurs d'indicateurs en ajout seul."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class TexteSigneAdmin(LectureSeuleAdmin):
    """Le texte signé se lit dans l'administration mais ne s'y modifie pas : une correction est une nouvelle fixture."""


class TextePreambuleInline(admin.TabularInline):
    model = TextePreambule
    fields = ["ordre", "nature", "texte"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Protocole)
class ProtocoleAdmin(TexteSigneAdmin):
    """Le texte signé en lecture seule ; seules l'échéance effective et sa justification se modifient (la
    coordination, qui en a la permission)."""

    list_display = ["titre", "territoire", "periode", "fin_echeance", "echeance_effective", "date_signature"]
    search_fields = ["titre", "territoire"]
    inlines = [TextePreambuleInline]
    MODIFIABLES = ("echeance_effective", "echeance_justification")

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("protocole.change_protocole")

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Protocole._meta.fields if f.name not in self.MODIFIABLES and f.name != "id"]


class CommuneFiltre(admin.AllValuesFieldListFilter):
    """Le filtre par commune, où une commune pas encore vérifiée (vide) a un nom : un lien sans texte ne se lit pas."""

    def choices(self, changelist):
        for choix in super().choices(changelist):
            yield choix | {"display": choix["display"] or "non vérifiée"}


@admin.register(Quartier)
class QuartierAdmin(admin.ModelAdmin):
    list_display = ["nom", "protocole", "nature", "commune", "code_officiel", "population"]
    list_filter = ["protocole", "nature", ("commune", CommuneFiltre)]
    search_fields = ["nom", "commune", "code_officiel"]
    ordering = ["protocole", "ordre", "nom"]
    readonly_fields = ["protocole", "slug"]

    def get_readonly_fields(self, request, obj=None):
        # Le slug est une clé naturelle des fixtures et une URL : fixé à la création.
        return self.readonly_fields if obj else []
