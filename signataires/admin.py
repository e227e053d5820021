from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from protocole.admin import TexteSigneAdmin
from signataires.models import (
    Appartenance,
    Habilitation,
    Organisation,
    Partie,
    Representation,
    Signataire,
    Signature,
    Utilisateur,
)


class AppartenanceInline(admin.StackedInline):
    """Empilée plutôt qu'en tableau : chaque champ garde son étiquette (une case à cocher d'une ligne de tableau n'en
    a pas, seulement un en-tête de colonne)."""

    model = Appartenance
    extra = 1
    autocomplete_fields = ["organisation"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["nom", "sigle", "categorie", "parent"]
    list_filter = ["categorie", "parties__protocole"]
    search_fields = ["nom", "sigle", "slug"]
    ordering = ["nom"]
    autocomplete_fields = ["parent"]


@admin.register(Partie)
class PartieAdmin(admin.ModelAdmin):
    """Le nom d'une partie vient du texte ; ses membres sont l'affaire de la coordination."""

    list_display = ["nom_court", "nom", "protocole"]
    list_filter = ["protocole"]
    readonly_fields = ["protocole", "code", "nom", "nom_court", "ordre"]
    inlines = [AppartenanceInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Appartenance)
class AppartenanceAdmin(admin.ModelAdmin):
    list_display = ["organisation", "partie", "enoncee_par_le_texte"]
    list_filter = ["partie__protocole", "partie__code", "enoncee_par_le_texte"]
    list_select_related = ["organisation", "partie"]
    search_fields = ["organisation__nom", "organisation__sigle"]
    autocomplete_fields = ["organisation"]
    ordering = ["partie__protocole", "partie__ordre", "organisation__nom"]

    def get_readonly_fields(self, request, obj=None):
        # Une appartenance ne change pas de partie : celle d'un autre protocole laisserait l'ancien montrer
        # l'organisation (sa version des données ne monterait pas). On la supprime et on en crée une autre.
        return ["partie"] if obj is not None else []


@admin.register(Signataire)
class SignataireAdmin(TexteSigneAdmin):
    list_display = ["nom", "protocole"]
    search_fields = ["nom"]


@admin.register(Signature)
class SignatureAdmin(TexteSigneAdmin):
    list_display = ["ordre", "titre", "signataire", "protocole"]
    list_filter = ["protocole"]
    list_select_related = ["signataire"]
    search_fields = ["titre", "signataire__nom"]


@admin.register(Representation)
class RepresentationAdmin(admin.ModelAdmin):
    list_display = ["signature", "organisation"]
    list_filter = ["signature__protocole"]
    list_select_related = ["signature__signataire", "organisation"]
    search_fields = ["signature__titre", "organisation__nom"]
    autocomplete_fields = ["organisation"]
    readonly_fields = ["signature"]

    def has_add_permission(self, request):
        return False


@admin.register(Utilisateur)
class UtilisateurAdmin(UserAdmin):
    # Des listes multiples ordinaires, étiquetées, plutôt que le double sélecteur de Django (ses icônes portent un
    # attribut ARIA interdit) ; les dates de connexion et d'inscription se lisent sans se modifier (les champs date et
    # heure séparés n'avaient pas d'étiquette).
    filter_horizontal = ()
    readonly_fields = ["last_login", "date_joined"]


@admin.register(Habilitation)
class HabilitationAdmin(admin.ModelAdmin):
    list_display = ["utilisateur", "protocole", "role", "organisation"]
    list_filter = ["protocole", "role"]
    search_fields = ["utilisateur__username", "utilisateur__last_name", "organisation__nom"]
    autocomplete_fields = ["utilisateur", "organisation"]
