"""Le cache des pages (protocole/cache_pages.py) : deux requêtes sans changement entre elles calculent les chiffres une
fois ; tout changement (action, verdict, décision, réunion, données de référence) se voit dès la requête suivante, sur
chaque page gardée et dans le rapport."""

import datetime
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import caches
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from comite.models import Decision, Reunion
from engagements.models import Action, Obligation, Valeur, ValeurVerdict, Verdict
from engagements.views import liste, tableaux
from protocole import compilees, fragments
from protocole.models import VersionDonnees
from signataires.models import Appartenance, Partie, Utilisateur
from tests.cache_pages import rendus_pendant, sans_jeton
from tests.engagements import test_tableaux_pages
from tests.factories import OrganisationFactory
from tests.factories_suivi import ROLES, IndicateurFactory, RepereFactory, habilitation

# Le jeu construit à la main des tableaux de bord : « Chantier éducatif » (Ville de Voiron, Brunetière) est en retard,
# il figure donc dans les quatre pages gardées.
jeu, lecteur, connecte = test_tableaux_pages.jeu, test_tableaux_pages.lecteur, test_tableaux_pages.connecte

pytestmark = pytest.mark.django_db

AUJOURDHUI = timezone.localdate()

# (nom de la vue, arguments) : chaque page dont une partie est gardée dans le cache des pages.
PAGES = [
    ("vue_ensemble", []),
    ("quartier", ["brunetiere"]),
    ("organisation", ["ville-voiron"]),
    ("actions", []),
]


def lire(client, nom, args, **parametres):
    reponse = client.get(reverse(nom, args=args), parametres)
    assert reponse.status_code == 200
    return reponse.content.decode()


def espionner(monkeypatch, module, nom):
    """Compte les appels de la fonction `nom` de la couche des requêtes, telle que `module` l'appelle."""
    appels = []
    vraie = getattr(module, nom)

    def espion(*args, **kwargs):
        appels.append(args)
        return vraie(*args, **kwargs)

    monkeypatch.setattr(module, nom, espion)
    return appels


# -- une fois par version des données ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("nom", "args"), PAGES)
def test_two_requests_with_no_change_in_between_compute_the_figures_once(connecte, monkeypatch, nom, args):
    if nom == "actions":
        appels = espionner(monkeypatch, liste, "avec_drapeaux")
    else:
        appels = espionner(monkeypatch, tableaux, "grille")
    premiere = lire(connecte, nom, args)
    seconde = lire(connecte, nom, args)
    assert len(appels) == 1
    assert "Chantier éducatif" in premiere and "Chantier éducatif" in seconde


def test_each_dashboard_scope_and_date_has_its_own_figures(connecte, monkeypatch):
    appels = espionner(monkeypatch, tableaux, "grille")
    lire(connecte, "quartier", ["brunetiere"])
    lire(connecte, "quartier", ["baltiss"])
    lire(connecte, "quartier", ["brunetiere"], au=(AUJOURDHUI.replace(day=1)).isoformat())
    lire(connecte, "quartier", ["brunetiere"])
    assert len(appels) == 3


def test_the_list_keeps_one_table_per_query_and_columns(connecte, monkeypatch):
    appels = espionner(monkeypatch, liste, "avec_drapeaux")
    lire(connecte, "actions", [])
    lire(connecte, "actions", [], sort="titre")
    lire(connecte, "actions", [], sort="titre")
    assert len(appels) == 2


def test_the_user_specific_parts_stay_live(client, jeu, lecteur):
    """Le corps gardé est le même pour tous ; l'en-tête (qui est connecté), le lien vers sa propre organisation et le
    bouton de création (selon le rôle) sont ceux de la personne."""

    client.force_login(lecteur.utilisateur)
    assert "Nouvelle action" not in lire(client, "actions", [])
    vue = lire(client, "vue_ensemble", [])
    assert "La vue de mon organisation (CAF)" in vue
    coordination = habilitation(jeu["protocole"], ROLES.COORDINATEUR, jeu["voiron"])
    client.force_login(coordination.utilisateur)
    assert "Nouvelle action" in lire(client, "actions", [])
    vue = lire(client, "vue_ensemble", [])
    assert "La vue de mon organisation (Ville de Voiron)" in vue
    assert str(coordination.utilisateur) in vue and str(lecteur.utilisateur) not in vue


# -- rien de périmé -------------------------------------------------------------------------------------------------


def _auteur():
    return Utilisateur.objects.get(username="auteur-des-actions")


