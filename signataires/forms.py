"""Formulaires des comptes : connexion, mots de passe, invitation d'une personne par la coordination."""

from django import forms
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
    UsernameField,
)
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q

from protocole.formulaires import Accessible
from protocole.models import Protocole
from protocole.selecteur import Cherchable, ChoixCherchable
from signataires.models import Habilitation, Organisation, Utilisateur, adresse_normalisee

Role = Habilitation.Role


class ConnexionForm(Accessible, AuthenticationForm):
    # Déclaré ici plutôt que modifié après coup : Accessible relie l'aide au champ pendant __init__.
    username = UsernameField(
        label="Identifiant",
        help_text="Pour un compte créé sur invitation, c'est votre adresse e-mail.",
        widget=forms.TextInput(attrs={"autofocus": True}),
    )
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "Identifiant ou mot de passe incorrect. Attention aux majuscules dans le mot de passe.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        protocoles = list(Protocole.objects.order_by("ordre", "territoire"))
        if len(protocoles) > 1:
            # Plusieurs contrats de ville dans la base : on choisit le sien en se connectant (modifiable ensuite).
            self.fields["protocole"] = forms.ChoiceField(
                label="Protocole",
                required=False,
                choices=[("", "Le premier de mes protocoles")] + [(p.slug, p.territoire) for p in protocoles],
                help_text="Vous pourrez en changer à tout moment depuis l'en-tête.",
                widget=forms.Select(attrs={"class": "form-select"}),
            )

    def clean(self):
        donnees = super().clean()
        slug = donnees.get("protocole")
        if slug and self.user_cache is not None:
            habilitation = self.user_cache.habilitations.filter(protocole__slug=slug).first()
            if habilitation is None:
                raise ValidationError("Vous n'avez pas de rôle dans ce protocole : choisissez-en un autre.")
            self.protocole_choisi = habilitation.protocole_id
        return donnees


def _meme_adresse(a, b):
    return adresse_normalisee(a) == adresse_normalisee(b)


class MotDePasseOublieForm(Accessible, PasswordResetForm):
    email = forms.EmailField(
        label="Adresse e-mail",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )

    def get_users(self, email):
        """Les comptes actifs à cette adresse, y compris ceux qui n'ont pas encore choisi de mot de passe.

        Django écarte ces derniers (comptes d'une authentification externe) ; ici ce sont les invités dont le lien
        a expiré ou s'est perdu : « Mot de passe oublié » leur en envoie un nouveau.
        """
        comptes = Utilisateur.objects.filter(email__iexact=email, is_active=True)
        return (compte for compte in comptes if _meme_adresse(email, compte.email))


class NouveauMotDePasseForm(Accessible, SetPasswordForm):
    pass


class ChangementMotDePasseForm(Accessible, PasswordChangeForm):
    pass


class InvitationForm(Cherchable, Accessible, forms.Form):
    """Qui inviter dans le protocole courant, pour quelle organisation, avec quel rôle.

    Une adresse déjà connue reçoit le rôle sur son compte existant (ses nom et prénom ne changent pas) ; sinon un
    compte est créé sans mot de passe utilisable, l'invité le choisit par le lien reçu.
    """

    first_name = forms.CharField(label="Prénom", max_length=150)
    last_name = forms.CharField(label="Nom", max_length=150)
    # 150 caractères : l'adresse devient l'identifiant (username) du compte.
    email = forms.EmailField(
        label="Adresse e-mail",
        max_length=150,
        help_text="Elle servira d'identifiant de connexion. Le lien pour choisir un mot de passe y est envoyé.",
    )
    organisation = ChoixCherchable(
        label="Organisation",
        genre="organisations",
        queryset=Organisation.objects.order_by("nom"),
        empty_label="— Choisir une organisation —",
        help_text="Celle pour laquelle la personne agit dans ce protocole.",
    )
    role = forms.ChoiceField(
        label="Rôle",
        choices=Role.choices,
        initial=Role.LECTEUR,
        help_text="Lecteur·rice : consulte tout le suivi. Chargé·e de mission : tient les actions de son organisation. "
        "Coordinateur·rice : toutes les actions, les verdicts, les invitations.",
    )

    def __init__(self, *args, protocole, invitant, **kwargs):
        super().__init__(*args, **kwargs)
        self.protocole = protocole
        self.invitant = invitant
        self.compte = None
        self.fields["organisation"].label_from_instance = lambda o: f"{o.nom} ({o.sigle})" if o.sigle else o.nom
        # Seule la liste affichée perd les rôles que l'invitant ne peut pas donner : un « admin » envoyé quand même
        # arrive à clean_role et à son message clair, au lieu du « choix non valide » générique.
        self.fields["role"].widget.choices = [(role.value, role.label) for role in invitant.roles_accordables()]

    def clean_email(self):
        return Utilisateur.objects.normalize_email(self.cleaned_data["email"])

    def clean_role(self):
        role = self.cleaned_data["role"]
        if not self.invitant.peut_accorder(role):
            # Le seul rôle qu'une habilitation admise à inviter ne peut pas donner est celui d'administrateur.
            raise ValidationError("Seul un administrateur peut donner le rôle d'administrateur.")
        return role

    def clean(self):
        donnees = super().clean()
        email = donnees.get("email")
        if not email:
            return donnees
        deja_membre = Habilitation.objects.filter(utilisateur=OuterRef("pk"), protocole=self.protocole)
        comptes = list(
            Utilisateur.objects.filter(Q(email__iexact=email) | Q(username__iexact=email)).annotate(
                deja_membre=Exists(deja_membre)
            )[:2]
        )
        if len(comptes) > 1:
            self.add_error(
                "email",
                "Plusieurs comptes portent cette adresse : un administrateur doit les regrouper avant l'invitation.",
            )
        elif comptes and comptes[0].deja_membre:
            self.add_error(
                "email", f"{comptes[0]} a déjà un rôle dans ce protocole : aucune invitation n'a été envoyée."
            )
        elif comptes and not comptes[0].is_active:
            self.add_error("email", "Ce compte est désactivé : un administrateur doit le réactiver avant l'invitation.")
        elif comptes:
            self.compte = comptes[0]
        return donnees

    @transaction.atomic
    def save(self):
        """Crée le compte s'il n'existe pas, puis le rôle dans le protocole courant ; rend l'habilitation."""
        donnees = self.cleaned_data
        utilisateur = self.compte
        if utilisateur is None:
            utilisateur = Utilisateur(
                # En minuscules : l'identifiant se tape à la connexion, où la casse compte.
                username=donnees["email"].lower(),
                email=donnees["email"],
                first_name=donnees["first_name"],
                last_name=donnees["last_name"],
                is_active=True,
            )
            utilisateur.set_unusable_password()
            utilisateur.save()
        return Habilitation.objects.create(
            utilisateur=utilisateur,
            protocole=self.protocole,
            organisation=donnees["organisation"],
            role=donnees["role"],
        )
