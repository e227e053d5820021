"""Pages publiques du protocole : accueil, quartiers, choix du protocole affiché, gabarit de base."""

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from protocole.middleware import SESSION_KEY
from protocole.models import Quartier, TextePreambule
from tests.factories import (
    BlocFactory,
    EngagementFactory,
    HabilitationFactory,
    ObligationFactory,
    PartieFactory,
    ProtocoleFactory,
    QuartierFactory,
    TextePreambuleFactory,
    UtilisateurFactory,
    construire_protocole,
)

pytestmark = pytest.mark.django_db

# Protocoles lisibles (middleware), préambule, engagements, blocs avec leur nombre d'obligations.
REQUETES_ACCUEIL = 4
# Protocoles lisibles (middleware), quartiers, engagements du menu.
REQUETES_QUARTIERS = 3

PETIT = dict(engagements=2, blocs=2, obligations=2, paragraphes=1)
GRAND = dict(engagements=5, blocs=4, obligations=4, paragraphes=2)  # dix fois plus d'obligations et de paragraphes


def _preambule(protocole):
    natures = [
        ("contexte", "Ces dispositifs visent à donner une nouvelle impulsion autour de trois axes :"),
        ("axe", "garantir les droits des habitants ;"),
        ("axe", "favoriser l'émancipation ;"),
        ("axe", "remettre la république au cœur des quartiers."),
        ("contexte", "Il repose sur les principes suivants :"),
        ("principe", "Une approche globale de l'action publique."),
        ("principe", "Une approche différenciée des territoires."),
        ("principe", "La responsabilisation de l'ensemble des signataires."),
        ("engagement", "Il est convenu entre les parties qui reconnaissent les priorités communes :"),
    ]
    for ordre, (nature, texte) in enumerate(natures, start=1):
        TextePreambuleFactory(protocole=protocole, ordre=ordre, nature=nature, texte=texte)


def test_home_page_says_no_protocol_is_loaded_when_the_database_is_empty(client):
    response = client.get(reverse("accueil"))
    assertContains(response, "Aucun protocole n'est chargé")
    assertContains(response, "Suivi du protocole")


def test_home_page_shows_the_heading_title_territory_and_period_of_the_protocol(client):
    ProtocoleFactory(
        titre="Protocole d'Engagement Renforcé Réciproque",
        intitule_contrat="CONTRAT DE VILLE du Pays Voironnais 2015-2022",
        territoire="Pays Voironnais",
        annee_debut=2015,
        annee_fin=2022,
    )
    response = client.get(reverse("accueil"))
    assertContains(response, "CONTRAT DE VILLE du Pays Voironnais 2015-2022")
    assertContains(response, "<h1>Protocole d&#x27;Engagement Renforcé Réciproque</h1>", html=True)
    assertContains(response, "Pays Voironnais")
    assertContains(response, "2015-2022")


def test_home_page_says_the_signature_date_is_not_printed_when_it_is_empty(client):
    ProtocoleFactory(date_signature=None)
    assertContains(client.get(reverse("accueil")), "non imprimée dans le texte")


def test_home_page_shows_the_signature_date_and_end_of_term_in_french_when_known(client):
    ProtocoleFactory(date_signature="2019-07-09", fin_echeance="2022-12-31")
    response = client.get(reverse("accueil"))
    assertContains(response, "9 juillet 2019")
    assertContains(response, "31 décembre 2022")
    assertNotContains(response, "non imprimée dans le texte")


def test_home_page_shows_the_preamble_in_order_with_axes_and_principles_as_lists(client):
    protocole = ProtocoleFactory()
    _preambule(protocole)
    contenu = client.get(reverse("accueil")).content.decode()
    textes = [t.texte.replace("'", "&#x27;") for t in TextePreambule.objects.order_by("ordre")]
    positions = [contenu.index(texte) for texte in textes]
    assert positions == sorted(positions)
    assert contenu.count('<ul class="preambule-axes">') == 1
    assert contenu.count('<ul class="preambule-principes">') == 1
    assert "<li>garantir les droits des habitants ;</li>" in contenu
    assert "<li>Une approche globale de l&#x27;action publique.</li>" in contenu
    assert '<p class="engagement-general">Il est convenu' in contenu


