"""Le comité de pilotage : ses réunions, ses décisions, les versions gelées de ses rapports et les visas des
signataires. Le dernier étage : il lit le protocole, les signataires et le suivi, rien ne pointe vers lui.

Les tables gardent leur nom d'avant le déménagement (`protocole_reunion`…) : aucune ligne n'a bougé."""

import datetime
import hashlib

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models, transaction
from django.utils import timezone

from engagements.models import Action, Obligation
from protocole.francais import de
from protocole.models import Protocole, VersionDonnees
from signataires.models import Organisation

LONGUEUR_TEXTES = 1500
TEXTES_COORDINATION = ("faits_marquants", "points_attention", "decisions_attendues")


class Reunion(models.Model):
    """Une réunion du comité de pilotage. Sa date sert de point de départ par défaut aux « évolutions depuis »."""

    protocole = models.ForeignKey(Protocole, on_delete=models.PROTECT, related_name="reunions")
    date = models.DateField("date")
    titre = models.CharField("titre", max_length=200)
    participants = models.TextField("participants", blank=True, help_text="Texte libre : qui était présent.")
    # Les mots de la coordination, imprimés dans la note qui ouvre le rapport de la réunion (texte brut : des
    # paragraphes séparés par une ligne vide, des listes en lignes commençant par « - »).
    faits_marquants = models.TextField(
        "faits marquants", blank=True, max_length=LONGUEUR_TEXTES, validators=[MaxLengthValidator(LONGUEUR_TEXTES)]
    )
    points_attention = models.TextField(
        "points d'attention", blank=True, max_length=LONGUEUR_TEXTES, validators=[MaxLengthValidator(LONGUEUR_TEXTES)]
    )
    decisions_attendues = models.TextField(
        "décisions attendues du comité",
        blank=True,
        max_length=LONGUEUR_TEXTES,
        validators=[MaxLengthValidator(LONGUEUR_TEXTES)],
    )
    cree_le = models.DateTimeField("créée le", auto_now_add=True)

    class Meta:
        db_table = "protocole_reunion"
        ordering = ["-date", "-id"]
        verbose_name = "réunion du comité de pilotage"
        verbose_name_plural = "réunions du comité de pilotage"
        indexes = [models.Index(fields=["protocole", "date"], name="reunion_protocole_date")]

    def __str__(self):
        return f"{self.titre} ({self.date:%d/%m/%Y})"

    def clean(self):
        """Une réunion se tient ou se prévoit dans la plage des prévisions du protocole (du début du contrat de ville
        au 31 décembre de l'année en cours + 10) : une date hors de là est une faute de frappe."""
        super().clean()
        if self.protocole_id is not None and self.date is not None:
            try:
                self.protocole.plage_des_previsions().verifier(self.date, "La date de la réunion")
            except ValidationError as erreur:
                raise ValidationError({"date": erreur}) from None


def derniere_reunion(protocole, au):
    """La dernière réunion du comité tenue le jour `au` ou avant (None s'il n'y en a pas) : le « depuis » par défaut
    des tableaux de bord et des rapports, que `engagements.periode` lit par le réglage `DEPUIS_PAR_DEFAUT`."""
    return reunions_jusqu_au(protocole, au).first()


def reunions_jusqu_au(protocole, au, inclus=True):
    """Les réunions du comité tenues le jour `au` ou avant, la plus récente d'abord : « la réunion précédente »
    (d'un jour, d'une réunion) se lit ici et nulle part ailleurs."""
    condition = {"date__lte": au} if inclus else {"date__lt": au}
    return Reunion.objects.filter(protocole=protocole, **condition).order_by("-date", "-id")


def reunion_precedente(reunion):
    """La réunion tenue avant `reunion` (la veille ou plus tôt), ou None."""
    return reunions_jusqu_au(reunion.protocole, reunion.date, inclus=False).first()


def prochaine_reunion(protocole, au):
    """La prochaine réunion du comité, tenue le jour `au` ou après (None s'il n'y en a pas) : ses textes de la
    coordination accompagnent les rapports qui ne sont pas ceux d'une réunion."""
    return Reunion.objects.filter(protocole=protocole, date__gte=au).order_by("date", "id").first()


