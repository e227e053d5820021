"""Cohérence des drapeaux « en retard » et « sans nouvelles » sur toutes les pages qui les montrent, horloge figée.

Les règles (issue de cohérence, reprises à la lettre) :
- **En retard le jour D** : l'échéance (en vigueur le jour D) est avant D, et le statut du jour D n'est ni réalisé ni
  abandonné. Une action archivée n'est jamais comptée.
- **Sans nouvelles le jour D** : ouverte le jour D (ni réalisée ni abandonnée), et la dernière entrée de son journal
  *enregistrée* le jour D ou avant (quelle que soit sa date d'effet) l'a été plus de 90 jours avant D ; 90 jours tout
  juste : pas encore. Les jours se comptent à l'heure de Paris ; aujourd'hui est un jour D comme un autre, sans règle à
  la seconde. Une action archivée n'est jamais signalée ; une action dont aucune entrée n'était encore enregistrée le
  jour D n'est pas sans nouvelles ce jour-là.

Le jeu est construit à la main, une action par cas limite, et les titres attendus sont écrits ici, page par page et
date par date : jamais calculés avec le code de l'application. Aujourd'hui est le lundi 20 janvier 2025, à l'heure
d'hiver, alors que 90 et 91 jours plus tôt (22 et 21 octobre 2024) Paris était à l'heure d'été : une comparaison à la
seconde décale la limite d'une heure, et une comparaison en UTC d'un jour. L'horloge est figée à 0 h 30 (le 19 en UTC)
puis à 23 h 30 : les réponses ne dépendent pas de l'heure. La date passée est le 21 décembre 2024 (J-30).
"""

import csv
import datetime
import io
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from engagements.models import Statut
from tests.factories import (
    BlocFactory,
    EngagementFactory,
    ObligationFactory,
    OrganisationFactory,
    PartieFactory,
    ProtocoleFactory,
    QuartierFactory,
    UtilisateurFactory,
)
from tests.factories_suivi import ROLES, ActionFactory, habilitation

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
AUJOURDHUI = datetime.date(2025, 1, 20)
PASSE = datetime.date(2024, 12, 21)  # J-30
# Comme l'imprime le rapport (« j F Y » en français), écrit à la main.
JOUR_IMPRIME = {AUJOURDHUI: "20 janvier 2025", PASSE: "21 décembre 2024"}


def il_y_a(jours):
    return AUJOURDHUI - datetime.timedelta(days=jours)


def a(jours, heure=10, minute=0):
    """Le moment, à l'heure de Paris, `jours` jours avant aujourd'hui."""
    return datetime.datetime.combine(il_y_a(jours), datetime.time(heure, minute), tzinfo=PARIS)


# -- les titres, un par cas limite --------------------------------------------------------------------------------

ECHUE_AUJOURDHUI = "Échue aujourd'hui"
ECHUE_HIER = "Échue hier"
NOTE_90 = "Dernière note il y a 90 jours"
NOTE_91 = "Dernière note il y a 91 jours"
NOTE_90_0H30 = "Note de 0 h 30 il y a 90 jours"
NOTE_90_23H30 = "Note de 23 h 30 il y a 90 jours"
NOTE_91_23H30 = "Note de 23 h 30 il y a 91 jours"
RATTRAPEE = "Rattrapée hier"
SAISIE_APRES_COUP = "Saisie après coup"
ARCHIVEE = "Archivée il y a 5 jours"
ABANDONNEE = "Abandonnée en été"
REALISEE_EN_RETARD = "Réalisée après échéance"
REPOUSSEE = "Échéance repoussée"
RELANCEE = "Relancée il y a 5 jours"
BLOQUEE = "Bloquée depuis 120 jours"
EN_PAUSE = "En pause depuis 121 jours"
CREEE_APRES = "Créée après la date passée"
REALISEE_JADIS = "Réalisée de longue date"
CORRIGEE = "Corrigée hier, silencieuse depuis 95 jours"

TITRES = [
    ECHUE_AUJOURDHUI,
    ECHUE_HIER,
    NOTE_90,
    NOTE_91,
    NOTE_90_0H30,
    NOTE_90_23H30,
    NOTE_91_23H30,
    RATTRAPEE,
    SAISIE_APRES_COUP,
    ARCHIVEE,
    ABANDONNEE,
    REALISEE_EN_RETARD,
    REPOUSSEE,
    RELANCEE,
    BLOQUEE,
    EN_PAUSE,
    CREEE_APRES,
    REALISEE_JADIS,
    CORRIGEE,
]

