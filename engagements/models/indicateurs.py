"""Les indicateurs d'une obligation : une définition, une valeur de départ et une cible par quartier (ou pour tout le
territoire), et des valeurs datées par période, en ajout seul.

Une valeur enregistrée ne se modifie jamais : une correction est une nouvelle ligne qui garde l'ancienne valeur
(`valeur_avant`), qui l'a saisie et quand. La valeur d'une période « au jour D » est celle de la dernière ligne
enregistrée ce jour-là ou avant (jours comptés à Paris) : `ValeurQuerySet.enregistrees_au`, la seule définition,
que lit la couche des requêtes (`engagements/tableaux/indicateurs.py`).
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from engagements.models.actions import Action
from engagements.models.periodes import Frequence, Periode
from engagements.models.regles import UN_JOUR, debut_du_jour
from engagements.models.texte import Obligation
from protocole.models import Protocole, Quartier
from signataires.models import Organisation

TOUT_LE_TERRITOIRE = "Tout le territoire"
# Une valeur tient sur 12 chiffres avant la virgule et 2 après (Decimal(14, 2)).
VALEUR_MAX = Decimal("999999999999.99")
# La plus ancienne date d'une valeur de départ : un diagnostic d'avant le contrat de ville, pas une faute de frappe.
PREMIER_JOUR_DES_REPERES = datetime.date(1990, 1, 1)


class Unite(models.TextChoices):
    NOMBRE = "nombre", "nombre"
    POURCENTAGE = "pourcentage", "pourcentage"
    EUROS = "euros", "euros"
    PERSONNES = "personnes", "personnes"


SYMBOLES_UNITE = {Unite.NOMBRE: "", Unite.POURCENTAGE: " %", Unite.EUROS: " €", Unite.PERSONNES: " pers."}


class Sens(models.TextChoices):
    HAUSSE = "hausse", "à la hausse"
    BAISSE = "baisse", "à la baisse"


class Indicateur(models.Model):
    """Un indicateur d'une obligation, défini par la coordination : ce qu'il mesure, dans quelle unité, dans quel
    sens il doit aller, qui le fournit et à quel rythme."""

    protocole = models.ForeignKey(Protocole, on_delete=models.CASCADE, related_name="indicateurs")
    obligation = models.ForeignKey(Obligation, on_delete=models.PROTECT, related_name="indicateurs")
    actions = models.ManyToManyField(
        Action, blank=True, related_name="indicateurs", verbose_name="actions qui le servent"
    )
    reference = models.CharField(
        "référence",
        max_length=20,
        help_text="Courte et stable (par exemple IND-01) : c'est elle qu'on écrit dans un fichier d'import.",
    )
    nom = models.CharField("nom", max_length=200)
    definition = models.TextField("définition", help_text="Ce qui est compté, et comment.")
    unite = models.CharField("unité", max_length=12, choices=Unite.choices)
    sens = models.CharField("sens souhaité", max_length=6, choices=Sens.choices)
    source = models.CharField("source", max_length=200, help_text="D'où vient le chiffre (système, enquête…).")
    fournisseur = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="indicateurs_fournis",
        verbose_name="organisation qui le fournit",
    )
    frequence = models.CharField("fréquence", max_length=13, choices=Frequence.choices)
    cree_le = models.DateTimeField("créé le", default=timezone.now)

    class Meta:
        ordering = ["reference"]
        constraints = [
            models.UniqueConstraint(fields=["protocole", "reference"], name="indicateur_unique_reference"),
        ]
        verbose_name = "indicateur"

    def __str__(self):
        return f"{self.reference} — {self.nom}"

    def clean(self):
        self.reference = (self.reference or "").strip()
        if self.obligation_id and self.protocole_id and self.obligation.protocole_id != self.protocole_id:
            raise ValidationError({"obligation": "Cette obligation appartient à un autre protocole."})

    def lire_periode(self, texte):
        return Periode.lire(texte, self.frequence)

    def formater(self, valeur):
        """Une valeur dans l'unité de l'indicateur, à la française : « 1 234,5 % »."""
        return formater(valeur, self.unite)


def formater(valeur, unite):
    if valeur is None:
        return "—"
    texte = f"{valeur.normalize():,f}" if isinstance(valeur, Decimal) else f"{valeur:,}"
    texte = texte.replace(",", "\u202f").replace(".", ",")
    return f"{texte}{SYMBOLES_UNITE[Unite(unite)]}"


def lire_nombre(texte):
    """Un nombre écrit à la française (« 12,5 », « 1 234,50 », « 1234.5 ») ; ValidationError sinon."""
    if isinstance(texte, (int, float, Decimal)) and not isinstance(texte, bool):
        brut = str(texte)
    else:
        brut = str(texte or "").strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace(",", ".")
    try:
        nombre = Decimal(brut)
    except InvalidOperation:
        raise ValidationError(f"Nombre « {texte} » illisible : écrivez par exemple 12,5.", code="nombre") from None
    if not nombre.is_finite() or abs(nombre) > VALEUR_MAX:
        raise ValidationError(f"Nombre « {texte} » hors de portée.", code="nombre")
    return nombre.quantize(Decimal("0.01"))


def verifier_valeur(valeur, unite, champ="valeur"):
    """Une valeur d'indicateur : jamais négative, un pourcentage entre 0 et 100."""
    if valeur < 0:
        raise ValidationError({champ: "Une valeur d'indicateur ne peut pas être négative."})
    if unite == Unite.POURCENTAGE and valeur > 100:
        raise ValidationError({champ: "Un pourcentage est compris entre 0 et 100."})


