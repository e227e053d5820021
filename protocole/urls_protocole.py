from django.urls import path

from protocole import views
from protocole.comite import views as comite
from protocole.rapports import views as rapports

urlpatterns = [
    path("", views.accueil, name="accueil"),
    path("quartiers/", views.quartiers, name="quartiers"),
    path("protocole/choisir/", views.choisir_protocole, name="choisir_protocole"),
    path("sante/", views.sante, name="sante"),
    path("comite/", comite.reunions, name="reunions"),
    path("comite/nouvelle/", comite.reunion_creer, name="reunion_creer"),
    path("comite/<int:pk>/", comite.reunion, name="reunion"),
    path("comite/<int:pk>/modifier/", comite.reunion_modifier, name="reunion_modifier"),
    path("comite/<int:pk>/decisions/nouvelle/", comite.decision_creer, name="decision_creer"),
    path("comite/decisions/<int:pk>/modifier/", comite.decision_modifier, name="decision_modifier"),
    path("comite/<int:pk>/apercu/", comite.reunion_apercu, name="reunion_apercu"),
    path("comite/<int:pk>/geler/", comite.reunion_geler, name="reunion_geler"),
    path("comite/<int:pk>/visa/", comite.visa, name="visa"),
    path("comite/archives/<int:pk>/", comite.archive, name="archive"),
    path("rapports/", rapports.rapports, name="rapports"),
    path("rapports/telecharger/", rapports.rapport, name="rapport"),
]
