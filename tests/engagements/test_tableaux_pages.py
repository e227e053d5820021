"""Les pages des tableaux de bord : vue d'ensemble, quartier, vue partenaire.

Les chiffres eux-mêmes sont vérifiés dans test_tableaux.py ; ici, qu'ils arrivent sur la page, lisibles sans couleur,
pour le bon jour et la bonne période, à qui y a droit, en un nombre de requêtes qui ne grandit pas avec les données.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from comite.models import Reunion
from engagements.graphiques import barres_par_statut, cellule
from engagements.models import Obligation, Statut, Valeur, ValeurVerdict, Verdict
from engagements.periode import depuis_par_defaut, depuis_par_defaut_motive
from engagements.tableaux import Compte
from signataires.models import Partie, Utilisateur
from tests.cache_pages import REQUETES_CACHE_FROID, hors_cache, sans_jeton
from tests.factories import (
    AppartenanceFactory,
    BlocFactory,
    EngagementFactory,
    ObligationFactory,
    OrganisationFactory,
    PartieFactory,
    ProtocoleFactory,
    QuartierFactory,
    RepresentationFactory,
    SignatureFactory,
    UtilisateurFactory,
    construire_protocole,
)
from tests.factories_suivi import ROLES, ActionFactory, IndicateurFactory, RepereFactory, habilitation

pytestmark = pytest.mark.django_db

T = timezone.localdate()
PASSE = T - datetime.timedelta(days=200)


def jours(n):
    """Le jour `n` jours avant aujourd'hui."""
    return T - datetime.timedelta(days=n)


def moment(date):
    return timezone.make_aware(datetime.datetime.combine(date, datetime.time(10)))


def iso(date):
    return date.isoformat()


def action(obligation, date, quartiers=(), **champs):
    champs.setdefault("auteur", Utilisateur.objects.get_or_create(username="auteur-des-actions")[0])
    return ActionFactory(obligation=obligation, quartiers=quartiers, date_effet=date, maintenant=moment(date), **champs)


# -- le jeu construit à la main -------------------------------------------------------------------------------------


