"""Les actions d'un protocole synthétique et leur journal, écrits ligne à ligne mais tels que les écriraient
`Action.creer` puis `Action.enregistrer` : une entrée de création et une par champ suivi, puis une entrée par champ
changé, les valeurs « avant » égales à l'état du moment, une version de plus par enregistrement. La ligne de l'action
est l'état le plus récent de son journal (version, `maj_le`, champs suivis, quartiers).

Les proportions suivent `manage.py demo` : statuts finaux, 15 % « tout le territoire », 10 à 20 % des actions
ouvertes en retard, environ 12 % sans nouvelles depuis plus de 90 jours, une dizaine d'entrées par action.
"""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings

from engagements.models import Action, Champ, Entree, EntreeQuartier, Statut, ValeurVerdict, Verdict
from engagements.models.regles import COLONNES, STATUTS_CLOS

PARIS = ZoneInfo(settings.TIME_ZONE)
DEBUT = datetime.date(2019, 3, 1)
DEBUT_REVUES = datetime.date(2020, 6, 1)
UN_JOUR = datetime.timedelta(days=1)
STATUTS_FINAUX = [Statut.A_VENIR, Statut.EN_COURS, Statut.EN_PAUSE, Statut.BLOQUE, Statut.REALISE, Statut.ABANDONNE]
POIDS_FINAUX = [12, 38, 8, 9, 27, 8]
VERDICTS = [ValeurVerdict.TENU, ValeurVerdict.PARTIEL, ValeurVerdict.NON_TENU]
THEMES = {
    1: "Emploi et insertion",
    2: "Réussite éducative",
    3: "Sport, culture et loisirs",
    4: "Accès à la santé",
    5: "Cadre de vie",
}
COMMENTAIRES = {
    Statut.EN_COURS: "Lancement de l'action.",
    Statut.EN_PAUSE: "En attente du vote du budget.",
    Statut.BLOQUE: "Cofinancement non confirmé à ce jour.",
    Statut.REALISE: "Bilan présenté au comité technique.",
    Statut.ABANDONNE: "Dispositif national arrêté.",
}
SUIVIS_A_LA_CREATION = [Champ.STATUT, Champ.AVANCEMENT, Champ.ECHEANCE, Champ.PILOTE, Champ.REFERENT, Champ.OBLIGATION]
ATTRIBUT = {champ: colonnes[0] for champ, colonnes in COLONNES.items()}


def moment(rng, jour, maintenant):
    """Un moment d'enregistrement ce jour-là, en heures ouvrées à Paris, jamais dans le futur."""
    heure = datetime.time(rng.randint(9, 17), rng.randint(0, 59), rng.randint(0, 59))
    return min(datetime.datetime.combine(jour, heure, tzinfo=PARIS), maintenant)


def jour_entre(rng, premier, dernier):
    return premier + datetime.timedelta(days=rng.randint(0, max(0, (dernier - premier).days)))


