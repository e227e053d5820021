"""La couche des requêtes : chaque chiffre et chaque ligne que montrent les pages, les exports et les rapports.

Les deux règles du suivi, « en retard » et « sans nouvelles », sont écrites ici et nulle part ailleurs ; la liste
des actions, « Mes actions », les exports, les tableaux de bord et les rapports PDF les appellent tous. Tout passe
par `Action.objects.etat_au(au)` : aujourd'hui se lit sur les actions, une date passée se reconstruit depuis le
journal. Un périmètre (tout le protocole, un quartier, une organisation, un engagement) choisit les actions. Chaque
fonction répond en un nombre fixe de requêtes, quelle que soit la taille des données.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import BooleanField, Case, Count, Exists, F, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce

from engagements.models import Action, Bloc, Champ, Entree, EntreeQuartier, Obligation, Statut, ValeurVerdict
from engagements.models.regles import HORS_NOUVELLES, STATUTS_CLOS, aujourd_hui, debut_du_jour
from signataires.models import Organisation, Partie, Utilisateur

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

    def actions(self, au):
        """Les actions du périmètre telles qu'elles étaient le jour `au`, annotées `statut_au`, `engagement_au`…"""
        qs = Action.objects.filter(protocole=self.protocole).etat_au(au)
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


@dataclass
class Compte:
    """Les chiffres d'un ensemble d'actions : par statut, en retard, avancement moyen (abandonnées exclues)."""

    par_statut: dict = field(default_factory=lambda: dict.fromkeys(Statut.values, 0))
    en_retard: int = 0
    somme_avancement: int = 0
    comptees_pour_moyenne: int = 0
    sans_objet: bool = False

    @property
    def total(self):
        return sum(self.par_statut.values())

    @property
    def moyenne(self):
        """Avancement moyen en %, arrondi ; None sans action à moyenner."""
        if not self.comptees_pour_moyenne:
            return None
        return round(self.somme_avancement / self.comptees_pour_moyenne)

    @property
    def ouvertes(self):
        return self.total - self.par_statut[Statut.REALISE] - self.par_statut[Statut.ABANDONNE]

    def statuts(self):
        """[(statut, libellé, nombre)] dans l'ordre des statuts."""
        return [(s.value, s.label, self.par_statut[s.value]) for s in Statut]

    def ajouter(self, statut, n, retard, somme, comptees):
        self.par_statut[statut] += n
        self.en_retard += retard
        self.somme_avancement += somme
        self.comptees_pour_moyenne += comptees

    def __iadd__(self, autre):
        for statut, n in autre.par_statut.items():
            self.par_statut[statut] += n
        self.en_retard += autre.en_retard
        self.somme_avancement += autre.somme_avancement
        self.comptees_pour_moyenne += autre.comptees_pour_moyenne
        return self


def _agreger(actions, au, cles):
    """Une requête : les actions groupées par `cles` et par statut. Renvoie {clé: Compte}."""
    non_abandonnee = ~Q(statut_au=Statut.ABANDONNE)
    lignes = (
        actions.order_by()
        .values(*cles, "statut_au")
        .annotate(
            n=Count("pk"),
            retard=Count("pk", filter=en_retard(au)),
            somme=Coalesce(Sum("avancement_au", filter=non_abandonnee), 0),
            comptees=Count("pk", filter=non_abandonnee),
        )
    )
    comptes = {}
    for ligne in lignes:
        cle = tuple(ligne[c] for c in cles)
        comptes.setdefault(cle, Compte()).ajouter(
            ligne["statut_au"], ligne["n"], ligne["retard"], ligne["somme"], ligne["comptees"]
        )
    return comptes


@dataclass
class Grille:
    """La grille réciproque : engagements en lignes, parties en colonnes ; « sans objet » où la partie n'a pas de
    bloc dans l'engagement."""

    parties: list
    lignes: list  # [(engagement, [Compte par partie], Compte de l'engagement)]
    total: Compte


