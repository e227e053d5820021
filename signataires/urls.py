from django.urls import path

from signataires.views import compte, comptes, pages

urlpatterns = [
    path("signataires/", pages.signataires, name="signataires"),
    path("connexion/", comptes.connexion, name="connexion"),
    path("deconnexion/", comptes.deconnexion, name="deconnexion"),
    path("mot-de-passe/oubli/", comptes.mot_de_passe_oubli, name="password_reset"),
    path("mot-de-passe/oubli/envoye/", comptes.mot_de_passe_oubli_envoye, name="password_reset_done"),
    path("mot-de-passe/nouveau/<uidb64>/<token>/", comptes.mot_de_passe_nouveau, name="password_reset_confirm"),
    path("mot-de-passe/modifie/", comptes.mot_de_passe_modifie, name="password_reset_complete"),
    path("mot-de-passe/changer/", comptes.mot_de_passe_changer, name="password_change"),
    path("mot-de-passe/changer/enregistre/", comptes.mot_de_passe_change, name="password_change_done"),
    path("invitations/nouvelle/", comptes.invitation, name="invitation"),
    path("invitations/<uidb64>/<token>/", comptes.invitation_accepter, name="invitation_accepter"),
    path("comptes/blocages/", comptes.blocages, name="blocages"),
    path("compte/", compte.compte, name="compte"),
    path("comptes/rappels/", compte.rappels_comptes, name="rappels_comptes"),
]
