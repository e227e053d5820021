"""Le journal : chaque changement d'une action et chaque verdict, avec sa date d'effet et son moment d'enregistrement.

L'état d'un champ au jour D est l'entrée de ce champ qui a le plus grand (date_effet, enregistre_le, id) parmi celles
dont la date d'effet est ≤ D. Voir docs/architecture.md.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import formats, timezone

from engagements.models.recherche import indexer
from engagements.models.regles import (
    COLONNES,
    HORS_NOUVELLES,
    MOTIF_VERDICT,
    Champ,
    Statut,
    ValeurVerdict,
    aujourd_hui,
    verifier_date_effet,
    verifier_motif,
)
from protocole import ajout_seul
from protocole.models import Protocole, Quartier, VersionDonnees
from signataires.models import Organisation

ORDRE_RECENT = ("-date_effet", "-enregistre_le", "-id")


class EntreeQuerySet(models.QuerySet):
    def en_vigueur_au(self, date):
        """Les entrées qui ont pris effet le jour `date` ou avant, la plus récente d'abord : la première de chaque
        champ donne sa valeur ce jour-là. La seule définition de « la valeur d'un champ au jour D »."""
        return self.filter(date_effet__lte=date).order_by(*ORDRE_RECENT)

    def valeur_au(self, champ, date, colonne, sujet="action", de=None):
        """La valeur de `colonne` dans l'entrée de `champ` en vigueur au jour `date`, en sous-requête corrélée sur
        le `sujet` de l'entrée (`action` ou `obligation`) : `de` vaut OuterRef("pk") par défaut. Sert l'état des
        actions (`Action.objects.etat_au`), les verdicts (`Obligation.objects.verdicts_au`) et les quartiers."""
        entrees = self.filter(**{sujet: de if de is not None else models.OuterRef("pk")}, champ=champ)
        return models.Subquery(entrees.en_vigueur_au(date).values(colonne)[:1])

    def recentes(self):
        return self.order_by(*ORDRE_RECENT)

    def pour_affichage(self, corrections=True):
        """Tout ce qu'une frise du journal affiche, en un nombre fixe de requêtes. `corrections=False` : la frise ne
        montre ni les corrections ni les caviardages (`HORS_NOUVELLES` en sont écartées) ; leurs partenaires et
        l'entrée caviardée ne sont pas lus."""
        entrees = self.select_related(
            "auteur",
            "action",
            "obligation",
            "pilote_avant",
            "pilote_apres",
            "referent_avant",
            "referent_apres",
            "obligation_avant",
            "obligation_apres",
        ).prefetch_related(models.Prefetch("quartiers", queryset=EntreeQuartier.objects.select_related("quartier")))
        if not corrections:
            return entrees
        return entrees.select_related("caviardee").prefetch_related(
            models.Prefetch("partenaires", queryset=EntreePartenaire.objects.select_related("organisation"))
        )


