"""Les chiffres de la note au comité : la tendance par trimestre depuis le début du contrat de ville, les verdicts
par partie (la lecture réciproque du protocole), et les changements d'une période, une ligne par action."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, DateField, OuterRef, Q, Subquery, Value

from engagements.models import Champ, Entree, Statut
from engagements.models.journal import ORDRE_RECENT
from engagements.models.regles import HORS_NOUVELLES, STATUTS_CLOS, UN_JOUR
from engagements.tableaux.comptes import verdicts_par
from engagements.tableaux.regles import en_retard
from signataires.models import Partie


@dataclass
class Trimestre:
    """L'état des actions du périmètre au dernier jour d'un trimestre (ou au jour `au` pour le trimestre en cours) :
    trois nombres qui s'excluent — réalisées, ouvertes à jour, ouvertes en retard. Les abandonnées et les
    archivées ne comptent pas."""

    fin: datetime.date
    realisees: int = 0
    a_jour: int = 0
    en_retard: int = 0

    @property
    def libelle(self):
        return f"T{(self.fin.month - 1) // 3 + 1} {self.fin.year}"

    @property
    def total(self):
        return self.realisees + self.a_jour + self.en_retard


def fins_de_trimestre(premier_jour, au):
    """Les derniers jours des trimestres depuis `premier_jour` jusqu'à `au`, puis `au` s'il tombe en cours de
    trimestre."""
    fins, annee, trimestre = [], premier_jour.year, (premier_jour.month - 1) // 3 + 1
    while True:
        mois_suivant = 3 * trimestre + 1
        fin = datetime.date(annee + (mois_suivant > 12), (mois_suivant - 1) % 12 + 1, 1) - UN_JOUR
        if fin >= au:
            return [*fins, au]
        fins.append(fin)
        annee, trimestre = (annee + 1, 1) if trimestre == 4 else (annee, trimestre + 1)


def tendance(perimetre, au):
    """Une requête : [Trimestre] depuis le début du contrat de ville jusqu'à `au`. Chaque trimestre lit l'état de
    ses actions à sa date (`Perimetre.actions`) et compte « en retard » par la règle `en_retard` ; les trimestres
    sont réunis en une seule requête (UNION ALL)."""
    fins = fins_de_trimestre(perimetre.protocole.premier_jour, au)
    parties = [
        perimetre.actions(fin, structure=False)
        .order_by()
        .annotate(fin=Value(fin, output_field=DateField()))
        .values("fin")
        .annotate(
            realisees=Count("pk", filter=Q(statut_au=Statut.REALISE)),
            ouvertes=Count("pk", filter=~Q(statut_au__in=STATUTS_CLOS)),
            retard=Count("pk", filter=en_retard(fin)),
        )
        for fin in fins
    ]
    lignes = {}
    for ligne in parties[0].union(*parties[1:], all=True):
        fin = ligne["fin"]
        if isinstance(fin, str):  # SQLite rend la constante d'un UNION comme texte
            fin = datetime.date.fromisoformat(fin)
        lignes[fin] = ligne
    resultat = []
    for fin in fins:
        ligne = lignes.get(fin)
        if ligne is None:
            resultat.append(Trimestre(fin))
        else:
            resultat.append(Trimestre(fin, ligne["realisees"], ligne["ouvertes"] - ligne["retard"], ligne["retard"]))
    return resultat


def verdicts_par_partie(perimetre, au):
    """Deux requêtes : [(partie, {verdict: nombre})] dans l'ordre des parties — le verdict au jour `au` de chaque
    obligation dont rend compte le périmètre, rangée sous la partie qui s'y est engagée."""
    par_partie = verdicts_par(perimetre, au, "bloc__partie")
    return [(partie, par_partie[partie.pk]) for partie in Partie.objects.filter(pk__in=par_partie).order_by("ordre")]


def changements_par_action(perimetre, depuis, au):
    """Une requête : les actions du périmètre (au jour `au`) qui ont changé entre `depuis` et `au` (dates d'effet,
    bornes comprises ; corrections et caviardages exceptés, comme pour « sans nouvelles »), chacune avec son statut
    et son avancement la veille de `depuis` (`statut_avant`, `avancement_avant` : None si elle n'existait pas) et au
    jour `au` (`statut_au`, `avancement_au`), et le dernier commentaire de la période ; rangées par engagement, dans
    l'ordre du texte puis des titres."""
    veille = depuis - UN_JOUR
    periode = Entree.objects.filter(date_effet__gte=depuis, date_effet__lte=au)
    changees = periode.filter(action__isnull=False).exclude(champ__in=HORS_NOUVELLES).values("action")
    commentes = periode.filter(action=OuterRef("pk")).exclude(commentaire="").order_by(*ORDRE_RECENT)
    return list(
        perimetre.actions(au)
        .filter(pk__in=changees)
        .annotate(
            statut_avant=Entree.objects.valeur_au(Champ.STATUT, veille, "statut_apres"),
            avancement_avant=Entree.objects.valeur_au(Champ.AVANCEMENT, veille, "avancement_apres"),
            dernier_commentaire=Subquery(commentes.values("commentaire")[:1]),
            commente_le=Subquery(commentes.values("date_effet")[:1]),
        )
        .order_by("engagement_au", "obligation__bloc__ordre", "obligation__rang", "titre", "pk")
    )