def renommer_une_action(jeu):
    jeu["chantier"].enregistrer(auteur=_auteur(), date_effet=AUJOURDHUI, libres={"titre": "Chantier des jeunes"})
    return "Chantier des jeunes"


def changer_un_statut(jeu):
    jeu["chantier"].enregistrer(auteur=_auteur(), date_effet=AUJOURDHUI, statut="bloque", commentaire="Grue en panne.")
    return "Grue en panne."


def donner_un_verdict(jeu):
    obligation = Obligation.objects.get(protocole=jeu["protocole"], bloc__partie__code="PT", bloc__engagement__numero=2)
    Verdict.donner(obligation, auteur=_auteur(), valeur=ValeurVerdict.NON_TENU, date_effet=AUJOURDHUI, motif="Bilan")
    return "✗ non tenu"


def tenir_une_reunion(jeu):
    Reunion.objects.create(protocole=jeu["protocole"], date=AUJOURDHUI, titre="Comité de la rentrée")
    return "Comité de la rentrée"


def renommer_un_quartier(jeu):
    quartier = jeu["brunetiere"]
    quartier.nom = "Brunetière-Nord"
    quartier.save()  # ce qu'écrit l'administration (ModelAdmin.save_model)
    return "Brunetière-Nord"


def renommer_une_organisation(jeu):
    ville = jeu["voiron"]
    ville.nom = "Commune de Voiron"
    ville.save()
    return "Commune de Voiron"


def enregistrer_une_valeur(jeu):
    """Une valeur d'indicateur (issue 16) fournie par la Ville de Voiron, mesurée dans la Brunetière."""
    obligation = jeu["chantier"].obligation
    indicateur = IndicateurFactory(obligation=obligation, fournisseur=jeu["voiron"], nom="Jeunes accompagnés")
    RepereFactory(indicateur=indicateur, quartier=jeu["brunetiere"], base_valeur=1, base_date=datetime.date(2016, 1, 1))
    annee = str(AUJOURDHUI.year - 1)
    Valeur.enregistrer(indicateur, quartier=jeu["brunetiere"], periode=annee, valeur=4321, auteur=_auteur())
    return "Jeunes accompagnés"


CHANGEMENTS = {
    "action": (renommer_une_action, PAGES),
    "statut": (changer_un_statut, PAGES[:3]),  # les évolutions des tableaux de bord citent le commentaire
    "verdict": (donner_un_verdict, PAGES[:3]),  # les verdicts par engagement
    "reunion": (tenir_une_reunion, PAGES[:3]),  # « depuis le dernier comité »
    "quartier": (renommer_un_quartier, [PAGES[0], PAGES[1], PAGES[3]]),
    "organisation": (renommer_une_organisation, PAGES),
    "indicateur": (enregistrer_une_valeur, PAGES[1:3]),  # la section des indicateurs du quartier et du partenaire
}


@pytest.mark.parametrize("changement", list(CHANGEMENTS))
def test_a_change_is_visible_on_the_very_next_request_of_every_page_that_shows_it(connecte, jeu, changement):
    changer, pages = CHANGEMENTS[changement]
    avant = {}
    for nom, args in pages:
        avant[nom] = lire(connecte, nom, args)
        lire(connecte, nom, args)  # la seconde lecture vient du cache : c'est lui qui doit céder
    attendu = changer(jeu)
    for nom, args in pages:
        assert attendu not in avant[nom]
        assert attendu in lire(connecte, nom, args), f"{changement} : {nom} {args} ne montre pas « {attendu} »"


def test_a_verdict_is_visible_on_the_next_request_of_the_list_filtered_by_verdict(connecte, jeu):
    assert "Chantier éducatif" not in lire(connecte, "actions", [], verdict=ValeurVerdict.NON_TENU)
    obligation = jeu["chantier"].obligation
    Verdict.donner(obligation, auteur=_auteur(), valeur=ValeurVerdict.NON_TENU, date_effet=AUJOURDHUI, motif="Bilan")
    assert "Chantier éducatif" in lire(connecte, "actions", [], verdict=ValeurVerdict.NON_TENU)


