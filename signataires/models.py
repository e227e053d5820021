"""Les organisations, les parties qu'elles composent, les signatures du protocole et les personnes qui agissent."""

import datetime
import hashlib
import hmac
import math
import unicodedata

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone

from protocole.models import ParProtocoleManager, Protocole


class OrganisationManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Organisation(models.Model):
    """Une institution qui signe ou que le texte nomme. Partagée entre protocoles (le Préfet les signe tous)."""

    class Categorie(models.TextChoices):
        ETAT = "etat", "État et services de l'État"
        OPERATEUR = "operateur", "opérateur ou établissement public"
        COLLECTIVITE = "collectivite", "collectivité territoriale"
        EMPLOI = "emploi", "emploi et formation"
        BAILLEUR = "bailleur", "bailleur social"
        ASSOCIATION = "association", "association"
        CHAMBRE = "chambre", "chambre consulaire"
        AUTRE = "autre", "autre"

    slug = models.SlugField("identifiant", unique=True)
    nom = models.CharField("nom", max_length=200)
    sigle = models.CharField("sigle", max_length=40, blank=True)
    categorie = models.CharField("catégorie", max_length=12, choices=Categorie.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="enfants", verbose_name="rattachée à"
    )

    objects = OrganisationManager()

    class Meta:
        ordering = ["nom"]
        verbose_name = "organisation"

    def __str__(self):
        return self.sigle or self.nom

    def natural_key(self):
        return (self.slug,)


class PartieManager(ParProtocoleManager):
    cle_locale = "code"


class Partie(models.Model):
    """Une partie du protocole telle que le texte l'appelle (« Les partenaires territoriaux », la CAF…)."""

    class Code(models.TextChoices):
        PT = "PT", "partenaires territoriaux"
        ETAT = "ETAT", "État, ses services et ses opérateurs"
        CAF = "CAF", "Caisse d'Allocations Familiales"
        ARS = "ARS", "Agence Régionale de Santé"
        CAPV = "CAPV", "Communauté d'Agglomération du Pays Voironnais"

    protocole = models.ForeignKey(Protocole, on_delete=models.CASCADE, related_name="parties")
    code = models.CharField("code", max_length=4, choices=Code.choices)
    nom = models.CharField("nom", max_length=120)
    nom_court = models.CharField("nom court", max_length=40)
    ordre = models.PositiveSmallIntegerField("ordre")
    organisations = models.ManyToManyField(Organisation, through="Appartenance", related_name="parties")

    objects = PartieManager()

    class Meta:
        ordering = ["protocole", "ordre"]
        constraints = [models.UniqueConstraint(fields=["protocole", "code"], name="partie_unique_code")]
        verbose_name = "partie"

    def __str__(self):
        return self.nom_court

    def natural_key(self):
        return (self.protocole.slug, self.code)

    natural_key.dependencies = ["protocole.protocole"]


class AppartenanceManager(models.Manager):
    def get_by_natural_key(self, protocole, code, organisation):
        return self.get(partie__protocole__slug=protocole, partie__code=code, organisation__slug=organisation)


class Appartenance(models.Model):
    """Une organisation fait partie d'une partie. Le texte n'énumère pas toujours les membres : on le dit."""

    partie = models.ForeignKey(Partie, on_delete=models.CASCADE, related_name="appartenances")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="appartenances")
    enoncee_par_le_texte = models.BooleanField(
        "énoncée par le texte",
        default=False,
        help_text="Décoché : le texte signé ne le dit pas, c'est une affectation de la coordination.",
    )

    objects = AppartenanceManager()

    class Meta:
        ordering = ["partie", "organisation__nom"]
        constraints = [
            models.UniqueConstraint(fields=["partie", "organisation"], name="appartenance_unique"),
        ]
        verbose_name = "appartenance à une partie"
        verbose_name_plural = "appartenances aux parties"

    def __str__(self):
        return f"{self.organisation} — {self.partie}"

    def natural_key(self):
        return self.partie.natural_key() + (self.organisation.slug,)

    natural_key.dependencies = ["signataires.partie", "signataires.organisation"]


class SignataireManager(ParProtocoleManager):
    cle_locale = "nom"


class Signataire(models.Model):
    """Une personne qui signe, telle qu'imprimée ; une seule fois par protocole même si elle signe deux fois."""

    protocole = models.ForeignKey(Protocole, on_delete=models.CASCADE, related_name="signataires")
    nom = models.CharField("nom imprimé", max_length=120)

    objects = SignataireManager()

    class Meta:
        ordering = ["protocole", "nom"]
        constraints = [models.UniqueConstraint(fields=["protocole", "nom"], name="signataire_unique_nom")]
        verbose_name = "signataire"

    def __str__(self):
        return self.nom

    def natural_key(self):
        return (self.protocole.slug, self.nom)

    natural_key.dependencies = ["protocole.protocole"]


