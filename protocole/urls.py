from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Suivi du protocole — administration"
admin.site.site_title = "Suivi du protocole"
admin.site.index_title = "Administration"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("protocole.urls_protocole")),
    path("", include("engagements.urls")),
    path("", include("signataires.urls")),
    path("", include("comite.urls")),
]