def grille(perimetre, au):
    """Trois requêtes : engagements, blocs (pour « sans objet »), comptes groupés par engagement et partie."""
    protocole = perimetre.protocole
    engagements = list(protocole.engagements.order_by("numero"))
    if perimetre.engagement is not None:
        engagements = [e for e in engagements if e.numero == perimetre.engagement]
    parties = list(Partie.objects.filter(protocole=protocole).order_by("ordre"))
    blocs = Bloc.objects.filter(engagement__protocole=protocole).order_by()
    blocs = set(blocs.values_list("engagement__numero", "partie__code"))
    comptes = _agreger(perimetre.actions(au), au, ["engagement_au", "partie_au"])
    lignes, total = [], Compte()
    for engagement in engagements:
        cellules, ligne_total = [], Compte()
        for partie in parties:
            compte = comptes.get((engagement.numero, partie.code), Compte())
            compte.sans_objet = (engagement.numero, partie.code) not in blocs
            cellules.append(compte)
            ligne_total += compte
        lignes.append((engagement, cellules, ligne_total))
        total += ligne_total
    return Grille(parties=parties, lignes=lignes, total=total)


def comptes_par_quartier(perimetre, au):
    """Les quartiers côte à côte, en trois requêtes quel que soit leur nombre : les quartiers, les actions « tout le
    territoire » (qui comptent dans chaque quartier, donc les colonnes ne s'additionnent pas au total du territoire),
    et les autres groupées par quartier et par statut."""
    quartiers = list(perimetre.protocole.quartiers.order_by("ordre", "nom"))
    if not quartiers:
        return []
    actions = perimetre.actions(au).order_by()
    partout = _agreger(actions.filter(territoire_au=True), au, []).get((), Compte())
    rattachees = actions.filter(territoire_au=False)
    if au >= aujourd_hui():
        liens = Action.quartiers.through.objects.filter(action__in=rattachees.values("pk")).annotate(
            statut_au=F("action__statut"), avancement_au=F("action__avancement"), echeance_au=F("action__echeance")
        )
    else:
        # Chaque lien est une ligne « après » de la dernière entrée de quartiers de l'action au jour `au` ; l'état
        # de l'action à cette date est relu dans le journal une fois par ligne.
        def dernier(champ, colonne):
            return Entree.objects.valeur_au(champ, au, colonne, de=OuterRef("entree__action"))

        liens = EntreeQuartier.objects.filter(apres=True, entree__in=rattachees.values("entree_quartiers_au")).annotate(
            statut_au=dernier(Champ.STATUT, "statut_apres"),
            avancement_au=dernier(Champ.AVANCEMENT, "avancement_apres"),
            echeance_au=dernier(Champ.ECHEANCE, "echeance_apres"),
        )
    # Les actions archivées sont déjà écartées par `perimetre.actions(au)`.
    liens = liens.annotate(archivee_au=Value(False))
    par_quartier = _agreger(liens, au, ["quartier_id"])
    resultat = []
    for quartier in quartiers:
        compte = Compte()
        compte += par_quartier.get((quartier.pk,), Compte())
        compte += partout
        resultat.append((quartier, compte))
    return resultat


def verdicts_par_engagement(perimetre, au):
    """Une requête : {numéro d'engagement: {verdict: nombre}} au jour `au` (« non évalué » sans revue)."""
    lignes = (
        perimetre.obligations()
        .verdicts_au(au)
        .order_by()
        .values("bloc__engagement__numero", "verdict_au")
        .annotate(n=Count("pk", distinct=True))
    )
    resultat = {}
    for ligne in lignes:
        par_verdict = resultat.setdefault(ligne["bloc__engagement__numero"], dict.fromkeys(ValeurVerdict.values, 0))
        par_verdict[ligne["verdict_au"]] += ligne["n"]
    return resultat