class Decision(models.Model):
    """Une décision du comité, liée aux obligations ou actions qu'elle concerne, avec son suivi."""

    class Suivi(models.TextChoices):
        A_FAIRE = "a_faire", "à faire"
        EN_COURS = "en_cours", "en cours"
        FAITE = "faite", "faite"
        ABANDONNEE = "abandonnee", "abandonnée"

    reunion = models.ForeignKey(Reunion, on_delete=models.PROTECT, related_name="decisions")
    texte = models.TextField("décision")
    obligations = models.ManyToManyField(
        Obligation, blank=True, related_name="decisions", verbose_name="obligations concernées"
    )
    actions = models.ManyToManyField(Action, blank=True, related_name="decisions", verbose_name="actions concernées")
    responsable = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name="responsable",
    )
    responsable_personne = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="personne responsable",
        help_text="Une personne qui suit ce protocole, à la place ou en plus d'une organisation.",
    )
    echeance = models.DateField("échéance", null=True, blank=True)
    suivi = models.CharField("suivi", max_length=10, choices=Suivi.choices, default=Suivi.A_FAIRE)
    commentaire_suivi = models.TextField("où en est-on", blank=True)
    modifiee_le = models.DateTimeField("modifiée le", auto_now=True)

    class Meta:
        db_table = "protocole_decision"
        ordering = ["reunion", "id"]
        verbose_name = "décision du comité"
        verbose_name_plural = "décisions du comité"

    def __str__(self):
        return self.texte[:80]

    def en_retard_au(self, date):
        """Son échéance précède `date` et elle n'est ni faite ni abandonnée."""
        return bool(
            self.echeance and self.echeance < date and self.suivi not in (self.Suivi.FAITE, self.Suivi.ABANDONNEE)
        )


class ArchiveQuerySet(models.QuerySet):
    """Pas de modification ni de suppression en masse : elles contourneraient save() et delete()."""

    def update(self, **kwargs):
        raise ValueError("Un rapport archivé ne se modifie pas : gelez une nouvelle version.")

    def delete(self):
        raise ValueError("Un rapport archivé ne se supprime pas.")


class RapportArchive(models.Model):
    """Une version gelée du rapport d'une réunion ou de son bilan à l'échéance (`genre`) : le fichier et son SHA-256
    ne changent plus jamais. Une correction est une nouvelle version de son genre à côté de la première.
    """

    class Genre(models.TextChoices):
        RAPPORT = "rapport", "rapport au comité"
        BILAN = "bilan", "bilan à l'échéance"

    reunion = models.ForeignKey(Reunion, on_delete=models.PROTECT, related_name="archives")
    genre = models.CharField("genre", max_length=7, choices=Genre.choices, default=Genre.RAPPORT)
    version = models.PositiveSmallIntegerField("version")
    contenu = models.BinaryField("fichier PDF", editable=False)
    sha256 = models.CharField("empreinte SHA-256", max_length=64, editable=False)
    taille = models.PositiveIntegerField("taille (octets)", editable=False)
    au = models.DateField("état au")
    depuis = models.DateField("évolutions depuis")
    motif = models.TextField("motif", blank=True, help_text="Pour une nouvelle version : ce qu'elle corrige.")
    gele_le = models.DateTimeField("gelé le", default=timezone.now, editable=False)
    gele_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="gelé par"
    )

    objects = ArchiveQuerySet.as_manager()

    class Meta:
        db_table = "protocole_rapportarchive"
        ordering = ["reunion", "genre", "version"]
        constraints = [models.UniqueConstraint(fields=["reunion", "genre", "version"], name="archive_version_genre")]
        verbose_name = "rapport archivé"
        verbose_name_plural = "rapports archivés"

    def __str__(self):
        return f"{self.reunion} — version {self.version}{' du bilan' if self.genre == self.Genre.BILAN else ''}"

    def save(self, *args, **kwargs):
        if self.pk is not None or not self._state.adding:
            raise ValueError("Un rapport archivé ne se modifie pas : gelez une nouvelle version.")
        self.sha256 = hashlib.sha256(bytes(self.contenu)).hexdigest()
        self.taille = len(self.contenu)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Un rapport archivé ne se supprime pas.")

    def intact(self):
        """Le fichier conservé correspond-il toujours à son empreinte ?"""
        return hashlib.sha256(bytes(self.contenu)).hexdigest() == self.sha256


class Visa(models.Model):
    """Le visa d'une organisation signataire sur une version gelée du rapport : qui, quand, et ses réserves s'il
    est donné « avec réserves »."""

    archive = models.ForeignKey(RapportArchive, on_delete=models.PROTECT, related_name="visas")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="visas")
    utilisateur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    vise_le = models.DateTimeField("visé le", auto_now_add=True)
    reserves = models.TextField(
        "réserves",
        blank=True,
        max_length=LONGUEUR_TEXTES,
        validators=[MaxLengthValidator(LONGUEUR_TEXTES)],
        help_text="Vide : visa sans réserve.",
    )

    class Meta:
        db_table = "protocole_visa"
        ordering = ["archive", "organisation__nom"]
        constraints = [models.UniqueConstraint(fields=["archive", "organisation"], name="visa_unique_organisation")]
        verbose_name = "visa"

    def __str__(self):
        return f"Visa {de(self.organisation)} sur {self.archive}"