def test_a_decision_is_in_the_very_next_report_downloaded_not_the_cached_one(connecte, jeu):
    """Le rapport PDF gardé en cache (comite/rapports/cache.py, clé sur la même version des données) : une décision
    du comité ajoutée entre deux téléchargements est dans le second."""
    reunion = Reunion.objects.create(protocole=jeu["protocole"], date=AUJOURDHUI, titre="Comité")
    parametres = {"perimetre": "protocole", "au": AUJOURDHUI.isoformat()}

    def telecharger():
        reponse = connecte.get(reverse("rapport"), parametres, follow=True)
        assert reponse["Content-Type"] == "application/pdf"
        contenu = b"".join(reponse.streaming_content) if reponse.streaming else reponse.content
        lecteur = PdfReader(io.BytesIO(contenu))
        return " ".join(" ".join(page.extract_text() for page in lecteur.pages).split())

    assert "Relancer le chantier éducatif" not in telecharger()
    Decision.objects.create(reunion=reunion, texte="Relancer le chantier éducatif.")
    assert "Relancer le chantier éducatif" in telecharger()


def test_a_decision_changes_the_data_version_so_no_page_or_report_is_served_from_before_it(jeu):
    reunion = Reunion.objects.create(protocole=jeu["protocole"], date=AUJOURDHUI, titre="Comité")
    avant = VersionDonnees.lire(jeu["protocole"])
    decision = Decision.objects.create(reunion=reunion, texte="Relancer le chantier.")
    assert VersionDonnees.lire(jeu["protocole"]) != avant
    milieu = VersionDonnees.lire(jeu["protocole"])
    decision.actions.add(jeu["chantier"])
    assert VersionDonnees.lire(jeu["protocole"]) != milieu


@pytest.mark.parametrize(
    "changement", ["action", "statut", "verdict", "reunion", "quartier", "organisation", "indicateur", "decision"]
)
def test_the_data_version_moves_in_the_same_transaction_as_the_change(jeu, changement):
    """Annulée, la transaction du changement emporte la montée de version ; validée, la version a monté."""
    faire = CHANGEMENTS[changement][0] if changement in CHANGEMENTS else _decider
    avant = VersionDonnees.lire(jeu["protocole"])
    with pytest.raises(RuntimeError), transaction.atomic():
        faire(jeu)
        assert VersionDonnees.lire(jeu["protocole"])[1] > avant[1]
        raise RuntimeError("annulée")
    assert VersionDonnees.lire(jeu["protocole"]) == avant
    faire(jeu)
    assert VersionDonnees.lire(jeu["protocole"])[1] > avant[1]


def _decider(jeu):
    reunion = Reunion.objects.create(protocole=jeu["protocole"], date=AUJOURDHUI, titre="Comité")
    Decision.objects.create(reunion=reunion, texte="Relancer le chantier.")


# -- le suivi et le reste ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("nom", "args"), PAGES[1:3])
def test_a_journal_entry_recomputes_the_tracking_but_not_the_indicator_tables(connecte, jeu, monkeypatch, nom, args):
    """Une nouvelle au journal (ce que mesure le banc « à froid ») : la grille, les listes et les évolutions sont
    calculées de nouveau et la montrent ; les indicateurs, qui n'en lisent rien, viennent du cache, identiques."""
    enregistrer_une_valeur(jeu)
    grilles = espionner(monkeypatch, tableaux, "grille")
    situations = espionner(monkeypatch, tableaux, "situations_du_perimetre")
    avant = lire(connecte, nom, args)
    jeu["chantier"].enregistrer(auteur=_auteur(), date_effet=AUJOURDHUI, commentaire="Point du lundi avec la Ville.")
    apres = lire(connecte, nom, args)
    assert "Point du lundi avec la Ville." not in avant and "Point du lundi avec la Ville." in apres
    assert (len(grilles), len(situations)) == (2, 1)
    section = apres[apres.index('id="titre-indicateurs"') : apres.index("</section>", apres.index("titre-indicateurs"))]
    assert "Jeunes accompagnés" in section and section in avant


CORPS = {"vue_ensemble": "ensemble", "quartier": "quartier", "organisation": "organisation"}


def test_a_journal_entry_does_not_look_again_for_an_organisation_that_belongs_through_a_party(
    connecte, jeu, monkeypatch
):
    """La Ville de Voiron est membre d'une partie : une nouvelle au journal ne la fait ni entrer ni sortir du
    protocole, sa vue partenaire ne la cherche pas de nouveau."""
    cherchees = espionner(monkeypatch, tableaux, "organisations_du_protocole_hors_suivi")
    lectures = espionner(monkeypatch, tableaux, "lire_perimetre")
    lire(connecte, "organisation", ["ville-voiron"])
    jeu["chantier"].enregistrer(auteur=_auteur(), date_effet=AUJOURDHUI, commentaire="Point du lundi avec la Ville.")
    assert "Point du lundi avec la Ville." in lire(connecte, "organisation", ["ville-voiron"])
    assert (len(cherchees), len(lectures)) == (1, 0)


