"""La page d'une action : lecture, mise à jour en deux temps (htmx ou non), conflit, création, modification."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from engagements.models import Action, Champ, Entree, Statut, Valeur
from tests.factories import AppartenanceFactory, ObligationFactory, OrganisationFactory, QuartierFactory
from tests.factories_suivi import ROLES, ActionFactory, IndicateurFactory, habilitation

pytestmark = pytest.mark.django_db


@pytest.fixture
def pilote():
    return OrganisationFactory(nom="Ville de Voiron")


@pytest.fixture
def action(pilote):
    return ActionFactory(pilote=pilote, titre="Chantier éducatif d'été", statut=Statut.EN_COURS, avancement=20)


@pytest.fixture
def officier(action, pilote):
    return habilitation(action.protocole, ROLES.CHARGE_DE_MISSION, pilote).utilisateur


def mise_a_jour(action, **champs):
    donnees = {
        "statut": action.statut,
        "avancement": action.avancement,
        "echeance": action.echeance.isoformat() if action.echeance else "",
        "commentaire": "",
        "date_effet": timezone.localdate().isoformat(),
        "version": action.version,
    }
    return donnees | champs


def test_the_action_page_shows_details_obligation_in_context_and_journal(client, action, officier):
    client.force_login(officier)
    reponse = client.get(reverse("action", args=[action.pk]))
    assertContains(reponse, "Chantier éducatif d&#x27;été")
    assertContains(reponse, action.obligation.reference)
    assertContains(reponse, action.obligation.texte)
    assertContains(reponse, "Journal")
    assertContains(reponse, "Création")
    assertContains(reponse, 'name="statut"')


def test_an_officer_updates_status_with_a_comment_and_the_journal_records_it(client, action, officier):
    client.force_login(officier)
    reponse = client.post(
        reverse("action", args=[action.pk]),
        mise_a_jour(action, statut=Statut.BLOQUE, avancement=35, commentaire="Le local n'est pas disponible"),
    )
    assertRedirects(reponse, reverse("action", args=[action.pk]), fetch_redirect_response=False)
    action.refresh_from_db()
    assert (action.statut, action.avancement, action.version) == (Statut.BLOQUE, 35, 2)
    statut = Entree.objects.get(action=action, champ=Champ.STATUT, version=2)
    assert (statut.statut_avant, statut.statut_apres, statut.auteur) == ("en_cours", "bloque", officier)
    assert statut.commentaire == "Le local n'est pas disponible"
    page = client.get(reverse("action", args=[action.pk]))
    assertContains(page, "Mise à jour enregistrée au journal.")
    assertContains(page, "« Le local n&#x27;est pas disponible »")


def test_the_update_works_in_place_with_htmx(client, action, officier):
    client.force_login(officier)
    reponse = client.post(
        reverse("action", args=[action.pk]), mise_a_jour(action, avancement=50), headers={"HX-Request": "true"}
    )
    assert reponse.status_code == 200
    assert reponse.templates[0].name == "engagements/_fiche.html"
    assertContains(reponse, "Mise à jour enregistrée au journal.")
    assertContains(reponse, "20 % → 50 %")
    assertNotContains(reponse, "Version 2")  # le numéro de version est interne : le formulaire le porte, caché
    assertContains(reponse, 'name="version" value="2"')
    assertContains(reponse, 'value="50" max="100"')  # l'en-tête et les détails sont remplacés avec le journal
    assertContains(reponse, 'hx-swap-oob="true"')  # l'annonce pour les lecteurs d'écran, hors de la zone remplacée
    assertNotContains(reponse, "<html")


def test_a_refused_update_explains_in_french_keeps_what_was_typed_and_changes_nothing(client, action, officier):
    client.force_login(officier)
    reponse = client.post(
        reverse("action", args=[action.pk]),
        mise_a_jour(action, statut=Statut.ABANDONNE, avancement=150, commentaire=""),
    )
    assert reponse.status_code == 200
    assertContains(reponse, "L&#x27;avancement va de 0 à 100 %.")
    assertContains(reponse, "Un commentaire est obligatoire quand l&#x27;action devient abandonnée.")
    assertContains(reponse, 'value="150"')
    action.refresh_from_db()
    assert (action.statut, action.version) == (Statut.EN_COURS, 1)


def test_realise_requires_one_hundred_percent_and_the_effect_date_cannot_be_in_the_future(client, action, officier):
    client.force_login(officier)
    demain = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    reponse = client.post(
        reverse("action", args=[action.pk]),
        mise_a_jour(action, statut=Statut.REALISE, avancement=90, date_effet=demain),
    )
    assertContains(reponse, "Une action réalisée est avancée à 100 %.")
    assertContains(reponse, "La date d&#x27;effet ne peut pas être dans le futur (")
    assertContains(reponse, "dates possibles du 1 janvier 2015 à aujourd&#x27;hui")
    assert Action.objects.get(pk=action.pk).version == 1


def test_a_stale_update_is_refused_shows_what_changed_and_keeps_the_typing(client, action, officier):
    collegue = habilitation(action.protocole, ROLES.COORDINATEUR, first_name="Nadia", last_name="Roux").utilisateur
    ouverte = mise_a_jour(action)
    action.enregistrer(auteur=collegue, date_effet=timezone.localdate(), avancement=60, commentaire="revue")
    client.force_login(officier)
    reponse = client.post(reverse("action", args=[action.pk]), ouverte | {"avancement": 45, "commentaire": "à moi"})
    assertContains(reponse, "Quelqu'un a modifié cette action")
    assertContains(reponse, "20 % → 60 %, par Nadia Roux")
    assertContains(reponse, 'value="45"')
    assertContains(reponse, "à moi")
    action.refresh_from_db()
    assert action.avancement == 60
    # Relu, le formulaire porte la nouvelle version : le second envoi passe.
    client.post(reverse("action", args=[action.pk]), ouverte | {"avancement": 45, "version": action.version})
    action.refresh_from_db()
    assert action.avancement == 45


def test_a_comment_alone_is_kept_as_a_journal_note(client, action, officier):
    client.force_login(officier)
    client.post(reverse("action", args=[action.pk]), mise_a_jour(action, commentaire="Réunion avec le bailleur"))
    note = Entree.objects.get(action=action, champ=Champ.NOTE)
    assert note.commentaire == "Réunion avec le bailleur"


def test_a_reader_sees_no_update_form_and_cannot_post(client, action):
    lecteur = habilitation(action.protocole, ROLES.LECTEUR).utilisateur
    client.force_login(lecteur)
    assertNotContains(client.get(reverse("action", args=[action.pk])), 'name="statut"')
    assert client.post(reverse("action", args=[action.pk]), mise_a_jour(action, avancement=90)).status_code == 403
    assert Action.objects.get(pk=action.pk).avancement == 20


def test_the_action_page_query_count_does_not_grow_with_the_journal(
    client, action, officier, django_assert_num_queries
):
    client.force_login(officier)
    url = reverse("action", args=[action.pk])
    client.get(url)
    with django_assert_num_queries(10):
        client.get(url)
    quartiers = [QuartierFactory(protocole=action.protocole) for _ in range(3)]
    partenaires = []
    for n in range(10):
        partenaires.append(OrganisationFactory())
        action.enregistrer(
            auteur=officier,
            date_effet=timezone.localdate(),
            avancement=21 + n,
            quartiers=(n % 2 == 0, quartiers[: n % 3 + 1]),
            commentaire=f"étape {n}",
            libres={"titre": f"Titre {n}", "budget": Decimal(n)},
            partenaires=partenaires,
        )
    with django_assert_num_queries(10):
        client.get(url)


# -- création et modification ---------------------------------------------------------------------------------------


@pytest.fixture
def obligation_caf():
    obligation = ObligationFactory(bloc__partie__code="CAF")
    return obligation


def creation(obligation, pilote, **champs):
    quartier = QuartierFactory(protocole=obligation.protocole)
    donnees = {
        "titre": "Ateliers parents-enfants",
        "description": "Ateliers hebdomadaires au centre social.",
        "obligation": obligation.pk,
        "pilote": pilote.pk,
        "quartiers": [quartier.pk],
        "date_debut": "2024-01-01",
        "echeance": "2024-12-31",
        "budget": "1500.50",
        "statut": Statut.A_VENIR,
        "avancement": 0,
        "commentaire": "",
        "date_effet": timezone.localdate().isoformat(),
    }
    return donnees | champs


def test_an_officer_creates_an_action_under_an_obligation_of_their_party(client, obligation_caf):
    caf = OrganisationFactory(nom="CAF de l'Isère")
    AppartenanceFactory(partie=obligation_caf.bloc.partie, organisation=caf)
    officier = habilitation(obligation_caf.protocole, ROLES.CHARGE_DE_MISSION, caf).utilisateur
    client.force_login(officier)
    reponse = client.post(reverse("action_creer"), creation(obligation_caf, caf))
    nouvelle = Action.objects.get(titre="Ateliers parents-enfants")
    assertRedirects(reponse, reverse("action", args=[nouvelle.pk]))
    assert (nouvelle.pilote, nouvelle.protocole, str(nouvelle.budget)) == (caf, obligation_caf.protocole, "1500.50")
    assert Entree.objects.filter(action=nouvelle, champ=Champ.CREATION, auteur=officier).exists()


def test_an_officer_cannot_create_for_another_organisation_nor_outside_their_parties(client, obligation_caf):
    caf = OrganisationFactory()
    officier = habilitation(obligation_caf.protocole, ROLES.CHARGE_DE_MISSION, caf).utilisateur
    client.force_login(officier)
    autre = OrganisationFactory()
    reponse = client.post(reverse("action_creer"), creation(obligation_caf, autre))
    assert reponse.status_code == 200
    assertContains(reponse, "Sélectionnez un choix valide", count=1)  # l'obligation, hors de ses parties
    assertContains(reponse, "Un·e chargé·e de mission ne confie le pilotage qu&#x27;à sa propre organisation.")
    assertContains(reponse, "Ateliers parents-enfants")
    assert not Action.objects.exists()


def test_creation_explains_dates_and_quartiers_in_french(client, obligation_caf):
    coordination = habilitation(obligation_caf.protocole, ROLES.COORDINATEUR).utilisateur
    client.force_login(coordination)
    pilote = OrganisationFactory()
    donnees = creation(obligation_caf, pilote, echeance="2023-01-01", quartiers=[])
    reponse = client.post(reverse("action_creer"), donnees)
    assertContains(reponse, "L&#x27;échéance ne peut pas précéder le début.")
    assertContains(reponse, "Choisissez au moins un quartier, ou « tout le territoire ».")
    assert not Action.objects.exists()


def test_editing_an_action_journals_the_tracked_fields_and_refuses_a_stale_version(client, action, officier):
    client.force_login(officier)
    autre_quartier = QuartierFactory(protocole=action.protocole)
    donnees = {
        "titre": "Chantier éducatif d'été (renommé)",
        "obligation": action.obligation_id,
        "pilote": action.pilote_id,
        "tout_le_territoire": "on",
        "echeance": "2030-06-30",
        "statut": Statut.EN_COURS,
        "avancement": 20,
        "commentaire": "Étendu à tout le territoire",
        "date_effet": timezone.localdate().isoformat(),
        "version": action.version,
    }
    reponse = client.post(reverse("action_modifier", args=[action.pk]), donnees)
    assertRedirects(reponse, reverse("action", args=[action.pk]), fetch_redirect_response=False)
    action.refresh_from_db()
    assert action.titre.endswith("(renommé)") and action.tout_le_territoire
    titre_courant = Action.objects.filter(pk=action.pk).values_list("titre", flat=True).get()
    assert set(Entree.objects.filter(action=action, version=2).values_list("champ", flat=True)) == {
        "echeance",
        "quartiers",
        "titre",
    }
    renommage = Entree.objects.get(action=action, version=2, champ="titre")
    assert (renommage.texte_apres, renommage.auteur) == ("Chantier éducatif d'été (renommé)", officier)
    assert renommage.texte_avant != renommage.texte_apres and titre_courant == renommage.texte_apres
    perime = donnees | {"quartiers": [autre_quartier.pk], "tout_le_territoire": "", "version": 1}
    reponse = client.post(reverse("action_modifier", args=[action.pk]), perime)
    assertContains(reponse, "Quelqu'un a modifié cette action")
    assert Action.objects.get(pk=action.pk).tout_le_territoire


def test_archiving_requires_a_reason_and_keeps_the_action_readable(client, action, officier):
    client.force_login(officier)
    url = reverse("action_archiver", args=[action.pk])
    donnees = {"version": action.version, "date_effet": timezone.localdate().isoformat(), "commentaire": ""}
    client.post(url, donnees)
    assert not Action.objects.get(pk=action.pk).archivee
    assertRedirects(
        client.post(url, donnees | {"commentaire": "Doublon"}), reverse("actions"), fetch_redirect_response=False
    )
    assert Action.objects.get(pk=action.pk).archivee
    assert client.get(reverse("action", args=[action.pk])).status_code == 200


# -- verdicts --------------------------------------------------------------------------------------------------------


def test_the_coordination_gives_a_verdict_with_a_reason_and_it_is_journaled(client, action):
    coordination = habilitation(action.protocole, ROLES.COORDINATEUR).utilisateur
    client.force_login(coordination)
    url = reverse("verdict", args=[action.obligation_id])
    donnees = {"valeur": "partiel", "commentaire": "", "date_effet": timezone.localdate().isoformat()}
    reponse = client.post(url, donnees)
    assert reponse.status_code == 400
    assertContains(reponse, "Le motif du verdict est obligatoire.", status_code=400)
    client.post(url, donnees | {"commentaire": "Deux actions sur trois engagées"})
    page = client.get(reverse("obligation", args=[action.obligation_id]))
    assertContains(page, "partiellement tenu")
    assertContains(page, "Deux actions sur trois engagées")


def test_a_missing_verdict_reads_as_not_evaluated_and_officers_get_no_verdict_form(client, action, officier):
    client.force_login(officier)
    page = client.get(reverse("obligation", args=[action.obligation_id]))
    assertContains(page, "non évalué")
    assertContains(page, "Chantier éducatif d&#x27;été")
    assertNotContains(page, "Donner un verdict")


def test_the_obligation_page_shows_no_execution_to_visitors(client, action):
    page = client.get(reverse("obligation", args=[action.obligation_id]))
    assertNotContains(page, "Chantier éducatif")
    assertNotContains(page, "non évalué")


def test_the_obligation_page_query_count_does_not_grow_with_actions(
    client, action, officier, django_assert_num_queries
):
    client.force_login(officier)
    url = reverse("obligation", args=[action.obligation_id])

    def indicateur():
        mesure = IndicateurFactory(obligation=action.obligation)
        for annee in (2020, 2021, 2022):
            Valeur.enregistrer(mesure, quartier=None, periode=str(annee), valeur=annee - 2000, auteur=officier)

    indicateur()
    client.get(url)
    # 10, et 4 pour les indicateurs (définitions, quartiers, repères, valeurs)
    with django_assert_num_queries(14):
        client.get(url)
    for _ in range(10):
        ActionFactory(obligation=action.obligation, pilote=OrganisationFactory(), tout_le_territoire=True)
        indicateur()
    with django_assert_num_queries(14):
        reponse = client.get(url)
    assert len(reponse.context["indicateurs"]) == 11


def test_action_form_pages_have_a_fixed_query_count(client, action, officier, django_assert_num_queries):
    client.force_login(officier)
    creer, modifier = reverse("action_creer"), reverse("action_modifier", args=[action.pk])
    client.get(creer)
    with django_assert_num_queries(9):
        client.get(creer)
    with django_assert_num_queries(12):
        client.get(modifier)
    for _ in range(10):
        QuartierFactory(protocole=action.protocole)
        ObligationFactory(bloc=action.obligation.bloc)
        OrganisationFactory()
    with django_assert_num_queries(9):
        client.get(creer)
    with django_assert_num_queries(12):
        client.get(modifier)


# -- reporter l'échéance depuis la fiche ------------------------------------------------------------------------------


def test_rescheduling_in_place_journals_the_due_date_and_the_action_is_no_longer_late_at_once(client, pilote):
    passee = timezone.localdate() - datetime.timedelta(days=10)
    action = ActionFactory(pilote=pilote, titre="Chantier en retard", echeance=passee)
    client.force_login(habilitation(action.protocole, ROLES.CHARGE_DE_MISSION, pilote).utilisateur)
    page = client.get(reverse("action", args=[action.pk]))
    assertContains(page, "En retard")
    assertContains(page, f'name="echeance" value="{passee.isoformat()}"')
    nouvelle = timezone.localdate() + datetime.timedelta(days=60)
    reponse = client.post(
        reverse("action", args=[action.pk]),
        mise_a_jour(action, avancement=40, echeance=nouvelle.isoformat(), commentaire="Le bailleur livre en juin"),
        headers={"HX-Request": "true"},
    )
    assertContains(reponse, "Mise à jour enregistrée au journal.")
    assertNotContains(reponse, "En retard")  # la fiche remplacée en place porte déjà le nouveau drapeau
    entree = Entree.objects.get(action=action, champ=Champ.ECHEANCE, version=2)
    assert (entree.echeance_avant, entree.echeance_apres) == (passee, nouvelle)
    assert entree.commentaire == "Le bailleur livre en juin"
    action.refresh_from_db()
    assert (action.echeance, action.avancement) == (nouvelle, 40)
    liste = client.get(reverse("actions"), {"en_retard": "on"})
    assert liste.context["nombre"] == 0


def test_rescheduling_in_place_without_a_comment_is_refused_and_changes_nothing(client, action, officier):
    client.force_login(officier)
    reponse = client.post(reverse("action", args=[action.pk]), mise_a_jour(action, echeance="2031-01-31"))
    assertContains(reponse, "Un commentaire est obligatoire quand l&#x27;échéance change : dites pourquoi.")
    assertContains(reponse, 'value="2031-01-31"')
    assert Action.objects.get(pk=action.pk).version == 1


def test_an_update_sent_without_the_due_date_field_leaves_it_alone(client, action, officier):
    client.force_login(officier)
    donnees = mise_a_jour(action, avancement=30)
    del donnees["echeance"]
    client.post(reverse("action", args=[action.pk]), donnees)
    action.refresh_from_db()
    assert action.avancement == 30 and action.echeance is not None
    assert not Entree.objects.filter(action=action, champ=Champ.ECHEANCE, version=2).exists()