@pytest.fixture
def jeu():
    """Cinq parties ; E1 : blocs PT et ÉTAT, E2 : blocs PT et CAF (le reste est « sans objet »). Deux quartiers,
    cinq actions dont une « tout le territoire », une en retard, une abandonnée, une bloquée il y a 100 jours,
    une créée il y a 20 jours ; un verdict il y a 50 jours."""
    protocole = ProtocoleFactory(slug="pays-voironnais", territoire="Pays Voironnais")
    parties = {code: PartieFactory(protocole=protocole, code=code) for code in Partie.Code.values}
    e1 = EngagementFactory(protocole=protocole, numero=1, titre="Mobiliser l'emploi")
    e2 = EngagementFactory(protocole=protocole, numero=2, titre="Réussite éducative")
    obligations = {
        "E1-PT": ObligationFactory(bloc=BlocFactory(engagement=e1, partie=parties["PT"]), rang=1),
        "E1-ETAT": ObligationFactory(bloc=BlocFactory(engagement=e1, partie=parties["ETAT"]), rang=1),
        "E2-PT": ObligationFactory(bloc=BlocFactory(engagement=e2, partie=parties["PT"]), rang=1),
        "E2-CAF": ObligationFactory(bloc=BlocFactory(engagement=e2, partie=parties["CAF"]), rang=1),
    }
    brunetiere = QuartierFactory(protocole=protocole, slug="brunetiere", nom="Brunetière", ordre=1)
    baltiss = QuartierFactory(protocole=protocole, slug="baltiss", nom="Baltiss", ordre=2)
    voiron = OrganisationFactory(slug="ville-voiron", nom="Ville de Voiron")
    caf = OrganisationFactory(slug="caf-isere", nom="Caisse d'allocations familiales de l'Isère", sigle="CAF")
    mde = OrganisationFactory(slug="maison-emploi", nom="Maison de l'Emploi")
    AppartenanceFactory(partie=parties["PT"], organisation=voiron, enoncee_par_le_texte=True)
    AppartenanceFactory(partie=parties["CAF"], organisation=caf, enoncee_par_le_texte=True)
    AppartenanceFactory(partie=parties["PT"], organisation=mde, enoncee_par_le_texte=False)
    j0 = jours(300)
    chantier = action(
        obligations["E1-PT"],
        j0,
        [brunetiere],
        titre="Chantier éducatif",
        pilote=voiron,
        statut=Statut.EN_COURS,
        avancement=40,
        echeance=jours(30),
    )
    action(
        obligations["E1-PT"],
        j0,
        titre="Forum de l'emploi",
        pilote=voiron,
        tout_le_territoire=True,
        statut=Statut.REALISE,
        avancement=100,
        echeance=jours(100),
    )
    action(
        obligations["E1-ETAT"],
        j0,
        [baltiss],
        titre="Permanence santé",
        pilote=mde,
        statut=Statut.ABANDONNE,
        avancement=10,
        commentaire="Remplacée.",
    )
    ateliers = action(
        obligations["E2-CAF"],
        j0,
        [brunetiere, baltiss],
        titre="Ateliers parents-enfants",
        pilote=caf,
        partenaires=[voiron],
        statut=Statut.EN_COURS,
        avancement=60,
        echeance=jours(-200),
    )
    ateliers.enregistrer(
        auteur=Utilisateur.objects.get(username="auteur-des-actions"),
        date_effet=jours(100),
        statut=Statut.BLOQUE,
        commentaire="Local fermé.",
        maintenant=moment(jours(100)),
    )
    action(
        obligations["E2-PT"],
        jours(20),
        [baltiss],
        titre="Jardins partagés",
        pilote=voiron,
        statut=Statut.A_VENIR,
        avancement=0,
        echeance=jours(-300),
    )
    Verdict.donner(
        obligations["E1-PT"],
        auteur=Utilisateur.objects.get(username="auteur-des-actions"),
        valeur=ValeurVerdict.TENU,
        date_effet=jours(50),
        motif="Revue annuelle",
    )
    return {
        "protocole": protocole,
        "brunetiere": brunetiere,
        "baltiss": baltiss,
        "voiron": voiron,
        "caf": caf,
        "mde": mde,
        "chantier": chantier,
        "ateliers": ateliers,
    }


@pytest.fixture
def lecteur(jeu):
    return habilitation(jeu["protocole"], ROLES.LECTEUR, jeu["caf"])


@pytest.fixture
def connecte(client, lecteur):
    client.force_login(lecteur.utilisateur)
    return client


def page(client, nom, *args, **parametres):
    reponse = client.get(reverse(nom, args=args), parametres)
    assert reponse.status_code == 200, reponse.content[:2000]
    return reponse


def chiffre(libelle, valeur):
    return f"<div><dt>{libelle}</dt><dd>{valeur}</dd></div>"


def lignes(reponse):
    """{numéro d'engagement: [classe de chaque case]} de la grille affichée."""
    return {ligne.engagement.numero: [c.classe for c in ligne.cellules] for ligne in reponse.context["grille"].lignes}


# -- accès -----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("nom", "args"), [("vue_ensemble", []), ("quartier", ["brunetiere"]), ("organisation", ["caf-isere"])]
)
def test_an_anonymous_visitor_is_sent_to_the_login_page(client, jeu, nom, args):
    reponse = client.get(reverse(nom, args=args))
    assert reponse.status_code == 302
    assert reponse["Location"].startswith(reverse("connexion") + "?next=")


def test_a_user_without_a_role_is_refused(client, jeu):
    client.force_login(UtilisateurFactory())
    assert client.get(reverse("vue_ensemble")).status_code == 403