@pytest.mark.parametrize(("nom", "args"), PAGES[:3])
def test_after_a_journal_entry_the_dashboards_do_not_read_the_parties_members_again(connecte, jeu, nom, args):
    """Les membres des parties (vue d'ensemble, quartier) et les parties et signatures d'une organisation sont des
    données de référence, gardées sur le numéro hors suivi : une nouvelle au journal ne les fait pas relire. Un
    membre ajouté à une partie se voit dès la requête suivante."""
    lire(connecte, nom, args)
    jeu["chantier"].enregistrer(auteur=_auteur(), date_effet=AUJOURDHUI, commentaire="Point du lundi avec la Ville.")
    with CaptureQueriesContext(connection) as requetes:
        assert "Point du lundi avec la Ville." in lire(connecte, nom, args)
    lues = [r["sql"] for r in requetes.captured_queries if "signataires_appartenance" in r["sql"].split(" WHERE ")[0]]
    assert lues == []
    partie = Partie.objects.get(protocole=jeu["protocole"], code="PT")
    Appartenance.objects.create(partie=partie, organisation=OrganisationFactory(nom="Mission locale"))
    if nom != "organisation":
        assert "Mission locale" in lire(connecte, nom, args)


def test_a_new_pilot_is_a_choice_of_the_list_filters_at_the_very_next_request(connecte, jeu):
    """Le formulaire des filtres est gardé sur le numéro hors suivi ; une organisation qui devient pilote par le
    suivi y entre quand même dès la requête suivante (la liste des organisations est dans sa clé)."""
    mission = OrganisationFactory(slug="mission-locale", nom="Mission locale")
    assert "Mission locale" not in lire(connecte, "actions", [])
    lire(connecte, "actions", [])
    jeu["chantier"].enregistrer(auteur=_auteur(), date_effet=AUJOURDHUI, pilote=mission, commentaire="Relais.")
    formulaire = lire(connecte, "actions", [])
    formulaire = formulaire[formulaire.index('<section class="filtres-actions') :]
    assert "Mission locale" in formulaire[: formulaire.index("</section>")]


def test_an_organisation_that_was_only_a_partner_is_not_found_at_the_very_next_request(connecte, jeu):
    mission = OrganisationFactory(slug="mission-locale", nom="Mission locale")
    jeu["ateliers"].partenaires.add(mission)
    assert "Mission locale" in lire(connecte, "organisation", ["mission-locale"])
    lire(connecte, "organisation", ["mission-locale"])
    jeu["ateliers"].partenaires.remove(mission)
    assert connecte.get(reverse("organisation", args=["mission-locale"])).status_code == 404


# « Jardins partagés » (Ville de Voiron, Baltiss, créée il y a 20 jours) est sur ces trois pages.
@pytest.mark.parametrize(("nom", "args"), [PAGES[0], ("quartier", ["baltiss"]), PAGES[2]])
def test_after_a_journal_note_only_the_parts_whose_data_changed_are_rendered_again(connecte, jeu, nom, args):
    """Une note sur une action qui a des nouvelles récentes ne change ni ses chiffres ni les listes : les cartes des
    engagements, la grille et les listes à signaler gardent leur HTML (protocole.fragments) ; les évolutions, qui la
    citent, sont rendues à chaque calcul du corps. Un changement de statut, ensuite, rend la grille de nouveau et la
    montre."""
    fragments.vider()
    jardins = Action.objects.get(titre="Jardins partagés")
    lire(connecte, nom, args)
    caches["pages"].clear()
    with rendus_pendant() as rendus:
        lire(connecte, nom, args)  # le corps est recalculé, rien n'a changé : aucun morceau n'est rendu de nouveau
    assert f"tableaux/_corps_{CORPS[nom]}.html" in rendus
    assert not {"tableaux/_engagements.html", "tableaux/_grille.html", "tableaux/_a_signaler.html"} & set(rendus)
    jardins.enregistrer(auteur=_auteur(), date_effet=AUJOURDHUI, commentaire="Point du lundi avec la Ville.")
    with rendus_pendant() as rendus:
        apres = lire(connecte, nom, args)
    assert "Point du lundi avec la Ville." in apres
    assert "tableaux/_depuis.html" in rendus
    assert not {"tableaux/_engagements.html", "tableaux/_grille.html", "tableaux/_a_signaler.html"} & set(rendus)
    a_venir = apres.count("à venir")
    jardins.enregistrer(auteur=_auteur(), date_effet=AUJOURDHUI, statut="en_cours", commentaire="Les bacs sont là.")
    with rendus_pendant() as rendus:
        apres = lire(connecte, nom, args)
    assert {"tableaux/_engagements.html", "tableaux/_grille.html", "tableaux/_depuis.html"} <= set(rendus)
    assert "Les bacs sont là." in apres and apres.count("à venir") < a_venir


