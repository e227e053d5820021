"""La liste des actions du protocole : accès, filtres, tri, pagination, et un nombre de requêtes qui ne grandit pas."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from engagements.models import Action, Obligation, Statut, ValeurVerdict, Verdict
from engagements.tables import OPTIONNELLES
from protocole.models import Quartier
from signataires.models import Partie, Utilisateur
from tests.cache_pages import REQUETES_CACHE_FROID, hors_cache, sans_jeton
from tests.factories import (
    AppartenanceFactory,
    BlocFactory,
    EngagementFactory,
    ObligationFactory,
    OrganisationFactory,
    PartieFactory,
    QuartierFactory,
    UtilisateurFactory,
    construire_protocole,
)
from tests.factories_suivi import ROLES, ActionFactory, habilitation

pytestmark = pytest.mark.django_db

AUJOURD_HUI = timezone.localdate()
IL_Y_A_UN_AN = timezone.now() - datetime.timedelta(days=365)

# Session, utilisateur, rôles (middleware) ; nombre d'actions filtrées, page d'actions, leurs quartiers, leurs
# partenaires ; les organisations du protocole (la clé du formulaire des filtres) ; les choix des filtres :
# engagements, parties, organisations, référents, quartiers ; le menu.
REQUETES_LISTE = 14
# Après une entrée au journal : le formulaire des filtres vient du cache (numéro hors suivi, mêmes organisations),
# ses cinq listes de choix ne sont pas relues.
REQUETES_LISTE_APRES_ENTREE = REQUETES_LISTE - 5
# Les mêmes, plus la validation de chaque filtre à choix d'objet rempli (engagement, partie, organisation,
# référent, quartier : une requête chacun).
REQUETES_LISTE_FILTREE = REQUETES_LISTE + 5
# Déjà calculée pour cette version des données : session, utilisateur, rôles et version des données ; la lecture du
# cache des pages ; le menu.
REQUETES_LISTE_CHAUDE = 3 + 1 + 1


# -- données ------------------------------------------------------------------------------------------------------


@pytest.fixture
def protocole():
    """Deux engagements, deux parties (PT et ETAT), une obligation par bloc : E1-PT-1, E1-ETAT-1, E2-PT-1…"""
    return construire_protocole(engagements=2, blocs=2, obligations=1, paragraphes=0, slug="pays-voironnais")


@pytest.fixture
def obligations(protocole):
    return {o.reference: o for o in Obligation.objects.filter(protocole=protocole)}


@pytest.fixture
def coordination(protocole):
    return habilitation(protocole, ROLES.COORDINATEUR, first_name="Marc", last_name="Chevalier")


@pytest.fixture
def connecte(client, coordination):
    client.force_login(coordination.utilisateur)
    return client


def action(obligation, **champs):
    """Une action de l'obligation ; son auteur est partagé (un auteur par action hacherait un mot de passe)."""
    champs.setdefault("auteur", Utilisateur.objects.get_or_create(username="auteur-des-actions")[0])
    return ActionFactory(obligation=obligation, **champs)


def titres(reponse):
    return [ligne.record.titre for ligne in reponse.context["table"].paginated_rows]


def lister(client, **filtres):
    return client.get(reverse("actions"), filtres)