class Signature(models.Model):
    """Une signature du texte, dans l'ordre, avec le titre tel qu'imprimé."""

    protocole = models.ForeignKey(Protocole, on_delete=models.CASCADE, related_name="signatures")
    ordre = models.PositiveSmallIntegerField("ordre")
    titre = models.CharField("titre", max_length=300)
    signataire = models.ForeignKey(Signataire, on_delete=models.PROTECT, related_name="signatures")

    objects = ParProtocoleManager()

    class Meta:
        ordering = ["protocole", "ordre"]
        constraints = [models.UniqueConstraint(fields=["protocole", "ordre"], name="signature_unique_ordre")]
        verbose_name = "signature"

    def __str__(self):
        return f"{self.titre} — {self.signataire}"

    def natural_key(self):
        return (self.protocole.slug, self.ordre)

    natural_key.dependencies = ["protocole.protocole", "signataires.signataire"]


class RepresentationManager(models.Manager):
    def get_by_natural_key(self, protocole, ordre):
        return self.get(signature__protocole__slug=protocole, signature__ordre=ordre)


class Representation(models.Model):
    """L'organisation pour laquelle une signature est donnée (donnée de référence, hors du texte signé)."""

    signature = models.OneToOneField(Signature, on_delete=models.CASCADE, related_name="representation")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="representations")

    objects = RepresentationManager()

    class Meta:
        ordering = ["signature"]
        verbose_name = "organisation représentée"
        verbose_name_plural = "organisations représentées"

    def __str__(self):
        return f"{self.signature.signataire} pour {self.organisation}"

    def natural_key(self):
        return self.signature.natural_key()

    natural_key.dependencies = ["signataires.signature", "signataires.organisation"]


class Utilisateur(AbstractUser):
    """Un compte. Son rôle et son organisation dépendent du protocole (voir Habilitation)."""

    # Les colonnes que la personne a choisi de voir dans la liste des actions (None : celles de son rôle). Gardées
    # sur le compte plutôt qu'en session : le choix survit à la déconnexion et suit la personne d'un poste à l'autre.
    colonnes_actions = models.JSONField("colonnes de la liste des actions", null=True, blank=True)
    rappel_hebdomadaire = models.BooleanField(
        "récapitulatif hebdomadaire",
        default=True,
        help_text="Un courriel par semaine : actions en retard ou sans nouvelles, décisions du comité à suivre.",
    )

    class Meta:
        verbose_name = "utilisateur"
        ordering = ["last_name", "first_name", "username"]

    def __str__(self):
        return self.get_full_name() or self.username


class Habilitation(models.Model):
    """Le rôle unique d'un utilisateur dans un protocole, et l'organisation pour laquelle il agit."""

    class Role(models.TextChoices):
        ADMINISTRATEUR = "admin", "administrateur·rice"
        COORDINATEUR = "coord", "coordinateur·rice"
        CHARGE_DE_MISSION = "cdm", "chargé·e de mission"
        LECTEUR = "lecteur", "lecteur·rice"

    utilisateur = models.ForeignKey(Utilisateur, on_delete=models.CASCADE, related_name="habilitations")
    protocole = models.ForeignKey(Protocole, on_delete=models.CASCADE, related_name="habilitations")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="habilitations")
    role = models.CharField("rôle", max_length=8, choices=Role.choices)
    rappel_avant_comite = models.BooleanField(
        "récapitulatif avant comité",
        default=True,
        help_text="Le récapitulatif envoyé avant chaque comité de pilotage : seule la coordination peut l'arrêter.",
    )

    class Meta:
        ordering = ["protocole", "utilisateur"]
        constraints = [
            models.UniqueConstraint(fields=["utilisateur", "protocole"], name="habilitation_unique_par_protocole")
        ]
        verbose_name = "habilitation"

    def __str__(self):
        return f"{self.utilisateur} — {self.get_role_display()} ({self.organisation})"

    @property
    def coordonne(self):
        """Coordination et administration voient et modifient toutes les actions, donnent les verdicts."""
        return self.role in (self.Role.ADMINISTRATEUR, self.Role.COORDINATEUR)

    # Le rôle dit sans accord de genre (en-tête, page « Mon compte », courriels).
    ROLES_NEUTRES = {
        "admin": "administration",
        "coord": "coordination",
        "cdm": "chargé·e de mission",
        "lecteur": "lecture",
    }

    @property
    def role_neutre(self):
        return self.ROLES_NEUTRES[self.role]

    def peut_accorder(self, role):
        """Cette habilitation peut-elle donner `role` à quelqu'un dans son protocole ? La coordination invite, et
        seul un administrateur fait un administrateur."""
        return self.coordonne and (role != self.Role.ADMINISTRATEUR or self.role == self.Role.ADMINISTRATEUR)

    def roles_accordables(self):
        """Les rôles que cette habilitation peut donner, dans l'ordre des choix."""
        return [role for role in self.Role if self.peut_accorder(role)]