# -- les réponses attendues, écrites à la main ----------------------------------------------------------------------
# Quartiers : Centre = Échue aujourd'hui, Dernière note il y a 90 jours, Note de 23 h 30 il y a 90 jours, Rattrapée
# hier, Archivée, Réalisée après échéance, Bloquée, Réalisée de longue date, Corrigée hier ; Baltiques = Échue hier,
# Dernière note il y a 91 jours, Note de 23 h 30 il y a 91 jours, Abandonnée, Échéance repoussée, Relancée, Créée après
# la date passée ;
# « tout le territoire » (dans les deux) = Note de 0 h 30, Saisie après coup, En pause.
# L'association partenaire : pilote de Rattrapée hier et En pause, pilote d'Échéance repoussée jusqu'à J-5 ;
# partenaire d'Échue hier, Dernière note il y a 91 jours, Saisie après coup, Réalisée après échéance.


@dataclass(frozen=True)
class Attendu:
    en_retard: frozenset
    sans_nouvelles: frozenset


def attendu(en_retard, sans_nouvelles):
    return Attendu(frozenset(en_retard), frozenset(sans_nouvelles))


ATTENDU = {
    ("protocole", AUJOURDHUI): attendu(
        {ECHUE_HIER, BLOQUEE, CREEE_APRES},
        {NOTE_91, NOTE_91_23H30, BLOQUEE, EN_PAUSE, CORRIGEE},
    ),
    ("protocole", PASSE): attendu(
        {ARCHIVEE, REALISEE_EN_RETARD, REPOUSSEE, BLOQUEE},
        {RATTRAPEE, ARCHIVEE, RELANCEE, EN_PAUSE},
    ),
    ("centre", AUJOURDHUI): attendu({BLOQUEE}, {BLOQUEE, EN_PAUSE, CORRIGEE}),
    ("centre", PASSE): attendu({ARCHIVEE, REALISEE_EN_RETARD, BLOQUEE}, {RATTRAPEE, ARCHIVEE, EN_PAUSE}),
    ("baltiques", AUJOURDHUI): attendu({ECHUE_HIER, CREEE_APRES}, {NOTE_91, NOTE_91_23H30, EN_PAUSE}),
    ("baltiques", PASSE): attendu({REPOUSSEE}, {RELANCEE, EN_PAUSE}),
    ("association-partenaire", AUJOURDHUI): attendu({ECHUE_HIER}, {NOTE_91, EN_PAUSE}),
    # Échéance repoussée : pilotée par l'association le 21 décembre, plus aujourd'hui.
    ("association-partenaire", PASSE): attendu({REALISEE_EN_RETARD, REPOUSSEE}, {RATTRAPEE, EN_PAUSE}),
}

# La chargée de mission de la ville pilote est référente de « Dernière note il y a 91 jours » (pilotée par le
# bailleur) : « Mes actions » montre les actions non archivées que pilote la ville, et celle-là.
ATTENDU_MES_ACTIONS = attendu({ECHUE_HIER, CREEE_APRES}, {NOTE_91, CORRIGEE})


@pytest.fixture(params=[datetime.time(0, 30), datetime.time(23, 30)], ids=["a-0h30", "a-23h30"])
def horloge(request):
    """Aujourd'hui à 0 h 30 (encore le 19 janvier en UTC) ou à 23 h 30, à Paris, pour le jeu et les requêtes."""
    with time_machine.travel(datetime.datetime.combine(AUJOURDHUI, request.param, tzinfo=PARIS), tick=False):
        yield request.param