def peupler(protocole, nombre):
    """`nombre` actions qui couvrent chaque partie, chaque sorte de quartier et « tout le territoire », avec
    pilotes, partenaires, référents, statuts variés et des verdicts."""
    parties = [PartieFactory(protocole=protocole, code=code) for code in Partie.Code.values]
    obligations = [
        Obligation.objects.filter(protocole=protocole, bloc__partie=partie).first() or _obligation_de(protocole, partie)
        for partie in parties
    ]
    quartiers = [QuartierFactory(protocole=protocole, nature=nature) for nature in Quartier.Nature.values]
    organisations = [OrganisationFactory() for _ in range(3)]
    for partie, organisation in zip(parties, organisations, strict=False):
        AppartenanceFactory(partie=partie, organisation=organisation)
    referents = [habilitation(protocole, ROLES.CHARGE_DE_MISSION, o).utilisateur for o in organisations]
    statuts = [
        {"statut": Statut.EN_COURS},
        {"statut": Statut.A_VENIR, "avancement": 0},
        {"statut": Statut.REALISE, "avancement": 100},
        {"statut": Statut.BLOQUE, "commentaire": "En attente d'un local."},
        {"statut": Statut.EN_PAUSE},
    ]
    for i in range(nombre):
        action(
            obligations[i % len(obligations)],
            pilote=organisations[i % 3],
            partenaires=[organisations[(i + 1) % 3], organisations[(i + 2) % 3]],
            referent=referents[i % 2] if i % 5 != 4 else None,
            tout_le_territoire=i % 4 == 0,
            quartiers=[quartiers[i % 3], quartiers[(i + 1) % 3]],
            echeance=AUJOURD_HUI + datetime.timedelta(days=i - nombre // 2),
            budget=Decimal("1234.50"),
            **statuts[i % len(statuts)],
        )
    Verdict.donner(
        obligations[0], auteur=referents[0], valeur=ValeurVerdict.TENU, date_effet=AUJOURD_HUI, motif="revue"
    )
    return quartiers, organisations, referents


def _obligation_de(protocole, partie):
    engagement = EngagementFactory(protocole=protocole, numero=10 + partie.ordre)
    return ObligationFactory(bloc=BlocFactory(engagement=engagement, partie=partie), rang=1)


# -- accès ---------------------------------------------------------------------------------------------------------


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, protocole):
    reponse = client.get(reverse("actions") + "?statut=en_cours")
    assert reponse.status_code == 302
    assert reponse["Location"] == "/connexion/?next=/actions/%3Fstatut%3Den_cours"


def test_a_user_without_a_role_in_the_protocol_is_refused(client, protocole):
    client.force_login(UtilisateurFactory())
    assert client.get(reverse("actions")).status_code == 403


def test_a_user_of_another_protocol_never_sees_this_protocols_actions(client, obligations):
    action(obligations["E1-PT-1"], titre="Action du Pays Voironnais")
    ailleurs = construire_protocole(engagements=1, blocs=1, obligations=1, paragraphes=0)
    action(Obligation.objects.get(protocole=ailleurs), titre="Action d'ailleurs")
    client.force_login(habilitation(ailleurs, ROLES.COORDINATEUR).utilisateur)
    reponse = lister(client)
    assert titres(reponse) == ["Action d'ailleurs"]
    assertNotContains(reponse, "Action du Pays Voironnais")
    assertNotContains(lister(client, q="Pays Voironnais", archivees="on"), "Action du Pays Voironnais")
    assertNotContains(lister(client, export="csv"), "Action du Pays Voironnais")


def test_the_list_only_answers_get(connecte):
    assert connecte.post(reverse("actions")).status_code == 405


def test_a_reader_sees_the_list_without_the_new_action_button(client, protocole, obligations):
    action(obligations["E1-PT-1"], titre="Chantier éducatif")
    client.force_login(habilitation(protocole, ROLES.LECTEUR).utilisateur)
    reponse = lister(client)
    assertContains(reponse, "Chantier éducatif")
    assertNotContains(reponse, "Nouvelle action")


@pytest.mark.parametrize("role", [ROLES.CHARGE_DE_MISSION, ROLES.COORDINATEUR, ROLES.ADMINISTRATEUR])
def test_roles_that_can_create_an_action_get_the_new_action_button(client, protocole, role):
    client.force_login(habilitation(protocole, role).utilisateur)
    assertContains(lister(client), f'href="{reverse("action_creer")}">Nouvelle action</a>')


# -- colonnes ------------------------------------------------------------------------------------------------------


