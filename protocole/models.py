"""Ce qui appartient au protocole dans son ensemble : le protocole, son préambule, ses quartiers, son comité de
pilotage (réunions, décisions, rapports archivés et visas)."""

import datetime
import hashlib
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format

# Un début, une échéance ou un comité se prévoient jusqu'au 31 décembre de l'année en cours + ANNEES_D_AVANCE :
# au-delà, c'est une faute de frappe (20226 pour 2026), que les calculs de dates ne supporteraient d'ailleurs pas.
ANNEES_D_AVANCE = 10


def jour(date):
    """Une date en toutes lettres, comme les messages la disent : « 1 janvier 2015 »."""
    return date_format(date, "j F Y")


@dataclass(frozen=True)
class Plage:
    """Les dates qu'une saisie accepte, bornes comprises, et le refus dit en français avec la plage permise.

    Construite par `Protocole.plage_des_faits` ou `Protocole.plage_des_previsions`, seules à fixer les bornes."""

    debut: datetime.date
    fin: datetime.date
    fin_dite: str  # « à aujourd'hui (…) » ou « au 31 décembre … »
    refus_apres: str  # « être dans le futur » ou « dépasser le 31 décembre … »

    def __contains__(self, date):
        return self.debut <= date <= self.fin

    @property
    def permise(self):
        return f"dates possibles du {jour(self.debut)} {self.fin_dite}"

    def verifier(self, date, sujet):
        """ValidationError si `date` sort de la plage ; `sujet` nomme le champ en tête de phrase (« L'échéance »)."""
        if date < self.debut:
            raise ValidationError(
                f"{sujet} ne peut pas précéder le {jour(self.debut)}, début du contrat de ville ({jour(date)}) : "
                f"{self.permise}.",
                code="avant",
            )
        if date > self.fin:
            raise ValidationError(
                f"{sujet} ne peut pas {self.refus_apres} ({jour(date)}) : {self.permise}.", code="apres"
            )


class ProtocoleManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Protocole(models.Model):
    """Un protocole d'engagement renforcé et réciproque (texte signé). Plusieurs territoires peuvent coexister."""

    slug = models.SlugField("identifiant", unique=True)
    titre = models.CharField("titre", max_length=200)
    intitule_contrat = models.CharField("intitulé du contrat de ville", max_length=200)
    territoire = models.CharField("territoire", max_length=120)
    annee_debut = models.PositiveSmallIntegerField("début du contrat de ville")
    annee_fin = models.PositiveSmallIntegerField("fin du contrat de ville")
    fin_echeance = models.DateField("fin d'échéance", null=True, blank=True)
    date_signature = models.DateField(
        "date de signature", null=True, blank=True, help_text="Vide : le texte signé n'en imprime pas."
    )
    ordre = models.PositiveSmallIntegerField("ordre", default=0)

    objects = ProtocoleManager()

    class Meta:
        ordering = ["ordre", "territoire"]
        verbose_name = "protocole"

    def __str__(self):
        return f"{self.titre} — {self.territoire}"

    def natural_key(self):
        return (self.slug,)

    @property
    def periode(self):
        return f"{self.annee_debut}-{self.annee_fin}"

    # -- les bornes de la saisie --------------------------------------------------------------------------------------
    # Définies ici une seule fois : les règles d'une action (engagements/models/actions.py), le lecteur de la période
    # (engagements/periode.py), le filtre « sans mise à jour depuis » et la date d'une réunion du comité les lisent.

    @property
    def premier_jour(self):
        """Le 1er janvier de la première année du contrat de ville : aucune date saisie ne le précède."""
        return datetime.date(self.annee_debut, 1, 1)

    def plage_des_faits(self, aujourd_hui=None):
        """Ce qui a eu lieu (date d'effet, « état au », « évolutions depuis », « sans mise à jour depuis ») : du
        premier jour du contrat à aujourd'hui (à Paris, ou le jour donné)."""
        aujourd_hui = aujourd_hui or timezone.localdate()
        return Plage(self.premier_jour, aujourd_hui, f"à aujourd'hui ({jour(aujourd_hui)})", "être dans le futur")

    def plage_des_previsions(self, aujourd_hui=None):
        """Ce qui se prévoit (début et échéance d'une action, date d'une réunion du comité) : du premier jour du
        contrat au 31 décembre de l'année en cours + ANNEES_D_AVANCE."""
        fin = datetime.date((aujourd_hui or timezone.localdate()).year + ANNEES_D_AVANCE, 12, 31)
        return Plage(self.premier_jour, fin, f"au {jour(fin)}", f"dépasser le {jour(fin)}")