def test_a_quartier_of_another_protocol_is_not_found(connecte, jeu):
    QuartierFactory(protocole=ProtocoleFactory(), slug="ailleurs")
    assert connecte.get(reverse("quartier", args=["ailleurs"])).status_code == 404
    assert connecte.get(reverse("quartier", args=["inconnu"])).status_code == 404


def test_a_member_of_another_protocol_cannot_open_this_protocols_quartier(client, jeu):
    client.force_login(habilitation(ProtocoleFactory(), ROLES.COORDINATEUR).utilisateur)
    assert client.get(reverse("quartier", args=["brunetiere"])).status_code == 404
    assert client.get(reverse("organisation", args=["caf-isere"])).status_code == 404


def test_an_organisation_unrelated_to_the_protocol_is_not_found(connecte, jeu):
    OrganisationFactory(slug="sans-lien")
    assert connecte.get(reverse("organisation", args=["sans-lien"])).status_code == 404


def test_an_organisation_linked_only_by_a_signature_has_its_view(connecte, jeu):
    signature = SignatureFactory(protocole=jeu["protocole"], ordre=1, titre="Le Préfet de l'Isère")
    RepresentationFactory(signature=signature, organisation__slug="prefecture", organisation__nom="Préfecture")
    reponse = page(connecte, "organisation", "prefecture")
    assertContains(reponse, "n'est rattachée à aucune partie du protocole")
    assertContains(reponse, "n°1, Le Préfet de l&#x27;Isère")


@pytest.mark.parametrize("nom", ["vue_ensemble", "quartier", "organisation"])
def test_the_dashboards_only_answer_get(connecte, nom):
    args = {"vue_ensemble": [], "quartier": ["brunetiere"], "organisation": ["caf-isere"]}[nom]
    assert connecte.post(reverse(nom, args=args)).status_code == 405


def test_members_find_the_dashboard_in_the_navigation_and_the_quartiers_list(client, connecte, jeu):
    lien = f'<a href="{reverse("quartier", args=["brunetiere"])}">Brunetière'
    reponse = connecte.get(reverse("quartiers"))
    assertContains(reponse, lien)
    assertContains(reponse, f'href="{reverse("vue_ensemble")}"')
    client.logout()
    reponse = client.get(reverse("quartiers"))
    assertNotContains(reponse, lien)
    assertNotContains(reponse, f'href="{reverse("vue_ensemble")}"')


# -- vue d'ensemble --------------------------------------------------------------------------------------------------


def test_the_overview_counts_each_action_once_and_says_the_quartiers_do_not_add_up(connecte, jeu):
    reponse = page(connecte, "vue_ensemble")
    assertContains(
        reponse,
        "Chaque action est comptée une fois ; une action « tout le territoire » compte dans chaque quartier, "
        "donc les colonnes des quartiers ne s'additionnent pas au total.",
    )
    total = reponse.context["grille"].total.compte
    assert (total.total, total.en_retard) == (5, 1)
    quartiers = {q.slug: c.compte.total for q, c in reponse.context["quartiers"]}
    assert quartiers == {"brunetiere": 3, "baltiss": 4}
    assertContains(reponse, f'<a href="{reverse("quartier", args=["brunetiere"])}">Brunetière</a>')


def test_the_grid_writes_counts_late_and_not_applicable_cells_in_words(connecte, jeu):
    reponse = page(connecte, "vue_ensemble")
    assert lignes(reponse) == {
        1: ["alerte", "ok", "sans-objet", "sans-objet", "sans-objet"],
        2: ["en-cours", "sans-objet", "en-cours", "sans-objet", "sans-objet"],
    }
    pt = reponse.context["grille"].lignes[0].cellules[0]
    html = reponse.content.decode()
    cellule_pt = html[html.index('<td class="cellule cellule-alerte">') :].split("</td>")[0]
    for texte in ("2 actions", "⚠ 1 en retard", "en cours : 1", "réalisé : 1", "avancement moyen 70 %"):
        assert texte in cellule_pt
    assert pt.compte.moyenne == 70
    assertContains(reponse, '<span class="mention">sans objet</span>', count=6 + 2)  # 6 cases et 2 totaux (ARS, CAPV)
    assertContains(reponse, "✓ aucune action ouverte")