@pytest.mark.parametrize(("nom", "args"), [PAGES[0], ("quartier", ["baltiss"]), PAGES[2]])
def test_after_a_journal_entry_the_figures_queries_are_run_again_but_not_built_again(
    connecte, jeu, nom, args, monkeypatch
):
    """Recalculé après une entrée du journal, un tableau de bord repose les requêtes de ses chiffres (il montre le
    nouvel état) sans les construire ni les compiler de nouveau (protocole.compilees)."""
    jardins = Action.objects.get(titre="Jardins partagés")
    lire(connecte, nom, args)
    construites = []
    vraie = compilees._Compilee.__init__

    def espion(self, queryset):
        construites.append(queryset.model)
        vraie(self, queryset)

    monkeypatch.setattr(compilees._Compilee, "__init__", espion)
    jardins.enregistrer(auteur=_auteur(), date_effet=AUJOURDHUI, statut="en_cours", commentaire="Les bacs sont là.")
    a_venir = lire(connecte, nom, args).count("à venir")
    assert construites == []
    jardins.enregistrer(
        auteur=_auteur(), date_effet=AUJOURDHUI, statut="a_venir", commentaire="Finalement, au printemps."
    )
    apres = lire(connecte, nom, args)
    assert construites == []
    assert "Finalement, au printemps." in apres and apres.count("à venir") > a_venir


@pytest.mark.parametrize(("nom", "args"), PAGES[1:3])
def test_a_corrected_value_or_target_is_in_the_indicator_table_on_the_very_next_request(connecte, jeu, nom, args):
    enregistrer_une_valeur(jeu)
    indicateur = Valeur.objects.get(valeur=4321).indicateur
    lire(connecte, nom, args)
    lire(connecte, nom, args)
    annee = str(AUJOURDHUI.year - 1)
    Valeur.enregistrer(indicateur, quartier=jeu["brunetiere"], periode=annee, valeur=4567, auteur=_auteur())
    assert "4\u202f567" in lire(connecte, nom, args)
    repere = indicateur.reperes.get()
    repere.cible_valeur, repere.cible_date = 9876, datetime.date(2022, 12, 31)
    repere.save()
    assert "9\u202f876" in lire(connecte, nom, args)


# -- les jours passés -------------------------------------------------------------------------------------------------

HIER = AUJOURDHUI - datetime.timedelta(days=1)


def changer_un_statut_avant_hier(jeu):
    """Une entrée antidatée : elle change l'état des jours passés."""
    avant_hier = AUJOURDHUI - datetime.timedelta(days=2)
    jeu["chantier"].enregistrer(auteur=_auteur(), date_effet=avant_hier, statut="bloque", commentaire="Grue en panne.")
    return "Grue en panne."


# Les écritures du suivi (journal, actions, verdicts) laissent `numero_hors_suivi` ; celles du suivi en effet
# aujourd'hui, ni correction ni caviardage, laissent aussi `numero_passe`.
DU_SUIVI = {"action", "statut", "verdict", "antidate"}
DU_JOUR_MEME = {"statut", "verdict"}


@pytest.mark.parametrize("changement", [*CHANGEMENTS, "decision", "antidate"])
def test_each_write_moves_the_counters_of_what_it_can_change(jeu, changement):
    """Toute écriture monte le numéro ; celles du suivi seules laissent `numero_hors_suivi` (la clé des indicateurs
    des tableaux de bord, qui ne lisent rien du suivi) ; celles du suivi en effet aujourd'hui seules laissent
    `numero_passe` (la clé des tableaux de bord d'un jour passé)."""
    faire = {"decision": _decider, "antidate": changer_un_statut_avant_hier}.get(changement)
    faire = faire or CHANGEMENTS[changement][0]
    compteurs = ("numero", "numero_hors_suivi", "numero_passe")

    def lire_version():
        return VersionDonnees.objects.filter(protocole=jeu["protocole"]).values_list(*compteurs)

    avant = lire_version().first() or (0, 0, 0)
    faire(jeu)
    apres = lire_version().get()
    assert apres[0] > avant[0]
    assert (apres[1] == avant[1]) is (changement in DU_SUIVI)
    assert (apres[2] == avant[2]) is (changement in DU_JOUR_MEME)