class VersionDonnees(models.Model):
    """La version des données d'un protocole : un compteur monté dans la transaction de chaque écriture qui peut
    changer ce qu'une page ou un rapport montre (entrée du journal, comité, archive, visa, donnée de référence).
    Il est la clé des rapports PDF gardés en cache : une donnée changée, et l'ancien fichier ne sert plus.

    À part du protocole : recharger le texte signé (loaddata) réécrit la ligne du protocole, pas ce compteur."""

    protocole = models.OneToOneField(
        Protocole, on_delete=models.CASCADE, primary_key=True, related_name="version_donnees"
    )
    numero = models.PositiveBigIntegerField("numéro", default=0)
    # Tiré à la création de la ligne : une base refaite (démonstration rechargée, banc d'essai) recommence à compter
    # depuis 1 ; avec le jeton, ses numéros ne retrouvent pas les rapports gardés en cache pour l'ancienne base.
    jeton = models.UUIDField("jeton", default=uuid.uuid4, editable=False)

    class Meta:
        verbose_name = "version des données"
        verbose_name_plural = "versions des données"

    def __str__(self):
        return f"{self.protocole_id} : {self.numero}"

    @classmethod
    def monter(cls, protocoles):
        """Monte la version de chacun des `protocoles` (identifiants), dans la transaction en cours. Tous quand
        `protocoles` est None (une donnée partagée, comme le nom d'une organisation)."""
        if protocoles is None:
            protocoles = list(Protocole.objects.values_list("pk", flat=True))
        protocoles = sorted({p for p in protocoles if p is not None})
        if not protocoles:
            return
        montees = cls.objects.filter(protocole_id__in=protocoles).update(numero=models.F("numero") + 1)
        if montees < len(protocoles):
            # La première écriture d'un protocole crée sa ligne (sans conflit si deux écritures la créent en même
            # temps : chacune monte ensuite la ligne créée, aucune montée n'est perdue).
            manquants = Protocole.objects.filter(pk__in=protocoles).exclude(version_donnees__isnull=False)
            manquants = list(manquants.values_list("pk", flat=True))
            cls.objects.bulk_create([cls(protocole_id=p) for p in manquants], ignore_conflicts=True)
            cls.objects.filter(protocole_id__in=manquants).update(numero=models.F("numero") + 1)

    @classmethod
    def lire(cls, protocole):
        """(jeton, numéro) courants : ce qui identifie l'état des données ; (None, 0) tant que rien n'a été écrit."""
        return cls.objects.filter(protocole=protocole).values_list("jeton", "numero").first() or (None, 0)


class ParProtocoleManager(models.Manager):
    """Clé naturelle (slug du protocole, clé locale) pour les objets qui appartiennent à un protocole."""

    cle_locale = "ordre"

    def get_by_natural_key(self, protocole, cle):
        return self.get(protocole__slug=protocole, **{self.cle_locale: cle})


class TextePreambule(models.Model):
    """Un paragraphe du préambule, dans l'ordre du texte signé."""

    class Nature(models.TextChoices):
        CONTEXTE = "contexte", "contexte"
        AXE = "axe", "axe"
        PRINCIPE = "principe", "principe"
        ENGAGEMENT_GENERAL = "engagement", "engagement général"

    protocole = models.ForeignKey(Protocole, on_delete=models.CASCADE, related_name="preambule")
    ordre = models.PositiveSmallIntegerField("ordre")
    nature = models.CharField("nature", max_length=12, choices=Nature.choices)
    texte = models.TextField("texte")

    objects = ParProtocoleManager()

    class Meta:
        ordering = ["protocole", "ordre"]
        constraints = [models.UniqueConstraint(fields=["protocole", "ordre"], name="preambule_unique_ordre")]
        verbose_name = "texte du préambule"
        verbose_name_plural = "textes du préambule"

    def __str__(self):
        return f"{self.get_nature_display()} {self.ordre}"

    def natural_key(self):
        return (self.protocole.slug, self.ordre)

    natural_key.dependencies = ["protocole.protocole"]


class QuartierManager(ParProtocoleManager):
    cle_locale = "slug"