def test_each_engagement_block_gives_statuses_late_progress_and_verdicts(connecte, jeu):
    reponse = page(connecte, "vue_ensemble")
    assertContains(reponse, "⚠ dont 1 en retard")
    assertContains(reponse, 'value="70" max="100"')  # E1 : (40 + 100) / 2 ; l'abandonnée n'entre pas en moyenne
    assertContains(reponse, "70 % en moyenne")
    assertContains(reponse, 'value="30" max="100"')  # E2 : (60 + 0) / 2
    bloc = reponse.context["engagements_blocs"][0]
    assert [(v, n) for v, _libelle, n in bloc["verdicts"] if n] == [("non_evalue", 1), ("tenu", 1)]


def test_the_status_chart_is_an_accessible_svg_with_its_figures_as_a_table(connecte, jeu):
    reponse = page(connecte, "vue_ensemble")
    assertContains(reponse, 'role="img" aria-labelledby="graphique-ensemble-titre graphique-ensemble-desc"')
    assertContains(reponse, '<title id="graphique-ensemble-titre">Actions par statut et par engagement')
    assertContains(reponse, "Engagement N°1 : 3 actions, 1 en retard (1 en cours, 1 réalisé, 1 abandonné)")
    assertContains(reponse, "font-family=\"'Source Sans 3', 'DejaVu Sans', sans-serif\"")
    assertContains(reponse, "<summary>Voir les chiffres du graphique</summary>")
    html = reponse.content.decode()
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert "<script" not in svg and "class=" not in svg and "var(" not in svg, "le PDF le rend à l'identique"


def test_the_late_and_stale_lists_link_the_action_its_obligation_and_its_pilot(connecte, jeu):
    reponse = page(connecte, "vue_ensemble")
    assert [a.titre for a in reponse.context["en_retard"]] == ["Chantier éducatif"]
    assert [a.titre for a in reponse.context["sans_nouvelles"]] == ["Chantier éducatif", "Ateliers parents-enfants"]
    assertContains(reponse, f'<a href="{reverse("action", args=[jeu["chantier"].pk])}">Chantier éducatif</a>')
    assertContains(reponse, f'<a href="{reverse("organisation", args=["ville-voiron"])}">Ville de Voiron</a>')
    assertContains(reponse, "<code>E1-PT-1</code>")


def test_the_signatory_finds_the_view_of_their_own_organisation(connecte, jeu):
    reponse = page(connecte, "vue_ensemble")
    assertContains(reponse, f'<a href="{reverse("organisation", args=["caf-isere"])}">La vue de mon organisation (CAF)')


# -- quartier --------------------------------------------------------------------------------------------------------


def test_a_quartier_counts_whole_territory_actions_and_labels_them(connecte, jeu):
    reponse = page(connecte, "quartier", "brunetiere")
    assertContains(reponse, '<h1 class="h2">Brunetière')
    total = reponse.context["grille"].total.compte
    assert (total.total, total.en_retard) == (3, 1)
    assertContains(reponse, '<span class="badge territoire">Tout le territoire</span>')
    assert [a.titre for a in reponse.context["sans_nouvelles"]] == ["Chantier éducatif", "Ateliers parents-enfants"]