def lire_reponse(client, nom, args, **parametres):
    reponse = client.get(reverse(nom, args=args), parametres)
    assert reponse.status_code == 200
    return reponse


@pytest.mark.parametrize(("nom", "args"), PAGES[:3])
def test_an_entry_in_effect_today_leaves_the_dashboards_of_a_past_day_as_they_were(
    connecte, jeu, monkeypatch, nom, args
):
    """L'état d'hier ne change pas avec une entrée en effet aujourd'hui : le tableau de bord « état au » hier n'est
    pas recalculé, et il est exactement celui qu'un calcul neuf donne ; celui d'aujourd'hui montre l'entrée."""
    grilles = espionner(monkeypatch, tableaux, "grille")
    avant = lire_reponse(connecte, nom, args, au=HIER.isoformat())
    attendu = changer_un_statut(jeu)
    apres = lire_reponse(connecte, nom, args, au=HIER.isoformat())
    assert len(grilles) == 1
    assert sans_jeton(apres) == sans_jeton(avant)
    caches["pages"].clear()
    assert sans_jeton(lire_reponse(connecte, nom, args, au=HIER.isoformat())) == sans_jeton(apres)
    assert len(grilles) == 2
    assert attendu in lire(connecte, nom, args)


@pytest.mark.parametrize(("nom", "args"), PAGES[:3])
@pytest.mark.parametrize("changement", ["antidate", "action", "verdict_antidate"])
def test_an_antidated_entry_or_a_correction_is_on_the_past_dashboards_at_the_very_next_request(
    connecte, jeu, nom, args, changement
):
    """Une entrée en effet avant-hier change l'état d'hier ; une correction de libellé, montrée telle qu'elle est
    aujourd'hui à toute date, aussi : l'une et l'autre se voient dès la requête suivante du tableau de bord d'hier."""

    def verdict_antidate(jeu):
        obligation = Obligation.objects.get(
            protocole=jeu["protocole"], bloc__partie__code="PT", bloc__engagement__numero=2
        )
        avant_hier = AUJOURDHUI - datetime.timedelta(days=2)
        Verdict.donner(obligation, auteur=_auteur(), valeur=ValeurVerdict.NON_TENU, date_effet=avant_hier, motif="B")
        return "✗ non tenu"

    faire = {
        "antidate": changer_un_statut_avant_hier,
        "action": renommer_une_action,
        "verdict_antidate": verdict_antidate,
    }
    avant = lire(connecte, nom, args, au=HIER.isoformat())
    lire(connecte, nom, args, au=HIER.isoformat())
    attendu = faire[changement](jeu)
    assert attendu not in avant
    assert attendu in lire(connecte, nom, args, au=HIER.isoformat())


@pytest.mark.parametrize("valide_apres_minuit", [False, True])
def test_an_entry_of_the_day_committed_after_midnight_is_one_of_a_past_day(
    jeu, django_capture_on_commit_callbacks, valide_apres_minuit
):
    """Écrite à 23:59:59 en effet ce jour-là, validée après minuit : le jour de l'entrée est devenu un jour passé,
    et un tableau de bord de ce jour lu entre l'écriture et la validation l'aurait gardé sans elle. Validée le même
    jour, elle laisse le compteur des jours passés."""
    soir = datetime.datetime.combine(AUJOURDHUI, datetime.time(23, 59, 59), tzinfo=ZoneInfo("Europe/Paris"))

    def numero_passe():
        return VersionDonnees.objects.filter(protocole=jeu["protocole"]).values_list("numero_passe", flat=True).get()

    with time_machine.travel(soir, tick=False) as voyage:
        avant = numero_passe()
        with django_capture_on_commit_callbacks() as rappels:
            jeu["chantier"].enregistrer(auteur=_auteur(), date_effet=AUJOURDHUI, commentaire="Point du soir.")
        assert numero_passe() == avant
        if valide_apres_minuit:
            voyage.move_to(soir + datetime.timedelta(seconds=2))
        for rappel in rappels:
            rappel()
        assert (numero_passe() > avant) is valide_apres_minuit