def test_each_row_shows_reference_title_link_engagement_party_pilot_referent_status_progress_and_dates(
    connecte, obligations, coordination
):
    pilote = OrganisationFactory(nom="Ville de Voiron", sigle="")
    partenaire = OrganisationFactory(nom="Caisse d'allocations familiales de l'Isère", sigle="CAF")
    chantier = action(
        obligations["E2-ETAT-1"],
        titre="Chantier éducatif",
        pilote=pilote,
        partenaires=[partenaire],
        referent=coordination.utilisateur,
        statut=Statut.BLOQUE,
        commentaire="Le local n'est pas disponible.",
        avancement=35,
        echeance=datetime.date(2031, 3, 9),
    )
    coordination.utilisateur.colonnes_actions = list(OPTIONNELLES)  # toutes les colonnes
    coordination.utilisateur.save()
    reponse = lister(connecte)
    assertContains(reponse, "<code>E2-ETAT-1</code>")
    lien = reverse("action", args=[chantier.pk])
    assertContains(reponse, f'id="action-{chantier.pk}"')
    assertContains(reponse, f'href="{lien}"><span class="titre-deux-lignes" title="Chantier éducatif">')
    assertContains(reponse, "N°2")
    assertContains(reponse, "Ville de Voiron")
    assertContains(reponse, "avec CAF")
    assertContains(reponse, "Marc Chevalier")
    assertContains(reponse, "■ bloqué")  # le statut se lit, il ne tient pas à la seule couleur
    assertContains(reponse, "35 %")
    assertContains(reponse, "09/03/2031")
    assertContains(reponse, f"{AUJOURD_HUI:%d/%m/%Y}")  # dernière mise à jour
    assertContains(reponse, "<strong>1</strong> action en cours de suivi (hors archivées)")


def test_a_late_action_is_flagged_in_words(connecte, obligations):
    action(obligations["E1-PT-1"], titre="En retard", echeance=AUJOURD_HUI - datetime.timedelta(days=3))
    assertContains(lister(connecte), "⚠ En retard")


def test_an_action_without_news_for_90_days_is_flagged_next_to_its_last_update(connecte, obligations):
    action(obligations["E1-PT-1"], maintenant=IL_Y_A_UN_AN, date_effet=IL_Y_A_UN_AN.date())
    reponse = lister(connecte)
    assertContains(reponse, f"{timezone.localtime(IL_Y_A_UN_AN):%d/%m/%Y}")
    assertContains(reponse, "Sans nouvelles")


def test_an_empty_list_says_why_in_french(connecte, obligations):
    assertContains(lister(connecte), "Aucune action n&#x27;est encore suivie dans ce protocole.")
    action(obligations["E1-PT-1"], statut=Statut.EN_COURS)
    assertContains(lister(connecte, statut=Statut.REALISE), "Aucune action ne correspond à ces critères.")


# -- filtres -------------------------------------------------------------------------------------------------------


def test_archived_actions_are_hidden_unless_asked_for(connecte, obligations, coordination):
    action(obligations["E1-PT-1"], titre="Active")
    archivee = action(obligations["E1-PT-1"], titre="Ancienne")
    archivee.archiver(auteur=coordination.utilisateur, date_effet=AUJOURD_HUI, commentaire="Fusionnée.")
    assert titres(lister(connecte)) == ["Active"]
    reponse = lister(connecte, archivees="on")
    assert sorted(titres(reponse)) == ["Active", "Ancienne"]
    assertContains(reponse, "Archivée")


def test_the_engagement_filter_keeps_the_actions_of_that_engagement(connecte, obligations, protocole):
    action(obligations["E1-PT-1"], titre="Du premier")
    action(obligations["E2-PT-1"], titre="Du second")
    engagement = obligations["E2-PT-1"].bloc.engagement
    assert titres(lister(connecte, engagement=engagement.pk)) == ["Du second"]


def test_the_party_filter_keeps_the_actions_of_that_partys_obligations(connecte, obligations):
    action(obligations["E1-PT-1"], titre="Des partenaires territoriaux")
    action(obligations["E2-ETAT-1"], titre="De l'État")
    etat = obligations["E2-ETAT-1"].bloc.partie
    assert titres(lister(connecte, partie=etat.pk)) == ["De l'État"]


