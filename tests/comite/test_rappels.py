"""Les récapitulatifs par courriel (`manage.py envoyer_rappels`), la page « Mon compte » et la page d'arrivée par
rôle, sur un jeu construit à la main dont on connaît les réponses."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from comite import rappels
from comite.models import Decision, EnvoiRappel, Reunion
from tests.factories import ObligationFactory, OrganisationFactory, ProtocoleFactory
from tests.factories_suivi import ROLES, ActionFactory, habilitation

pytestmark = pytest.mark.django_db

LUNDI = datetime.date(2026, 11, 23)
assert LUNDI.weekday() == 0
MERCREDI = LUNDI + datetime.timedelta(days=2)


def moment(jour):
    return timezone.make_aware(datetime.datetime.combine(jour, datetime.time(10)))


@pytest.fixture(autouse=True)
def reglages(settings):
    settings.SITE_URL = "https://suivi.exemple.fr"
    settings.RAPPELS_JOUR = 0
    settings.RAPPELS_AVANT_COMITE = 14
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def jeu():
    """La CAF (deux chargées de mission) et la Ville (une référente) ; quatre actions et quatre décisions."""
    protocole = ProtocoleFactory(territoire="Pays Voironnais", annee_debut=2015, annee_fin=2030)
    caf, ville = OrganisationFactory(nom="CAF de l'Isère", sigle="CAF"), OrganisationFactory(nom="Ville de Voiron")
    elodie = habilitation(protocole, ROLES.CHARGE_DE_MISSION, caf, first_name="Élodie", last_name="Garnier")
    karim = habilitation(protocole, ROLES.CHARGE_DE_MISSION, caf, first_name="Karim", last_name="Haddad")
    julie = habilitation(protocole, ROLES.CHARGE_DE_MISSION, ville, first_name="Julie", last_name="Fabre")
    coordination = habilitation(protocole, ROLES.COORDINATEUR, ville, first_name="Marc", last_name="Chevalier")
    lecteur = habilitation(protocole, ROLES.LECTEUR, OrganisationFactory(), first_name="Isabelle", last_name="R")
    obligation = ObligationFactory(bloc__engagement__protocole=protocole, protocole=protocole)
    auteur = coordination.utilisateur
    communs = {"obligation": obligation, "auteur": auteur}
    il_y_a_un_mois = LUNDI - datetime.timedelta(days=30)
    actions = {
        "retard_julie": ActionFactory(
            titre="Forum de l'emploi", pilote=ville, referent=julie.utilisateur,
            echeance=LUNDI - datetime.timedelta(days=5),
            date_effet=il_y_a_un_mois, maintenant=moment(il_y_a_un_mois), **communs,
        ),
        "retard_caf": ActionFactory(
            titre="Accueils de loisirs", pilote=caf, referent=None, echeance=LUNDI - datetime.timedelta(days=1),
            date_effet=il_y_a_un_mois, maintenant=moment(il_y_a_un_mois), **communs,
        ),
        "silence_julie": ActionFactory(
            titre="Jardins partagés", pilote=ville, referent=julie.utilisateur,
            echeance=LUNDI + datetime.timedelta(days=200),
            date_effet=LUNDI - datetime.timedelta(days=120), maintenant=moment(LUNDI - datetime.timedelta(days=120)),
            **communs,
        ),
        "a_jour": ActionFactory(
            titre="Médiathèque hors les murs", pilote=caf, referent=elodie.utilisateur,
            echeance=LUNDI + datetime.timedelta(days=60), date_effet=il_y_a_un_mois, maintenant=moment(il_y_a_un_mois),
            **communs,
        ),
    }  # fmt: skip
    reunion = Reunion.objects.create(protocole=protocole, date=LUNDI - datetime.timedelta(days=60), titre="Comité")
    decisions = {
        "julie": Decision.objects.create(
            reunion=reunion, texte="Réunir les bailleurs", responsable_personne=julie.utilisateur,
            echeance=LUNDI + datetime.timedelta(days=10),
        ),
        "caf_depassee": Decision.objects.create(
            reunion=reunion, texte="Chiffrer les accueils", responsable=caf, echeance=LUNDI - datetime.timedelta(days=3)
        ),
        "lointaine": Decision.objects.create(
            reunion=reunion, texte="Bilan annuel", responsable=caf, echeance=LUNDI + datetime.timedelta(days=60)
        ),
        "faite": Decision.objects.create(
            reunion=reunion, texte="Envoyer le compte rendu", responsable=ville, suivi=Decision.Suivi.FAITE,
            echeance=LUNDI - datetime.timedelta(days=20),
        ),
    }  # fmt: skip
    personnes = {"elodie": elodie, "karim": karim, "julie": julie, "coordination": coordination, "lecteur": lecteur}
    return protocole, personnes, actions, decisions


def courriels_par_personne():
    return {message.to[0]: message for message in mail.outbox}


def test_the_weekly_digest_gives_each_person_their_late_and_silent_actions_and_decisions(jeu):
    protocole, personnes, _actions, _decisions = jeu
    envois = rappels.envoyer(protocole, LUNDI)

    par_personne = courriels_par_personne()
    julie, elodie, karim = (personnes[n].utilisateur for n in ("julie", "elodie", "karim"))
    coordination = personnes["coordination"].utilisateur
    # La coordination est de la Ville, responsable d'une seule décision, faite : rien à lui dire.
    assert set(par_personne) == {
        julie.email,
        elodie.email,
        karim.email,
    }, "un courriel par personne concernée"
    assert len(envois) == 3 and coordination.email not in par_personne
    texte_julie = par_personne[julie.email].body
    assert "Forum de l'emploi" in texte_julie and "Jardins partagés" in texte_julie
    assert "Réunir les bailleurs" in texte_julie
    assert "Accueils de loisirs" not in texte_julie and "Chiffrer" not in texte_julie
    for adresse in (elodie.email, karim.email):
        texte = par_personne[adresse].body
        assert "Accueils de loisirs" in texte, "sans référent : les chargées de mission de l'organisation pilote"
        assert "Chiffrer les accueils" in texte and "(dépassée)" in texte
        assert "Médiathèque" not in texte and "Bilan annuel" not in texte and "Envoyer le compte rendu" not in texte
    assert "https://suivi.exemple.fr/actions/" in texte_julie and "https://suivi.exemple.fr/compte/" in texte_julie
    html, type_mime = par_personne[julie.email].alternatives[0]
    assert type_mime == "text/html" and 'href="https://suivi.exemple.fr/actions/' in html
    assert (
        "en tant que chargé·e de mission pour Ville de Voiron" in texte_julie and "Bonjour Julie Fabre" in texte_julie
    )


def test_a_second_run_the_same_day_sends_nothing_and_what_was_sent_is_recorded(jeu):
    protocole, personnes, _actions, _decisions = jeu
    call_command("envoyer_rappels", jour=LUNDI.isoformat(), stdout=io.StringIO())
    sortie = io.StringIO()
    call_command("envoyer_rappels", jour=LUNDI.isoformat(), stdout=sortie)

    assert len(mail.outbox) == 3
    assert "0 récapitulatif(s) envoyé(s)." in sortie.getvalue()
    trace = EnvoiRappel.objects.get(destinataire=personnes["julie"].utilisateur)
    assert (trace.jour, trace.sorte, trace.adresse) == (LUNDI, EnvoiRappel.Sorte.HEBDOMADAIRE, trace.destinataire.email)


def test_nothing_goes_on_another_weekday_nor_to_who_turned_the_weekly_digest_off(jeu):
    protocole, personnes, _actions, _decisions = jeu
    assert rappels.envoyer(protocole, MERCREDI) == []

    personnes["elodie"].utilisateur.rappel_hebdomadaire = False
    personnes["elodie"].utilisateur.save()
    rappels.envoyer(protocole, LUNDI)
    assert personnes["elodie"].utilisateur.email not in courriels_par_personne()


def test_the_pre_committee_digest_goes_on_its_day_whatever_the_weekday(jeu):
    protocole, personnes, _actions, _decisions = jeu
    Reunion.objects.create(protocole=protocole, date=MERCREDI + datetime.timedelta(days=14), titre="Comité d'hiver")
    personnes["elodie"].utilisateur.rappel_hebdomadaire = False  # l'hebdomadaire seul est le sien à arrêter
    personnes["elodie"].utilisateur.save()
    personnes["karim"].rappel_avant_comite = False  # arrêté par la coordination
    personnes["karim"].save()

    rappels.envoyer(protocole, MERCREDI)

    par_personne = courriels_par_personne()
    assert set(par_personne) == {personnes["julie"].utilisateur.email, personnes["elodie"].utilisateur.email}
    sujet = par_personne[personnes["elodie"].utilisateur.email].subject
    assert sujet.startswith(f"Le comité de pilotage se réunit le {MERCREDI + datetime.timedelta(days=14):%d/%m/%Y}")
    assert "Le comité de pilotage se réunit le" in par_personne[personnes["elodie"].utilisateur.email].body


def test_the_account_page_shows_who_you_are_and_lets_you_stop_the_weekly_digest(client, jeu):
    _protocole, personnes, _actions, _decisions = jeu
    assert client.get(reverse("compte")).status_code == 302
    julie = personnes["julie"].utilisateur
    client.force_login(julie)

    page = client.get(reverse("compte"))
    assertContains(page, "Julie Fabre")
    assertContains(page, "Ville de Voiron")
    assertContains(page, "Chargé·e de mission")
    assertContains(page, reverse("password_change"))
    assertContains(page, "Seule la coordination peut l'arrêter")
    client.post(reverse("compte"), {})
    julie.refresh_from_db()
    assert julie.rappel_hebdomadaire is False
    entete = client.get(reverse("mes_actions"))
    assertContains(entete, f'href="{reverse("compte")}"')
    assertContains(entete, "Julie Fabre — Ville de Voiron, chargé·e de mission")


def test_only_the_coordination_stops_someones_pre_committee_digest(client, jeu):
    _protocole, personnes, _actions, _decisions = jeu
    client.force_login(personnes["julie"].utilisateur)
    assert client.get(reverse("rappels_comptes")).status_code == 403
    assert client.post(reverse("rappels_comptes"), {"recoit": []}).status_code == 403

    client.force_login(personnes["coordination"].utilisateur)
    gardes = [personnes[n].pk for n in ("elodie", "julie", "coordination", "lecteur")]
    client.post(reverse("rappels_comptes"), {"recoit": [str(pk) for pk in gardes] + ["x", "999999999999"]})
    personnes["karim"].refresh_from_db()
    personnes["julie"].refresh_from_db()
    assert personnes["karim"].rappel_avant_comite is False and personnes["julie"].rappel_avant_comite is True


def test_the_account_page_links_to_the_pre_committee_digests_for_the_coordination_only(client, jeu):
    """Le gabarit lit le drapeau `peut_gerer_rappels` de la vue (signataires/acces.py), jamais le rôle."""
    _protocole, personnes, _actions, _decisions = jeu
    lien = f'href="{reverse("rappels_comptes")}"'
    client.force_login(personnes["julie"].utilisateur)
    assertNotContains(client.get(reverse("compte")), lien)
    client.force_login(personnes["coordination"].utilisateur)
    assertContains(client.get(reverse("compte")), lien)


@pytest.mark.parametrize(("role", "page"), [("lecteur", "vue_ensemble"), ("julie", "mes_actions")])
def test_after_login_a_reader_lands_on_the_dashboard_the_others_on_my_actions(client, jeu, role, page):
    _protocole, personnes, _actions, _decisions = jeu
    utilisateur = personnes[role].utilisateur
    utilisateur.set_password("Un-mot-de-passe-de-test-2024")
    utilisateur.save()
    reponse = client.post(
        reverse("connexion"), {"username": utilisateur.username, "password": "Un-mot-de-passe-de-test-2024"}
    )
    assert reponse.status_code == 302 and reponse["Location"] == reverse(page)


def test_my_actions_says_how_many_are_late_or_silent(client, jeu):
    _protocole, personnes, _actions, _decisions = jeu
    client.force_login(personnes["julie"].utilisateur)
    reponse = client.get(reverse("mes_actions"))
    assertContains(reponse, "<strong>1</strong> de vos actions est en retard et <strong>1</strong> sans nouvelles")