@pytest.fixture
def jeu(horloge):
    """Une action par cas limite ; chaque entrée est enregistrée au moment voulu (`maintenant`)."""
    assert not [(t, u) for t in TITRES for u in TITRES if t != u and t in u], "un titre ne doit en contenir aucun autre"
    protocole = ProtocoleFactory(slug="voironnais", territoire="Pays Voironnais")
    partie = PartieFactory(protocole=protocole, code="PT")
    obligation = ObligationFactory(
        bloc=BlocFactory(engagement=EngagementFactory(protocole=protocole, numero=1), partie=partie), rang=1
    )
    centre = QuartierFactory(protocole=protocole, slug="centre", nom="Centre", ordre=1)
    baltiques = QuartierFactory(protocole=protocole, slug="baltiques", nom="Baltiques", ordre=2)
    ville = OrganisationFactory(slug="ville-pilote", nom="Ville pilote")
    association = OrganisationFactory(slug="association-partenaire", nom="Association partenaire")
    bailleur = OrganisationFactory(slug="bailleur", nom="Bailleur social")
    chargee = habilitation(protocole, ROLES.CHARGE_DE_MISSION, ville, first_name="Julie", last_name="Fabre")
    coordinatrice = habilitation(protocole, ROLES.COORDINATEUR, first_name="Claire", last_name="Coordination")
    auteur = UtilisateurFactory()
    loin = AUJOURDHUI + datetime.timedelta(days=365)

    def action(titre, cree_il_y_a, *, quartiers=(), pilote=ville, echeance=loin, cree_le=None, **champs):
        """Créée (effet et enregistrement) `cree_il_y_a` jours plus tôt à 10 h, sauf `cree_le` (enregistrement)."""
        return ActionFactory(
            obligation=obligation,
            titre=titre,
            pilote=pilote,
            statut=Statut.EN_COURS,
            avancement=10,
            echeance=echeance,
            quartiers=quartiers,
            auteur=auteur,
            date_effet=il_y_a(cree_il_y_a),
            maintenant=cree_le or a(cree_il_y_a),
            **champs,
        )

    def noter(une_action, moment, **changements):
        """Une entrée prise en effet le jour où elle est enregistrée (un commentaire seul : une note)."""
        changements.setdefault("commentaire", "Point d'étape")
        une_action.enregistrer(
            auteur=auteur, date_effet=moment.astimezone(PARIS).date(), maintenant=moment, **changements
        )

    # En retard : échéance aujourd'hui (pas encore) et hier (oui).
    action(ECHUE_AUJOURDHUI, 60, quartiers=[centre], echeance=AUJOURDHUI)
    action(ECHUE_HIER, 60, quartiers=[baltiques], echeance=il_y_a(1), partenaires=[association])

    # Sans nouvelles : la dernière entrée enregistrée il y a 90 jours (pas encore) ou 91 jours (oui), à 10 h, à 0 h 30
    # (le 21 octobre en UTC ; à la seconde, 90 jours et une heure avant 0 h 30 à cause du passage à l'heure d'hiver),
    # à 23 h 30.
    noter(action(NOTE_90, 200, quartiers=[centre], pilote=bailleur), a(90))
    noter(
        action(
            NOTE_91,
            200,
            quartiers=[baltiques],
            pilote=bailleur,
            partenaires=[association],
            referent=chargee.utilisateur,
        ),
        a(91),
    )
    noter(action(NOTE_90_0H30, 200, tout_le_territoire=True), a(90, 0, 30))
    noter(action(NOTE_90_23H30, 200, quartiers=[centre]), a(90, 23, 30))
    noter(action(NOTE_91_23H30, 200, quartiers=[baltiques], pilote=bailleur), a(91, 23, 30))

    # Enregistrée hier avec une date d'effet d'il y a 100 jours : quelqu'un a donné des nouvelles hier. Le 21 décembre,
    # cette entrée n'existait pas encore : la dernière enregistrée était la création, 170 jours plus tôt.
    rattrapee = action(RATTRAPEE, 200, quartiers=[centre], pilote=association)
    rattrapee.enregistrer(
        auteur=auteur, date_effet=il_y_a(100), maintenant=a(1), avancement=30, commentaire="Compte rendu saisi tard"
    )
    # Créée il y a 10 jours, avec effet il y a 150 jours : elle existe le 21 décembre, mais rien n'en était encore
    # enregistré ce jour-là (pas sans nouvelles).
    action(SAISIE_APRES_COUP, 150, cree_le=a(10), tout_le_territoire=True, partenaires=[association])

    # Archivée il y a 5 jours : hors de tout aujourd'hui ; le 21 décembre, en retard et sans nouvelles.
    archivee = action(ARCHIVEE, 200, quartiers=[centre], echeance=il_y_a(100))
    archivee.archiver(auteur=auteur, date_effet=il_y_a(5), maintenant=a(5), commentaire="Doublon")
    # Abandonnée il y a 200 jours, échéance dépassée et rien depuis : jamais signalée.
    abandonnee = action(ABANDONNEE, 300, quartiers=[baltiques], echeance=il_y_a(250))
    noter(abandonnee, a(200), statut=Statut.ABANDONNE, commentaire="Projet retiré")
    # Réalisée il y a 10 jours, après son échéance (J-60) : en retard le 21 décembre, plus aujourd'hui.
    realisee = action(REALISEE_EN_RETARD, 200, quartiers=[centre], pilote=bailleur, echeance=il_y_a(60))
    realisee.partenaires.add(association)
    noter(realisee, a(70))
    noter(realisee, a(10), statut=Statut.REALISE, avancement=100, commentaire="Bilan")
    # Échéance J-40 repoussée il y a 5 jours (effet ce jour-là), et le pilotage passé de l'association à la ville.
    # L'effet est postérieur à la date passée exprès : une échéance changée après coup avec un effet antérieur rendrait
    # « l'échéance au jour D » ambiguë (en vigueur ce jour-là, ou connue ce jour-là ?), ce que la règle ne tranche pas.
    # Pour la même raison, aucun partenaire ne change (leur changement est journalisé, mais les partenaires au jour D
    # ne se reconstruisent pas).
    repoussee = action(REPOUSSEE, 200, quartiers=[baltiques], pilote=association, echeance=il_y_a(40))
    noter(repoussee, a(70))
    noter(repoussee, a(5), echeance=AUJOURDHUI + datetime.timedelta(days=60), pilote=ville)
    # Rien entre sa création (J-200) et une note il y a 5 jours : sans nouvelles le 21 décembre seulement.
    noter(action(RELANCEE, 200, quartiers=[baltiques]), a(5))
    # Bloquée il y a 120 jours, échéance J-100 : le 21 décembre, c'était 90 jours tout juste (pas encore).
    bloquee = action(BLOQUEE, 200, quartiers=[centre], pilote=bailleur, echeance=il_y_a(100))
    noter(bloquee, a(120), statut=Statut.BLOQUE, commentaire="Local indisponible")
    # En pause il y a 121 jours : sans nouvelles aux deux dates (91 jours le 21 décembre).
    en_pause = action(EN_PAUSE, 200, tout_le_territoire=True, pilote=association)
    noter(en_pause, a(121), statut=Statut.EN_PAUSE, commentaire="Attente du financement")
    # Créée il y a 10 jours, échéance J-5 : en retard aujourd'hui, absente le 21 décembre.
    action(CREEE_APRES, 10, quartiers=[baltiques], echeance=il_y_a(5))
    # Réalisée il y a 200 jours, échéance J-250 : jamais signalée.
    noter(
        action(REALISEE_JADIS, 300, quartiers=[centre], echeance=il_y_a(250)),
        a(200),
        statut=Statut.REALISE,
        avancement=100,
    )

    # Dernière nouvelle il y a 95 jours ; hier, des corrections (budget, description, début, partenaires), avec un
    # commentaire : journalisées, elles ne sont pas des nouvelles de l'avancement. Sans nouvelles aujourd'hui ; le
    # 21 décembre, sa dernière nouvelle avait 65 jours.
    corrigee = action(CORRIGEE, 200, quartiers=[centre])
    noter(corrigee, a(95))
    corrigee.enregistrer(
        auteur=auteur,
        date_effet=il_y_a(1),
        maintenant=a(1),
        commentaire="Budget voté, description précisée",
        libres={"budget": 12500, "description": "Ateliers avec les habitants", "date_debut": il_y_a(150)},
        partenaires=[bailleur],
    )

    return {
        "protocole": protocole,
        "quartiers": {"centre": centre, "baltiques": baltiques},
        "association": association,
        "chargee": chargee.utilisateur,
        "coordinatrice": coordinatrice.utilisateur,
    }