def test_home_page_lists_each_engagement_with_its_party_blocks_and_obligation_counts(client):
    protocole = ProtocoleFactory()
    emploi = EngagementFactory(protocole=protocole, numero=1, titre="Emploi et développement économique")
    education = EngagementFactory(protocole=protocole, numero=2, titre="Promouvoir la réussite éducative")
    pt = BlocFactory(engagement=emploi, partie=PartieFactory(protocole=protocole, code="PT", nom_court="Partenaires"))
    caf = BlocFactory(engagement=emploi, partie=PartieFactory(protocole=protocole, code="CAF", nom_court="CAF"))
    ObligationFactory.create_batch(3, bloc=pt)
    ObligationFactory(bloc=caf)
    response = client.get(reverse("accueil"))
    assertContains(
        response,
        f'<a href="{reverse("engagement", args=[1])}"><span class="numero-engagement">N°1</span>'
        " Emploi et développement économique</a>",
        html=True,
    )
    assertContains(response, f'href="{reverse("engagement", args=[2])}"')
    assertContains(response, "<tr><td>Partenaires</td><td class='text-end'>3</td></tr>", html=True)
    assertContains(response, "<tr><td>CAF</td><td class='text-end'>1</td></tr>", html=True)
    assertContains(response, "<tr><th scope='row'>Total</th><td class='text-end fw-semibold'>4</td></tr>", html=True)
    assertContains(response, "2 engagements, 4 obligations en tout.")
    contenu = response.content.decode()
    assert contenu.index(emploi.titre) < contenu.index(education.titre)


def test_home_page_marks_a_title_the_signed_text_does_not_print_with_words_not_colour(client):
    protocole = ProtocoleFactory()
    EngagementFactory(protocole=protocole, numero=1, titre="Titre donné par nous", titre_du_texte=False)
    EngagementFactory(protocole=protocole, numero=2, titre="Titre imprimé", titre_du_texte=True)
    response = client.get(reverse("accueil"))
    # Une marque dans la carte N°1, une dans la note qui l'explique ; aucune pour N°2.
    assertContains(response, "titre hors texte signé</span> :", count=1)
    assertContains(response, "le texte signé n'imprime pas de titre pour cet engagement (N°1)")
    assertContains(response, "titre hors texte signé", count=2)


def test_home_page_shows_only_the_current_protocol(client):
    courant = ProtocoleFactory(ordre=1)
    autre = ProtocoleFactory(ordre=2)
    EngagementFactory(protocole=courant, titre="Engagement du protocole courant")
    EngagementFactory(protocole=autre, titre="Engagement d'un autre protocole")
    response = client.get(reverse("accueil"))
    assertContains(response, "Engagement du protocole courant")
    assertNotContains(response, "Engagement d&#x27;un autre protocole")


@pytest.mark.parametrize("taille", [PETIT, GRAND], ids=["petit", "grand"])
def test_home_page_query_count_does_not_grow_with_the_protocol(client, django_assert_num_queries, taille):
    protocole = construire_protocole(**taille)
    TextePreambuleFactory.create_batch(taille["engagements"] * 2, protocole=protocole)
    with django_assert_num_queries(REQUETES_ACCUEIL):
        response = client.get(reverse("accueil"))
    assert response.status_code == 200


def test_base_page_is_in_french_with_a_skip_link_navigation_and_local_bootstrap(client):
    protocole = construire_protocole(engagements=3)
    response = client.get(reverse("quartiers"))
    assertContains(response, '<html lang="fr">')
    assertContains(response, '<a class="visually-hidden-focusable lien-evitement" href="#contenu">Aller au contenu</a>')
    assertContains(response, '<main id="contenu"')
    assertContains(response, "/static/bootstrap/css/bootstrap.min.css")
    assertContains(response, "/static/css/site.css")
    assertContains(response, "htmx")
    assertNotContains(response, "cdn")
    assertNotContains(response, "Marianne")
    for numero in (1, 2, 3):
        assertContains(response, f'href="{reverse("engagement", args=[numero])}"')
    for nom in ("accueil", "signataires", "quartiers"):
        assertContains(response, f'href="{reverse(nom)}"')
    assertContains(response, 'href="/quartiers/" aria-current="page"')
    assertContains(response, "document public")
    assert protocole.territoire in response.content.decode()


def test_quartiers_page_lists_the_quartiers_with_their_nature_and_verified_facts(client):
    protocole = ProtocoleFactory()
    QuartierFactory(
        protocole=protocole,
        nom="Brunetière",
        nature=Quartier.Nature.QPV,
        commune="Voiron",
        code_officiel="QP038001",
        population=2500,
        ordre=1,
    )
    QuartierFactory(protocole=protocole, nom="Croix Maurin", nature=Quartier.Nature.VEILLE_ACTIVE, ordre=2)
    QuartierFactory(protocole=ProtocoleFactory(ordre=9), nom="Quartier d'ailleurs")
    response = client.get(reverse("quartiers"))
    assertContains(response, "quartier prioritaire (QPV)")
    assertContains(response, "quartier de veille active")
    assertContains(response, "<td>Voiron</td>", html=True)
    assertContains(response, "<code>QP038001</code>", html=True)
    assertContains(response, "2500")
    assertContains(response, '<span class="valeur-absente">non vérifiée</span>', count=2, html=True)
    assertContains(response, '<span class="valeur-absente">non vérifié</span>', count=1, html=True)
    assertNotContains(response, "Quartier d&#x27;ailleurs")
    contenu = response.content.decode()
    assert contenu.index("Brunetière") < contenu.index("Croix Maurin")