def test_the_organisation_filter_keeps_actions_it_pilots_or_partners(connecte, obligations):
    caf = OrganisationFactory(nom="CAF")
    action(obligations["E1-PT-1"], titre="Pilotée", pilote=caf, echeance=AUJOURD_HUI + datetime.timedelta(days=1))
    action(obligations["E1-PT-1"], titre="Accompagnée", partenaires=[caf, OrganisationFactory()])
    action(obligations["E1-PT-1"], titre="Sans elle", partenaires=[OrganisationFactory()])
    assert titres(lister(connecte, organisation=caf.pk)) == ["Pilotée", "Accompagnée"]


def test_the_referent_filter_keeps_the_actions_of_that_person(connecte, obligations, protocole):
    julie = habilitation(protocole, ROLES.CHARGE_DE_MISSION).utilisateur
    action(obligations["E1-PT-1"], titre="De Julie", referent=julie)
    action(obligations["E1-PT-1"], titre="Sans référent")
    assert titres(lister(connecte, referent=julie.pk)) == ["De Julie"]


def test_the_quartier_filter_includes_whole_territory_actions_and_labels_them(connecte, obligations, protocole):
    brunetiere = QuartierFactory(protocole=protocole, nom="Brunetière", nature=Quartier.Nature.QPV)
    baltiss = QuartierFactory(protocole=protocole, nom="Baltiss")
    jour = datetime.timedelta(days=1)
    action(obligations["E1-PT-1"], titre="À la Brunetière", quartiers=[brunetiere], echeance=AUJOURD_HUI + jour)
    action(obligations["E1-PT-1"], titre="Partout", tout_le_territoire=True, echeance=AUJOURD_HUI + 2 * jour)
    action(obligations["E1-PT-1"], titre="À Baltiss", quartiers=[baltiss], echeance=AUJOURD_HUI + 3 * jour)
    reponse = lister(connecte, quartier=brunetiere.pk)
    assert titres(reponse) == ["À la Brunetière", "Partout"]
    assertContains(reponse, '<span class="badge territoire">Tout le territoire</span>', html=True)
    assertContains(reponse, "Les actions « tout le territoire » sont comprises.")


def test_the_status_filter_keeps_that_status(connecte, obligations):
    action(obligations["E1-PT-1"], titre="Réalisée", statut=Statut.REALISE, avancement=100)
    action(obligations["E1-PT-1"], titre="En cours", statut=Statut.EN_COURS)
    assert titres(lister(connecte, statut=Statut.REALISE)) == ["Réalisée"]


def test_the_late_filter_keeps_open_actions_past_their_due_date(connecte, obligations):
    passe = AUJOURD_HUI - datetime.timedelta(days=10)
    action(obligations["E1-PT-1"], titre="En retard", echeance=passe)
    action(obligations["E1-PT-1"], titre="Réalisée à temps", echeance=passe, statut=Statut.REALISE, avancement=100)
    action(obligations["E1-PT-1"], titre="Abandonnée", echeance=passe, statut=Statut.ABANDONNE, commentaire="Non.")
    action(obligations["E1-PT-1"], titre="À venir")
    assert titres(lister(connecte, en_retard="on")) == ["En retard"]


def test_the_verdict_filter_reads_the_verdict_of_the_actions_obligation(connecte, obligations, coordination):
    auteur = coordination.utilisateur
    Verdict.donner(
        obligations["E1-PT-1"], auteur=auteur, valeur=ValeurVerdict.TENU, date_effet=AUJOURD_HUI, motif="revue"
    )
    Verdict.donner(
        obligations["E1-ETAT-1"], auteur=auteur, valeur=ValeurVerdict.PARTIEL, date_effet=AUJOURD_HUI, motif="revue"
    )
    Verdict.donner(
        obligations["E2-PT-1"], auteur=auteur, valeur=ValeurVerdict.PARTIEL, date_effet=AUJOURD_HUI, motif="revue"
    )
    Verdict.donner(
        obligations["E2-PT-1"], auteur=auteur, valeur=ValeurVerdict.NON_EVALUE, date_effet=AUJOURD_HUI, motif="revue"
    )
    jour = datetime.timedelta(days=1)
    action(obligations["E1-PT-1"], titre="Tenue", echeance=AUJOURD_HUI + jour)
    action(obligations["E1-ETAT-1"], titre="Partielle", echeance=AUJOURD_HUI + 2 * jour)
    action(obligations["E2-PT-1"], titre="Revenue à non évaluée", echeance=AUJOURD_HUI + 3 * jour)
    action(obligations["E2-ETAT-1"], titre="Jamais évaluée", echeance=AUJOURD_HUI + 4 * jour)
    assert titres(lister(connecte, verdict=ValeurVerdict.TENU)) == ["Tenue"]
    assert titres(lister(connecte, verdict=ValeurVerdict.PARTIEL)) == ["Partielle"]
    assert titres(lister(connecte, verdict=ValeurVerdict.NON_EVALUE)) == ["Revenue à non évaluée", "Jamais évaluée"]