@pytest.fixture
def coordination(client, jeu):
    client.force_login(jeu["coordinatrice"])
    return client


# -- lecture des pages ----------------------------------------------------------------------------------------------


def resserrer(texte):
    return " ".join(texte.split())


def titre_connu(texte):
    """Le titre du jeu par lequel commence `texte` (un badge « Archivée » peut suivre) ; sinon le texte lui-même."""
    texte = resserrer(texte)
    for titre in TITRES:
        if texte == titre or texte.startswith(titre + " "):
            return titre
    return texte


LIEN_ACTION = re.compile(r"^/actions/\d+/$")


class LecturePage(HTMLParser):
    """Les lignes des tableaux (texte et titre de l'action liée) et, sous chaque titre h1-h6, les actions liées."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lignes = []  # [(titre de l'action, texte de la ligne)]
        self.sections = []  # [(texte du titre, [titres des actions liées jusqu'au titre suivant])]
        self._titre = None  # texte du titre h1-h6 en cours de lecture
        self._ligne = None
        self._lien = None
        self._cellule = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if re.fullmatch(r"h[1-6]", tag):
            self._titre = []
        elif tag == "tr":
            self._ligne = {"textes": [], "actions": [], "cellules": 0}
        elif tag == "td" and self._ligne is not None:
            self._ligne["cellules"] += 1
            self._cellule = True
        elif tag == "a" and LIEN_ACTION.match(attrs.get("href") or ""):
            self._lien = []

    def handle_endtag(self, tag):
        if re.fullmatch(r"h[1-6]", tag) and self._titre is not None:
            self.sections.append((resserrer("".join(self._titre)), []))
            self._titre = None
        elif tag == "a" and self._lien is not None:
            titre = titre_connu("".join(self._lien))
            if self.sections:
                self.sections[-1][1].append(titre)
            if self._ligne is not None:
                self._ligne["actions"].append(titre)
            self._lien = None
        elif tag == "td":
            self._cellule = False
        elif tag == "tr" and self._ligne is not None:
            ligne, self._ligne = self._ligne, None
            if ligne["cellules"] and ligne["actions"]:
                self.lignes.append((ligne["actions"][0], resserrer(" ".join(ligne["textes"]))))

    def handle_data(self, data):
        if self._titre is not None:
            self._titre.append(data)
        if self._lien is not None:
            self._lien.append(data)
        if self._ligne is not None and self._cellule:
            self._ligne["textes"].append(data)


def lire_html(reponse):
    assert reponse.status_code == 200, reponse.status_code
    lecture = LecturePage()
    lecture.feed(reponse.content.decode())
    lecture.close()
    return lecture


def drapeaux_des_lignes(lecture):
    """(toutes les lignes, en retard, sans nouvelles) d'après les badges de chaque ligne de tableau."""
    lignes = {titre for titre, _ in lecture.lignes}
    retard = {titre for titre, texte in lecture.lignes if "En retard" in texte}
    silence = {titre for titre, texte in lecture.lignes if "Sans nouvelles" in texte}
    return lignes, retard, silence