def verdicts_total(verdicts):
    """{verdict: nombre} sur tous les engagements, d'après `verdicts_par_engagement`."""
    total = dict.fromkeys(ValeurVerdict.values, 0)
    for par_verdict in verdicts.values():
        for valeur, nombre in par_verdict.items():
            total[valeur] += nombre
    return total


def _lignes(actions, au, commentaires=True):
    """Sur un `etat_au(au)` : ce qu'affiche une ligne d'action, dans la même requête et tel que c'était le jour
    `au` — ses drapeaux, la référence de son obligation, et si `commentaires` son dernier commentaire (et sa date
    d'effet), le commentaire et la date de l'entrée qui a posé son statut (le motif d'un blocage). Le verdict de
    l'obligation et son motif au jour `au` viennent d'`obligations_au`, sous lesquelles le rapport range les lignes."""
    lignes = _drapeaux(actions, au).annotate(
        reference_au=Subquery(Obligation.objects.filter(pk=OuterRef("obligation_au")).values("reference")[:1]),
    )
    if not commentaires:
        return lignes
    en_vigueur = Entree.objects.filter(action=OuterRef("pk")).en_vigueur_au(au)
    commente = en_vigueur.exclude(commentaire="")
    statut = en_vigueur.filter(champ=Champ.STATUT)
    return lignes.annotate(
        commentaire_au=Subquery(commente.values("commentaire")[:1]),
        commentaire_le=Subquery(commente.values("date_effet")[:1]),
        motif_statut=Subquery(statut.values("commentaire")[:1]),
        statut_le=Subquery(statut.values("date_effet")[:1]),
    )


def _nommer(actions, au, referents=True, quartiers=False):
    """Complète des lignes de `_lignes` : libellés, jours de retard, pilote tel qu'il était le jour `au` (une
    requête), et, sur demande, le référent·e (une requête) et les quartiers (une requête) d'alors."""
    pilotes = Organisation.objects.in_bulk({a.pilote_au for a in actions if a.pilote_au})
    referents = Utilisateur.objects.in_bulk({a.referent_au for a in actions if a.referent_au}) if referents else {}
    for action in actions:
        action.statut_libelle = Statut(action.statut_au).label if action.statut_au else "—"
        action.jours_de_retard = (au - action.echeance_au).days if action.est_en_retard else 0
        action.pilote_au_jour = pilotes.get(action.pilote_au)
        action.referent_au_jour = referents.get(action.referent_au)
    if quartiers and actions:
        noms = {}
        if au >= aujourd_hui():
            liens = Action.quartiers.through.objects.filter(action__in=[a.pk for a in actions])
            cle = "action_id"
        else:
            liens = EntreeQuartier.objects.filter(entree__in=[a.entree_quartiers_au for a in actions], apres=True)
            cle = "entree_id"
        for lien in liens.select_related("quartier").order_by("quartier__ordre", "quartier__nom"):
            noms.setdefault(getattr(lien, cle), []).append(lien.quartier.nom)
        for action in actions:
            action.quartiers_au_jour = noms.get(action.pk if cle == "action_id" else action.entree_quartiers_au, [])
    return actions


def lignes_actions(perimetre, au):
    """Toutes les actions du périmètre au jour `au`, par échéance, prêtes à imprimer (voir `_lignes` et
    `_nommer`) : trois requêtes."""
    actions = _lignes(perimetre.actions(au), au).order_by(F("echeance_au").asc(nulls_last=True), "pk")
    return _nommer(list(actions), au)


