"""Les actions qui exécutent les obligations, et les méthodes qui les changent en écrivant le journal."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Exists, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from engagements.models.journal import Entree, EntreePartenaire, EntreeQuartier
from engagements.models.recherche import indexer
from engagements.models.regles import (
    CHAMP_PAR_NOM,
    COLONNES,
    CORRECTION_PAR_NOM,
    HORS_NOUVELLES,
    MOTIF_ARCHIVAGE,
    MOTIF_DESARCHIVAGE,
    UN_JOUR,
    Champ,
    ConflitDeVersion,
    Statut,
    aujourd_hui,
    debut_du_jour,
    verifier_calendrier,
    verifier_coherence,
    verifier_commentaire,
    verifier_date_effet,
    verifier_modifiable,
    verifier_motif,
    verifier_referent,
)
from engagements.models.texte import Obligation
from protocole.models import Protocole, Quartier
from signataires.models import Organisation


class ActionQuerySet(models.QuerySet):
    def etat_au(self, date, archivees=False, structure=True):
        """L'état de chaque action au jour `date`, champ par champ, sous des noms uniformes (`statut_au`…), et
        `nouvelles_au`, le moment du dernier enregistrement à son sujet fait ce jour-là ou avant.

        Aujourd'hui se lit sur la ligne de l'action (que `creer` et `enregistrer` tiennent égale au journal) ; une
        date passée se reconstruit depuis le journal (`Entree.objects.valeur_au`). Les actions créées après `date`
        sont écartées, et celles archivées à cette date sauf `archivees=True` (la liste des actions, qui peut les
        montrer). `structure=False` omet `engagement_au` et `partie_au` (et les jointures qu'ils coûtent) quand la
        page ne groupe ni ne filtre par engagement ou partie. Les chiffres et les lignes de `engagements.tableaux`
        passent tous par ici.
        """
        if date >= aujourd_hui():
            qs = self.annotate(
                archivee_au=F("archivee"),
                statut_au=F("statut"),
                avancement_au=F("avancement"),
                echeance_au=F("echeance"),
                pilote_au=F("pilote_id"),
                referent_au=F("referent_id"),
                obligation_au=F("obligation_id"),
                territoire_au=F("tout_le_territoire"),
                entree_quartiers_au=Value(None, output_field=models.BigIntegerField()),
                nouvelles_au=F("maj_le"),
            )
            if structure:
                qs = qs.annotate(
                    engagement_au=F("obligation__bloc__engagement__numero"),
                    partie_au=F("obligation__bloc__partie__code"),
                )
            return qs if archivees else qs.filter(archivee=False)

        _obligations = Obligation.objects.order_by()
        journal = Entree.objects

        def dernier(champ, colonne):
            return journal.valeur_au(champ, date, colonne)

        qs = self.filter(date_creation__lte=date).annotate(
            archivee_au=Coalesce(dernier(Champ.ARCHIVAGE, "archivee_apres"), Value(False)),
            statut_au=dernier(Champ.STATUT, "statut_apres"),
            avancement_au=dernier(Champ.AVANCEMENT, "avancement_apres"),
            echeance_au=dernier(Champ.ECHEANCE, "echeance_apres"),
            pilote_au=dernier(Champ.PILOTE, "pilote_apres_id"),
            referent_au=dernier(Champ.REFERENT, "referent_apres_id"),
            obligation_au=dernier(Champ.OBLIGATION, "obligation_apres_id"),
            territoire_au=dernier(Champ.QUARTIERS, "territoire_apres"),
            entree_quartiers_au=dernier(Champ.QUARTIERS, "id"),
            nouvelles_au=Subquery(
                Entree.objects.filter(action=OuterRef("pk"), enregistre_le__lt=debut_du_jour(date + UN_JOUR))
                .exclude(champ__in=HORS_NOUVELLES)
                .order_by("-enregistre_le")
                .values("enregistre_le")[:1]
            ),
        )
        if not archivees:
            qs = qs.filter(archivee_au=False)
        if not structure:
            return qs
        return qs.annotate(
            engagement_au=Subquery(
                _obligations.filter(pk=OuterRef("obligation_au")).values("bloc__engagement__numero")
            ),
            partie_au=Subquery(_obligations.filter(pk=OuterRef("obligation_au")).values("bloc__partie__code")),
        )

    def dans_quartier_au(self, quartier, date):
        """Sur un `etat_au(date)` : les actions du quartier à cette date, « tout le territoire » compris.
        `quartier` peut être un quartier, un identifiant ou une expression (OuterRef)."""
        if date >= aujourd_hui():
            lien = Action.quartiers.through.objects.filter(action=OuterRef("pk"), quartier=quartier)
        else:
            lien = EntreeQuartier.objects.filter(entree=OuterRef("entree_quartiers_au"), quartier=quartier, apres=True)
        return self.filter(Q(Exists(lien)) | Q(territoire_au=True))


class Action(models.Model):
    """Une action qui exécute une obligation. Ses champs suivis ne changent que par `enregistrer`."""

    protocole = models.ForeignKey(Protocole, on_delete=models.PROTECT, related_name="actions")
    obligation = models.ForeignKey("engagements.Obligation", on_delete=models.PROTECT, related_name="actions")
    titre = models.CharField("titre", max_length=200)
    description = models.TextField("description", blank=True)
    pilote = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="actions_pilotees", verbose_name="pilote"
    )
    partenaires = models.ManyToManyField(
        Organisation, blank=True, related_name="actions_partenaires", verbose_name="partenaires"
    )
    referent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions_referent",
        verbose_name="référent·e",
    )
    tout_le_territoire = models.BooleanField(
        "tout le territoire", default=False, help_text="Couvre tous les quartiers, y compris ceux ajoutés plus tard."
    )
    quartiers = models.ManyToManyField(Quartier, blank=True, related_name="actions", verbose_name="quartiers")
    date_debut = models.DateField("début", null=True, blank=True)
    echeance = models.DateField("échéance", null=True, blank=True)
    budget = models.DecimalField("budget (€)", max_digits=12, decimal_places=2, null=True, blank=True)
    avancement = models.PositiveSmallIntegerField(
        "avancement (%)", default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    statut = models.CharField("statut", max_length=10, choices=Statut.choices, default=Statut.A_VENIR)
    archivee = models.BooleanField("archivée", default=False)
    date_creation = models.DateField("créée le (date d'effet)")
    maj_le = models.DateTimeField("dernier changement enregistré", default=timezone.now)
    version = models.PositiveIntegerField("version", default=1)

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["echeance", "id"]
        verbose_name = "action"
        indexes = [
            models.Index(fields=["protocole", "statut"], name="action_protocole_statut"),
            models.Index(fields=["protocole", "echeance"], name="action_protocole_echeance"),
            models.Index(fields=["protocole", "pilote"], name="action_protocole_pilote"),
            models.Index(fields=["protocole", "maj_le"], name="action_protocole_maj"),
            models.Index(fields=["protocole", "date_creation"], name="action_protocole_creation"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(avancement__lte=100), name="action_avancement_0_100"),
        ]

    def __str__(self):
        return self.titre

    # -- changements journalisés ------------------------------------------------------------------------------------

    @classmethod
    def creer(cls, *, auteur, date_effet, commentaire="", quartiers=(), partenaires=(), maintenant=None, **champs):
        """Crée l'action et écrit son entrée de création et l'état initial de chaque champ suivi."""
        maintenant = maintenant or timezone.now()
        verifier_date_effet(date_effet, protocole=champs["protocole"], maintenant=maintenant)
        with transaction.atomic():
            action = cls(date_creation=date_effet, maj_le=maintenant, **champs)
            verifier_commentaire(None, action.statut, commentaire)
            verifier_coherence(
                statut=action.statut,
                avancement=action.avancement,
                date_debut=action.date_debut,
                echeance=action.echeance,
            )
            verifier_calendrier(
                action.protocole, date_debut=action.date_debut, echeance=action.echeance, maintenant=maintenant
            )
            verifier_referent(action.protocole_id, action.referent_id)
            action.full_clean(exclude=["quartiers", "partenaires"])
            action.save()
            action.partenaires.set(partenaires)
            quartiers = [] if action.tout_le_territoire else list(quartiers)
            action.quartiers.set(quartiers)
            commun = {"protocole": action.protocole, "action": action, "date_effet": date_effet, "auteur": auteur}
            commun.update(enregistre_le=maintenant, version=1)
            Entree.objects.create(champ=Champ.CREATION, commentaire=commentaire, **commun)
            suivis = (Champ.STATUT, Champ.AVANCEMENT, Champ.ECHEANCE, Champ.PILOTE, Champ.REFERENT, Champ.OBLIGATION)
            for champ in suivis:
                attribut, _avant, apres = COLONNES[champ]
                Entree.objects.create(champ=champ, **{apres: getattr(action, attribut)}, **commun)
            entree = Entree.objects.create(champ=Champ.QUARTIERS, territoire_apres=action.tout_le_territoire, **commun)
            EntreeQuartier.objects.bulk_create(
                EntreeQuartier(entree=entree, quartier_id=getattr(q, "pk", q), apres=True) for q in quartiers
            )
            indexer([action.pk])
        return action

    def enregistrer(
        self,
        *,
        auteur,
        date_effet,
        commentaire="",
        version=None,
        maintenant=None,
        libres=None,
        partenaires=None,
        **changements,
    ):
        """Applique des changements (statut, avancement, echeance, pilote, referent, obligation, archivee,
        quartiers=(tout_le_territoire, quartiers)) pris en effet le `date_effet`, une entrée par champ changé.

        `libres` (titre, description, date_debut, budget) et `partenaires` sont des corrections : une entrée chacune
        (avant → après), prise en effet tout de suite sur la ligne, qui n'est pas une nouvelle de l'avancement
        (`CORRECTIONS`).
        Refuse (ConflitDeVersion) si `version` n'est plus celle de l'action. Une entrée antidatée ne change le champ
        courant que si aucune entrée de ce champ n'a pris effet plus tard ; sa valeur « avant » est l'état à sa date.
        Renvoie les entrées écrites (aucune si rien ne change).
        """
        with transaction.atomic():
            action = Action.objects.select_for_update().get(pk=self.pk)
            # Le moment de l'enregistrement est pris une fois le verrou obtenu : il suit l'ordre des écritures.
            maintenant = maintenant or timezone.now()
            if version is not None and int(version) != action.version:
                recentes = action.journal.filter(version__gt=int(version)).pour_affichage().recentes()
                raise ConflitDeVersion(action, list(recentes))
            verifier_date_effet(
                date_effet, protocole=self.protocole, creation=action.date_creation, maintenant=maintenant
            )
            verifier_modifiable(action.archivee, changements, libres, partenaires)
            # La borne vaut pour la valeur demandée, même antidatée sans effet sur la ligne : elle entre au journal.
            verifier_coherence(avancement=changements.get("avancement"))
            verifier_calendrier(
                self.protocole,
                date_debut=changements.get("date_debut", (libres or {}).get("date_debut")),
                echeance=changements.get("echeance"),
                maintenant=maintenant,
            )
            if "referent" in changements:
                referent = changements["referent"]
                if (referent.pk if isinstance(referent, models.Model) else referent) != action.referent_id:
                    verifier_referent(action.protocole_id, referent)
            action.version += 1
            commun = {"protocole_id": action.protocole_id, "action": action, "date_effet": date_effet}
            commun.update(auteur=auteur, commentaire=commentaire, enregistre_le=maintenant, version=action.version)
            entrees = [e for nom, valeur in changements.items() if (e := action._changer(nom, valeur, commun))]
            corrections = action._corriger(libres or {}, partenaires, commun)
            if not entrees and not corrections and commentaire.strip():
                # Un commentaire seul est un point d'étape : il est gardé au journal, jamais perdu. Avec des
                # corrections, il est porté par leurs entrées (et n'est pas, lui non plus, une nouvelle).
                entrees = [Entree.objects.create(champ=Champ.NOTE, **commun)]
            if not entrees and not corrections:
                return []
            for entree in entrees:
                if entree.champ == Champ.STATUT:
                    verifier_commentaire(entree.statut_avant, entree.statut_apres, commentaire)
            verifier_coherence(
                statut=action.statut,
                avancement=action.avancement,
                date_debut=action.date_debut,
                echeance=action.echeance,
            )
            if entrees:
                # Les nouvelles de l'action (pas ses corrections), même si `maintenant` précède un enregistrement
                # déjà fait.
                action.maj_le = max(action.maj_le, maintenant)
            action.save()
            indexer([action.pk])  # titre, description, obligation, quartiers ou commentaire : la recherche suit
        self.refresh_from_db()
        return entrees + corrections

    def _corriger(self, libres, partenaires, commun):
        """Les corrections (titre, description, début, budget, partenaires) : chacune prend effet tout de suite sur
        la ligne et écrit son entrée (avant → après). Renvoie les entrées écrites."""
        entrees = []
        for nom, valeur in libres.items():
            champ = CORRECTION_PAR_NOM[nom]
            attribut, colonne_avant, colonne_apres = COLONNES[champ]
            avant = getattr(self, attribut)
            if avant == valeur:
                continue
            vide = "" if champ in (Champ.TITRE, Champ.DESCRIPTION) else None
            entrees.append(
                Entree.objects.create(
                    champ=champ,
                    **{
                        colonne_avant: vide if avant is None else avant,
                        colonne_apres: vide if valeur is None else valeur,
                    },
                    **commun,
                )
            )
            setattr(self, attribut, valeur)
        if partenaires is not None:
            nouveaux = {p.pk if isinstance(p, models.Model) else int(p) for p in partenaires}
            anciens = set(self.partenaires.values_list("pk", flat=True))
            if nouveaux != anciens:
                entree = Entree.objects.create(champ=Champ.PARTENAIRES, **commun)
                EntreePartenaire.objects.bulk_create(
                    [EntreePartenaire(entree=entree, organisation_id=o, apres=False) for o in sorted(anciens)]
                    + [EntreePartenaire(entree=entree, organisation_id=o, apres=True) for o in sorted(nouveaux)]
                )
                self.partenaires.set(nouveaux)
                entrees.append(entree)
        return entrees

    def archiver(self, *, auteur, date_effet, commentaire="", version=None, maintenant=None):
        """Archive l'action (elle sort des tableaux à partir de `date_effet`, son journal reste lisible) ; le
        commentaire en dit le motif, obligatoire."""
        verifier_motif(commentaire, MOTIF_ARCHIVAGE)
        return self.enregistrer(
            auteur=auteur,
            date_effet=date_effet,
            commentaire=commentaire,
            version=version,
            maintenant=maintenant,
            archivee=True,
        )

    def desarchiver(self, *, auteur, date_effet, commentaire="", version=None, maintenant=None):
        """Rend l'action de nouveau modifiable, à partir de `date_effet` ; le commentaire en dit le motif,
        obligatoire. Un acte de la coordination (`acces.peut_desarchiver`), journalisé comme l'archivage."""
        verifier_motif(commentaire, MOTIF_DESARCHIVAGE)
        return self.enregistrer(
            auteur=auteur,
            date_effet=date_effet,
            commentaire=commentaire,
            version=version,
            maintenant=maintenant,
            archivee=False,
        )

    def _changer(self, nom, valeur, commun):
        champ = CHAMP_PAR_NOM[nom]
        attribut, colonne_avant, colonne_apres = COLONNES[champ]
        precedentes = self.journal.filter(champ=champ)
        avant = precedentes.en_vigueur_au(commun["date_effet"]).first()
        dernier_mot = not precedentes.filter(date_effet__gt=commun["date_effet"]).exists()
        if champ == Champ.QUARTIERS:
            return self._changer_quartiers(valeur, avant, dernier_mot, {"champ": champ, **commun})
        if isinstance(valeur, models.Model):
            valeur = valeur.pk
        valeur_avant = getattr(avant, colonne_apres) if avant else None
        if valeur_avant == valeur:
            return None
        entree = Entree.objects.create(champ=champ, **{colonne_avant: valeur_avant, colonne_apres: valeur}, **commun)
        if dernier_mot:
            setattr(self, attribut, valeur)
        return entree

    def _changer_quartiers(self, valeur, avant, dernier_mot, commun):
        territoire, quartiers = valeur
        nouveaux = set() if territoire else {q.pk if isinstance(q, models.Model) else int(q) for q in quartiers}
        if avant is None:
            anciens, territoire_avant = set(), None
        else:
            anciens = {eq.quartier_id for eq in avant.quartiers.all() if eq.apres}
            territoire_avant = avant.territoire_apres
        if territoire_avant == territoire and anciens == nouveaux:
            return None
        entree = Entree.objects.create(territoire_avant=territoire_avant, territoire_apres=territoire, **commun)
        EntreeQuartier.objects.bulk_create(
            [EntreeQuartier(entree=entree, quartier_id=q, apres=False) for q in sorted(anciens)]
            + [EntreeQuartier(entree=entree, quartier_id=q, apres=True) for q in sorted(nouveaux)]
        )
        if dernier_mot:
            self.tout_le_territoire = territoire
            self.quartiers.set(nouveaux)
        return entree
