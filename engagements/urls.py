from django.urls import path

from engagements.views import actions, bilan, import_valeurs, indicateurs, liste, tableaux, texte, verdicts

urlpatterns = [
    path("engagements/<int:numero>/", texte.engagement, name="engagement"),
    path("obligations/<int:pk>/", texte.obligation, name="obligation"),
    path("obligations/<int:pk>/verdict/", verdicts.verdict, name="verdict"),
    path("actions/", liste.actions, name="actions"),
    path("actions/colonnes/", liste.actions_colonnes, name="actions_colonnes"),
    path("mes-actions/", liste.mes_actions, name="mes_actions"),
    path("actions/nouvelle/", actions.action_creer, name="action_creer"),
    path("actions/<int:pk>/", actions.action, name="action"),
    path("actions/<int:pk>/modifier/", actions.action_modifier, name="action_modifier"),
    path("actions/<int:pk>/archiver/", actions.action_archiver, name="action_archiver"),
    path("actions/<int:pk>/desarchiver/", actions.action_desarchiver, name="action_desarchiver"),
    path("indicateurs/", indicateurs.indicateurs, name="indicateurs"),
    path("indicateurs/importer/", import_valeurs.indicateurs_importer, name="indicateurs_importer"),
    path("indicateurs/modele/<str:format_>/", import_valeurs.indicateurs_modele, name="indicateurs_modele"),
    path("indicateurs/nouveau/", indicateurs.indicateur_creer, name="indicateur_creer"),
    path("indicateurs/<int:pk>/", indicateurs.indicateur, name="indicateur"),
    path("indicateurs/<int:pk>/modifier/", indicateurs.indicateur_modifier, name="indicateur_modifier"),
    path("indicateurs/<int:pk>/valeur/", indicateurs.indicateur_valeur, name="indicateur_valeur"),
    path("indicateurs/<int:pk>/reperes/", indicateurs.indicateur_reperes, name="indicateur_reperes"),
    path("bilan/", bilan.bilan, name="bilan"),
    path("tableau-de-bord/", tableaux.vue_ensemble, name="vue_ensemble"),
    path("quartiers/<slug:slug>/", tableaux.quartier, name="quartier"),
    path("organisations/<slug:slug>/", tableaux.organisation, name="organisation"),
]
