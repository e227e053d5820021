from django.urls import path

from protocole import selecteur, views

urlpatterns = [
    path("", views.accueil, name="accueil"),
    path("quartiers/", views.quartiers, name="quartiers"),
    path("protocole/choisir/", views.choisir_protocole, name="choisir_protocole"),
    path("sante/", views.sante, name="sante"),
    path("accessibilite/", views.accessibilite, name="accessibilite"),
    path("choix/<slug:genre>/", selecteur.options, name="selecteur"),
]