def test_quartiers_page_links_to_no_per_quartier_dashboard_yet(client):
    quartier = QuartierFactory()
    assertNotContains(client.get(reverse("quartiers")), f"/quartiers/{quartier.slug}/")


def test_quartiers_page_says_no_protocol_is_loaded_when_the_database_is_empty(client):
    assertContains(client.get(reverse("quartiers")), "Aucun protocole n'est chargé")


@pytest.mark.parametrize("nombre", [2, 20])
def test_quartiers_page_query_count_does_not_grow_with_the_quartiers(client, django_assert_num_queries, nombre):
    protocole = construire_protocole(engagements=nombre // 2)
    QuartierFactory.create_batch(nombre, protocole=protocole)
    with django_assert_num_queries(REQUETES_QUARTIERS):
        client.get(reverse("quartiers"))


def test_protocol_switcher_is_hidden_when_only_one_protocol_is_readable(client):
    ProtocoleFactory()
    assertNotContains(client.get(reverse("accueil")), reverse("choisir_protocole"))


def test_protocol_switcher_is_a_labelled_csrf_protected_form_when_several_protocols_are_readable(client):
    ProtocoleFactory(territoire="Pays Voironnais", ordre=1)
    ProtocoleFactory(territoire="Grenoble", ordre=2)
    response = client.get(reverse("accueil"))
    assertContains(response, f'action="{reverse("choisir_protocole")}"')
    assertContains(response, '<label class="form-label mb-0" for="choix-protocole">Protocole affiché</label>')
    assertContains(response, "csrfmiddlewaretoken")
    assertContains(response, "Grenoble")


def test_choosing_a_protocol_refuses_get(client):
    protocole = ProtocoleFactory()
    response = client.get(reverse("choisir_protocole"), {"protocole": protocole.slug})
    assert response.status_code == 405


def test_choosing_a_protocol_requires_the_csrf_token():
    from django.test import Client

    protocole = ProtocoleFactory()
    response = Client(enforce_csrf_checks=True).post(reverse("choisir_protocole"), {"protocole": protocole.slug})
    assert response.status_code == 403


def test_choosing_a_protocol_switches_the_whole_site_to_it(client):
    ProtocoleFactory(ordre=1, territoire="Pays Voironnais")
    grenoble = ProtocoleFactory(ordre=2, territoire="Grenoble")
    EngagementFactory(protocole=grenoble, titre="Engagement grenoblois")
    response = client.post(reverse("choisir_protocole"), {"protocole": grenoble.slug}, follow=True)
    assertRedirects(response, reverse("accueil"))
    assert client.session[SESSION_KEY] == grenoble.pk
    assertContains(response, "Engagement grenoblois")
    assertContains(response, 'role="status"')  # un succès s'annonce sans interrompre


def test_choosing_an_unknown_protocol_leaves_the_session_unchanged_and_says_so(client):
    voironnais = ProtocoleFactory(ordre=1)
    grenoble = ProtocoleFactory(ordre=2)
    client.post(reverse("choisir_protocole"), {"protocole": grenoble.slug})
    response = client.post(reverse("choisir_protocole"), {"protocole": "inconnu"}, follow=True)
    assert client.session[SESSION_KEY] == grenoble.pk
    assertContains(response, "Ce protocole n&#x27;existe pas ou ne vous est pas accessible")
    assertContains(response, "<strong>Erreur :</strong>")
    assert voironnais.pk != client.session[SESSION_KEY]


def test_a_member_cannot_choose_a_protocol_they_hold_no_role_in(client):
    sien = ProtocoleFactory(ordre=1)
    autre = ProtocoleFactory(ordre=2)
    utilisateur = UtilisateurFactory()
    HabilitationFactory(utilisateur=utilisateur, protocole=sien)
    client.force_login(utilisateur)
    response = client.post(reverse("choisir_protocole"), {"protocole": autre.slug}, follow=True)
    assert SESSION_KEY not in client.session
    assertContains(response, "ne vous est pas accessible")


def test_choosing_a_protocol_returns_to_a_safe_next_page(client):
    protocole = ProtocoleFactory()
    response = client.post(reverse("choisir_protocole"), {"protocole": protocole.slug, "next": reverse("quartiers")})
    assertRedirects(response, reverse("quartiers"))


def test_choosing_a_protocol_ignores_a_next_page_on_another_site(client):
    protocole = ProtocoleFactory()
    response = client.post(
        reverse("choisir_protocole"), {"protocole": protocole.slug, "next": "https://exemple.invalid/"}
    )
    assertRedirects(response, reverse("accueil"))