def test_the_past_state_is_rebuilt_from_the_journal_and_said_so(connecte, jeu):
    aujourdhui = page(connecte, "quartier", "brunetiere")
    passe = page(connecte, "quartier", "brunetiere", au=iso(PASSE))
    assertContains(passe, f"État au {PASSE.day} ")
    assertContains(passe, "reconstruit depuis le journal")
    assertNotContains(aujourdhui, "reconstruit depuis le journal.</strong>")
    ateliers_aujourdhui = aujourdhui.context["grille"].lignes[1].cellules[2]
    ateliers_passe = passe.context["grille"].lignes[1].cellules[2]
    assert [s for s, *_ in ateliers_aujourdhui.statuts] == ["bloque"]
    assert [s for s, *_ in ateliers_passe.statuts] == ["en_cours"], "bloquée il y a 100 jours seulement"
    assert passe.context["en_retard"] == [], "l'échéance du chantier n'était pas encore passée"
    assert [a.titre for a in passe.context["sans_nouvelles"]] == ["Chantier éducatif", "Ateliers parents-enfants"]
    assertContains(passe, f'href="{reverse("organisation", args=["ville-voiron"])}?au={iso(PASSE)}"')


def test_a_past_list_shows_the_status_as_it_stood(connecte, jeu):
    passe = page(connecte, "vue_ensemble", au=iso(PASSE))
    ateliers = next(a for a in passe.context["sans_nouvelles"] if a.titre == "Ateliers parents-enfants")
    assert (ateliers.statut_libelle, ateliers.pilote_au_jour, ateliers.quartiers_au_jour) == (
        "en cours",
        jeu["caf"],
        ["Brunetière", "Baltiss"],
    )


@pytest.mark.parametrize(
    ("depuis", "attendu"),
    [
        (100, (1, 0, 1, 1)),  # « depuis » inclut son jour : le blocage d'il y a 100 jours compte
        (99, (0, 0, 1, 1)),
        (20, (0, 0, 1, 0)),  # la création d'il y a 20 jours compte, le verdict d'il y a 50 jours non
        (19, (0, 0, 0, 0)),
    ],
)
def test_changes_since_a_chosen_date_on_the_overview(connecte, jeu, depuis, attendu):
    reponse = page(connecte, "vue_ensemble", depuis=iso(jours(depuis)))
    e = reponse.context["evolutions"]
    assert (e.statuts_changes, e.realisees, e.nouvelles, e.verdicts) == attendu
    assertContains(reponse, chiffre("Statuts changés", attendu[0]), html=True)
    assertContains(reponse, chiffre("Nouvelles actions", attendu[2]), html=True)
    assertContains(reponse, f"Évolutions du {jours(depuis).day} ")
    assertContains(reponse, "Période choisie.")


def test_the_past_state_stops_the_changes_at_its_date(connecte, jeu):
    reponse = page(connecte, "quartier", "brunetiere", au=iso(jours(101)), depuis=iso(jours(400)))
    e = reponse.context["evolutions"]
    assert (e.statuts_changes, e.nouvelles, e.verdicts) == (0, 3, 0), "le blocage et le verdict viennent après"


def test_the_journal_entries_link_their_action_or_obligation(connecte, jeu):
    reponse = page(connecte, "quartier", "brunetiere", depuis=iso(jours(120)))
    assertContains(reponse, f'<a href="{reverse("action", args=[jeu["ateliers"].pk])}">Ateliers parents-enfants</a>')
    assertContains(reponse, "Statut : en cours → bloqué")
    assertContains(reponse, "« Local fermé. »")
    assertContains(reponse, "verdict de l'obligation")
    assertContains(reponse, "Verdict : non évalué → tenu")


def test_since_defaults_to_six_months_then_to_the_last_committee_meeting(connecte, jeu):
    reponse = page(connecte, "vue_ensemble")
    assert reponse.context["periode"].depuis == depuis_par_defaut(jeu["protocole"], T)
    assertContains(reponse, "six mois avant « état au »")
    Reunion.objects.create(protocole=jeu["protocole"], date=jours(100), titre="Comité de printemps")
    reponse = page(connecte, "vue_ensemble")
    assert reponse.context["periode"].depuis == jours(100)
    assertContains(reponse, "la date du dernier comité de pilotage, « Comité de printemps »")
    assertContains(reponse, "Depuis le dernier comité de pilotage, « Comité de printemps ».")