class Entree(models.Model):
    """Une entrée du journal, en ajout seul : ni l'interface ni la base ne la modifient ou ne la suppriment (des
    déclencheurs refusent UPDATE et DELETE, `protocole.ajout_seul`). Une erreur se corrige par une nouvelle entrée ;
    seul son commentaire peut être caviardé, par `manage.py caviarder_commentaire`, qui l'écrit au journal."""

    protocole = models.ForeignKey(Protocole, on_delete=models.PROTECT, related_name="+")
    action = models.ForeignKey(
        "engagements.Action", on_delete=models.PROTECT, null=True, blank=True, related_name="journal"
    )
    obligation = models.ForeignKey(
        "engagements.Obligation", on_delete=models.PROTECT, null=True, blank=True, related_name="journal_verdicts"
    )
    champ = models.CharField("changement", max_length=12, choices=Champ.choices)
    date_effet = models.DateField("date d'effet")
    enregistre_le = models.DateTimeField("enregistré le", default=timezone.now)
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    commentaire = models.TextField("commentaire", blank=True)
    version = models.PositiveIntegerField("version de l'action", null=True, blank=True)
    # Pour un caviardage : l'entrée dont le commentaire a été remplacé (jamais le texte retiré).
    caviardee = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="caviardages", verbose_name="caviardée"
    )

    statut_avant = models.CharField(max_length=10, blank=True)
    statut_apres = models.CharField(max_length=10, blank=True)
    avancement_avant = models.PositiveSmallIntegerField(null=True, blank=True)
    avancement_apres = models.PositiveSmallIntegerField(null=True, blank=True)
    echeance_avant = models.DateField(null=True, blank=True)
    echeance_apres = models.DateField(null=True, blank=True)
    pilote_avant = models.ForeignKey(Organisation, models.PROTECT, null=True, blank=True, related_name="+")
    pilote_apres = models.ForeignKey(Organisation, models.PROTECT, null=True, blank=True, related_name="+")
    referent_avant = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    referent_apres = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    obligation_avant = models.ForeignKey(
        "engagements.Obligation", models.PROTECT, null=True, blank=True, related_name="+"
    )
    obligation_apres = models.ForeignKey(
        "engagements.Obligation", models.PROTECT, null=True, blank=True, related_name="+"
    )
    territoire_avant = models.BooleanField(null=True, blank=True)
    territoire_apres = models.BooleanField(null=True, blank=True)
    archivee_avant = models.BooleanField(null=True, blank=True)
    archivee_apres = models.BooleanField(null=True, blank=True)
    verdict_avant = models.CharField(max_length=10, blank=True)
    verdict_apres = models.CharField(max_length=10, blank=True)
    texte_avant = models.TextField(blank=True)
    texte_apres = models.TextField(blank=True)
    debut_avant = models.DateField(null=True, blank=True)
    debut_apres = models.DateField(null=True, blank=True)
    budget_avant = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    budget_apres = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)

    objects = EntreeQuerySet.as_manager()

    class Meta:
        ordering = ["-date_effet", "-enregistre_le", "-id"]
        verbose_name = "entrée du journal"
        verbose_name_plural = "entrées du journal"
        indexes = [
            models.Index(fields=["action", "champ", "date_effet", "enregistre_le", "id"], name="entree_etat_au"),
            models.Index(fields=["obligation", "champ", "date_effet", "enregistre_le", "id"], name="entree_verdict"),
            # Les entrées d'un protocole sur une période, et dans l'ordre de `recentes()` : la frise d'un tableau de
            # bord lit ses 20 dernières entrées sans trier (ni joindre) toutes celles de la période.
            models.Index(fields=["protocole", "date_effet", "enregistre_le", "id"], name="entree_protocole_recent"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(action__isnull=False) | models.Q(obligation__isnull=False),
                name="entree_porte_sur_action_ou_obligation",
            ),
        ]

    def __str__(self):
        return f"{self.date_effet} {self.get_champ_display()}"

    def caviarder(self, *, auteur, texte, maintenant=None):
        """Remplace en place le commentaire de cette entrée par `texte` (droit à l'effacement : une donnée
        personnelle écrite par erreur), par le seul chemin que la base laisse ouvert (`ajout_seul.caviarder`), et
        écrit au journal une entrée de caviardage : qui, quand, quelle entrée, jamais le texte retiré. Le verdict
        courant qui reprend ce motif est remplacé aussi. Renvoie l'entrée de caviardage.

        Les droits (un administrateur du protocole) se vérifient avant : `engagements.acces.peut_caviarder`."""
        texte = (texte or "").strip()
        if not texte:
            raise ValidationError(
                {
                    "texte": "Le texte de remplacement est vide : dites ce qui remplace le commentaire (par exemple "
                    "« [Commentaire retiré à la demande de la personne concernée.] »)."
                }
            )
        maintenant = maintenant or timezone.now()
        with transaction.atomic():
            ancien = Entree.objects.filter(pk=self.pk).values_list("commentaire", flat=True).get()
            if not ancien:
                raise ValidationError({"texte": f"L'entrée n° {self.pk} n'a pas de commentaire : rien à caviarder."})
            if ancien == texte:
                raise ValidationError(
                    {"texte": f"Le commentaire de l'entrée n° {self.pk} est déjà ce texte : rien à caviarder."}
                )
            ajout_seul.caviarder(Entree, self.pk, "commentaire", texte)
            if self.champ == Champ.VERDICT:
                # Le verdict courant garde le motif de la dernière entrée de verdict : s'il vient de celle-ci, il
                # porte le même texte.
                Verdict.objects.filter(
                    obligation_id=self.obligation_id, enregistre_le=self.enregistre_le, motif=ancien
                ).update(motif=texte)
            trace = Entree.objects.create(
                protocole_id=self.protocole_id,
                action_id=self.action_id,
                obligation_id=self.obligation_id,
                champ=Champ.CAVIARDAGE,
                date_effet=timezone.localdate(maintenant),
                enregistre_le=maintenant,
                auteur=auteur,
                caviardee=self,
            )
            # Une écriture en place ne déclenche aucun signal : les rapports gardés en cache doivent être refaits,
            # et le texte retiré ne doit plus se trouver par la recherche.
            VersionDonnees.monter([self.protocole_id], suivi=True)
            if self.action_id:
                indexer([self.action_id])
        self.commentaire = texte
        return trace

    def du_jour_meme(self):
        """Vrai si cette entrée ne change que l'état d'aujourd'hui : en effet aujourd'hui (ou plus tard), et ni une
        correction ni un caviardage (libellés et commentaires sont montrés tels qu'ils sont aujourd'hui, à toute
        date). `VersionDonnees.numero_passe` ne monte pas pour elle (protocole/versions.py)."""
        return self.date_effet >= aujourd_hui() and self.champ not in HORS_NOUVELLES

    def valeurs(self):
        """(avant, après) lisibles en français, pour la frise et les rapports."""
        if self.champ == Champ.QUARTIERS:
            return (self._quartiers_lisibles(False), self._quartiers_lisibles(True))
        if self.champ == Champ.PARTENAIRES:
            return (self._partenaires_lisibles(False), self._partenaires_lisibles(True))
        if self.champ == Champ.CAVIARDAGE:
            cible = self.caviardee
            return (None, f"commentaire de l'entrée du {_date_courte(cible.date_effet)} ({cible.get_champ_display()})")
        if self.champ not in COLONNES:
            return (None, None)
        return tuple(self._lisible(getattr(self, colonne.removesuffix("_id"))) for colonne in COLONNES[self.champ][1:])

    def _lisible(self, valeur):
        if valeur is None or valeur == "":
            return None
        if self.champ == Champ.STATUT:
            return Statut(valeur).label
        if self.champ == Champ.VERDICT:
            return ValeurVerdict(valeur).label
        if self.champ == Champ.AVANCEMENT:
            return f"{valeur} %"
        if self.champ == Champ.ARCHIVAGE:
            return "archivée" if valeur else "active"
        if self.champ == Champ.OBLIGATION:
            return valeur.reference
        if self.champ == Champ.BUDGET:
            return f"{formats.number_format(valeur, 2, use_l10n=True, force_grouping=True)} €"
        if self.champ == Champ.DEBUT:
            return _date_courte(valeur)
        return valeur

    def _quartiers_lisibles(self, apres):
        territoire = self.territoire_apres if apres else self.territoire_avant
        if territoire is None:
            return None
        if territoire:
            return "tout le territoire"
        noms = [eq.quartier.nom for eq in self.quartiers.all() if eq.apres == apres]
        return ", ".join(sorted(noms)) or "aucun quartier"

    def _partenaires_lisibles(self, apres):
        noms = [ep.organisation.nom for ep in self.partenaires.all() if ep.apres == apres]
        return ", ".join(sorted(noms)) or "aucun"


