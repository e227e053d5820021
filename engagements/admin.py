from django.contrib import admin

from engagements.models import Bloc, Engagement, Indicateur, Obligation, Paragraphe, Repere, Valeur
from protocole.admin import LectureSeuleAdmin, TexteSigneAdmin


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


class RepereInline(admin.TabularInline):
    model = Repere
    extra = 0


@admin.register(Indicateur)
class IndicateurAdmin(admin.ModelAdmin):
    """Les indicateurs, que la coordination définit aussi dans l'interface (/indicateurs/nouveau/), avec leurs
    valeurs de départ et cibles par quartier. Les valeurs se saisissent ou s'importent dans l'interface."""

    list_display = ("reference", "nom", "obligation", "fournisseur", "frequence", "protocole")
    list_filter = ("protocole", "frequence", "unite")
    search_fields = ("reference", "nom")
    # Pas de `filter_horizontal` : son double sélecteur porte des attributs ARIA que les lecteurs d'écran refusent.
    readonly_fields = ("cree_le",)
    inlines = [RepereInline]

    def get_readonly_fields(self, request, obj=None):
        # Un indicateur ne change pas de protocole : l'ancien garderait ses tableaux (sa version des données ne
        # monterait pas) ; on en définit un autre dans le bon protocole.
        return [*self.readonly_fields, "protocole"] if obj is not None else self.readonly_fields


@admin.register(Valeur)
class ValeurAdmin(LectureSeuleAdmin):
    """Les valeurs saisies, en lecture seule : la base refuse de les modifier ou de les supprimer (ajout seul) ; une
    correction se saisit comme une nouvelle valeur de la même période, sur la page de l'indicateur."""

    list_display = ("indicateur", "quartier", "periode", "valeur", "valeur_avant", "auteur", "enregistre_le")
    list_filter = ("indicateur__protocole",)
