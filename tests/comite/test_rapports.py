"""Le rapport PDF relu avec pypdf : ce qu'il dit d'un jeu construit ici, son coût, son cache et son téléchargement."""

import datetime
import io
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader
from pytest_django.asserts import assertContains, assertRedirects

from comite import rapports
from comite.models import Decision, Reunion
from comite.rapports import cache, contenu, rendu
from engagements.models import Obligation, Statut, Valeur, ValeurVerdict, Verdict
from engagements.tableaux import Perimetre, grille
from tests.factories import (
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
)
from tests.factories_suivi import ROLES, ActionFactory, IndicateurFactory, RepereFactory, habilitation

pytestmark = pytest.mark.django_db

AUJOURDHUI = timezone.localdate()
JOUR = datetime.timedelta(days=1)
PASSE = datetime.date(2024, 7, 1)


def moment(date):
    return timezone.make_aware(datetime.datetime.combine(date, datetime.time(10)))


def lire(pdf):
    """(texte de toutes les pages, espaces resserrés ; lecteur pypdf)."""
    lecteur = PdfReader(io.BytesIO(pdf))
    texte = " ".join(page.extract_text() for page in lecteur.pages)
    return " ".join(texte.split()), lecteur


@pytest.fixture(autouse=True)
def cache_isole(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def jeu():
    """Un protocole, deux engagements, trois obligations, trois actions dont l'histoire est écrite ici :
    « Forum de l'emploi » à venir en janvier 2024, en cours à 40 % en juin 2024, réalisé il y a dix jours ;
    « Atelier numérique » bloqué il y a vingt jours (échéance dépassée) ; « Chantier jeunes » en cours."""
    protocole = ProtocoleFactory(slug="pays-voironnais", territoire="Pays Voironnais", titre="Protocole Renforcé")
    pt = PartieFactory(protocole=protocole, code="PT", nom="Les partenaires territoriaux")
    caf = PartieFactory(protocole=protocole, code="CAF", nom="La CAF")
    e1 = EngagementFactory(protocole=protocole, numero=1, titre="Mobiliser l'emploi")
    e2 = EngagementFactory(protocole=protocole, numero=2, titre="Réussite éducative")
    o_pt = ObligationFactory(bloc=BlocFactory(engagement=e1, partie=pt), rang=1, texte="Développer l'apprentissage.")
    o_caf = ObligationFactory(bloc=BlocFactory(engagement=e1, partie=caf), rang=1, texte="Accueillir les familles.")
    o_e2 = ObligationFactory(bloc=BlocFactory(engagement=e2, partie=pt), rang=1, texte="Ouvrir les écoles.")
    quartier = QuartierFactory(protocole=protocole, slug="brunetiere", nom="Brunetière")
    auteur = UtilisateurFactory(first_name="Marc", last_name="Chevalier")
    referente = habilitation(protocole, ROLES.CHARGE_DE_MISSION, first_name="Julie", last_name="Fabre").utilisateur
    ville = OrganisationFactory(slug="ville-voiron", nom="Ville de Voiron")
    forum = ActionFactory(
        obligation=o_pt,
        titre="Forum de l'emploi",
        statut=Statut.A_VENIR,
        avancement=0,
        pilote=ville,
        referent=referente,
        quartiers=[quartier],
        echeance=AUJOURDHUI + 100 * JOUR,
        auteur=auteur,
        date_effet=datetime.date(2024, 1, 10),
        maintenant=moment(datetime.date(2024, 1, 10)),
    )
    forum.enregistrer(
        auteur=auteur,
        date_effet=datetime.date(2024, 6, 1),
        statut=Statut.EN_COURS,
        avancement=40,
        commentaire="Lancement en juin",
        maintenant=moment(datetime.date(2024, 6, 1)),
    )
    forum.enregistrer(
        auteur=auteur,
        date_effet=AUJOURDHUI - 10 * JOUR,
        statut=Statut.REALISE,
        avancement=100,
        commentaire="Bilan transmis aux financeurs",
    )
    atelier = ActionFactory(
        obligation=o_caf,
        titre="Atelier numérique",
        statut=Statut.EN_COURS,
        avancement=20,
        pilote=ville,
        quartiers=[quartier],
        echeance=AUJOURDHUI - 5 * JOUR,
        auteur=auteur,
        date_effet=datetime.date(2025, 1, 6),
        maintenant=moment(datetime.date(2025, 1, 6)),
    )
    atelier.enregistrer(
        auteur=auteur, date_effet=AUJOURDHUI - 20 * JOUR, statut=Statut.BLOQUE, commentaire="Local fermé pour travaux"
    )
    ActionFactory(
        obligation=o_e2,
        titre="Chantier jeunes",
        statut=Statut.EN_COURS,
        avancement=60,
        tout_le_territoire=True,
        echeance=AUJOURDHUI + 200 * JOUR,
        auteur=auteur,
        date_effet=datetime.date(2025, 3, 1),
        maintenant=moment(datetime.date(2025, 3, 1)),
    )
    Verdict.donner(o_pt, auteur=auteur, valeur=ValeurVerdict.TENU, date_effet=AUJOURDHUI - 3 * JOUR, motif="Revue")
    reunion = Reunion.objects.create(protocole=protocole, date=AUJOURDHUI - 30 * JOUR, titre="Comité de printemps")
    decision = Decision.objects.create(
        reunion=reunion, texte="Relancer les bailleurs", suivi=Decision.Suivi.EN_COURS, commentaire_suivi="Courrier"
    )
    decision.obligations.add(o_caf)
    RepresentationFactory(
        signature=SignatureFactory(protocole=protocole, titre="Le Préfet de l'Isère", signataire__nom="BEFFRE Lionel"),
        organisation=OrganisationFactory(nom="Préfecture de l'Isère"),
    )
    return {"protocole": protocole, "quartier": quartier, "ville": ville, "reunion": reunion, "forum": forum}


def test_the_report_prints_the_cover_the_scope_and_numbered_pages(jeu):
    pdf = rapports.produire(Perimetre(jeu["protocole"]), AUJOURDHUI, AUJOURDHUI - 30 * JOUR)
    texte, lecteur = lire(pdf)
    assert pdf.startswith(b"%PDF-")
    assert "Protocole Renforcé" in texte and "Rapport au comité de pilotage" in texte
    assert "Pays Voironnais" in texte and "Tout le territoire" in texte
    assert f"État au {AUJOURDHUI:%-d}" in texte and "Généré le" in texte
    pages = len(lecteur.pages)
    assert pages > 3
    assert f"page 1 / {pages}" in texte and f"page {pages} / {pages}" in texte
    assert lecteur.pages[1].extract_text().count("Protocole Renforcé — Pays Voironnais — Tout le territoire") == 1


def test_the_report_lists_engagements_obligations_statuses_and_counts_from_the_data(jeu):
    texte, lecteur = lire(rapports.produire(Perimetre(jeu["protocole"]), AUJOURDHUI, AUJOURDHUI - 30 * JOUR))
    assert "Engagement renforcé N°1 — Mobiliser l'emploi" in texte
    assert "Engagement renforcé N°2 — Réussite éducative" in texte
    for reference in ("E1-PT-1", "E1-CAF-1", "E2-PT-1"):
        assert reference in texte
    assert "E1-PT-1 Développer l'apprentissage." in texte and "Verdict : tenu" in texte
    # Les chiffres de la synthèse, dans l'ordre des statuts : à venir, en cours, réalisé, bloqué, en pause, abandonné,
    # puis le total, les actions en retard et l'avancement moyen (100, 20 et 60 → 60 %).
    assert "Avancement moyen 0 1 1 1 0 0 3 1 60 %" in texte
    assert "Forum de l'emploi réalisé 100 %" in texte
    assert "Bilan transmis aux financeurs" in texte and "Julie Fabre" in texte and "Ville de Voiron" in texte
    assert "En retard au" in texte and "Atelier numérique" in texte and "5 j de retard" in texte
    assert "Motif du blocage" in texte and "Local fermé pour travaux" in texte
    assert "Relancer les bailleurs" in texte and "En cours Courrier" in texte
    assert "BEFFRE Lionel" in texte and "Préfecture de l'Isère" in texte
    signets = [signet.title for signet in lecteur.outline if not isinstance(signet, list)]
    assert "Engagement renforcé N°1 — Mobiliser l'emploi" in signets
    assert "Engagement renforcé N°2 — Réussite éducative" in signets
    assert signets[:2] == ["Note au comité de pilotage", "Annexe — le détail"] and "Les signataires" in signets


def test_the_changes_since_the_chosen_date_are_listed(jeu):
    texte, _ = lire(rapports.produire(Perimetre(jeu["protocole"]), AUJOURDHUI, AUJOURDHUI - 30 * JOUR))
    depuis = AUJOURDHUI - 30 * JOUR
    assert f"Changements depuis le {depuis.day}" in texte
    assert "2 changements de statut, dont 1 action réalisée ; 0 nouvelle action ; 1 verdict rendu" in texte, texte[
        texte.rfind("Changements depuis") : texte.rfind("Changements depuis") + 600
    ]
    # Une ligne par action : statut et avancement d'avant la période puis à la fin, dernier commentaire.
    quand = (AUJOURDHUI - 10 * JOUR).strftime("%d/%m/%Y")
    assert f"Forum de l'emploi en cours → réalisé 40 % → 100 % {quand} Bilan transmis aux financeurs" in texte
    assert "à venir → en cours" not in texte, "le passage en cours de juin 2024 est avant la date choisie"


def test_a_report_at_a_past_date_shows_that_dates_states(jeu):
    texte, _ = lire(rapports.produire(Perimetre(jeu["protocole"]), PASSE, datetime.date(2024, 1, 1)))
    assert "Forum de l'emploi en cours 40 %" in texte
    assert "Forum de l'emploi réalisé" not in texte
    assert "Lancement en juin" in texte and "Bilan transmis" not in texte
    assert "Atelier numérique" not in texte and "Chantier jeunes" not in texte, "créées après le 1er juillet 2024"
    assert "Verdict : non évalué" in texte and "Verdict : tenu" not in texte
    assert "Avancement moyen 0 1 0 0 0 0 1 0 40 %" in texte


def test_a_quartier_report_keeps_its_actions_and_says_so_on_the_cover(jeu):
    perimetre = Perimetre(jeu["protocole"], quartier=jeu["quartier"])
    texte, _ = lire(rapports.produire(perimetre, AUJOURDHUI, AUJOURDHUI - 30 * JOUR))
    assert "Quartier Brunetière" in texte
    assert "Forum de l'emploi" in texte and "Atelier numérique" in texte
    assert "Chantier jeunes" in texte, "une action « tout le territoire » est dans chaque quartier"
    assert rapports.nom_de_fichier(perimetre, datetime.date(2026, 11, 25)) == (
        "rapport-copil-pays-voironnais-quartier-brunetiere-2026-11-25.pdf"
    )


def test_file_names_name_the_protocol_the_scope_and_the_date(jeu):
    protocole, au = jeu["protocole"], datetime.date(2026, 11, 25)
    assert rapports.nom_de_fichier(Perimetre(protocole), au) == "rapport-copil-pays-voironnais-2026-11-25.pdf"
    assert rapports.nom_de_fichier(Perimetre(protocole, engagement=2), au).endswith("-engagement-2-2026-11-25.pdf")
    organisation = Perimetre(protocole, organisation=jeu["ville"])
    assert rapports.nom_de_fichier(organisation, au).endswith("-organisation-ville-voiron-2026-11-25.pdf")


def test_the_late_actions_of_the_report_are_those_the_grid_counts(jeu):
    for au in (AUJOURDHUI, PASSE):
        perimetre = Perimetre(jeu["protocole"])
        resultat = contenu.construire(perimetre, au, au - 30 * JOUR)
        assert len(resultat["en_retard"]) == grille(perimetre, au).total.en_retard
        assert resultat["nb_actions"] == grille(perimetre, au).total.total


# -- le coût : un nombre fixe de requêtes --------------------------------------------------------------------------

# grille 4, verdicts 1, quartiers 3 (la liste, « tout le territoire », les autres par quartier), actions 1,
# obligations 1, pilotes et référents 2, évolutions 3 (chiffres, entrées, quartiers des entrées), décisions 3 (avec
# obligations et actions), signatures 1.
REQUETES_CONTENU = 27  # dont 4 pour les indicateurs (définitions, quartiers, repères, valeurs)


def peupler(taille):
    protocole = ProtocoleFactory()
    parties = [PartieFactory(protocole=protocole, code=code) for code in ("PT", "ETAT")]
    quartiers = [QuartierFactory(protocole=protocole) for _ in range(2)]
    auteur = habilitation(protocole, ROLES.COORDINATEUR).utilisateur  # il est aussi référent
    reunion = Reunion.objects.create(protocole=protocole, date=AUJOURDHUI - 60 * JOUR, titre="Comité")
    for numero in (1, 2):
        engagement = EngagementFactory(protocole=protocole, numero=numero)
        for partie in parties:
            obligation = ObligationFactory(bloc=BlocFactory(engagement=engagement, partie=partie))
            Verdict.donner(
                obligation, auteur=auteur, valeur=ValeurVerdict.PARTIEL, date_effet=AUJOURDHUI - 9 * JOUR, motif="Revue"
            )
            for rang in range(taille):
                action = ActionFactory(
                    obligation=obligation,
                    quartiers=quartiers[: rang % 2 + 1],
                    referent=auteur,
                    auteur=auteur,
                    date_effet=AUJOURDHUI - 400 * JOUR,
                    maintenant=moment(AUJOURDHUI - 400 * JOUR),
                )
                action.enregistrer(
                    auteur=auteur, date_effet=AUJOURDHUI - 20 * JOUR, statut=Statut.BLOQUE, commentaire="Attente"
                )
            decision = Decision.objects.create(reunion=reunion, texte="Décider")
            decision.obligations.add(obligation)
            decision.actions.add(action)
    SignatureFactory.create_batch(taille, protocole=protocole)
    obligations = list(Obligation.objects.filter(protocole=protocole))
    for rang in range(2 * taille):
        indicateur = IndicateurFactory(obligation=obligations[rang % len(obligations)])
        RepereFactory(indicateur=indicateur, base_valeur=1, base_date=datetime.date(2016, 1, 1))
        for annee in range(2019, AUJOURDHUI.year):
            Valeur.enregistrer(
                indicateur,
                quartier=quartiers[0],
                periode=str(annee),
                valeur=annee - 2000,
                auteur=auteur,
                maintenant=moment(AUJOURDHUI - 100 * JOUR),
            )
    return protocole


@pytest.mark.parametrize("au", [AUJOURDHUI, AUJOURDHUI - 10 * JOUR], ids=["aujourdhui", "passe"])
@pytest.mark.parametrize("taille", [1, 10], ids=["petit", "dix-fois-plus"])
def test_the_report_content_is_built_in_a_fixed_number_of_queries(django_assert_num_queries, au, taille):
    perimetre = Perimetre(peupler(taille))
    with django_assert_num_queries(REQUETES_CONTENU):
        resultat = contenu.construire(perimetre, au, au - 90 * JOUR)
    assert resultat["nb_actions"] == 4 * taille and resultat["requetes"] == REQUETES_CONTENU
    assert len(resultat["bloquees"]) == 4 * taille
    assert len(resultat["indicateurs"]) == 2 * 2 * taille


# -- le cache et le processus fils ---------------------------------------------------------------------------------


def test_a_second_download_of_the_same_data_renders_nothing(jeu):
    perimetre, depuis = Perimetre(jeu["protocole"]), AUJOURDHUI - 30 * JOUR
    premier = rapports.produire(perimetre, AUJOURDHUI, depuis)
    with mock.patch.object(rendu, "rendre_pdf") as rendre:
        assert rapports.produire(perimetre, AUJOURDHUI, depuis) == premier
    rendre.assert_not_called()
    assert cache.lire(cache.cle(perimetre, AUJOURDHUI, depuis)) == premier, "rangé dans le cache partagé"


def test_a_new_journal_entry_or_a_decision_change_renders_again(jeu):
    perimetre, depuis = Perimetre(jeu["protocole"]), AUJOURDHUI - 30 * JOUR
    rapports.produire(perimetre, AUJOURDHUI, depuis)
    jeu["forum"].enregistrer(auteur=UtilisateurFactory(), date_effet=AUJOURDHUI, commentaire="Point d'étape")
    with mock.patch.object(rendu, "rendre_pdf", return_value=b"%PDF-neuf") as rendre:
        assert rapports.produire(perimetre, AUJOURDHUI, depuis) == b"%PDF-neuf"
        decision = Decision.objects.get()
        decision.suivi = Decision.Suivi.FAITE
        decision.save()
        rapports.produire(perimetre, AUJOURDHUI, depuis)
        rapports.produire(perimetre, AUJOURDHUI, depuis, reunion=jeu["reunion"])
    assert rendre.call_count == 3


def test_renaming_an_action_or_a_quartier_gives_a_report_with_the_new_name(jeu):
    """Une correction (titre de l'action, nom d'un quartier dans l'admin) monte la version des données : le rapport
    téléchargé ensuite la montre, le fichier gardé en cache ne sert plus."""
    perimetre, depuis = Perimetre(jeu["protocole"]), AUJOURDHUI - 30 * JOUR
    avant, _ = lire(rapports.produire(perimetre, AUJOURDHUI, depuis))
    assert "Forum de l'emploi" in avant and "Brunetière" in avant
    jeu["forum"].enregistrer(auteur=UtilisateurFactory(), date_effet=AUJOURDHUI, libres={"titre": "Forum des métiers"})
    apres, _ = lire(rapports.produire(perimetre, AUJOURDHUI, depuis))
    assert "Forum des métiers" in apres and "Forum de l'emploi" not in apres
    quartier = jeu["quartier"]
    quartier.nom = "Quartier de la Brunetière"
    quartier.save()
    apres, _ = lire(rapports.produire(perimetre, AUJOURDHUI, depuis))
    assert "Quartier de la Brunetière" in apres


def test_the_scope_and_dates_are_part_of_the_cache_key(jeu):
    protocole, depuis = jeu["protocole"], AUJOURDHUI - 30 * JOUR
    cles = {
        cache.cle(Perimetre(protocole), AUJOURDHUI, depuis),
        cache.cle(Perimetre(protocole, quartier=jeu["quartier"]), AUJOURDHUI, depuis),
        cache.cle(Perimetre(protocole, organisation=jeu["ville"]), AUJOURDHUI, depuis),
        cache.cle(Perimetre(protocole, engagement=1), AUJOURDHUI, depuis),
        cache.cle(Perimetre(protocole), AUJOURDHUI - JOUR, depuis),
        cache.cle(Perimetre(protocole), AUJOURDHUI, depuis - JOUR),
        cache.cle(Perimetre(protocole), AUJOURDHUI, depuis, reunion=jeu["reunion"]),
    }
    assert len(cles) == 7


def test_small_reports_render_in_process_and_large_ones_in_a_child_process(jeu, settings):
    perimetre, depuis = Perimetre(jeu["protocole"]), AUJOURDHUI - 30 * JOUR
    with mock.patch.object(rendu, "rendre_pdf_dans_un_fils", wraps=rendu.rendre_pdf_dans_un_fils) as fils:
        rapports.produire(perimetre, AUJOURDHUI, depuis)
        fils.assert_not_called()
        settings.RAPPORTS_SEUIL_PROCESSUS = 2  # le jeu a trois actions
        pdf = rapports.produire(perimetre, AUJOURDHUI, depuis - JOUR)
        fils.assert_called_once()
    texte, lecteur = lire(pdf)
    assert "Forum de l'emploi réalisé 100 %" in texte
    assert f"page 1 / {len(lecteur.pages)}" in texte


# -- les téléchargements -------------------------------------------------------------------------------------------


@pytest.fixture
def lecteur(client, jeu):
    client.force_login(habilitation(jeu["protocole"], ROLES.LECTEUR).utilisateur)
    return client


def test_a_member_downloads_the_report_of_a_quartier_as_an_attachment(lecteur, jeu):
    au = AUJOURDHUI - JOUR
    reponse = lecteur.get(reverse("rapport"), {"perimetre": "quartier", "valeur": "brunetiere", "au": au.isoformat()})
    assert reponse.status_code == 200
    assert reponse["Content-Type"] == "application/pdf"
    nom = f"rapport-copil-pays-voironnais-quartier-brunetiere-{au.isoformat()}.pdf"
    assert reponse["Content-Disposition"] == f'attachment; filename="{nom}"'
    texte, _ = lire(reponse.content)
    assert "Quartier Brunetière" in texte


def test_the_download_without_parameters_is_the_whole_protocol_today(lecteur, jeu):
    reponse = lecteur.get(reverse("rapport"))
    assert reponse.status_code == 200
    assert f"rapport-copil-pays-voironnais-{AUJOURDHUI.isoformat()}.pdf" in reponse["Content-Disposition"]


@pytest.mark.parametrize(
    "parametres",
    [
        {"perimetre": "quartier", "valeur": "ailleurs"},
        {"perimetre": "organisation", "valeur": "organisation-sans-lien"},
        {"perimetre": "engagement", "valeur": "9"},
    ],
)
def test_a_scope_outside_the_current_protocol_answers_404(lecteur, jeu, parametres):
    autre = ProtocoleFactory()
    QuartierFactory(protocole=autre, slug="ailleurs")
    OrganisationFactory(slug="organisation-sans-lien")
    EngagementFactory(protocole=autre, numero=9)
    assert lecteur.get(reverse("rapport"), parametres).status_code == 404


def test_a_user_of_another_protocol_cannot_download_a_quartier_of_this_one(client, jeu):
    autre = ProtocoleFactory()
    client.force_login(habilitation(autre, ROLES.COORDINATEUR).utilisateur)
    reponse = client.get(reverse("rapport"), {"perimetre": "quartier", "valeur": "brunetiere"})
    assert reponse.status_code == 404


@pytest.mark.parametrize(
    ("parametres", "message"),
    [
        ({"au": "25/11/2026"}, "« État au » n&#x27;est pas une date reconnue (« 25/11/2026 ») : attendu AAAA-MM-JJ"),
        ({"au": (AUJOURDHUI + JOUR).isoformat()}, "ne peut pas être dans le futur"),
        ({"au": "2024-01-01", "depuis": "2024-02-01"}, "doit précéder"),
        ({"perimetre": "quartier"}, "Choisissez un quartier."),
        ({"perimetre": "commune", "valeur": "voiron"}, "Périmètre inconnu"),
        ({"perimetre": "engagement", "valeur": "un"}, "doit être un nombre"),
    ],
)
def test_invalid_parameters_bring_back_the_form_with_a_french_message(lecteur, jeu, parametres, message):
    reponse = lecteur.get(reverse("rapport"), parametres, follow=True)
    assertRedirects(reponse, reverse("rapports"))
    assertContains(reponse, message)


def test_anonymous_users_are_sent_to_the_login_page(client, jeu):
    reponse = client.get(reverse("rapport"), {"perimetre": "quartier", "valeur": "brunetiere"})
    assert reponse.status_code == 302 and reponse.url.startswith(reverse("connexion"))


def test_the_reports_page_offers_the_scopes_of_the_current_protocol_and_the_meetings(lecteur, jeu):
    ProtocoleFactory(territoire="Ailleurs")
    QuartierFactory(nom="Quartier d'ailleurs")
    reponse = lecteur.get(reverse("rapports"))
    assertContains(reponse, "Brunetière")
    assertContains(reponse, "Ville de Voiron")
    assertContains(reponse, "N°2 — Réussite éducative")
    assert "Quartier d&#x27;ailleurs" not in reponse.content.decode()
    assertContains(reponse, f'value="{(AUJOURDHUI - 30 * JOUR).isoformat()}"', msg_prefix="depuis : le comité")
    assertContains(reponse, f'href="{reverse("reunion", args=[jeu["reunion"].pk])}"')


def test_the_reports_form_leads_to_the_download_with_canonical_parameters(lecteur, jeu):
    donnees = {"perimetre": "organisation", "organisation": "ville-voiron", "au": "2025-06-30", "depuis": "2025-01-01"}
    reponse = lecteur.get(reverse("rapports"), donnees)
    attendu = f"{reverse('rapport')}?perimetre=organisation&au=2025-06-30&depuis=2025-01-01&valeur=ville-voiron"
    assertRedirects(reponse, attendu, fetch_redirect_response=False)


def test_the_reports_form_explains_its_errors(lecteur, jeu):
    reponse = lecteur.get(reverse("rapports"), {"perimetre": "engagement", "au": "2025-06-30", "depuis": "2025-07-01"})
    assert reponse.status_code == 200
    assertContains(reponse, "Choisissez un engagement.")
    assertContains(reponse, "« Évolutions depuis » (1 juillet 2025) doit précéder « État au » (30 juin 2025).")


def test_a_cache_that_cannot_be_written_or_read_does_not_prevent_the_download(jeu, settings, caplog):
    """Le cache partagé injoignable (Redis arrêté) : le rapport est rendu quand même, rien n'est levé."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    }
    pdf = rapports.produire(Perimetre(jeu["protocole"]), AUJOURDHUI, AUJOURDHUI - 30 * JOUR)
    assert pdf.startswith(b"%PDF-")
    assert "Cache des rapports illisible" in caplog.text and "Rapport non mis en cache" in caplog.text


@pytest.mark.parametrize(
    ("page", "arguments", "portee"),
    [
        ("vue_ensemble", [], "perimetre=protocole"),
        ("quartier", ["brunetiere"], "perimetre=quartier&amp;valeur=brunetiere"),
        ("organisation", ["ville-voiron"], "perimetre=organisation&amp;valeur=ville-voiron"),
    ],
)
def test_each_dashboard_links_to_the_report_of_its_scope_and_dates(lecteur, jeu, page, arguments, portee):
    reponse = lecteur.get(reverse(page, args=arguments), {"au": "2025-06-30", "depuis": "2025-01-01"})
    assertContains(reponse, f'href="{reverse("rapport")}?{portee}&amp;au=2025-06-30&amp;depuis=2025-01-01"')
    assertContains(reponse, "Télécharger le rapport (PDF)")