@pytest.mark.parametrize("reunion", [None, 100])
def test_the_explained_default_agrees_with_depuis_par_defaut(jeu, reunion):
    if reunion:
        Reunion.objects.create(protocole=jeu["protocole"], date=jours(reunion), titre="Comité")
    for au in (T, PASSE, datetime.date(2024, 8, 31), datetime.date(2024, 3, 31)):
        assert depuis_par_defaut_motive(jeu["protocole"], au)[0] == depuis_par_defaut(jeu["protocole"], au)


# -- dates refusées --------------------------------------------------------------------------------------------------


def test_a_future_state_date_is_refused_in_french_and_today_is_shown(connecte, jeu):
    reponse = page(connecte, "vue_ensemble", au=iso(T + datetime.timedelta(days=3)))
    assertContains(reponse, "« État au » ne peut pas être dans le futur")
    assert reponse.context["periode"].au == T and not reponse.context["periode"].passe


def test_an_unreadable_date_is_refused_in_french_and_the_default_is_used(connecte, jeu):
    reponse = page(connecte, "quartier", "brunetiere", au="hier", depuis="2024-02-31")
    assertContains(reponse, "« État au » n&#x27;est pas une date reconnue")
    assertContains(reponse, "« Évolutions depuis » n&#x27;est pas une date reconnue")
    periode = reponse.context["periode"]
    assert (periode.au, periode.depuis) == (T, depuis_par_defaut(jeu["protocole"], T))
    assertContains(reponse, 'aria-invalid="true"', count=2)


def test_since_after_the_state_date_is_refused_and_the_default_is_used(connecte, jeu):
    reponse = page(connecte, "organisation", "caf-isere", au=iso(PASSE), depuis=iso(jours(10)))
    assertContains(reponse, "doit précéder « État au »")
    assert reponse.context["periode"].depuis == depuis_par_defaut(jeu["protocole"], PASSE)


def test_the_form_shows_the_dates_applied(connecte, jeu):
    reponse = page(connecte, "vue_ensemble", au=iso(PASSE))
    assertContains(reponse, f'value="{iso(PASSE)}"')
    assertContains(reponse, f'value="{iso(depuis_par_defaut(jeu["protocole"], PASSE))}"')


# -- vue partenaire --------------------------------------------------------------------------------------------------


def test_the_partner_view_shows_parties_commitments_verdicts_and_actions(connecte, jeu):
    reponse = page(connecte, "organisation", "caf-isere")
    assertContains(reponse, "Caisse d&#x27;allocations familiales de l&#x27;Isère (CAF)")
    assertContains(reponse, "Caisse d&#x27;Allocations Familiales <span")
    assertNotContains(reponse, "non énoncée par le texte")
    assert reponse.context["nombre_obligations"] == 1
    assertContains(reponse, "<code>E2-CAF-1</code>")
    total = reponse.context["grille"].total.compte
    assert (total.total, total.par_statut["bloque"]) == (1, 1)


def test_the_partner_view_counts_piloted_and_partnered_actions(connecte, jeu):
    reponse = page(connecte, "organisation", "ville-voiron")
    assert reponse.context["grille"].total.compte.total == 4
    assert reponse.context["nombre_obligations"] == 2  # E1-PT-1 et E2-PT-1


def test_the_partner_view_marks_a_membership_the_text_does_not_state(connecte, jeu):
    reponse = page(connecte, "organisation", "maison-emploi")
    assertContains(reponse, "affectation de la coordination, non énoncée par le texte")


# -- graphiques et cases, sans requête --------------------------------------------------------------------------------