class Ecrivain:
    """Écrit une action et son journal dans les tables en attente, en tenant son état courant."""

    def __init__(self, territoire, tables, rng, aujourdhui, maintenant):
        self.t, self.tables, self.rng = territoire, tables, rng
        self.aujourdhui, self.maintenant = aujourdhui, maintenant

    # -- une action -------------------------------------------------------------------------------------------------

    def action(self, rang):
        rng, t = self.rng, self.t
        obligation, numero, code, bloc = rng.choice(t.obligations)
        pilote = rng.choice(t.membres.get(code) or [t.epci])
        tirage = rng.random()
        if tirage < 0.15:
            territoire, quartiers = True, set()
        elif tirage < 0.7:
            territoire, quartiers = False, set(rng.choices(t.quartiers, weights=t.poids_quartiers))
        else:
            territoire, quartiers = False, set(rng.sample(t.quartiers, min(len(t.quartiers), rng.choice([2, 2, 3]))))
        final = rng.choices(STATUTS_FINAUX, weights=POIDS_FINAUX)[0]
        demarree = final != Statut.A_VENIR and rng.random() < 0.6
        self.etat = {
            "statut": Statut.EN_COURS if demarree else Statut.A_VENIR,
            "avancement": 10 if demarree else 0,
            "pilote_id": pilote,
            "referent_id": self.referent_de(pilote),
            "obligation_id": obligation,
            "tout_le_territoire": territoire,
            "quartiers": quartiers,
            "archivee": False,
        }
        archivee = rng.random() < 0.02
        ouverte = final not in STATUTS_CLOS and not archivee
        evenements = self.parcours(final, bloc, archivee)
        creation, jours = self.dates(len(evenements), ouverte)
        debut = creation + rng.randint(0, 20) * UN_JOUR if rng.random() < 0.85 else None
        echeance, initiale = self.echeances(ouverte, debut or creation, jours[-1] if jours else creation, evenements)
        self.etat["echeance"] = initiale

        self.pk = self.tables[Action].reserver()
        self.version, self.auteur = 1, self.etat["referent_id"] or t.coordinateur
        self.maj_le = moment(rng, creation, self.maintenant)
        self.creer(creation, self.maj_le)
        for (nature, valeur, commentaire), jour in zip(evenements, jours, strict=True):
            if nature == "echeance":
                valeur = echeance
            self.enregistrer(jour, nature, valeur, commentaire)

        e = self.etat
        self.tables[Action].ajouter(
            id=self.pk,
            protocole_id=t.protocole,
            obligation_id=e["obligation_id"],
            titre=f"{THEMES.get(numero, 'Action')} — action {t.numero + 1}.{rang + 1}",
            description="Action synthétique du banc d'essai : personnes, dates et chiffres inventés.",
            pilote_id=e["pilote_id"],
            referent_id=e["referent_id"],
            tout_le_territoire=e["tout_le_territoire"],
            date_debut=debut,
            echeance=e["echeance"],
            budget=Decimal(rng.randrange(2, 160) * 1000) if rng.random() < 0.6 else None,
            avancement=e["avancement"],
            statut=e["statut"],
            archivee=e["archivee"],
            date_creation=creation,
            maj_le=self.maj_le,
            version=self.version,
        )
        for quartier in sorted(e["quartiers"]):
            self.tables[Action.quartiers.through].ajouter(action_id=self.pk, quartier_id=quartier)
        autres = [o for o in t.organisations if o != e["pilote_id"]]
        for organisation in rng.sample(autres, min(len(autres), rng.choice([0, 0, 1, 1, 2, 3]))):
            self.tables[Action.partenaires.through].ajouter(action_id=self.pk, organisation_id=organisation)

    def referent_de(self, pilote):
        equipe = self.t.equipes.get(pilote)
        if equipe and self.rng.random() < 0.9:
            return self.rng.choice(equipe)
        return self.t.coordinateur if self.rng.random() < 0.3 else None

    # -- le plan : quoi change, dans quel ordre ---------------------------------------------------------------------

    def parcours(self, final, bloc, archivee):
        """[(nature, valeur, commentaire)] : le chemin du statut jusqu'au statut final, quelques autres changements
        glissés avant la clôture, l'archivage éventuel à la fin."""
        rng, statut = self.rng, self.etat["statut"]
        avancement = self.etat["avancement"]
        chemin = []

        def progresser():
            nonlocal avancement
            if avancement < 90:
                avancement = min(95, avancement + rng.choice([10, 15, 20, 25, 30]))
                chemin.append(("avancement", avancement, ""))

        if final != Statut.A_VENIR:
            if statut == Statut.A_VENIR and (final != Statut.ABANDONNE or rng.random() < 0.5):
                chemin.append(("statut", Statut.EN_COURS, COMMENTAIRES[Statut.EN_COURS]))
            if final == Statut.EN_COURS:
                if rng.random() < 0.1:
                    chemin.append(("statut", Statut.BLOQUE, COMMENTAIRES[Statut.BLOQUE]))
                    chemin.append(("statut", Statut.EN_COURS, "Blocage levé, l'action reprend."))
                for _ in range(rng.choice([0, 0, 0, 1])):
                    progresser()
            elif final in (Statut.EN_PAUSE, Statut.BLOQUE):
                if rng.random() < 0.2:
                    progresser()
                chemin.append(("statut", final, COMMENTAIRES[final]))
            elif final == Statut.REALISE:
                if rng.random() < 0.3:
                    progresser()
                chemin.append(("realise", None, COMMENTAIRES[final]))
            else:
                chemin.append(("statut", final, COMMENTAIRES[final]))

        cloture = chemin.pop() if final in STATUTS_CLOS else None
        extras = []
        if rng.random() < (0.25 if cloture is None else 0.15):
            extras.append(("echeance", None, "Échéance reportée en comité technique."))
        tirage = rng.random()
        if tirage < 0.08:
            extras.append(("referent", None, "Changement de référent."))
        elif tirage < 0.13:
            extras.append(("pilote", None, "Pilotage transféré."))
        if rng.random() < 0.08:
            extras.append(("quartiers", None, "Périmètre revu avec les partenaires."))
        if rng.random() < 0.02 and len(self.t.par_bloc[bloc]) > 1:
            extras.append(("obligation", bloc, "Rattachée à une autre obligation du bloc."))
        if rng.random() < (0.1 if cloture is None else 0.05):
            extras.append(("note", None, "Point d'étape en comité technique."))
        for extra in extras:
            chemin.insert(rng.randint(0, len(chemin)), extra)
        if cloture:
            chemin.append(cloture)
        if archivee:
            chemin.append(("archivage", True, "Doublon d'une autre action."))
        return chemin

    def dates(self, n, ouverte):
        """Le jour de création et ceux des `n` changements (distincts, croissants, jamais après aujourd'hui)."""
        rng, aujourdhui = self.rng, self.aujourdhui
        if ouverte and rng.random() < 0.12:  # sans nouvelles depuis plus de 90 jours
            dernier = aujourdhui - rng.randint(95, 500) * UN_JOUR
            creation = dernier if n == 0 else jour_entre(rng, DEBUT, dernier - (n + 10) * UN_JOUR)
        elif ouverte:
            if n == 0:
                return aujourdhui - rng.randint(30, 85) * UN_JOUR, []
            dernier = aujourdhui - rng.randint(0, 60) * UN_JOUR
            creation = jour_entre(rng, DEBUT, min(aujourdhui - 30 * UN_JOUR, dernier - (n + 5) * UN_JOUR))
        else:
            creation = jour_entre(rng, DEBUT, aujourdhui - max(30, n + 5) * UN_JOUR)
            dernier = jour_entre(rng, creation + (n + 5) * UN_JOUR, aujourdhui)
        if n == 0:
            return creation, []
        jours = sorted(rng.sample(range(creation.toordinal() + 1, dernier.toordinal()), n - 1))
        return creation, [datetime.date.fromordinal(j) for j in jours] + [dernier]

    def echeances(self, ouverte, plancher, dernier, evenements):
        """(échéance finale, échéance à la création) ; jamais avant le début de l'action."""
        rng, aujourdhui = self.rng, self.aujourdhui
        if ouverte and rng.random() < 0.17:
            finale = max(plancher, aujourdhui - rng.randint(1, 200) * UN_JOUR)
        elif ouverte:
            finale = None if rng.random() < 0.06 else aujourdhui + rng.randint(7, 420) * UN_JOUR
        else:
            finale = max(plancher, dernier + rng.randint(-90, 180) * UN_JOUR)
        if finale is None or not any(nature == "echeance" for nature, _v, _c in evenements):
            return finale, finale
        if (finale - plancher).days > 30:
            return finale, max(plancher, finale - rng.randint(30, 400) * UN_JOUR)
        return finale, finale + rng.randint(30, 200) * UN_JOUR

    # -- le journal -------------------------------------------------------------------------------------------------

    def entree(self, champ, jour, quand, commentaire="", **valeurs):
        return self.tables[Entree].ajouter(
            protocole_id=self.t.protocole,
            action_id=self.pk,
            champ=champ,
            date_effet=jour,
            enregistre_le=quand,
            auteur_id=self.auteur,
            commentaire=commentaire,
            version=self.version,
            **valeurs,
        )

    def quartiers(self, entree, avant, apres):
        for quartier in sorted(avant):
            self.tables[EntreeQuartier].ajouter(entree_id=entree, quartier_id=quartier, apres=False)
        for quartier in sorted(apres):
            self.tables[EntreeQuartier].ajouter(entree_id=entree, quartier_id=quartier, apres=True)

    def creer(self, jour, quand):
        e = self.etat
        self.entree(Champ.CREATION, jour, quand, "Action synthétique créée pour le banc d'essai.")
        for champ in SUIVIS_A_LA_CREATION:
            _attribut, _avant, apres = COLONNES[champ]
            self.entree(champ, jour, quand, **{apres: e[ATTRIBUT[champ]]})
        entree = self.entree(Champ.QUARTIERS, jour, quand, territoire_apres=e["tout_le_territoire"])
        self.quartiers(entree, (), e["quartiers"])

    def enregistrer(self, jour, nature, valeur, commentaire):
        """Un passage par `Action.enregistrer` : une entrée par champ qui change vraiment, une version de plus."""
        rng, t, e = self.rng, self.t, self.etat
        changements = {}
        if nature == "statut":
            changements["statut"] = valeur
        elif nature == "realise":
            changements.update(statut=Statut.REALISE, avancement=100)
        elif nature in ("avancement", "echeance", "archivage"):
            changements[ATTRIBUT[Champ(nature)]] = valeur
        elif nature == "referent":
            equipe = [u for u in t.equipes.get(e["pilote_id"], []) + [t.coordinateur] if u != e["referent_id"]]
            if equipe:
                changements["referent_id"] = rng.choice(equipe)
        elif nature == "pilote":
            autres = [o for o in t.organisations if o != e["pilote_id"]]
            pilote = rng.choice(autres)
            changements.update(pilote_id=pilote, referent_id=self.referent_de(pilote))
        elif nature == "obligation":
            changements["obligation_id"] = rng.choice([o for o in t.par_bloc[valeur] if o != e["obligation_id"]])
        elif nature == "quartiers":
            if e["tout_le_territoire"]:
                changements["quartiers"] = (False, {rng.choice(t.quartiers)})
            elif len(e["quartiers"]) == 1:
                autres = [q for q in t.quartiers if q not in e["quartiers"]]
                changements["quartiers"] = (False, e["quartiers"] | {rng.choice(autres)}) if autres else (True, set())
            else:
                changements["quartiers"] = (True, set())
        changements = {nom: v for nom, v in changements.items() if self.change(nom, v)}
        if not changements and nature != "note":
            return
        self.version += 1
        quand = moment(rng, jour, self.maintenant)
        if not changements:
            self.entree(Champ.NOTE, jour, quand, commentaire)
        for nom, v in changements.items():
            self.appliquer(nom, v, jour, quand, commentaire)
        self.maj_le = quand
        if nature == "referent" or "referent_id" in changements:
            self.auteur = e["referent_id"] or t.coordinateur

    def change(self, nom, valeur):
        if nom == "quartiers":
            territoire, quartiers = valeur
            return (territoire, quartiers) != (self.etat["tout_le_territoire"], self.etat["quartiers"])
        return valeur != self.etat[nom]

    def appliquer(self, nom, valeur, jour, quand, commentaire):
        e = self.etat
        if nom == "quartiers":
            territoire, quartiers = valeur
            entree = self.entree(
                Champ.QUARTIERS,
                jour,
                quand,
                commentaire,
                territoire_avant=e["tout_le_territoire"],
                territoire_apres=territoire,
            )
            self.quartiers(entree, e["quartiers"], quartiers)
            e["tout_le_territoire"], e["quartiers"] = territoire, set(quartiers)
            return
        champ = next(c for c, attribut in ATTRIBUT.items() if attribut == nom)
        _attribut, avant, apres = COLONNES[champ]
        self.entree(champ, jour, quand, commentaire, **{avant: e[nom], apres: valeur})
        e[nom] = valeur