def section_html(lecture, intitule):
    """(actions liées, nombre annoncé dans le titre) de la section dont le titre commence par `intitule`."""
    trouvees = [
        (titres, texte) for texte, titres in lecture.sections if re.sub(r"^\W+", "", texte).startswith(intitule)
    ]
    assert trouvees, f"aucune section « {intitule} » dans {[texte for texte, _ in lecture.sections]}"
    titres = set().union(*(set(t) for t, _ in trouvees))
    nombre = re.search(r"\d+", re.sub(r"^\W+", "", trouvees[0][1])[len(intitule) :])
    return titres, int(nombre.group()) if nombre else None


class Ecarts:
    """Relève chaque écart (page, drapeau, obtenu, attendu) et les annonce tous à la fin du test."""

    def __init__(self):
        self.ecarts = []

    def comparer(self, page, quoi, obtenu, attendu):
        obtenu, attendu = set(obtenu), set(attendu)
        if obtenu != attendu:
            self.ecarts.append(
                f"{page} — {quoi} : obtenu {sorted(obtenu)}, attendu {sorted(attendu)} "
                f"(en trop : {sorted(obtenu - attendu)} ; manquent : {sorted(attendu - obtenu)})"
            )

    def manque(self, page, quoi):
        self.ecarts.append(f"{page} — {quoi}")

    def egal(self, page, quoi, obtenu, attendu):
        if obtenu != attendu:
            self.ecarts.append(f"{page} — {quoi} : obtenu {obtenu}, attendu {attendu}")

    def verifier(self):
        assert not self.ecarts, "\n".join(["Écarts :", *self.ecarts])


# -- la liste des actions et ses exports ----------------------------------------------------------------------------