class Repere(models.Model):
    """La valeur de départ et la cible d'un indicateur pour un quartier, ou pour tout le territoire (sans quartier),
    chacune avec sa date. Tenues par la coordination ; chacune peut manquer (la progression dit alors pourquoi elle
    n'est pas calculée)."""

    indicateur = models.ForeignKey(Indicateur, on_delete=models.CASCADE, related_name="reperes")
    quartier = models.ForeignKey(
        Quartier,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Vide : tout le territoire.",
    )
    base_valeur = models.DecimalField("valeur de départ", max_digits=14, decimal_places=2, null=True, blank=True)
    base_date = models.DateField("date de la valeur de départ", null=True, blank=True)
    cible_valeur = models.DecimalField("cible", max_digits=14, decimal_places=2, null=True, blank=True)
    cible_date = models.DateField("date de la cible", null=True, blank=True)

    class Meta:
        ordering = ["indicateur", "quartier__nom"]
        constraints = [
            models.UniqueConstraint(fields=["indicateur", "quartier"], name="repere_unique_quartier"),
            models.UniqueConstraint(
                fields=["indicateur"], condition=Q(quartier__isnull=True), name="repere_unique_territoire"
            ),
        ]
        verbose_name = "valeur de départ et cible"
        verbose_name_plural = "valeurs de départ et cibles"

    def __str__(self):
        return f"{self.indicateur.reference} — {self.quartier.nom if self.quartier_id else TOUT_LE_TERRITOIRE}"

    def clean(self):
        erreurs = {}
        unite = self.indicateur.unite if self.indicateur_id else None
        for valeur, date, sujet, champ in (
            (self.base_valeur, self.base_date, "la valeur de départ", "base"),
            (self.cible_valeur, self.cible_date, "la cible", "cible"),
        ):
            if (valeur is None) != (date is None):
                erreurs[f"{champ}_date" if date is None else f"{champ}_valeur"] = (
                    f"Donnez {sujet} et sa date ensemble, ou ni l'une ni l'autre."
                )
            if valeur is not None and unite:
                try:
                    verifier_valeur(valeur, unite, f"{champ}_valeur")
                except ValidationError as erreur:
                    erreurs |= erreur.message_dict
        if self.base_date and not PREMIER_JOUR_DES_REPERES <= self.base_date <= timezone.localdate():
            erreurs["base_date"] = (
                f"La date de la valeur de départ va du 1 janvier {PREMIER_JOUR_DES_REPERES.year} à aujourd'hui."
            )
        if self.cible_date and self.indicateur_id:
            try:
                self.indicateur.protocole.plage_des_previsions().verifier(self.cible_date, "La date de la cible")
            except ValidationError as erreur:
                erreurs["cible_date"] = erreur.messages
        if self.base_date and self.cible_date and self.cible_date <= self.base_date:
            erreurs["cible_date"] = "La cible se date après la valeur de départ."
        if self.quartier_id and self.indicateur_id and self.quartier.protocole_id != self.indicateur.protocole_id:
            erreurs["quartier"] = "Ce quartier appartient à un autre protocole."
        if erreurs:
            raise ValidationError(erreurs)


class ValeurQuerySet(models.QuerySet):
    def enregistrees_au(self, date):
        """Les lignes enregistrées le jour `date` ou avant (à Paris), la plus récente d'abord : la première de chaque
        (indicateur, quartier, période) donne la valeur de cette période ce jour-là. La seule définition de « la
        valeur d'une période au jour D »."""
        return self.filter(enregistre_le__lt=debut_du_jour(date + UN_JOUR)).order_by("-enregistre_le", "-id")