def test_the_no_update_since_filter_keeps_actions_last_changed_before_that_date(connecte, obligations):
    action(obligations["E1-PT-1"], titre="Oubliée", maintenant=IL_Y_A_UN_AN, date_effet=IL_Y_A_UN_AN.date())
    action(obligations["E1-PT-1"], titre="Suivie")
    depuis = AUJOURD_HUI - datetime.timedelta(days=90)
    assert titres(lister(connecte, sans_maj_depuis=depuis.isoformat())) == ["Oubliée"]


@pytest.mark.parametrize(
    ("recherche", "attendu"),
    [
        ("chantier", "Chantier éducatif"),
        ("local", "Accueil de loisirs"),  # la description
        ("e2-etat", "Permanence emploi"),  # la référence de l'obligation
        ("scolarité", "Médiathèque"),  # le texte de l'obligation
        ("chantier été", "Chantier éducatif"),  # chaque mot, où qu'il soit
    ],
)
def test_the_free_text_search_looks_in_title_description_and_obligation(connecte, obligations, recherche, attendu):
    obligations["E2-PT-1"].texte = "Favoriser la scolarité des enfants ;"
    obligations["E2-PT-1"].save()
    action(obligations["E1-PT-1"], titre="Chantier éducatif", description="Tout l'été.")
    action(obligations["E1-PT-1"], titre="Accueil de loisirs", description="Dans un local de la ville.")
    action(obligations["E2-ETAT-1"], titre="Permanence emploi")
    action(obligations["E2-PT-1"], titre="Médiathèque")
    assert titres(lister(connecte, q=recherche)) == [attendu]


def test_filters_combine(connecte, obligations):
    passe = AUJOURD_HUI - datetime.timedelta(days=10)
    action(obligations["E1-PT-1"], titre="Bloquée en retard", statut=Statut.BLOQUE, commentaire="!", echeance=passe)
    action(obligations["E1-PT-1"], titre="Bloquée à temps", statut=Statut.BLOQUE, commentaire="!")
    action(obligations["E1-PT-1"], titre="En cours en retard", echeance=passe)
    reponse = lister(connecte, statut=Statut.BLOQUE, en_retard="on")
    assert titres(reponse) == ["Bloquée en retard"]
    assertContains(reponse, "<strong>1</strong> action correspond aux filtres")


def test_filter_choices_are_limited_to_the_current_protocol(connecte, protocole, obligations):
    pilote, partenaire = OrganisationFactory(nom="Pilote"), OrganisationFactory(nom="Partenaire")
    AppartenanceFactory(partie=obligations["E1-PT-1"].bloc.partie, organisation__nom="Membre")
    action(obligations["E1-PT-1"], pilote=pilote, partenaires=[partenaire])
    QuartierFactory(protocole=protocole, nom="Brunetière")
    ailleurs = construire_protocole(engagements=3, blocs=3, obligations=1, paragraphes=0)
    action(Obligation.objects.filter(protocole=ailleurs).first(), pilote=OrganisationFactory(nom="Étrangère"))
    QuartierFactory(protocole=ailleurs, nom="Quartier d'ailleurs")
    habilitation(ailleurs, ROLES.COORDINATEUR, last_name="Dailleurs")
    OrganisationFactory(nom="Sans lien")

    champs = lister(connecte).context["filtre"].form.fields
    assert [e.numero for e in champs["engagement"].queryset] == [1, 2]
    assert [p.code for p in champs["partie"].queryset] == ["PT", "ETAT"]
    assert sorted(o.nom for o in champs["organisation"].queryset) == ["Membre", "Partenaire", "Pilote"]
    assert [q.nom for q in champs["quartier"].queryset] == ["Brunetière"]
    assert [u.last_name for u in champs["referent"].queryset] == ["Chevalier"]


