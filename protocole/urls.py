from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Suivi du protocole — administration"
admin.site.site_title = "Suivi du protocole"
admin.site.index_title = "Administration"

# Les pages d'erreur sont des gabarits (templates/400.html, 403.html, 403_csrf.html, 404.html, 500.html) ; seule la
# 400 a sa vue, pour dire qu'une requête est trop volumineuse.
handler400 = "protocole.views.requete_invalide"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("protocole.urls_protocole")),
    path("", include("engagements.urls")),
    path("", include("signataires.urls")),
    path("", include("comite.urls")),
]
