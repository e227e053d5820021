"""Ce qui appartient au protocole dans son ensemble : le protocole, son préambule, ses quartiers, la version de ses
données. Le rez-de-chaussée : ses modèles ne pointent vers aucune autre application (le comité de pilotage est dans
`comite`)."""

import datetime
import uuid
from dataclasses import dataclass

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
    # L'échéance effective : le texte signé garde la sienne ; la coordination peut en poser une autre (la loi a
    # prorogé les contrats de ville jusqu'au 31 décembre 2023), avec sa justification. Le bilan et les bandeaux la
    # prennent quand elle est posée.
    echeance_effective = models.DateField(
        "échéance effective",
        null=True,
        blank=True,
        help_text="Vide : l'échéance du texte signé. Par exemple le 31 décembre 2023, date de la prorogation légale.",
    )
    echeance_justification = models.TextField("justification de l'échéance effective", blank=True)
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

    # -- l'échéance ---------------------------------------------------------------------------------------------------

    @property
    def echeance(self):
        """Le dernier jour du protocole : l'échéance effective si la coordination en a posé une, sinon celle du
        texte signé, sinon le 31 décembre de sa dernière année. La seule définition ; le bilan, les bandeaux et la
        marque « après l'échéance » la lisent."""
        return self.echeance_effective or self.fin_echeance or datetime.date(self.annee_fin, 12, 31)

    def clean(self):
        if self.echeance_effective is not None:
            self.plage_des_previsions().verifier(self.echeance_effective, "L'échéance effective")
            if not self.echeance_justification.strip():
                raise ValidationError(
                    {
                        "echeance_justification": "Dites ce qui fonde l'échéance effective (par exemple la loi qui a "
                        "prorogé les contrats de ville)."
                    }
                )

    def termine(self, aujourd_hui=None):
        """Vrai quand l'échéance est passée (à Paris, ou le jour donné)."""
        return (aujourd_hui or timezone.localdate()) > self.echeance

    def apres_echeance(self, date):
        """Vrai pour une date (d'effet) postérieure à l'échéance : le suivi tardif reste possible et se marque."""
        return date > self.echeance

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

    Deux autres compteurs gardent ce qu'une écriture ne peut pas changer :
    - `numero_hors_suivi` monte à chaque écriture sauf celles du suivi (le journal, les actions, les verdicts :
      `monter(…, suivi=True)`). Il est la clé de ce qui ne lit rien du suivi (les indicateurs d'un tableau de bord) ;
    - `numero_passe` monte à chaque écriture sauf celles du suivi qui ne changent que le jour même (`jour_meme=True` :
      une entrée du journal en effet aujourd'hui, ni correction ni caviardage, et les lignes d'action et de verdict
      qu'elle accompagne). Il est la clé des tableaux de bord d'un jour passé (« état au ») : l'état d'un jour passé se
      lit dans les entrées en effet ce jour-là ou avant, et les corrections de libellé (montrées telles qu'elles sont
      aujourd'hui) le montent.

    À part du protocole : recharger le texte signé (loaddata) réécrit la ligne du protocole, pas ce compteur."""

    protocole = models.OneToOneField(
        Protocole, on_delete=models.CASCADE, primary_key=True, related_name="version_donnees"
    )
    numero = models.PositiveBigIntegerField("numéro", default=0)
    numero_hors_suivi = models.PositiveBigIntegerField("numéro hors suivi", default=0)
    numero_passe = models.PositiveBigIntegerField("numéro des jours passés", default=0)
    # Tiré à la création de la ligne : une base refaite (démonstration rechargée, banc d'essai) recommence à compter
    # depuis 1 ; avec le jeton, ses numéros ne retrouvent pas les rapports gardés en cache pour l'ancienne base.
    jeton = models.UUIDField("jeton", default=uuid.uuid4, editable=False)

    class Meta:
        verbose_name = "version des données"
        verbose_name_plural = "versions des données"

    def __str__(self):
        return f"{self.protocole_id} : {self.numero}"

    @classmethod
    def monter(cls, protocoles, suivi=False, jour_meme=False):
        """Monte la version de chacun des `protocoles` (identifiants), dans la transaction en cours. Tous quand
        `protocoles` est None (une donnée partagée, comme le nom d'une organisation). `suivi` : une écriture du suivi
        (journal, action, verdict), qui laisse `numero_hors_suivi` où il est ; `jour_meme` (avec `suivi`) : elle ne
        change que l'état d'aujourd'hui, et laisse aussi `numero_passe`."""
        if protocoles is None:
            protocoles = list(Protocole.objects.values_list("pk", flat=True))
        protocoles = sorted({p for p in protocoles if p is not None})
        if not protocoles:
            return
        montee = {"numero": models.F("numero") + 1}
        if not suivi:
            montee["numero_hors_suivi"] = models.F("numero_hors_suivi") + 1
        if not (suivi and jour_meme):
            montee["numero_passe"] = models.F("numero_passe") + 1
        montees = cls.objects.filter(protocole_id__in=protocoles).update(**montee)
        if montees < len(protocoles):
            # La première écriture d'un protocole crée sa ligne (sans conflit si deux écritures la créent en même
            # temps : chacune monte ensuite la ligne créée, aucune montée n'est perdue).
            manquants = Protocole.objects.filter(pk__in=protocoles).exclude(version_donnees__isnull=False)
            manquants = list(manquants.values_list("pk", flat=True))
            cls.objects.bulk_create([cls(protocole_id=p) for p in manquants], ignore_conflicts=True)
            cls.objects.filter(protocole_id__in=manquants).update(**montee)

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
