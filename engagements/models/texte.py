"""Les engagements renforcés du texte signé : engagements, blocs de partie, obligations, paragraphes."""

from django.db import models
from django.db.models.functions import Coalesce

from engagements.models.journal import Entree
from engagements.models.regles import Champ, ValeurVerdict
from protocole.models import ParProtocoleManager, Protocole
from signataires.models import Partie


class EngagementManager(ParProtocoleManager):
    cle_locale = "numero"


class Engagement(models.Model):
    """Un des cinq engagements renforcés. Sans titre imprimé pour N°1 et N°5 : les leurs sont les nôtres."""

    protocole = models.ForeignKey(Protocole, on_delete=models.CASCADE, related_name="engagements")
    numero = models.PositiveSmallIntegerField("numéro")
    titre = models.CharField("titre", max_length=200)
    titre_du_texte = models.BooleanField(
        "titre imprimé dans le texte", default=True, help_text="Décoché : titre donné par nous, absent du texte signé."
    )

    objects = EngagementManager()

    class Meta:
        ordering = ["protocole", "numero"]
        constraints = [models.UniqueConstraint(fields=["protocole", "numero"], name="engagement_unique_numero")]
        verbose_name = "engagement renforcé"
        verbose_name_plural = "engagements renforcés"

    def __str__(self):
        return f"N°{self.numero} — {self.titre}"

    def natural_key(self):
        return (self.protocole.slug, self.numero)

    natural_key.dependencies = ["protocole.protocole"]


class BlocManager(models.Manager):
    def get_by_natural_key(self, protocole, numero, code):
        return self.get(engagement__protocole__slug=protocole, engagement__numero=numero, partie__code=code)


class Bloc(models.Model):
    """Ce qu'une partie s'engage à faire dans un engagement, ouvert par sa phrase imprimée (« … s'engagent à : »)."""

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="blocs")
    partie = models.ForeignKey(Partie, on_delete=models.PROTECT, related_name="blocs")
    ordre = models.PositiveSmallIntegerField("ordre")
    intitule = models.TextField("phrase d'ouverture")

    objects = BlocManager()

    class Meta:
        ordering = ["engagement", "ordre"]
        constraints = [models.UniqueConstraint(fields=["engagement", "partie"], name="bloc_unique_partie")]
        verbose_name = "bloc de partie"
        verbose_name_plural = "blocs de partie"

    def __str__(self):
        return self.reference

    def natural_key(self):
        return self.engagement.natural_key() + (self.partie.code,)

    natural_key.dependencies = ["engagements.engagement", "signataires.partie"]

    @property
    def reference(self):
        return f"E{self.engagement.numero}-{self.partie.code}"


class ObligationQuerySet(models.QuerySet):
    def verdicts_au(self, date):
        """Annote `verdict_au` (« non évalué » sans entrée) et `motif_verdict_au` : le verdict de chaque obligation
        au jour `date` et le motif donné avec lui, lus dans le journal."""
        return self.annotate(
            verdict_au=Coalesce(
                Entree.objects.valeur_au(Champ.VERDICT, date, "verdict_apres", sujet="obligation"),
                models.Value(ValeurVerdict.NON_EVALUE),
            ),
            motif_verdict_au=Entree.objects.valeur_au(Champ.VERDICT, date, "commentaire", sujet="obligation"),
        )


class ObligationManager(ParProtocoleManager.from_queryset(ObligationQuerySet)):
    cle_locale = "reference"


class Obligation(models.Model):
    """Un point (« - … ») d'un bloc. Sa référence (E2-CAF-4) est stable : on peut la citer en comité."""

    protocole = models.ForeignKey(Protocole, on_delete=models.CASCADE, related_name="obligations")
    bloc = models.ForeignKey(Bloc, on_delete=models.CASCADE, related_name="obligations")
    rang = models.PositiveSmallIntegerField("rang")
    reference = models.CharField("référence", max_length=20)
    texte = models.TextField("texte")

    objects = ObligationManager()

    class Meta:
        ordering = ["bloc__engagement__numero", "bloc__ordre", "rang"]
        constraints = [
            models.UniqueConstraint(fields=["protocole", "reference"], name="obligation_unique_reference"),
            models.UniqueConstraint(fields=["bloc", "rang"], name="obligation_unique_rang"),
        ]
        verbose_name = "obligation"

    def __str__(self):
        return f"{self.reference} {self.texte}"

    def natural_key(self):
        return (self.protocole.slug, self.reference)

    natural_key.dependencies = ["protocole.protocole", "engagements.bloc"]


class ParagrapheManager(models.Manager):
    def get_by_natural_key(self, protocole, reference, ordre):
        return self.get(obligation__protocole__slug=protocole, obligation__reference=reference, ordre=ordre)


class Paragraphe(models.Model):
    """Un paragraphe explicatif rattaché à l'obligation qui le précède dans le texte."""

    obligation = models.ForeignKey(Obligation, on_delete=models.CASCADE, related_name="paragraphes")
    ordre = models.PositiveSmallIntegerField("ordre")
    texte = models.TextField("texte")

    objects = ParagrapheManager()

    class Meta:
        ordering = ["obligation", "ordre"]
        constraints = [models.UniqueConstraint(fields=["obligation", "ordre"], name="paragraphe_unique_ordre")]
        verbose_name = "paragraphe"

    def __str__(self):
        return f"{self.obligation.reference} §{self.ordre}"

    def natural_key(self):
        return self.obligation.natural_key() + (self.ordre,)

    natural_key.dependencies = ["engagements.obligation"]
