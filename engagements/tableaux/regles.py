"""Les deux règles du suivi, « en retard » et « sans nouvelles », écrites ici et nulle part ailleurs, et le périmètre
(tout le protocole, un quartier, une organisation, un engagement) qui choisit les actions."""

import datetime
from dataclasses import dataclass

from django.db.models import BooleanField, Case, Exists, F, IntegerField, OuterRef, Q, Value, When

from engagements.models import Action, Obligation
from engagements.models.regles import STATUTS_CLOS, aujourd_hui, debut_du_jour

JOURS_SANS_NOUVELLES = 90


def en_retard(au):
    """En retard on day D: the action's due date (as of D) is before D, and its status on D is neither réalisé
    nor abandonné. Archived actions are never counted.

    En retard le jour D : l'échéance de l'action (telle qu'elle était le jour D) précède D, et son statut ce jour-là
    n'est ni réalisé ni abandonné. Une action archivée n'est jamais comptée. Condition sur un `etat_au(au)`."""
    return Q(echeance_au__lt=au) & ~Q(statut_au__in=STATUTS_CLOS) & Q(archivee_au=False)


def sans_nouvelles(au):
    """Sans nouvelles on day D: open on D (not réalisé, not abandonné), and nobody recorded anything about it in
    the 90 days up to D: its latest journal entry *recorded* on or before D (whatever that entry's effect date) was
    recorded on a day more than 90 days before D (exactly 90 days: not yet). Days are counted in Europe/Paris.
    Today is D = today: there is no second, datetime-based rule. Corrections (title, description, start date,
    budget, partners) and the redaction of a comment are journaled but are not news about the action's progress
    (`journal.HORS_NOUVELLES`): they are ignored here.

    Sans nouvelles le jour D : ouverte ce jour-là, et sa dernière entrée de journal enregistrée le jour D ou avant
    (quelle que soit sa date d'effet) l'a été plus de 90 jours avant D, jours comptés à Paris ; les corrections (titre,
    description, début, budget, partenaires) et les caviardages n'en sont pas, ils ne comptent pas. Une action archivée
    n'est jamais comptée ; une action dont rien n'était encore enregistré le jour D non plus. Condition sur un
    `etat_au(au)`, dont `nouvelles_au` est le moment de cette dernière entrée."""
    limite = debut_du_jour(au - datetime.timedelta(days=JOURS_SANS_NOUVELLES))
    return Q(nouvelles_au__lt=limite) & ~Q(statut_au__in=STATUTS_CLOS) & Q(archivee_au=False)


def _drapeaux(actions, au):
    """Sur un `etat_au(au)` : annote `est_en_retard` et `est_sans_nouvelles` (vrai ou faux, jamais nul)."""

    def drapeau(condition):
        return Case(When(condition, then=Value(True)), default=Value(False), output_field=BooleanField())

    return actions.annotate(est_en_retard=drapeau(en_retard(au)), est_sans_nouvelles=drapeau(sans_nouvelles(au)))


def avec_drapeaux(actions, au=None, archivees=False):
    """Les actions telles qu'elles sont le jour `au` (aujourd'hui par défaut), annotées de leur état (`statut_au`…)
    et de leurs drapeaux `est_en_retard` et `est_sans_nouvelles`. Ce qu'utilisent la liste des actions, ses
    filtres, ses exports, « Mes actions », la page d'une action et celle d'une obligation."""
    au = au or aujourd_hui()
    return _drapeaux(actions.etat_au(au, archivees=archivees, structure=False), au)


def par_urgence(actions):
    """Sur des actions `avec_drapeaux` : l'ordre de travail de la liste. Les ouvertes d'abord, celles en retard en
    tête, puis par échéance (les sans échéance à la fin de leur groupe) ; les réalisées, les abandonnées et les
    archivées en dernier. Les drapeaux sont ceux d'`en_retard` : aucune règle n'est réécrite ici."""
    rang = Case(
        When(est_en_retard=True, then=Value(0)),
        When(Q(statut_au__in=STATUTS_CLOS) | Q(archivee_au=True), then=Value(2)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return actions.order_by(rang, F("echeance_au").asc(nulls_last=True), "id")


def pilotee_ou_accompagnee(organisation):
    """Sur un `etat_au(au)` : les actions que l'organisation pilote ce jour-là, ou qu'elle accompagne en partenaire
    (les partenaires n'ont pas de journal : ceux d'aujourd'hui)."""
    partenaire = Action.partenaires.through.objects.filter(action=OuterRef("pk"), organisation=organisation)
    return Q(pilote_au=organisation.pk) | Q(Exists(partenaire))


@dataclass(frozen=True)
class Perimetre:
    """Ce que couvre un tableau de bord ou un rapport : le protocole entier, ou un quartier, une organisation,
    un engagement (un seul à la fois)."""

    protocole: object
    quartier: object = None
    organisation: object = None
    engagement: int | None = None

    @property
    def libelle(self):
        if self.quartier is not None:
            return f"Quartier {self.quartier.nom}"
        if self.organisation is not None:
            return self.organisation.nom
        if self.engagement is not None:
            return f"Engagement renforcé N°{self.engagement}"
        return "Tout le territoire"

    @property
    def parametres(self):
        """Le périmètre dans une URL de téléchargement (`perimetre`, `valeur`) ; `engagements.periode` le relit."""
        if self.quartier is not None:
            return {"perimetre": "quartier", "valeur": self.quartier.slug}
        if self.organisation is not None:
            return {"perimetre": "organisation", "valeur": self.organisation.slug}
        if self.engagement is not None:
            return {"perimetre": "engagement", "valeur": str(self.engagement)}
        return {"perimetre": "protocole"}

    @property
    def cle(self):
        """Ce qui distingue le périmètre dans une clé (`protocole.compilees`) : des identifiants, pas des objets."""
        quartier = self.quartier.pk if self.quartier is not None else None
        organisation = self.organisation.pk if self.organisation is not None else None
        return (self.protocole.pk, quartier, organisation, self.engagement)

    def actions(self, au, structure=True):
        """Les actions du périmètre telles qu'elles étaient le jour `au`, annotées `statut_au`, `engagement_au`…
        `structure=False` : sans `engagement_au` ni `partie_au` (ni leurs jointures, qui lisaient toutes les
        obligations de la base) quand l'appelant ne groupe pas par engagement ou partie ; le périmètre d'un
        engagement les garde, il filtre dessus."""
        structure = structure or self.engagement is not None
        qs = Action.objects.filter(protocole=self.protocole).etat_au(au, structure=structure)
        if self.quartier is not None:
            qs = qs.dans_quartier_au(self.quartier, au)
        if self.organisation is not None:
            qs = qs.filter(pilotee_ou_accompagnee(self.organisation))
        if self.engagement is not None:
            qs = qs.filter(engagement_au=self.engagement)
        return qs

    def obligations(self):
        """Les obligations dont rend compte le périmètre (pour une organisation : celles de ses parties)."""
        qs = Obligation.objects.filter(protocole=self.protocole)
        if self.organisation is not None:
            qs = qs.filter(bloc__partie__appartenances__organisation=self.organisation).distinct()
        if self.engagement is not None:
            qs = qs.filter(bloc__engagement__numero=self.engagement)
        return qs