def verdicts(territoire, tables, rng, aujourdhui, maintenant, nombre=20, revus=6):
    """Les verdicts de la coordination sur `nombre` obligations, dont `revus` revus une seconde fois ; la ligne
    `Verdict` suit la dernière entrée, comme avec `Verdict.donner`."""
    choisies = rng.sample(territoire.obligations, min(nombre, len(territoire.obligations)))
    for rang, (obligation, *_reste) in enumerate(choisies):
        valeurs = [rng.choices(VERDICTS, weights=[4, 4, 2])[0]]
        jours = [jour_entre(rng, DEBUT_REVUES, aujourdhui - 200 * UN_JOUR)]
        if rang < revus:
            valeurs.append(rng.choice([v for v in VERDICTS if v != valeurs[0]]))
            jours.append(jour_entre(rng, jours[0] + 90 * UN_JOUR, aujourdhui))
        avant = ValeurVerdict.NON_EVALUE
        for valeur, jour in zip(valeurs, jours, strict=True):
            quand = moment(rng, jour, maintenant)
            motif = f"Revue du comité : {ValeurVerdict(valeur).label}."
            tables[Entree].ajouter(
                protocole_id=territoire.protocole,
                obligation_id=obligation,
                champ=Champ.VERDICT,
                date_effet=jour,
                enregistre_le=quand,
                auteur_id=territoire.coordinateur,
                commentaire=motif,
                verdict_avant=avant,
                verdict_apres=valeur,
            )
            avant = valeur
        tables[Verdict].ajouter(
            protocole_id=territoire.protocole,
            obligation_id=obligation,
            valeur=valeur,
            date_effet=jour,
            auteur_id=territoire.coordinateur,
            motif=motif,
            enregistre_le=quand,
        )