def test_an_id_from_another_protocol_is_refused_by_the_filter_and_filters_nothing(connecte, obligations):
    action(obligations["E1-PT-1"], titre="D'ici")
    ailleurs = construire_protocole(engagements=1, blocs=1, obligations=1, paragraphes=0)
    engagement_d_ailleurs = ailleurs.engagements.get()
    reponse = lister(connecte, engagement=engagement_d_ailleurs.pk)
    assert titres(reponse) == ["D'ici"]
    assertContains(reponse, "Certains filtres ne sont pas valides")


def test_the_filter_form_is_labelled_in_french_and_sent_by_get(connecte):
    reponse = lister(connecte)
    assertContains(reponse, '<form method="get" action="/actions/">')
    for etiquette in ("Rechercher", "Engagement", "Partie", "Organisation (pilote ou partenaire)", "Référent·e"):
        assertContains(reponse, f">{etiquette}</label>")
    for etiquette in ("Quartier", "Statut", "Verdict de l&#x27;obligation", "Sans mise à jour depuis le"):
        assertContains(reponse, f">{etiquette}</label>")
    assertContains(reponse, '<label class="form-check-label" for="id_archivees">Inclure les archivées</label>')
    assertContains(reponse, 'aria-describedby="id_quartier-aide"')


# -- tri et pagination ---------------------------------------------------------------------------------------------


def test_the_list_sorts_by_a_column_both_ways(connecte, obligations):
    for titre in ("Bravo", "Alpha", "Charlie"):
        action(obligations["E1-PT-1"], titre=titre)
    assert titres(lister(connecte, sort="titre")) == ["Alpha", "Bravo", "Charlie"]
    reponse = lister(connecte, sort="-titre")
    assert titres(reponse) == ["Charlie", "Bravo", "Alpha"]
    assertContains(reponse, 'aria-sort="descending"')


def test_the_list_is_sorted_by_due_date_by_default(connecte, obligations):
    for jours, titre in ((30, "Plus tard"), (5, "Bientôt"), (90, "Bien plus tard")):
        action(obligations["E1-PT-1"], titre=titre, echeance=AUJOURD_HUI + datetime.timedelta(days=jours))
    assert titres(lister(connecte)) == ["Bientôt", "Plus tard", "Bien plus tard"]


def test_by_default_open_actions_come_first_late_ones_on_top_then_by_due_date_closed_ones_last(
    connecte, obligations, coordination
):
    """Plus d'actions réalisées en 2021 en tête de liste : l'ordre de travail, tiré des drapeaux d'`en_retard`."""
    jour = datetime.timedelta(days=1)
    e1 = obligations["E1-PT-1"]
    action(e1, titre="Réalisée en 2021", echeance=datetime.date(2021, 6, 30), statut=Statut.REALISE, avancement=100)
    action(e1, titre="Abandonnée", echeance=AUJOURD_HUI - 400 * jour, statut=Statut.ABANDONNE, commentaire="Non.")
    action(e1, titre="Sans échéance", echeance=None)
    action(e1, titre="Dans un mois", echeance=AUJOURD_HUI + 30 * jour)
    action(e1, titre="En retard de 3 jours", echeance=AUJOURD_HUI - 3 * jour)
    action(e1, titre="Demain", echeance=AUJOURD_HUI + jour)
    action(e1, titre="En retard d'un an", echeance=AUJOURD_HUI - 365 * jour, statut=Statut.BLOQUE, commentaire="!")
    archivee = action(e1, titre="Archivée", echeance=AUJOURD_HUI - 2 * jour)
    archivee.archiver(auteur=coordination.utilisateur, date_effet=AUJOURD_HUI, commentaire="Doublon")
    attendu = [
        "En retard d'un an",
        "En retard de 3 jours",
        "Demain",
        "Dans un mois",
        "Sans échéance",
        "Réalisée en 2021",
        "Abandonnée",
    ]
    assert titres(lister(connecte)) == attendu
    assert titres(lister(connecte, archivees="on")) == [*attendu, "Archivée"]
    assert titres(lister(connecte, sort="echeance"))[0] == "Réalisée en 2021"  # un tri demandé l'emporte


