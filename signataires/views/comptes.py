"""Les comptes : connexion, déconnexion, mots de passe, et l'invitation d'une personne par la coordination.

Les vues de Django font le travail (jetons, contrôle de `next`, CSRF) ; on leur donne des gabarits et des formulaires
en français. L'invitation réutilise le jeton de réinitialisation : l'invité choisit son mot de passe par le même
mécanisme, et le lien ne sert qu'une fois puisque le jeton dépend du mot de passe.
"""

import logging
import smtplib

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as vues_auth
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse, reverse_lazy
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.views.decorators.http import require_http_methods

from protocole.acces import permission_requise
from protocole.middleware import SESSION_KEY
from protocole.securite import adresse_client
from signataires import blocages as connexions
from signataires.acces import get_compte, page_d_arrivee, peut_inviter, peut_lever_blocages
from signataires.forms import (
    ChangementMotDePasseForm,
    ConnexionForm,
    InvitationForm,
    MotDePasseOublieForm,
    NouveauMotDePasseForm,
)
from signataires.models import DemandeReinitialisation, Habilitation

# Les vues de formulaire de Django acceptent PUT comme POST : on s'en tient à GET et POST.
LIRE_ET_ENVOYER = ["get", "post", "head", "options"]
# Les vues à jeton répondent avant de regarder la méthode : on la contrôle avant elles.
LIRE_ET_ENVOYER_MAJ = ["GET", "POST", "HEAD", "OPTIONS"]

logger = logging.getLogger(__name__)


class Connexion(vues_auth.LoginView):
    """Connexion ; le protocole choisi dans le formulaire (s'il y en a plusieurs) devient le protocole courant."""

    def form_valid(self, form):
        reponse = super().form_valid(form)
        protocole_id = getattr(form, "protocole_choisi", None)
        if protocole_id is not None:
            self.request.session[SESSION_KEY] = protocole_id
        return reponse

    def get_default_redirect_url(self):
        """Sans « next » : la page d'arrivée du rôle tenu dans le protocole choisi (`acces.page_d_arrivee`)."""
        habilitations = Habilitation.objects.filter(utilisateur=self.request.user).order_by(
            "protocole__ordre", "protocole__territoire"
        )
        choisi = self.request.session.get(SESSION_KEY)
        habilitation = habilitations.filter(protocole_id=choisi).first() or habilitations.first()
        return page_d_arrivee(habilitation)


connexion = Connexion.as_view(
    http_method_names=LIRE_ET_ENVOYER, template_name="signataires/connexion.html", authentication_form=ConnexionForm
)


class Deconnexion(vues_auth.LogoutView):
    """POST seulement (Django 5) : un lien ou une image ne peut pas déconnecter quelqu'un à son insu."""

    def post(self, request, *args, **kwargs):
        reponse = super().post(request, *args, **kwargs)
        messages.success(request, "Vous êtes déconnecté.")
        return reponse


deconnexion = Deconnexion.as_view()


class MotDePasseOublie(vues_auth.PasswordResetView):
    """« Mot de passe oublié », plafonné par adresse e-mail et par adresse du client (DemandeReinitialisation) :
    une adresse e-mail ne reçoit pas vingt-cinq liens parce que quelqu'un a insisté."""

    def form_valid(self, form):
        email, adresse = form.cleaned_data["email"], adresse_client(self.request)
        refus = DemandeReinitialisation.objects.refus(email, adresse)
        if refus:
            form.add_error(None, refus)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        DemandeReinitialisation.objects.enregistrer(email, adresse)
        return super().form_valid(form)


mot_de_passe_oubli = MotDePasseOublie.as_view(
    http_method_names=LIRE_ET_ENVOYER,
    template_name="signataires/mot_de_passe_oubli.html",
    form_class=MotDePasseOublieForm,
)
mot_de_passe_oubli_envoye = vues_auth.PasswordResetDoneView.as_view(
    http_method_names=LIRE_ET_ENVOYER, template_name="signataires/mot_de_passe_oubli_envoye.html"
)
mot_de_passe_nouveau = require_http_methods(LIRE_ET_ENVOYER_MAJ)(
    vues_auth.PasswordResetConfirmView.as_view(
        http_method_names=LIRE_ET_ENVOYER,
        template_name="signataires/mot_de_passe_nouveau.html",
        form_class=NouveauMotDePasseForm,
    )
)
mot_de_passe_modifie = vues_auth.PasswordResetCompleteView.as_view(
    http_method_names=LIRE_ET_ENVOYER, template_name="signataires/mot_de_passe_modifie.html"
)
mot_de_passe_changer = vues_auth.PasswordChangeView.as_view(
    http_method_names=LIRE_ET_ENVOYER,
    template_name="signataires/mot_de_passe_changer.html",
    form_class=ChangementMotDePasseForm,
)
mot_de_passe_change = vues_auth.PasswordChangeDoneView.as_view(
    http_method_names=LIRE_ET_ENVOYER, template_name="signataires/mot_de_passe_change.html"
)


