"""L'écriture par lots des histoires du générateur (`outils.historiques`) : la seule autre écriture du journal que
celle de l'application, pour charger des millions de lignes.

`Ecrivain.ecrire` écrit une histoire placée en lignes (tables en attente, `COPY` ensuite), telles qu'`Action.creer`
puis `Action.enregistrer` les écriraient : une entrée de création et une par champ suivi, puis, par événement, une
entrée par champ qui change vraiment (la valeur « avant » étant la dernière écrite au journal pour ce champ), une par
correction, une note pour un commentaire seul, une version de plus ; `maj_le` suit les nouvelles, pas les
corrections. La ligne de l'action est l'état le plus récent de son journal. `verdicts` écrit ceux de
`Verdict.donner`. `ecrire` écrit aussi le texte cherchable de l'action (`recherche.composer`, comme
`recherche.indexer`). Les événements d'une histoire sont datés dans l'ordre (`calendrier.placer`) : l'état du moment
est l'état courant, sans relire le journal.

tests/outils/test_historiques.py écrit les mêmes histoires par les deux chemins et compare les lignes.
"""

from engagements.models import (
    Action,
    Champ,
    Entree,
    EntreePartenaire,
    EntreeQuartier,
    TexteRecherche,
    ValeurVerdict,
    Verdict,
)
from engagements.models.recherche import TERRITOIRE, composer
from engagements.models.regles import CHAMP_PAR_NOM, COLONNES, CORRECTION_PAR_NOM

SUIVIS_A_LA_CREATION = [Champ.STATUT, Champ.AVANCEMENT, Champ.ECHEANCE, Champ.PILOTE, Champ.REFERENT, Champ.OBLIGATION]
TEXTES = (Champ.TITRE, Champ.DESCRIPTION)


