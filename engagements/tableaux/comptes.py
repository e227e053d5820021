"""Les comptes : statuts par engagement et par partie (la grille), par quartier, les verdicts, les obligations à une
date."""

from dataclasses import dataclass, field

from django.db.models import Count, F, OuterRef, Q, Sum, Value
from django.db.models.functions import Coalesce

from engagements.models import Action, Bloc, Champ, Entree, EntreeQuartier, Obligation, Statut, ValeurVerdict
from engagements.models.regles import aujourd_hui
from engagements.tableaux.regles import en_retard, sans_nouvelles
from protocole import compilees
from signataires.models import Partie

_STATUTS = tuple(Statut.values)  # lu une fois : un tableau de bord crée des centaines de comptes


@dataclass
class Compte:
    """Les chiffres d'un ensemble d'actions : par statut, en retard, avancement moyen (abandonnées exclues)."""

    par_statut: dict = field(default_factory=lambda: dict.fromkeys(_STATUTS, 0))
    en_retard: int = 0
    sans_nouvelles: int = 0  # compté par la grille seulement (`grille`)
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

    def ajouter(self, statut, n, retard, somme, comptees, silence=0):
        self.par_statut[statut] += n
        self.en_retard += retard
        self.sans_nouvelles += silence
        self.somme_avancement += somme
        self.comptees_pour_moyenne += comptees

    def __iadd__(self, autre):
        for statut, n in autre.par_statut.items():
            self.par_statut[statut] += n
        self.en_retard += autre.en_retard
        self.sans_nouvelles += autre.sans_nouvelles
        self.somme_avancement += autre.somme_avancement
        self.comptees_pour_moyenne += autre.comptees_pour_moyenne
        return self