# (filtres, périmètre attendu) ; la liste montre l'état d'aujourd'hui.
FILTRES_LISTE = [
    ({}, "protocole"),
    ({"quartier": "centre"}, "centre"),
    ({"quartier": "baltiques"}, "baltiques"),
    ({"organisation": "association-partenaire"}, "association-partenaire"),
    ({"en_retard": "on"}, "protocole"),
    ({"quartier": "baltiques", "en_retard": "on"}, "baltiques"),
    # Les archivées affichées à la demande ne sont jamais signalées pour autant (« Archivée il y a 5 jours » a une
    # échéance dépassée et n'est ni réalisée ni abandonnée) : la règle le dit, la liste doit le dire aussi.
    ({"archivees": "on"}, "protocole"),
]


def parametres_liste(jeu, filtres):
    parametres = dict(filtres)
    if "quartier" in parametres:
        parametres["quartier"] = jeu["quartiers"][parametres["quartier"]].pk
    if "organisation" in parametres:
        parametres["organisation"] = jeu["association"].pk
    return parametres


def adresse(chemin, parametres):
    return f"{chemin}?{urlencode(parametres)}" if parametres else chemin


def test_the_action_list_flags_exactly_the_late_and_silent_actions_of_each_filter(coordination, jeu):
    ecarts = Ecarts()
    for filtres, perimetre in FILTRES_LISTE:
        parametres = parametres_liste(jeu, filtres)
        page = f"{adresse(reverse('actions'), parametres)} ({perimetre})"
        lignes, retard, silence = drapeaux_des_lignes(lire_html(coordination.get(reverse("actions"), parametres)))
        attendu = ATTENDU[(perimetre, AUJOURDHUI)]
        if filtres.get("en_retard"):
            ecarts.comparer(page, "lignes (le filtre « en retard »)", lignes, attendu.en_retard)
            ecarts.comparer(page, "sans nouvelles", silence, attendu.sans_nouvelles & attendu.en_retard)
        else:
            ecarts.comparer(page, "sans nouvelles", silence, attendu.sans_nouvelles)
        ecarts.comparer(page, "en retard", retard, attendu.en_retard)
        if filtres.get("archivees"):
            ecarts.comparer(page, "archivée listée", lignes & {ARCHIVEE}, {ARCHIVEE})
    ecarts.verifier()


def test_the_csv_export_flags_exactly_the_late_and_silent_actions_of_each_filter(coordination, jeu):
    ecarts = Ecarts()
    for filtres, perimetre in FILTRES_LISTE:
        parametres = {**parametres_liste(jeu, filtres), "export": "csv"}
        page = f"{adresse(reverse('actions'), parametres)} ({perimetre})"
        reponse = coordination.get(reverse("actions"), parametres)
        assert reponse.status_code == 200, page
        lignes = list(csv.DictReader(io.StringIO(reponse.content.decode("utf-8-sig")), delimiter=";"))
        titres = {ligne["Titre"] for ligne in lignes}
        retard = {ligne["Titre"] for ligne in lignes if ligne["En retard"] == "oui"}
        silence = {ligne["Titre"] for ligne in lignes if ligne["Sans nouvelles depuis 90 jours"] == "oui"}
        attendu = ATTENDU[(perimetre, AUJOURDHUI)]
        if filtres.get("en_retard"):
            ecarts.comparer(page, "lignes (le filtre « en retard »)", titres, attendu.en_retard)
            ecarts.comparer(page, "sans nouvelles", silence, attendu.sans_nouvelles & attendu.en_retard)
        else:
            ecarts.comparer(page, "sans nouvelles", silence, attendu.sans_nouvelles)
        ecarts.comparer(page, "en retard", retard, attendu.en_retard)
    ecarts.verifier()


def test_my_actions_flag_exactly_the_late_and_silent_actions_i_follow(client, jeu):
    client.force_login(jeu["chargee"])
    _lignes, retard, silence = drapeaux_des_lignes(lire_html(client.get(reverse("mes_actions"))))
    ecarts = Ecarts()
    ecarts.comparer("/mes-actions/", "en retard", retard, ATTENDU_MES_ACTIONS.en_retard)
    ecarts.comparer("/mes-actions/", "sans nouvelles", silence, ATTENDU_MES_ACTIONS.sans_nouvelles)
    ecarts.verifier()


# -- les tableaux de bord et le rapport, aujourd'hui et à une date passée ------------------------------------------

