from django.urls import path

from comite import views
from comite.rapports import views as rapports

urlpatterns = [
    path("comite/", views.reunions, name="reunions"),
    path("comite/nouvelle/", views.reunion_creer, name="reunion_creer"),
    path("comite/<int:pk>/", views.reunion, name="reunion"),
    path("comite/<int:pk>/modifier/", views.reunion_modifier, name="reunion_modifier"),
    path("comite/<int:pk>/decisions/nouvelle/", views.decision_creer, name="decision_creer"),
    path("comite/decisions/<int:pk>/modifier/", views.decision_modifier, name="decision_modifier"),
    path("comite/<int:pk>/textes/", views.reunion_textes, name="reunion_textes"),
    path("comite/<int:pk>/apercu/", views.reunion_apercu, name="reunion_apercu"),
    path("comite/<int:pk>/geler/", views.reunion_geler, name="reunion_geler"),
    path("comite/<int:pk>/geler-bilan/", views.reunion_geler_bilan, name="reunion_geler_bilan"),
    path("comite/<int:pk>/visa/", views.visa, name="visa"),
    path("comite/archives/<int:pk>/", views.archive, name="archive"),
    path("rapports/", rapports.rapports, name="rapports"),
    path("rapports/telecharger/", rapports.rapport, name="rapport"),
    path("bilan/rapport/", rapports.bilan_rapport, name="bilan_rapport"),
    path("rapports/preparations/<int:pk>/", rapports.preparation, name="preparation"),
    path("rapports/preparations/<int:pk>/fichier/", rapports.preparation_fichier, name="preparation_fichier"),
    path("rapports/preparations/<int:pk>/reessayer/", rapports.preparation_reessayer, name="preparation_reessayer"),
]