def test_the_status_sort_follows_the_course_of_an_action(connecte, obligations):
    action(obligations["E1-PT-1"], titre="Réalisée", statut=Statut.REALISE, avancement=100)
    action(obligations["E1-PT-1"], titre="À venir", statut=Statut.A_VENIR)
    action(obligations["E1-PT-1"], titre="En cours", statut=Statut.EN_COURS)
    assert titres(lister(connecte, sort="statut")) == ["À venir", "En cours", "Réalisée"]


def test_the_list_shows_25_actions_a_page_and_counts_them_all(connecte, obligations):
    for i in range(27):
        action(obligations["E1-PT-1"], titre=f"Action {i:02}", echeance=AUJOURD_HUI + datetime.timedelta(days=i))
    premiere = lister(connecte)
    assert len(titres(premiere)) == 25
    assertContains(premiere, "<strong>27</strong> actions")
    assertContains(premiere, "page 1 sur 2")
    seconde = lister(connecte, page=2)
    assert titres(seconde) == ["Action 25", "Action 26"]
    assertContains(seconde, 'aria-current="page"')


def test_pagination_links_keep_the_filters(connecte, obligations):
    for i in range(26):
        action(obligations["E1-PT-1"], titre=f"Action {i:02}")
    assertContains(lister(connecte, statut=Statut.EN_COURS), "statut=en_cours&amp;page=2")


def test_export_links_keep_the_filters_and_drop_the_page(connecte, obligations):
    action(obligations["E1-PT-1"])
    reponse = lister(connecte, statut=Statut.EN_COURS, page=1)
    assertContains(reponse, 'href="?statut=en_cours&amp;export=csv"')
    assertContains(reponse, 'href="?statut=en_cours&amp;export=xlsx"')


# -- colonnes ---------------------------------------------------------------------------------------------------------


def entetes(reponse):
    return [colonne.header for colonne in reponse.context["table"].columns]


def test_each_role_sees_the_columns_that_matter_to_it_and_the_title_fits_two_lines(client, protocole, obligations):
    action(obligations["E1-PT-1"], titre="Un titre " * 20)
    communes = ["Statut", "En retard", "Avancement", "Échéance", "Dernière mise à jour"]
    attendus = {
        ROLES.COORDINATEUR: ["Référence", "Titre", "Pilote", "Référent·e", *communes],
        ROLES.CHARGE_DE_MISSION: ["Référence", "Titre", "Pilote", "Référent·e", *communes],
        ROLES.LECTEUR: ["Référence", "Titre", "Pilote", "Quartiers", *communes],
    }
    for role, colonnes in attendus.items():
        client.force_login(habilitation(protocole, role).utilisateur)
        reponse = lister(client)
        assert entetes(reponse) == colonnes
        assertContains(reponse, 'class="titre-deux-lignes"')


def test_hidden_and_shown_columns_are_remembered_on_the_account(client, protocole, obligations, coordination):
    action(obligations["E1-PT-1"], titre="Chantier")
    client.force_login(coordination.utilisateur)
    suite = reverse("actions") + "?statut=en_cours"
    reponse = client.post(
        reverse("actions_colonnes"), {"colonnes": ["engagement", "echeance", "inconnue"], "suite": suite}
    )
    assert reponse.status_code == 302 and reponse["Location"] == suite
    coordination.utilisateur.refresh_from_db()
    assert coordination.utilisateur.colonnes_actions == ["engagement", "echeance"]
    client.logout()
    client.force_login(coordination.utilisateur)
    assert entetes(lister(client)) == ["Titre", "Engagement", "Statut", "Échéance"]
    client.post(reverse("actions_colonnes"), {"par_defaut": "1", "suite": "https://ailleurs.example/"})
    assert len(entetes(lister(client))) == 9