TABLEAUX = [
    ("vue_ensemble", [], "protocole"),
    ("quartier", ["centre"], "centre"),
    ("quartier", ["baltiques"], "baltiques"),
    ("organisation", ["association-partenaire"], "association-partenaire"),
]


@pytest.mark.parametrize("au", [AUJOURDHUI, PASSE], ids=["aujourdhui", "passe"])
def test_the_dashboards_list_exactly_the_late_and_silent_actions_of_their_scope(coordination, jeu, au):
    ecarts = Ecarts()
    for nom, arguments, perimetre in TABLEAUX:
        url = reverse(nom, args=arguments)
        parametres = {"au": au.isoformat()} if au != AUJOURDHUI else {}
        page = adresse(url, parametres)
        lecture = lire_html(coordination.get(url, parametres))
        attendu = ATTENDU[(perimetre, au)]
        retard, n_retard = section_html(lecture, "En retard")
        silence, n_silence = section_html(lecture, "Sans nouvelles depuis 90 jours")
        ecarts.comparer(page, "section « En retard »", retard, attendu.en_retard)
        ecarts.egal(page, "nombre annoncé « En retard »", n_retard, len(attendu.en_retard))
        ecarts.comparer(page, "section « Sans nouvelles depuis 90 jours »", silence, attendu.sans_nouvelles)
        ecarts.egal(page, "nombre annoncé « Sans nouvelles »", n_silence, len(attendu.sans_nouvelles))
    ecarts.verifier()


RAPPORTS = [
    ({"perimetre": "protocole"}, "protocole"),
    ({"perimetre": "quartier", "valeur": "centre"}, "centre"),
    ({"perimetre": "organisation", "valeur": "association-partenaire"}, "association-partenaire"),
]
# Ce qui peut suivre une section de la partie « à signaler » du rapport.
TITRES_SUIVANTS = ("Sans nouvelles depuis 90 jours au", "Bloquées au", "Décisions du comité")


def section_pdf(texte, entete):
    """(titres du jeu présents, nombre entre parenthèses) dans la section « entete (n) », jusqu'au titre suivant ;
    None si le rapport n'a pas cette section."""
    trouve = re.search(re.escape(entete) + r" \((\d+)\)", texte)
    if trouve is None:
        return None
    suite = texte[trouve.end() :]
    fins = [i for i in (suite.find(t) for t in TITRES_SUIVANTS) if i >= 0]
    section = suite[: min(fins)] if fins else suite
    return {titre for titre in TITRES if titre in section}, int(trouve.group(1))


# Un rendu PDF coûte quelques secondes : le rapport est lu à 0 h 30 seulement, le moment où le jour UTC n'est pas
# celui de Paris ; les deux moments sont vérifiés sur la liste, l'export, « Mes actions » et les tableaux de bord.
@pytest.mark.parametrize("horloge", [datetime.time(0, 30)], ids=["a-0h30"], indirect=True)
@pytest.mark.parametrize("au", [AUJOURDHUI, PASSE], ids=["aujourdhui", "passe"])
def test_the_pdf_report_lists_exactly_the_late_and_silent_actions_of_its_scope(coordination, jeu, au):
    ecarts = Ecarts()
    jour = JOUR_IMPRIME[au]
    for parametres, perimetre in RAPPORTS:
        # Aujourd'hui sans « au » : le rapport prend lui-même la date du jour, à Paris.
        parametres = {**parametres, **({"au": au.isoformat()} if au != AUJOURDHUI else {})}
        page = adresse(reverse("rapport"), parametres)
        reponse = coordination.get(reverse("rapport"), parametres)
        assert reponse.status_code == 200 and reponse["Content-Type"] == "application/pdf", page
        lecteur = PdfReader(io.BytesIO(reponse.content))
        texte = resserrer(" ".join(p.extract_text() for p in lecteur.pages))
        attendu = ATTENDU[(perimetre, au)]
        for entete, titres in (
            (f"En retard au {jour}", attendu.en_retard),
            (f"Sans nouvelles depuis 90 jours au {jour}", attendu.sans_nouvelles),
        ):
            lu = section_pdf(texte, entete)
            if lu is None:
                ecarts.manque(page, f"pas de section « {entete} (n) » dans le rapport")
                continue
            ecarts.comparer(page, f"section « {entete} »", lu[0], titres)
            ecarts.egal(page, f"nombre annoncé « {entete} »", lu[1], len(titres))
    ecarts.verifier()