class EnvoiRappel(models.Model):
    """Un récapitulatif envoyé : à qui, quand, pourquoi et ce qu'il listait. Un second passage le même jour n'envoie
    rien à qui l'a déjà reçu (contrainte d'unicité) ; la coordination les lit dans l'administration."""

    class Sorte(models.TextChoices):
        HEBDOMADAIRE = "hebdo", "récapitulatif hebdomadaire"
        AVANT_COMITE = "comite", "récapitulatif avant comité"

    protocole = models.ForeignKey(Protocole, on_delete=models.PROTECT, related_name="+")
    destinataire = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    jour = models.DateField("jour")
    sorte = models.CharField("sorte", max_length=6, choices=Sorte.choices)
    reunion = models.ForeignKey(Reunion, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    envoye_le = models.DateTimeField("envoyé le", default=timezone.now)
    adresse = models.EmailField("adresse")
    resume = models.TextField("contenu", help_text="Ce que listait le courriel.")

    class Meta:
        ordering = ["-envoye_le"]
        constraints = [
            models.UniqueConstraint(fields=["protocole", "destinataire", "jour"], name="rappel_unique_par_jour")
        ]
        verbose_name = "rappel envoyé"
        verbose_name_plural = "rappels envoyés"

    def __str__(self):
        return f"{self.get_sorte_display()} à {self.destinataire} le {self.jour:%d/%m/%Y}"


class LimiteAtteinte(ValidationError):
    """La personne a déjà `RAPPORTS_MAX_PAR_PERSONNE` rendus en attente ou en cours."""


def limite_des_attentes(maintenant=None):
    """Le moment avant lequel une demande non terminée est un échec (`RAPPORTS_DELAI_ECHEC` secondes plus tôt)."""
    return (maintenant or timezone.now()) - datetime.timedelta(seconds=settings.RAPPORTS_DELAI_ECHEC)


class PreparationQuerySet(models.QuerySet):
    def attendues(self, maintenant=None):
        """En attente ou en cours, demandées depuis moins de `RAPPORTS_DELAI_ECHEC` secondes : celles qu'un worker
        peut encore rendre. Les plus anciennes sont des échecs, même si aucun worker n'a pu le dire (tué)."""
        return self.filter(
            etat__in=[Preparation.Etat.EN_ATTENTE, Preparation.Etat.EN_COURS],
            cree_le__gt=limite_des_attentes(maintenant),
        )


class Preparation(models.Model):
    """Un rendu de rapport demandé par une personne et exécuté hors de la requête, par un worker Celery
    (`comite/taches.py`) : un rapport de suivi, l'aperçu ou le gel du rapport d'une réunion.

    Le fichier lui-même n'est pas ici : il est dans le cache partagé sous `cle` (un rapport gelé, dans `archive`).
    Les règles — au plus `RAPPORTS_MAX_PAR_PERSONNE` en attente ou en cours par personne, l'échec passé
    `RAPPORTS_DELAI_ECHEC` secondes — sont écrites ici, une fois (`demander`, `etat_affiche`)."""

    class Sorte(models.TextChoices):
        RAPPORT = "rapport", "rapport de suivi"
        APERCU = "apercu", "aperçu du rapport d'une réunion"
        GEL = "gel", "gel du rapport d'une réunion"
        BILAN = "bilan", "bilan à l'échéance"
        GEL_BILAN = "gel_bilan", "gel du bilan d'une réunion"

    class Etat(models.TextChoices):
        EN_ATTENTE = "en_attente", "en attente"
        EN_COURS = "en_cours", "en cours"
        PRETE = "prete", "prête"
        ECHEC = "echec", "échec"

    protocole = models.ForeignKey(Protocole, on_delete=models.CASCADE, related_name="+")
    demandeur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sorte = models.CharField("sorte", max_length=10, choices=Sorte.choices)
    perimetre = models.CharField("périmètre", max_length=20, blank=True)
    valeur = models.CharField("quartier, organisation ou engagement", max_length=100, blank=True)
    au = models.DateField("état au", null=True)
    depuis = models.DateField("évolutions depuis", null=True)
    annexe = models.BooleanField("avec l'annexe", default=True)
    reunion = models.ForeignKey(Reunion, on_delete=models.CASCADE, null=True, related_name="+")
    motif = models.TextField("motif du gel", blank=True)
    version_donnees = models.PositiveBigIntegerField("version des données à la demande")
    cle = models.CharField("clé du fichier dans le cache", max_length=64, blank=True)
    etat = models.CharField("état", max_length=10, choices=Etat.choices, default=Etat.EN_ATTENTE)
    message = models.TextField("message d'échec", blank=True)
    archive = models.ForeignKey(RapportArchive, on_delete=models.PROTECT, null=True, related_name="+")
    cree_le = models.DateTimeField("demandée le", default=timezone.now)
    commence_le = models.DateTimeField("commencée le", null=True)
    termine_le = models.DateTimeField("terminée le", null=True)

    objects = PreparationQuerySet.as_manager()

    class Meta:
        verbose_name = "préparation d'un rapport"
        verbose_name_plural = "préparations de rapports"
        indexes = [
            models.Index(fields=["demandeur", "etat", "cree_le"], name="preparation_demandeur"),
            models.Index(fields=["protocole", "cle", "etat"], name="preparation_cle"),
        ]

    def __str__(self):
        return f"{self.get_sorte_display()} n° {self.pk} ({self.get_etat_display()})"

    @classmethod
    def demander(cls, protocole, demandeur, sorte, cle, **parametres):
        """(préparation, nouvelle) : la demande en attente du même fichier s'il y en a une (qui que ce soit qui
        l'ait faite ; jamais pour un gel, qui crée une version), sinon une nouvelle, si la personne n'a pas déjà
        `RAPPORTS_MAX_PAR_PERSONNE` rendus en attente ou en cours (sinon `LimiteAtteinte`). La ligne de la personne
        est verrouillée le temps de compter : deux demandes simultanées ne dépassent pas la limite."""
        with transaction.atomic():
            verrou = get_user_model().objects.select_for_update().filter(pk=demandeur.pk)
            list(verrou.values_list("pk"))
            if sorte not in (cls.Sorte.GEL, cls.Sorte.GEL_BILAN):  # un gel crée toujours sa version
                existante = cls.objects.attendues().filter(protocole=protocole, sorte=sorte, cle=cle).first()
                if existante is not None:
                    return existante, False
            maximum = settings.RAPPORTS_MAX_PAR_PERSONNE
            if cls.objects.attendues().filter(demandeur=demandeur).count() >= maximum:
                raise LimiteAtteinte(
                    f"Vous avez déjà {maximum} rapport{'s' if maximum > 1 else ''} en préparation : attendez qu'un "
                    "d'eux soit prêt avant d'en demander un autre.",
                    code="limite",
                )
            version = VersionDonnees.lire(protocole)[1]
            preparation = cls.objects.create(
                protocole=protocole, demandeur=demandeur, sorte=sorte, cle=cle, version_donnees=version, **parametres
            )
            return preparation, True

    @classmethod
    def commencer(cls, pk):
        """Le worker la prend : en attente → en cours, si elle n'a pas dépassé son délai (sinon None : la page dit
        déjà l'échec, et une nouvelle demande est peut-être en route)."""
        maintenant = timezone.now()
        prises = cls.objects.filter(pk=pk, etat=cls.Etat.EN_ATTENTE, cree_le__gt=limite_des_attentes(maintenant))
        if not prises.update(etat=cls.Etat.EN_COURS, commence_le=maintenant):
            return None
        return cls.objects.select_related("protocole", "reunion__protocole", "demandeur").get(pk=pk)

    def terminer(self, cle="", archive=None):
        self.etat, self.termine_le = self.Etat.PRETE, timezone.now()
        self.cle, self.archive = cle or self.cle, archive
        self.save(update_fields=["etat", "termine_le", "cle", "archive"])

    def echouer(self, message):
        self.etat, self.termine_le, self.message = self.Etat.ECHEC, timezone.now(), message
        self.save(update_fields=["etat", "termine_le", "message"])

    @property
    def est_un_gel(self):
        return self.sorte in (self.Sorte.GEL, self.Sorte.GEL_BILAN)

    @property
    def objet(self):
        """Ce qui est rendu, en quelques mots : « quartier brunetiere, état au 29/11/2026 », le titre de la réunion."""
        if self.sorte == self.Sorte.BILAN:
            return f"bilan du protocole, état au {self.au:%d/%m/%Y}"
        if self.sorte != self.Sorte.RAPPORT:
            return f"{self.reunion.titre} ({self.reunion.date:%d/%m/%Y})"
        portee = "tout le territoire" if self.perimetre == "protocole" else f"{self.perimetre} {self.valeur}"
        return f"{portee}, état au {self.au:%d/%m/%Y}{'' if self.annexe else ', note seule'}"

    @property
    def etat_affiche(self):
        """L'état que la page dit : une préparation non terminée `RAPPORTS_DELAI_ECHEC` secondes après la demande
        est un échec (le worker qui la rendait a pu être tué sans rien écrire)."""
        if self.etat in (self.Etat.EN_ATTENTE, self.Etat.EN_COURS) and self.cree_le <= limite_des_attentes():
            return self.Etat.ECHEC
        return self.etat
