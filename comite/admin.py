"""Le comité de pilotage dans l'administration."""

from django.contrib import admin

from comite.models import Decision, EnvoiRappel, RapportArchive, Reunion, Visa
from protocole.admin import LectureSeuleAdmin

# -- Comité de pilotage ----------------------------------------------------------------------------------------------


class DecisionInline(admin.StackedInline):
    model = Decision
    fields = ["texte", "obligations", "actions", "responsable", "echeance", "suivi", "commentaire_suivi"]
    autocomplete_fields = ["obligations"]
    raw_id_fields = ["actions"]
    extra = 0


@admin.register(Reunion)
class ReunionAdmin(admin.ModelAdmin):
    list_display = ["date", "titre", "protocole"]
    list_filter = ["protocole"]
    search_fields = ["titre", "participants"]
    date_hierarchy = "date"
    inlines = [DecisionInline]


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "reunion", "responsable", "echeance", "suivi"]
    list_filter = ["reunion__protocole", "suivi"]
    list_select_related = ["reunion", "responsable"]
    search_fields = ["texte", "commentaire_suivi"]
    autocomplete_fields = ["obligations"]
    raw_id_fields = ["actions"]


@admin.register(RapportArchive)
class RapportArchiveAdmin(LectureSeuleAdmin):
    list_display = ["reunion", "version", "gele_le", "gele_par", "taille", "sha256"]
    list_filter = ["reunion__protocole"]
    list_select_related = ["reunion", "gele_par"]
    fields = ["reunion", "version", "au", "depuis", "motif", "gele_le", "gele_par", "sha256", "taille"]
    readonly_fields = fields

    def get_queryset(self, request):
        # Les listes n'ont pas à charger les PDF.
        return super().get_queryset(request).defer("contenu")


@admin.register(Visa)
class VisaAdmin(LectureSeuleAdmin):
    list_display = ["archive", "organisation", "utilisateur", "vise_le"]
    list_filter = ["archive__reunion__protocole"]
    list_select_related = ["archive__reunion", "organisation", "utilisateur"]
    fields = ["archive", "organisation", "utilisateur", "vise_le"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).defer("archive__contenu")


@admin.register(EnvoiRappel)
class EnvoiRappelAdmin(LectureSeuleAdmin):
    """Ce qui a été envoyé, à qui, quand et pourquoi : en lecture seule (`manage.py envoyer_rappels` l'écrit)."""

    list_display = ["jour", "sorte", "destinataire", "adresse", "protocole"]
    list_filter = ["protocole", "sorte", "jour"]
    search_fields = ["destinataire__username", "destinataire__last_name", "adresse"]
    date_hierarchy = "jour"