# -- nombre de requêtes --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("nombre", [5, 50])
def test_the_list_query_count_does_not_grow_with_the_actions(
    client, protocole, coordination, django_assert_num_queries, nombre
):
    peupler(protocole, nombre)
    client.force_login(coordination.utilisateur)
    # Froid (rien en cache pour cette version des données) : les requêtes de la liste, pas une de plus.
    with CaptureQueriesContext(connection) as froid:
        reponse = lister(client, sort="-pilote")
    assert len(hors_cache(froid.captured_queries)) == REQUETES_LISTE
    # Deux morceaux gardés : le formulaire des filtres, puis le reste de la liste.
    assert len(froid.captured_queries) - REQUETES_LISTE == 2 * REQUETES_CACHE_FROID
    assert len(titres(reponse)) == min(nombre, 25)
    # Chaud : filtres et tableau viennent du cache des pages.
    with django_assert_num_queries(REQUETES_LISTE_CHAUDE):
        encore = lister(client, sort="-pilote")
    assert sans_jeton(encore) == sans_jeton(reponse)
    # Une nouvelle au journal : la liste est recalculée, son formulaire lu dans le cache.
    premiere = Action.objects.filter(protocole=protocole).order_by("pk").first()
    premiere.enregistrer(auteur=coordination.utilisateur, date_effet=AUJOURD_HUI, commentaire="Point d'étape.")
    with CaptureQueriesContext(connection) as apres:
        apres_entree = lister(client, sort="-pilote")
    assert len(hors_cache(apres.captured_queries)) == REQUETES_LISTE_APRES_ENTREE
    assert _formulaire(sans_jeton(apres_entree)) == _formulaire(sans_jeton(reponse))


def _formulaire(html):
    debut = html.index('<section class="filtres-actions')
    return html[debut : html.index("</section>", debut)]


def au_lendemain():
    """« Sans mise à jour depuis » ne va pas au-delà d'aujourd'hui : pour que « depuis demain » garde les actions
    que `peupler` vient d'écrire, la page est demandée le lendemain."""
    return time_machine.travel(timezone.now() + datetime.timedelta(days=1))


def filtres_de_la_premiere(protocole, quartiers, organisations, referents):
    """Tous les filtres à la fois, réglés sur la première action de `peupler` (en retard, tout le territoire…) :
    ils gardent des lignes quelle que soit la taille, et les requêtes de préchargement ont lieu. À demander
    `au_lendemain()`."""
    return {
        "q": "Action",
        "engagement": protocole.engagements.get(numero=1).pk,
        "partie": Partie.objects.get(protocole=protocole, code="PT").pk,
        "organisation": organisations[0].pk,
        "referent": referents[0].pk,
        "quartier": quartiers[0].pk,
        "statut": Statut.EN_COURS,
        "verdict": ValeurVerdict.TENU,
        "sans_maj_depuis": (AUJOURD_HUI + datetime.timedelta(days=1)).isoformat(),
        "en_retard": "on",
        "archivees": "on",
        "sort": "statut",
    }


@pytest.mark.parametrize("nombre", [5, 50])
def test_the_filtered_list_query_count_does_not_grow_with_the_actions(
    client, protocole, coordination, django_assert_num_queries, nombre
):
    filtres = filtres_de_la_premiere(protocole, *peupler(protocole, nombre))
    client.force_login(coordination.utilisateur)
    with au_lendemain(), CaptureQueriesContext(connection) as froid:
        reponse = lister(client, **filtres)
    assert len(hors_cache(froid.captured_queries)) == REQUETES_LISTE_FILTREE
    assert not reponse.context["filtre"].form.errors
    assert reponse.context["nombre"] > 0
