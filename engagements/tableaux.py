"""Les chiffres des tableaux de bord et des rapports, calculés en base, en un nombre fixe de requêtes.

Tout passe par `Action.objects.etat_au(au)` : aujourd'hui se lit sur les actions, une date passée se reconstruit
depuis le journal. Un périmètre (tout le protocole, un quartier, une organisation, un engagement) choisit les actions.
"""

import calendar
import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce

from engagements.models import Action, Bloc, Champ, Entree, EntreeQuartier, Obligation, Statut, ValeurVerdict
from engagements.models.actions import JOURS_SANS_NOUVELLES, STATUTS_CLOS, aujourd_hui, condition_quartier
from engagements.models.journal import ORDRE_RECENT
from protocole.models import Reunion
from signataires.models import Partie

MOIS_PAR_DEFAUT = 6


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

    def actions(self, au):
        """Les actions du périmètre telles qu'elles étaient le jour `au`, annotées `statut_au`, `engagement_au`…"""
        qs = Action.objects.filter(protocole=self.protocole).etat_au(au)
        if self.quartier is not None:
            qs = qs.filter(condition_quartier(self.quartier, au))
        if self.organisation is not None:
            partenaire = Action.partenaires.through.objects.filter(
                action=OuterRef("pk"), organisation=self.organisation
            )
            qs = qs.filter(Q(pilote_au=self.organisation.pk) | Q(Exists(partenaire)))
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


def en_retard(au):
    return Q(echeance_au__lt=au) & ~Q(statut_au__in=STATUTS_CLOS)


def sans_nouvelles(au):
    return Q(maj_au__lt=au - datetime.timedelta(days=JOURS_SANS_NOUVELLES)) & ~Q(statut_au__in=STATUTS_CLOS)


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
    blocs = set(Bloc.objects.filter(engagement__protocole=protocole).values_list("engagement__numero", "partie__code"))
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
        # de l'action à cette date est recalculé une fois par ligne.
        def dernier(champ, colonne):
            entrees = Entree.objects.filter(action=OuterRef("entree__action"), champ=champ, date_effet__lte=au)
            return Subquery(entrees.order_by(*ORDRE_RECENT).values(colonne)[:1])

        liens = EntreeQuartier.objects.filter(apres=True, entree__in=rattachees.values("entree_quartiers_au")).annotate(
            statut_au=dernier(Champ.STATUT, "statut_apres"),
            avancement_au=dernier(Champ.AVANCEMENT, "avancement_apres"),
            echeance_au=dernier(Champ.ECHEANCE, "echeance_apres"),
        )
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


def actions_a_signaler(perimetre, au, limite=50):
    """Deux listes : les actions en retard et celles sans nouvelles depuis 90 jours, au jour `au`."""
    base = perimetre.actions(au).select_related("obligation", "pilote", "referent").prefetch_related("quartiers")
    retard = list(base.filter(en_retard(au)).order_by("echeance_au", "pk")[:limite])
    silence = list(base.filter(sans_nouvelles(au)).order_by("maj_au", "pk")[:limite])
    return retard, silence


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
    pour les quartiers des entrées affichées."""
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
    entrees = list(periode.exclude(etat_initial).pour_affichage().recentes()[:limite])
    return Evolutions(depuis=depuis, au=au, entrees=entrees, **chiffres)


def depuis_par_defaut(protocole, au=None):
    """La date de la dernière réunion du comité de pilotage avant `au` ; à défaut, six mois avant `au`."""
    return depuis_par_defaut_motive(protocole, au or aujourd_hui())[0]


def depuis_par_defaut_motive(protocole, au):
    """`depuis_par_defaut` en une requête, avec ce qui fixe la date pour l'annoncer à l'écran : (date, réunion),
    la réunion étant None quand la date est « six mois avant `au` »."""
    reunion = Reunion.objects.filter(protocole=protocole, date__lte=au).order_by("-date", "-id").first()
    if reunion is not None:
        return reunion.date, reunion
    mois, annee = au.month - MOIS_PAR_DEFAUT, au.year
    if mois <= 0:
        mois, annee = mois + 12, annee - 1
    return datetime.date(annee, mois, min(au.day, calendar.monthrange(annee, mois)[1])), None