class Valeur(models.Model):
    """Une valeur d'un indicateur pour une période et un quartier (vide : tout le territoire), en ajout seul (des
    déclencheurs refusent UPDATE et DELETE, `protocole.ajout_seul`). `valeur_avant` : la valeur que celle-ci
    corrige (vide pour la première)."""

    protocole = models.ForeignKey(Protocole, on_delete=models.PROTECT, related_name="+")
    indicateur = models.ForeignKey(Indicateur, on_delete=models.PROTECT, related_name="valeurs")
    quartier = models.ForeignKey(Quartier, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    periode = models.CharField("période", max_length=7)
    rang = models.PositiveIntegerField("rang de la période")
    valeur = models.DecimalField("valeur", max_digits=14, decimal_places=2)
    valeur_avant = models.DecimalField("valeur corrigée", max_digits=14, decimal_places=2, null=True, blank=True)
    source = models.CharField("source", max_length=200, blank=True)
    commentaire = models.TextField("commentaire", blank=True)
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    enregistre_le = models.DateTimeField("enregistrée le", default=timezone.now)
    origine = models.CharField("origine", max_length=120, blank=True, help_text="Le fichier importé, s'il y en a un.")

    objects = ValeurQuerySet.as_manager()

    class Meta:
        ordering = ["indicateur", "quartier", "rang", "-enregistre_le", "-id"]
        indexes = [
            models.Index(fields=["indicateur", "quartier", "rang", "enregistre_le"], name="valeur_au"),
            models.Index(fields=["protocole", "enregistre_le"], name="valeur_protocole"),
        ]
        verbose_name = "valeur d'indicateur"
        verbose_name_plural = "valeurs d'indicateurs"

    def __str__(self):
        return f"{self.indicateur.reference} {self.periode} : {self.valeur}"

    @property
    def correction(self):
        return self.valeur_avant is not None

    @classmethod
    def verifier(cls, indicateur, *, quartier, periode, valeur, maintenant=None):
        """Les règles d'une valeur, avant toute écriture : la période lue selon la fréquence de l'indicateur, pas
        avant le début du contrat de ville ni commencée après aujourd'hui ; un quartier du protocole ; une valeur
        lisible, positive, un pourcentage jusqu'à 100. Renvoie (Periode, Decimal) ; ValidationError sinon."""
        if not isinstance(periode, Periode):
            try:
                periode = indicateur.lire_periode(periode)
            except ValidationError as erreur:
                raise ValidationError({"periode": erreur.messages}) from None
        if periode.frequence != indicateur.frequence:
            raise ValidationError({"periode": "Cette période ne correspond pas à la fréquence de l'indicateur."})
        protocole = indicateur.protocole
        aujourd_hui = timezone.localdate(maintenant)
        if periode.annee < protocole.annee_debut:
            raise ValidationError(
                {
                    "periode": f"La période {periode.code} précède le contrat de ville ({protocole.annee_debut}) : "
                    "une valeur d'avant s'inscrit comme valeur de départ."
                }
            )
        if periode.debut > aujourd_hui:
            raise ValidationError({"periode": f"La période {periode.code} n'a pas encore commencé."})
        if quartier is not None and quartier.protocole_id != indicateur.protocole_id:
            raise ValidationError({"quartier": "Ce quartier n'est pas un quartier du protocole."})
        try:
            nombre = lire_nombre(valeur)
        except ValidationError as erreur:
            raise ValidationError({"valeur": erreur.messages}) from None
        verifier_valeur(nombre, indicateur.unite)
        return periode, nombre

    @classmethod
    def enregistrer(
        cls, indicateur, *, quartier, periode, valeur, auteur, source="", commentaire="", origine="", maintenant=None
    ):
        """Écrit la valeur d'une période pour un quartier (None : tout le territoire). Si la période en a déjà une,
        la nouvelle ligne la corrige et garde l'ancienne. Rien n'est écrit si la valeur, sa source et son
        commentaire sont déjà ceux de la période (importer deux fois le même fichier ne change rien) : renvoie alors
        None, sinon la ligne écrite. Les droits se vérifient avant (`engagements.acces.peut_saisir_valeurs`)."""
        periode, nombre = cls.verifier(
            indicateur, quartier=quartier, periode=periode, valeur=valeur, maintenant=maintenant
        )
        source, commentaire = (source or "").strip(), (commentaire or "").strip()
        with transaction.atomic():
            # Deux saisies de la même période passent l'une après l'autre : le verrou porte sur l'indicateur, une
            # ligne qui existe toujours, et le moment est pris une fois le verrou obtenu.
            Indicateur.objects.select_for_update().filter(pk=indicateur.pk).values_list("pk").get()
            maintenant = maintenant or timezone.now()
            courante = (
                cls.objects.filter(indicateur=indicateur, quartier=quartier, rang=periode.rang)
                .order_by("-enregistre_le", "-id")
                .first()
            )
            if courante and (courante.valeur, courante.source, courante.commentaire) == (nombre, source, commentaire):
                return None
            return cls.objects.create(
                protocole_id=indicateur.protocole_id,
                indicateur=indicateur,
                quartier=quartier,
                periode=periode.code,
                rang=periode.rang,
                valeur=nombre,
                valeur_avant=courante.valeur if courante else None,
                source=source,
                commentaire=commentaire,
                auteur=auteur,
                enregistre_le=maintenant,
                origine=origine[:120],
            )