class Ecrivain:
    """Écrit les histoires d'un protocole (son `Contexte`) dans les tables en attente."""

    def __init__(self, ctx, tables):
        self.ctx, self.tables = ctx, tables
        self.noms_quartiers = {lieu.pk: lieu.nom for lieu in ctx.quartiers}
        self.obligations = {cible.pk: cible for cible in ctx.obligations}

    def ecrire(self, histoire):
        self.pk = self.tables[Action].reserver()
        self.version, self.maj_le = 1, histoire.moment
        self.etat = {
            "statut": histoire.statut,
            "avancement": histoire.avancement,
            "echeance": histoire.echeance,
            "pilote_id": histoire.pilote,
            "referent_id": histoire.referent,
            "obligation_id": histoire.obligation.pk,
            "tout_le_territoire": histoire.territoire,
            "quartiers": set() if histoire.territoire else {lieu.pk for lieu in histoire.quartiers},
            "archivee": False,
            "titre": histoire.titre,
            "description": histoire.description,
            "date_debut": histoire.debut,
            "budget": histoire.budget,
            "partenaires": set(histoire.partenaires),
        }
        self.commentaires = [self.ctx.commentaire_creation]  # ceux des entrées écrites, dans l'ordre du journal
        self.creer(histoire)
        for evenement in histoire.evenements:
            self.enregistrer(evenement)
        e = self.etat
        self.tables[Action].ajouter(
            id=self.pk,
            protocole_id=self.ctx.protocole,
            **{nom: e[nom] for nom in ("obligation_id", "titre", "description", "pilote_id", "referent_id")},
            **{nom: e[nom] for nom in ("tout_le_territoire", "date_debut", "echeance", "budget", "avancement")},
            statut=e["statut"],
            archivee=e["archivee"],
            date_creation=histoire.creation,
            maj_le=self.maj_le,
            version=self.version,
        )
        for quartier in sorted(e["quartiers"]):
            self.tables[Action.quartiers.through].ajouter(action_id=self.pk, quartier_id=quartier)
        for organisation in sorted(e["partenaires"]):
            self.tables[Action.partenaires.through].ajouter(action_id=self.pk, organisation_id=organisation)
        obligation = self.obligations[e["obligation_id"]]
        quartiers = [self.noms_quartiers[pk] for pk in e["quartiers"]]
        texte = composer(
            e["titre"],
            e["description"],
            obligation.reference,
            obligation.texte,
            [TERRITOIRE] if e["tout_le_territoire"] else quartiers,
            self.commentaires,
        )
        self.tables[TexteRecherche].ajouter(action_id=self.pk, texte=texte)

    def entree(self, valeurs, champ):
        return self.tables[Entree].ajouter(protocole_id=self.ctx.protocole, action_id=self.pk, champ=champ, **valeurs)

    def creer(self, histoire):
        e = self.etat
        commun = {"date_effet": histoire.creation, "enregistre_le": histoire.moment, "auteur_id": histoire.auteur}
        commun["version"] = 1
        self.entree({**commun, "commentaire": self.ctx.commentaire_creation}, Champ.CREATION)
        self.journal = {}  # la dernière valeur écrite au journal, par champ suivi
        for champ in SUIVIS_A_LA_CREATION:
            attribut, _avant, apres = COLONNES[champ]
            self.entree({**commun, apres: e[attribut]}, champ)
            self.journal[champ] = e[attribut]
        entree = self.entree({**commun, "territoire_apres": e["tout_le_territoire"]}, Champ.QUARTIERS)
        self.lies(EntreeQuartier, "quartier_id", entree, (), e["quartiers"])

    def enregistrer(self, evenement):
        """Un passage par `Action.enregistrer` : rien n'est écrit (pas même une version) quand rien ne change."""
        changements = dict(evenement.changements)
        libres, partenaires = changements.pop("libres", {}), changements.pop("partenaires", None)
        commun = {"date_effet": evenement.jour, "enregistre_le": evenement.moment, "auteur_id": evenement.auteur}
        commun.update(commentaire=evenement.commentaire, version=self.version + 1)
        nouvelles = [self.changer(nom, valeur, commun) for nom, valeur in changements.items()]
        nouvelles = [n for n in nouvelles if n]
        corrections = [self.corriger(nom, valeur, commun) for nom, valeur in libres.items()]
        if partenaires is not None:
            corrections.append(self.corriger_partenaires(set(partenaires), commun))
        corrections = [c for c in corrections if c]
        if not nouvelles and not corrections and evenement.commentaire.strip():
            nouvelles = [self.entree(commun, Champ.NOTE)]
        if not nouvelles and not corrections:
            return
        self.version += 1
        self.commentaires.append(evenement.commentaire)
        if nouvelles:
            self.maj_le = max(self.maj_le, evenement.moment)

    def changer(self, nom, valeur, commun):
        e, champ = self.etat, CHAMP_PAR_NOM[nom]
        if champ == Champ.QUARTIERS:
            territoire, quartiers = valeur
            nouveaux = set() if territoire else set(quartiers)
            if (territoire, nouveaux) == (e["tout_le_territoire"], e["quartiers"]):
                return None
            valeurs = {"territoire_avant": e["tout_le_territoire"], "territoire_apres": territoire}
            entree = self.entree({**commun, **valeurs}, champ)
            self.lies(EntreeQuartier, "quartier_id", entree, e["quartiers"], nouveaux)
            e["tout_le_territoire"], e["quartiers"] = territoire, nouveaux
            return entree
        # Comme `Action._changer` : la valeur « avant » est celle de la dernière entrée du champ, aucune avant la
        # première (un archivage n'a pas d'entrée de création).
        attribut, avant, apres = COLONNES[champ]
        precedente = self.journal.get(champ)
        if precedente == valeur:
            return None
        entree = self.entree({**commun, avant: precedente, apres: valeur}, champ)
        e[attribut] = self.journal[champ] = valeur
        return entree

    def corriger(self, nom, valeur, commun):
        e, champ = self.etat, CORRECTION_PAR_NOM[nom]
        attribut, avant, apres = COLONNES[champ]
        if e[attribut] == valeur:
            return None
        vide = "" if champ in TEXTES else None
        valeurs = {avant: vide if e[attribut] is None else e[attribut], apres: vide if valeur is None else valeur}
        entree = self.entree({**commun, **valeurs}, champ)
        e[attribut] = valeur
        return entree

    def corriger_partenaires(self, nouveaux, commun):
        anciens = self.etat["partenaires"]
        if nouveaux == anciens:
            return None
        entree = self.entree(commun, Champ.PARTENAIRES)
        self.lies(EntreePartenaire, "organisation_id", entree, anciens, nouveaux)
        self.etat["partenaires"] = nouveaux
        return entree

    def lies(self, modele, colonne, entree, avant, apres):
        """Les lignes filles d'une entrée (quartiers ou partenaires) : avant puis après, chacun trié."""
        for pk in sorted(avant):
            self.tables[modele].ajouter(entree_id=entree, **{colonne: pk}, apres=False)
        for pk in sorted(apres):
            self.tables[modele].ajouter(entree_id=entree, **{colonne: pk}, apres=True)


def verdicts(ctx, tables, places):
    """Les verdicts placés (`calendrier.placer_verdicts`), comme `Verdict.donner` les écrit : une entrée par
    verdict, chaînée sur le précédent, et la ligne `Verdict` égale à la dernière."""
    for cible, suite in places:
        avant = ValeurVerdict.NON_EVALUE
        for valeur, jour, moment, motif in suite:
            tables[Entree].ajouter(
                protocole_id=ctx.protocole,
                obligation_id=cible.pk,
                champ=Champ.VERDICT,
                date_effet=jour,
                enregistre_le=moment,
                auteur_id=ctx.coordinateur,
                commentaire=motif,
                verdict_avant=avant,
                verdict_apres=valeur,
            )
            avant = valeur
        tables[Verdict].ajouter(
            protocole_id=ctx.protocole,
            obligation_id=cible.pk,
            valeur=valeur,
            date_effet=jour,
            auteur_id=ctx.coordinateur,
            motif=motif,
            enregistre_le=moment,
        )