def _agreger(cle_requete, actions, au, cles, silence=False):
    """Une requête : les actions que donne la fonction `actions` groupées par `cles` et par statut, construite et
    compilée une fois par `cle_requete` (`protocole.compilees` : elle dit le périmètre ; le jour `au` s'y ajoute).
    Renvoie {valeurs de `cles`: Compte}.
    `silence` : compter aussi les actions sans nouvelles (sur des actions d'`etat_au`, qui portent leur dernière
    nouvelle)."""

    def construire():
        non_abandonnee = ~Q(statut_au=Statut.ABANDONNE)
        chiffres = {
            "n": Count("pk"),
            "retard": Count("pk", filter=en_retard(au)),
            "somme": Coalesce(Sum("avancement_au", filter=non_abandonnee), 0),
            "comptees": Count("pk", filter=non_abandonnee),
        }
        if silence:
            chiffres["silence"] = Count("pk", filter=sans_nouvelles(au))
        return actions().order_by().values(*cles, "statut_au").annotate(**chiffres)

    comptes = {}
    for ligne in compilees.lire((cle_requete, au, tuple(cles), silence), construire):
        cle_ligne = tuple(ligne[c] for c in cles)
        comptes.setdefault(cle_ligne, Compte()).ajouter(
            ligne["statut_au"], ligne["n"], ligne["retard"], ligne["somme"], ligne["comptees"], ligne.get("silence", 0)
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
    """Quatre requêtes : engagements, parties, blocs (pour « sans objet »), comptes groupés par engagement et partie
    (dont les actions sans nouvelles : les tableaux de bord en donnent le nombre et n'en listent que les premières)."""
    protocole = perimetre.protocole
    engagements = compilees.lire(("engagements", protocole.pk), lambda: protocole.engagements.order_by("numero"))
    if perimetre.engagement is not None:
        engagements = [e for e in engagements if e.numero == perimetre.engagement]
    parties = compilees.lire(
        ("parties", protocole.pk), lambda: Partie.objects.filter(protocole=protocole).order_by("ordre")
    )
    blocs = compilees.lire(
        ("blocs", protocole.pk),
        lambda: (
            Bloc.objects.filter(engagement__protocole=protocole)
            .order_by()
            .values_list("engagement__numero", "partie__code")
        ),
    )
    blocs = set(blocs)
    comptes = _agreger(
        ("grille", perimetre.cle), lambda: perimetre.actions(au), au, ["engagement_au", "partie_au"], silence=True
    )
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
    protocole = perimetre.protocole
    quartiers = compilees.lire(("quartiers", protocole.pk), lambda: protocole.quartiers.order_by("ordre", "nom"))
    if not quartiers:
        return []

    def actions():
        return perimetre.actions(au, structure=False).order_by()

    def actions_partout():
        return actions().filter(territoire_au=True)

    def liens_des_quartiers():
        rattachees = actions().filter(territoire_au=False)
        if au >= aujourd_hui():
            liens = Action.quartiers.through.objects.filter(action__in=rattachees.values("pk")).annotate(
                statut_au=F("action__statut"), avancement_au=F("action__avancement"), echeance_au=F("action__echeance")
            )
        else:
            # Chaque lien est une ligne « après » de la dernière entrée de quartiers de l'action au jour `au` ;
            # l'état de l'action à cette date est relu dans le journal une fois par ligne.
            def dernier(champ, colonne):
                return Entree.objects.valeur_au(champ, au, colonne, de=OuterRef("entree__action"))

            liens = EntreeQuartier.objects.filter(
                apres=True, entree__in=rattachees.values("entree_quartiers_au")
            ).annotate(
                statut_au=dernier(Champ.STATUT, "statut_apres"),
                avancement_au=dernier(Champ.AVANCEMENT, "avancement_apres"),
                echeance_au=dernier(Champ.ECHEANCE, "echeance_apres"),
            )
        # Les actions archivées sont déjà écartées par `perimetre.actions(au)`.
        return liens.annotate(archivee_au=Value(False))

    partout = _agreger(("quartiers:partout", perimetre.cle), actions_partout, au, []).get((), Compte())
    par_quartier = _agreger(("quartiers:liens", perimetre.cle), liens_des_quartiers, au, ["quartier_id"])
    resultat = []
    for quartier in quartiers:
        compte = Compte()
        compte += par_quartier.get((quartier.pk,), Compte())
        compte += partout
        resultat.append((quartier, compte))
    return resultat


def verdicts_par_engagement(perimetre, au):
    """Une requête : {numéro d'engagement: {verdict: nombre}} au jour `au` (« non évalué » sans revue)."""
    return verdicts_par(perimetre, au, "bloc__engagement__numero")


def verdicts_par(perimetre, au, cle):
    """Une requête : {valeur de `cle` (un chemin depuis l'obligation): {verdict: nombre}} des obligations du
    périmètre au jour `au`."""
    lignes = compilees.lire(
        ("verdicts", perimetre.cle, au, cle),
        lambda: (
            perimetre.obligations()
            .verdicts_au(au)
            .order_by()
            .values(cle, "verdict_au")
            .annotate(n=Count("pk", distinct=True))
        ),
    )
    resultat = {}
    for ligne in lignes:
        par_verdict = resultat.setdefault(ligne[cle], dict.fromkeys(ValeurVerdict.values, 0))
        par_verdict[ligne["verdict_au"]] += ligne["n"]
    return resultat


def verdicts_total(verdicts):
    """{verdict: nombre} sur tous les engagements, d'après `verdicts_par_engagement`."""
    total = dict.fromkeys(ValeurVerdict.values, 0)
    for par_verdict in verdicts.values():
        for valeur, nombre in par_verdict.items():
            total[valeur] += nombre
    return total


def obligations_au(perimetre, au, autres=()):
    """Une requête : les obligations du périmètre, plus celles d'`autres` (une organisation peut agir sous
    l'obligation d'une partie dont elle n'est pas membre), dans l'ordre du texte, avec leur verdict et son motif
    au jour `au`."""
    autres = sorted(pk for pk in autres if pk is not None)  # dans la clé : un ordre stable
    obligations = compilees.lire(
        ("obligations", perimetre.cle, au, tuple(autres)),
        lambda: (
            Obligation.objects.filter(protocole=perimetre.protocole)
            .filter(Q(pk__in=perimetre.obligations().values("pk")) | Q(pk__in=autres))
            .verdicts_au(au)
            .select_related("bloc__engagement", "bloc__partie")
            .order_by("bloc__engagement__numero", "bloc__ordre", "rang")
        ),
    )
    for obligation in obligations:
        obligation.verdict_libelle = ValeurVerdict(obligation.verdict_au).label
    return obligations