class AccepterInvitation(vues_auth.PasswordResetConfirmView):
    """L'invité choisit son mot de passe, puis arrive connecté sur ses actions."""

    template_name = "signataires/invitation_accepter.html"
    form_class = NouveauMotDePasseForm
    post_reset_login = True
    # django-axes surveille les connexions sans tenir de comptes : la session est ouverte par le backend des comptes.
    post_reset_login_backend = "django.contrib.auth.backends.ModelBackend"
    success_url = reverse_lazy("mes_actions")

    def form_valid(self, form):
        reponse = super().form_valid(form)
        messages.success(self.request, "Bienvenue ! Votre mot de passe est enregistré et vous êtes connecté.")
        return reponse


invitation_accepter = require_http_methods(LIRE_ET_ENVOYER_MAJ)(
    AccepterInvitation.as_view(http_method_names=LIRE_ET_ENVOYER)
)


def _lien_invitation(request, utilisateur):
    uidb64 = urlsafe_base64_encode(force_bytes(utilisateur.pk))
    jeton = default_token_generator.make_token(utilisateur)
    return request.build_absolute_uri(reverse("invitation_accepter", kwargs={"uidb64": uidb64, "token": jeton}))


def _prevenir(request, habilitation):
    """Envoie l'invitation (compte sans mot de passe) ou l'avis d'un nouveau rôle (compte déjà utilisé)."""
    utilisateur = habilitation.utilisateur
    contexte = {"habilitation": habilitation, "utilisateur": utilisateur, "invitant": request.user}
    if utilisateur.has_usable_password():
        gabarit = "signataires/email/nouveau_role"
        contexte["lien"] = request.build_absolute_uri(reverse("connexion"))
    else:
        gabarit = "signataires/email/invitation"
        contexte["lien"] = _lien_invitation(request, utilisateur)
        contexte["validite_jours"] = settings.PASSWORD_RESET_TIMEOUT // 86400
    sujet = "".join(render_to_string(f"{gabarit}_sujet.txt", contexte).splitlines())
    corps = render_to_string(f"{gabarit}_corps.txt", contexte)
    send_mail(sujet, corps, settings.DEFAULT_FROM_EMAIL, [utilisateur.email])


def _membres(protocole):
    """Les personnes qui ont un rôle dans le protocole, avec leur organisation, en une requête."""
    return (
        Habilitation.objects.filter(protocole=protocole)
        .select_related("utilisateur", "organisation")
        .order_by("utilisateur__last_name", "utilisateur__first_name", "utilisateur__username")
    )


@permission_requise(peut_inviter, "Les invitations sont envoyées par la coordination du contrat de ville.")
@require_http_methods(["GET", "POST"])
def invitation(request):
    """GET : le formulaire et les membres du protocole. POST : le rôle (et le compte s'il le faut), puis l'e-mail."""
    donnees = request.POST if request.method == "POST" else None
    form = InvitationForm(donnees, protocole=request.protocole, invitant=request.habilitation)
    if form.is_valid():
        try:
            # L'e-mail part dans la transaction : s'il échoue, aucun compte n'attend un lien qu'il n'a pas reçu.
            with transaction.atomic():
                habilitation = form.save()
                _prevenir(request, habilitation)
        except (smtplib.SMTPException, OSError):
            logger.exception("Invitation non envoyée (protocole %s)", request.protocole.pk)
            messages.error(request, "L'e-mail n'a pas pu être envoyé : rien n'a été enregistré. Réessayez plus tard.")
        else:
            personne = habilitation.utilisateur
            if form.compte is None:
                texte = f"Invitation envoyée à {personne.email} : {personne} choisira son mot de passe par le lien."
            else:
                texte = f"{personne} avait déjà un compte : le rôle lui est donné et un e-mail l'en avertit."
            messages.success(request, texte)
            return redirect("invitation")
    return render(request, "signataires/invitation.html", {"form": form, "membres": _membres(request.protocole)})


@permission_requise(peut_lever_blocages, "Les blocages de connexion sont levés par la coordination.")
@require_http_methods(["GET", "POST"])
def blocages(request):
    """GET : les comptes du protocole qui ont des échecs de connexion récents. POST : lever le blocage d'un compte."""
    if request.method == "POST":
        compte = get_compte(request, request.POST.get("identifiant", ""))
        connexions.lever(compte, par=request.user.username)
        messages.success(request, f"{compte} peut de nouveau se connecter : ses échecs de connexion sont effacés.")
        return redirect("blocages")
    return render(
        request,
        "signataires/blocages.html",
        {
            "lignes": connexions.echecs_recents(request.protocole),
            "limite": settings.AXES_FAILURE_LIMIT,
            "minutes": connexions.minutes_de_blocage(),
        },
    )