class Quartier(models.Model):
    """Un quartier du protocole (donnée de référence, modifiable dans l'administration)."""

    class Nature(models.TextChoices):
        QPV = "qpv", "quartier prioritaire (QPV)"
        VEILLE_ACTIVE = "veille", "quartier de veille active"
        QUARTIER_VECU = "vecu", "quartier vécu"

    protocole = models.ForeignKey(Protocole, on_delete=models.PROTECT, related_name="quartiers")
    slug = models.SlugField("identifiant")
    nom = models.CharField("nom", max_length=120)
    nature = models.CharField("nature", max_length=8, choices=Nature.choices)
    commune = models.CharField("commune", max_length=120, blank=True, help_text="Vide tant qu'elle n'est pas vérifiée.")
    code_officiel = models.CharField(
        "code officiel", max_length=20, blank=True, help_text="Code QPV vérifié (QP038… ou QN…) ; vide sinon."
    )
    population = models.PositiveIntegerField("population", null=True, blank=True)
    precisions = models.TextField("précisions", blank=True)
    ordre = models.PositiveSmallIntegerField("ordre", default=0)

    objects = QuartierManager()

    class Meta:
        ordering = ["protocole", "ordre", "nom"]
        constraints = [models.UniqueConstraint(fields=["protocole", "slug"], name="quartier_unique_slug")]
        verbose_name = "quartier"

    def __str__(self):
        return self.nom

    def natural_key(self):
        return (self.protocole.slug, self.slug)

    natural_key.dependencies = ["protocole.protocole"]


class Reunion(models.Model):
    """Une réunion du comité de pilotage. Sa date sert de point de départ par défaut aux « évolutions depuis »."""

    protocole = models.ForeignKey(Protocole, on_delete=models.PROTECT, related_name="reunions")
    date = models.DateField("date")
    titre = models.CharField("titre", max_length=200)
    participants = models.TextField("participants", blank=True, help_text="Texte libre : qui était présent.")
    cree_le = models.DateTimeField("créée le", auto_now_add=True)

    class Meta:
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
        "engagements.Obligation", blank=True, related_name="decisions", verbose_name="obligations concernées"
    )
    actions = models.ManyToManyField(
        "engagements.Action", blank=True, related_name="decisions", verbose_name="actions concernées"
    )
    responsable = models.ForeignKey(
        "signataires.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name="responsable",
    )
    echeance = models.DateField("échéance", null=True, blank=True)
    suivi = models.CharField("suivi", max_length=10, choices=Suivi.choices, default=Suivi.A_FAIRE)
    commentaire_suivi = models.TextField("où en est-on", blank=True)
    modifiee_le = models.DateTimeField("modifiée le", auto_now=True)

    class Meta:
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
    """Une version gelée du rapport d'une réunion : le fichier et son SHA-256 ne changent plus jamais.

    Une correction après le gel est une nouvelle version à côté de la première, jamais à sa place.
    """

    reunion = models.ForeignKey(Reunion, on_delete=models.PROTECT, related_name="archives")
    version = models.PositiveSmallIntegerField("version")
    contenu = models.BinaryField("fichier PDF", editable=False)
    sha256 = models.CharField("empreinte SHA-256", max_length=64, editable=False)
    taille = models.PositiveIntegerField("taille (octets)", editable=False)
    au = models.DateField("état au")
    depuis = models.DateField("évolutions depuis")
    motif = models.TextField("motif", blank=True, help_text="Pour une nouvelle version : ce qu'elle corrige.")
    gele_le = models.DateTimeField("gelé le", auto_now_add=True)
    gele_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="gelé par"
    )

    objects = ArchiveQuerySet.as_manager()

    class Meta:
        ordering = ["reunion", "version"]
        constraints = [models.UniqueConstraint(fields=["reunion", "version"], name="archive_unique_version")]
        verbose_name = "rapport archivé"
        verbose_name_plural = "rapports archivés"

    def __str__(self):
        return f"{self.reunion} — version {self.version}"

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
    """Le visa d'une organisation signataire sur une version gelée du rapport : qui, quand."""

    archive = models.ForeignKey(RapportArchive, on_delete=models.PROTECT, related_name="visas")
    organisation = models.ForeignKey("signataires.Organisation", on_delete=models.PROTECT, related_name="visas")
    utilisateur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    vise_le = models.DateTimeField("visé le", auto_now_add=True)

    class Meta:
        ordering = ["archive", "organisation__nom"]
        constraints = [models.UniqueConstraint(fields=["archive", "organisation"], name="visa_unique_organisation")]
        verbose_name = "visa"

    def __str__(self):
        return f"Visa de {self.organisation} sur {self.archive}"
