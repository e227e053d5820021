"""Ce qui appartient au protocole dans son ensemble : le protocole, son préambule, ses quartiers."""

from django.db import models


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