def _date_courte(date):
    return formats.date_format(date, "SHORT_DATE_FORMAT")


class EntreePartenaire(models.Model):
    """Une organisation partenaire de l'ensemble d'avant ou d'après d'un changement de partenaires."""

    entree = models.ForeignKey(Entree, on_delete=models.CASCADE, related_name="partenaires")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    apres = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entree", "organisation", "apres"], name="entree_partenaire_unique"),
        ]

    def __str__(self):
        return f"{self.organisation_id} ({'après' if self.apres else 'avant'})"


class EntreeQuartier(models.Model):
    """Un quartier de l'ensemble d'avant ou d'après d'un changement de quartiers."""

    entree = models.ForeignKey(Entree, on_delete=models.CASCADE, related_name="quartiers")
    quartier = models.ForeignKey(Quartier, on_delete=models.PROTECT, related_name="+")
    apres = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entree", "quartier", "apres"], name="entree_quartier_unique"),
        ]
        indexes = [models.Index(fields=["quartier", "entree"], name="entree_quartier_quartier")]

    def __str__(self):
        return f"{self.quartier_id} ({'après' if self.apres else 'avant'})"


class Verdict(models.Model):
    """Le verdict courant d'une obligation ; sans ligne, elle est « non évaluée ». Égal à la dernière entrée."""

    protocole = models.ForeignKey(Protocole, on_delete=models.PROTECT, related_name="+")
    obligation = models.OneToOneField("engagements.Obligation", on_delete=models.PROTECT, related_name="verdict")
    valeur = models.CharField("verdict", max_length=10, choices=ValeurVerdict.choices)
    date_effet = models.DateField("date d'effet")
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    motif = models.TextField("motif", blank=True)
    enregistre_le = models.DateTimeField("enregistré le", default=timezone.now)

    class Meta:
        verbose_name = "verdict"

    def __str__(self):
        return f"{self.obligation.reference} : {self.get_valeur_display()}"

    @classmethod
    def donner(cls, obligation, *, auteur, valeur, date_effet, motif="", maintenant=None):
        """Écrit une entrée de verdict, avec son motif (obligatoire) ; le verdict courant suit la dernière entrée
        (une entrée antidatée ne le remplace que si aucun verdict n'a pris effet après elle). Renvoie l'entrée, ou
        None si rien ne change."""
        verifier_date_effet(date_effet, protocole=obligation.protocole, maintenant=maintenant or timezone.now())
        verifier_motif(motif, MOTIF_VERDICT)
        if valeur not in ValeurVerdict.values:
            raise ValidationError({"valeur": "Verdict inconnu."})
        with transaction.atomic():
            # Deux verdicts simultanés sur la même obligation passent l'un après l'autre : le verrou porte sur
            # l'obligation, une ligne qui existe toujours (les entrées, elles, peuvent ne pas exister encore), et le
            # moment de l'enregistrement est pris une fois le verrou obtenu, pour suivre l'ordre des écritures.
            type(obligation).objects.select_for_update().filter(pk=obligation.pk).values_list("pk").get()
            maintenant = maintenant or timezone.now()
            precedents = Entree.objects.filter(obligation=obligation, champ=Champ.VERDICT)
            avant = precedents.en_vigueur_au(date_effet).first()
            valeur_avant = avant.verdict_apres if avant else ValeurVerdict.NON_EVALUE
            if valeur_avant == valeur:
                return None
            entree = Entree.objects.create(
                protocole_id=obligation.protocole_id,
                obligation=obligation,
                champ=Champ.VERDICT,
                date_effet=date_effet,
                enregistre_le=maintenant,
                auteur=auteur,
                commentaire=motif,
                verdict_avant=valeur_avant,
                verdict_apres=valeur,
            )
            if not precedents.filter(date_effet__gt=date_effet).exists():
                cls.objects.update_or_create(
                    obligation=obligation,
                    defaults={
                        "protocole_id": obligation.protocole_id,
                        "valeur": valeur,
                        "date_effet": date_effet,
                        "auteur": auteur,
                        "motif": motif,
                        "enregistre_le": maintenant,
                    },
                )
        return entree