def signalees(lignes):
    """Sur des lignes de `lignes_actions` : (en retard, sans nouvelles, bloquées), dans l'ordre des listes des
    tableaux de bord — les plus anciennes échéances, les plus anciennes nouvelles, les blocages les plus anciens."""
    retard = sorted((a for a in lignes if a.est_en_retard), key=lambda a: (a.echeance_au, a.pk))
    silence = sorted((a for a in lignes if a.est_sans_nouvelles), key=lambda a: (a.nouvelles_au, a.pk))
    bloquees = sorted(
        (a for a in lignes if a.statut_au == Statut.BLOQUE),
        key=lambda a: (a.statut_le or a.echeance_au or a.date_creation, a.pk),
    )
    return retard, silence, bloquees


def actions_a_signaler(perimetre, au, limite=50):
    """Deux listes au jour `au` : les actions en retard (les plus anciennes échéances d'abord) et celles sans
    nouvelles (les plus anciennes nouvelles d'abord), `limite` au plus chacune, avec leur pilote et leurs quartiers
    d'alors : quatre requêtes, aujourd'hui comme un jour passé."""
    base = _lignes(perimetre.actions(au), au, commentaires=False)
    retard = list(base.filter(en_retard(au)).order_by("echeance_au", "pk")[:limite])
    silence = list(base.filter(sans_nouvelles(au)).order_by("nouvelles_au", "pk")[:limite])
    _nommer(retard + silence, au, referents=False, quartiers=True)
    return retard, silence


def obligations_au(perimetre, au, autres=()):
    """Une requête : les obligations du périmètre, plus celles d'`autres` (une organisation peut agir sous
    l'obligation d'une partie dont elle n'est pas membre), dans l'ordre du texte, avec leur verdict et son motif
    au jour `au`."""
    qs = (
        Obligation.objects.filter(protocole=perimetre.protocole)
        .filter(Q(pk__in=perimetre.obligations().values("pk")) | Q(pk__in=autres))
        .verdicts_au(au)
        .select_related("bloc__engagement", "bloc__partie")
        .order_by("bloc__engagement__numero", "bloc__ordre", "rang")
    )
    obligations = list(qs)
    for obligation in obligations:
        obligation.verdict_libelle = ValeurVerdict(obligation.verdict_au).label
    return obligations


@dataclass
class Evolutions:
    depuis: datetime.date
    au: datetime.date
    statuts_changes: int
    realisees: int
    nouvelles: int
    verdicts: int
    entrees: list


def evolutions(perimetre, depuis, au, limite=20):
    """Ce qui a changé entre `depuis` et `au` (dates d'effet incluses), d'après le journal : deux requêtes et une
    pour les quartiers des entrées affichées. Les corrections et les caviardages (`HORS_NOUVELLES`) n'en sont pas."""
    actions = perimetre.actions(au).values("pk")
    obligations = perimetre.obligations().values("pk")
    periode = Entree.objects.filter(protocole=perimetre.protocole, date_effet__gte=depuis, date_effet__lte=au)
    dans_perimetre = Q(action__in=actions) | Q(champ=Champ.VERDICT, obligation__in=obligations)
    periode = periode.filter(dans_perimetre)
    changement_de_statut = Q(champ=Champ.STATUT) & ~Q(version=1)
    chiffres = periode.aggregate(
        statuts_changes=Count("pk", filter=changement_de_statut),
        realisees=Count("pk", filter=changement_de_statut & Q(statut_apres=Statut.REALISE)),
        nouvelles=Count("pk", filter=Q(champ=Champ.CREATION)),
        verdicts=Count("pk", filter=Q(champ=Champ.VERDICT)),
    )
    # Les entrées d'état initial écrites avec la création se lisent dans la ligne « création ».
    etat_initial = Q(version=1) & ~Q(champ=Champ.CREATION)
    # Les corrections (titre, budget…) et les caviardages ne sont pas des évolutions du suivi : la frise ne les
    # montre pas.
    entrees = periode.exclude(etat_initial).exclude(champ__in=HORS_NOUVELLES)
    entrees = list(entrees.pour_affichage(corrections=False).recentes()[:limite])
    return Evolutions(depuis=depuis, au=au, entrees=entrees, **chiffres)