def adresse_normalisee(email):
    """Une adresse e-mail comparable : insensible à la casse et aux formes Unicode, comme celle de Django pour la
    réinitialisation du mot de passe."""
    return unicodedata.normalize("NFKC", email).casefold()


FENETRE_OUBLI = datetime.timedelta(hours=1)


class DemandeReinitialisationQuerySet(models.QuerySet):
    def recentes(self, maintenant):
        """Les demandes de la dernière heure, la fenêtre des deux plafonds."""
        return self.filter(demandee_le__gt=maintenant - FENETRE_OUBLI)

    def refus(self, email, adresse, maintenant=None):
        """Pourquoi une demande de plus pour `email` depuis `adresse` serait refusée, en français, avec le délai à
        attendre ; None si elle peut partir.

        Les demandes se comptent que l'adresse ait un compte ou non : la réponse ne dit rien des comptes existants.
        """
        maintenant = maintenant or timezone.now()
        recentes = self.recentes(maintenant)
        par_email = recentes.filter(email=DemandeReinitialisation.empreinte(email)).order_by("demandee_le")
        par_adresse = recentes.filter(adresse=adresse).order_by("demandee_le") if adresse else self.none()
        limites = [
            (
                par_email,
                settings.OUBLI_PAR_EMAIL_PAR_HEURE,
                "Un lien a déjà été demandé {n} fois dans l'heure pour cette adresse : aucun e-mail de plus n'est "
                "envoyé. Utilisez le dernier lien reçu (regardez aussi dans les indésirables) ou réessayez dans "
                "{minutes} minute{s}.",
            ),
            (
                par_adresse,
                settings.OUBLI_PAR_ADRESSE_PAR_HEURE,
                "Trop de demandes de nouveau mot de passe depuis votre réseau dans l'heure. Réessayez dans "
                "{minutes} minute{s}.",
            ),
        ]
        for demandes, plafond, message in limites:
            moments = list(demandes.values_list("demandee_le", flat=True)[:plafond])
            if len(moments) >= plafond:
                # La plus ancienne des demandes qui comptent sort de la fenêtre : une place se libère.
                minutes = max(1, math.ceil((moments[0] + FENETRE_OUBLI - maintenant).total_seconds() / 60))
                return message.format(n=plafond, minutes=minutes, s="s" if minutes > 1 else "")
        return None

    def enregistrer(self, email, adresse, maintenant=None):
        """Compte une demande, et oublie celles qui ne comptent plus (ni adresse ni empreinte gardée plus d'une
        heure)."""
        maintenant = maintenant or timezone.now()
        self.filter(demandee_le__lte=maintenant - FENETRE_OUBLI).delete()
        return self.create(email=DemandeReinitialisation.empreinte(email), adresse=adresse, demandee_le=maintenant)


class DemandeReinitialisation(models.Model):
    """Une demande de « mot de passe oublié » de la dernière heure, pour en plafonner le nombre (réglages
    OUBLI_PAR_EMAIL_PAR_HEURE et OUBLI_PAR_ADRESSE_PAR_HEURE).

    En base plutôt qu'en cache : les workers de gunicorn partagent le même compte. L'adresse e-mail n'est gardée
    que sous forme d'empreinte : on en saisit aussi qui n'ont pas de compte.
    """

    email = models.CharField("empreinte de l'adresse e-mail", max_length=64)
    adresse = models.GenericIPAddressField("adresse du client", null=True)
    demandee_le = models.DateTimeField("demandée le")

    objects = DemandeReinitialisationQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["email", "demandee_le"], name="oubli_email"),
            models.Index(fields=["adresse", "demandee_le"], name="oubli_adresse"),
        ]
        verbose_name = "demande de nouveau mot de passe"
        verbose_name_plural = "demandes de nouveau mot de passe"

    def __str__(self):
        return f"Demande du {self.demandee_le:%d/%m/%Y %H:%M}"

    @staticmethod
    def empreinte(email):
        """HMAC de l'adresse normalisée : le même compte pour Camille@Voiron.fr et camille@voiron.fr, et une
        adresse qu'on ne retrouve pas sans la clé du site."""
        cle = settings.SECRET_KEY.encode()
        return hmac.new(cle, adresse_normalisee(email).encode(), hashlib.sha256).hexdigest()