def test_a_narrow_segment_keeps_its_count_out_of_the_bar_but_in_the_description():
    compte = Compte()
    compte.par_statut |= {"en_cours": 40, "bloque": 1}
    graphique = barres_par_statut("g", "Titre", [("N°1", "Engagement N°1", compte)])
    en_cours, bloque = graphique.barres[0].segments
    assert en_cours.texte == "▶ 40" and bloque.texte == ""
    assert "1 bloqué" in graphique.description


def test_a_cell_with_only_finished_actions_reads_ok():
    compte = Compte()
    compte.par_statut["realise"] = 2
    assert (cellule(compte).classe, cellule(compte).mention) == ("ok", "✓ toutes réalisées")


# -- nombre de requêtes ----------------------------------------------------------------------------------------------

# Session, utilisateur, rôles (middleware) ; la dernière réunion (« depuis » par défaut) ; la grille : engagements,
# parties, blocs, comptes ; les verdicts ; les actions en retard, celles sans nouvelles, leurs pilotes et leurs
# quartiers ; les évolutions : chiffres, entrées, quartiers des entrées.
REQUETES_COMMUNES = 3 + 1 + 4 + 1 + 4 + 3
# Un jour passé ne coûte rien de plus : les lignes sont lues par le même chemin (engagements.tableaux).
REQUETES_PASSE = 0
REQUETES = {
    # les quartiers, puis leurs comptes côte à côte (actions « tout le territoire », les autres par quartier) ;
    # les membres des parties
    "vue_ensemble": REQUETES_COMMUNES + 3 + 1,
    # le quartier ; les membres des parties ; les indicateurs (définitions, quartiers, repères, valeurs)
    "quartier": REQUETES_COMMUNES + 1 + 1 + 4,
    # l'organisation ; ses parties, ses signatures, les obligations de ses parties ; les indicateurs
    "organisation": REQUETES_COMMUNES + 1 + 3 + 4,
}


def peupler(nombre):
    """Un protocole de 5 engagements × 5 parties ; `nombre` actions, `nombre` ÷ 2 quartiers (au moins deux),
    `nombre` verdicts et des changements, dont des actions en retard, sans nouvelles et changées avant `PASSE`."""
    protocole = construire_protocole(engagements=5, blocs=5, obligations=max(2, nombre // 10), paragraphes=0)
    obligations = list(Obligation.objects.filter(protocole=protocole).order_by("pk"))
    quartiers = [QuartierFactory(protocole=protocole, ordre=i) for i in range(max(2, nombre // 2))]
    organisations = [OrganisationFactory() for _ in range(3)]
    for partie, organisation in zip(protocole.parties.all(), organisations, strict=False):
        AppartenanceFactory(partie=partie, organisation=organisation)
    auteur = UtilisateurFactory()
    statuts = [Statut.EN_COURS, Statut.A_VENIR, Statut.BLOQUE, Statut.EN_PAUSE, Statut.REALISE]
    for i in range(nombre):
        statut = statuts[i % len(statuts)]
        une = action(
            obligations[i % len(obligations)],
            jours(400),
            [quartiers[i % len(quartiers)], quartiers[(i + 1) % len(quartiers)]],
            auteur=auteur,
            pilote=organisations[i % 3],
            partenaires=[organisations[(i + 1) % 3]],
            tout_le_territoire=i % 4 == 0,
            statut=statut,
            avancement=100 if statut == Statut.REALISE else 10,
            commentaire="Motif." if statut == Statut.BLOQUE else "",
            echeance=jours(300 - i),
        )
        if i % 3 == 0 and statut != Statut.REALISE:
            une.enregistrer(auteur=auteur, date_effet=jours(250), avancement=20, maintenant=moment(jours(250)))
        if i % 3 == 1:
            une.enregistrer(
                auteur=auteur,
                date_effet=jours(10),
                statut=Statut.REALISE,
                avancement=100,
                maintenant=moment(jours(10)),
            )
    for rang, obligation in enumerate(obligations[:nombre]):
        date = jours(220) if rang % 2 else jours(5)
        Verdict.donner(obligation, auteur=auteur, valeur=ValeurVerdict.PARTIEL, date_effet=date, motif="revue")
    # `nombre` ÷ 5 indicateurs fournis par la première organisation, des valeurs dans le premier quartier et pour
    # tout le territoire : leurs lignes s'affichent sur le quartier et la vue partenaire, en 4 requêtes toujours.
    for rang in range(max(1, nombre // 5)):
        indicateur = IndicateurFactory(obligation=obligations[rang % len(obligations)], fournisseur=organisations[0])
        RepereFactory(indicateur=indicateur, quartier=quartiers[0], base_valeur=1, base_date=datetime.date(2016, 1, 1))
        for annee in range(2019, T.year):
            for quartier in (quartiers[0], None):
                Valeur.enregistrer(
                    indicateur,
                    quartier=quartier,
                    periode=str(annee),
                    valeur=annee - 2000,
                    auteur=auteur,
                    maintenant=moment(PASSE - datetime.timedelta(days=30)),
                )
    lecteur = habilitation(protocole, ROLES.LECTEUR, organisations[0])
    return protocole, quartiers[0], organisations[0], lecteur.utilisateur


# Le corps déjà calculé pour cette version des données (le cache des pages) : session, utilisateur, rôles et version
# des données (middleware) ; la dernière réunion (« depuis » par défaut, qui entre dans la clé) ; la lecture du cache ;
# le quartier ou l'organisation de l'adresse.
REQUETES_CHAUD = {"vue_ensemble": 3 + 1 + 1, "quartier": 3 + 1 + 1 + 1, "organisation": 3 + 1 + 1 + 1}
# Les morceaux gardés d'un tableau de bord froid : son corps et le « depuis » par défaut ; les membres des parties
# (vue d'ensemble, quartier) ou les parties et signatures de l'organisation ; le quartier ou l'organisation de
# l'adresse et les indicateurs, à part.
MORCEAUX = {"vue_ensemble": 3, "quartier": 5, "organisation": 5}


@pytest.mark.parametrize("nom", list(REQUETES))
@pytest.mark.parametrize("au", [T, PASSE], ids=["aujourdhui", "passe"])
@pytest.mark.parametrize("nombre", [5, 50])
def test_dashboard_query_count_does_not_grow_with_the_data(client, django_assert_num_queries, nom, au, nombre):
    _protocole, quartier, organisation, utilisateur = peupler(nombre)
    client.force_login(utilisateur)
    args = {"vue_ensemble": [], "quartier": [quartier.slug], "organisation": [organisation.slug]}[nom]
    attendu = REQUETES[nom] + (REQUETES_PASSE if au < T else 0)
    # Froid (rien en cache pour cette version des données) : les requêtes des chiffres, pas une de plus.
    with CaptureQueriesContext(connection) as froid:
        reponse = client.get(reverse(nom, args=args), {"au": iso(au)})
    assert reponse.status_code == 200
    assert len(hors_cache(froid.captured_queries)) == attendu
    assert len(froid.captured_queries) - attendu == REQUETES_CACHE_FROID * MORCEAUX[nom]
    # Des listes non vides : sinon Django saute leurs requêtes de préchargement et le compte ne prouverait rien.
    assert reponse.context["en_retard"] and reponse.context["sans_nouvelles"] and reponse.context["journal"]
    if nom != "vue_ensemble":
        assert len(reponse.context["indicateurs"]) == 2 * max(1, nombre // 5)
    # Chaud (rien n'a changé) : le corps vient du cache.
    with django_assert_num_queries(REQUETES_CHAUD[nom]):
        encore = client.get(reverse(nom, args=args), {"au": iso(au)})
    assert sans_jeton(encore) == sans_jeton(reponse)
