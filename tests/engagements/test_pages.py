"""Pages publiques d'un engagement et d'une obligation : le texte signé, tel qu'imprimé, dans son ordre."""

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertTemplateUsed

from engagements.models import Obligation
from tests.factories import (
    BlocFactory,
    EngagementFactory,
    ObligationFactory,
    ParagrapheFactory,
    PartieFactory,
    ProtocoleFactory,
    construire_protocole,
)

pytestmark = pytest.mark.django_db

# Protocoles lisibles (middleware), engagement, blocs avec leur partie, obligations, paragraphes,
# engagements du menu et de la navigation précédent / suivant.
REQUETES_ENGAGEMENT = 6
# Protocoles lisibles (middleware), obligation avec bloc, engagement et partie, paragraphes, engagements du menu.
REQUETES_OBLIGATION = 4

PETIT = dict(engagements=2, blocs=2, obligations=2, paragraphes=1)
GRAND = dict(engagements=5, blocs=4, obligations=4, paragraphes=2)  # dix fois plus d'obligations et de paragraphes


@pytest.fixture
def engagement_2():
    """L'engagement N°2 avec deux blocs, des obligations en désordre de création et leurs paragraphes."""
    protocole = ProtocoleFactory(titre="Protocole d'Engagement Renforcé Réciproque")
    EngagementFactory(protocole=protocole, numero=1, titre="Emploi", titre_du_texte=False)
    engagement = EngagementFactory(
        protocole=protocole, numero=2, titre="PROMOUVOIR LA RÉUSSITE ÉDUCATIVE ET L'ÉGALITÉ DES CHANCES"
    )
    EngagementFactory(protocole=protocole, numero=3, titre="Cadre de vie")
    pt = BlocFactory(
        engagement=engagement,
        partie=PartieFactory(protocole=protocole, code="PT", nom_court="Partenaires territoriaux"),
        intitule="Les partenaires territoriaux s'engagent à :",
    )
    caf = BlocFactory(
        engagement=engagement,
        partie=PartieFactory(protocole=protocole, code="CAF", nom_court="CAF"),
        intitule="La Caisse d'Allocations Familiales (CAF) s'engage à :",
    )
    deuxieme = ObligationFactory(bloc=pt, rang=2, texte="Favoriser le lien entre famille et école.")
    premiere = ObligationFactory(bloc=pt, rang=1, texte="Investir dans la réussite scolaire et éducative des enfants.")
    ParagrapheFactory(obligation=premiere, ordre=2, texte="Les actions du CLAS apporteront l'appui nécessaire.")
    ParagrapheFactory(obligation=premiere, ordre=1, texte="Le Pays Voironnais poursuivra le PRE.")
    ObligationFactory(bloc=caf, rang=4, texte="Soutenir les centres sociaux « aller vers » <les familles>.")
    return engagement, premiere, deuxieme


def test_engagement_page_shows_each_block_with_its_opening_sentence_party_and_obligations_in_order(
    client, engagement_2
):
    engagement, premiere, deuxieme = engagement_2
    response = client.get(reverse("engagement", args=[2]))
    assertTemplateUsed(response, "engagements/engagement.html")
    assertContains(response, "Engagement renforcé N°2")
    assertContains(response, "PROMOUVOIR LA RÉUSSITE ÉDUCATIVE ET L&#x27;ÉGALITÉ DES CHANCES")
    contenu = response.content.decode()
    ordre_attendu = [
        "Les partenaires territoriaux s&#x27;engagent à :",
        "E2-PT-1",
        "Investir dans la réussite scolaire et éducative des enfants.",
        "Le Pays Voironnais poursuivra le PRE.",
        "Les actions du CLAS apporteront l&#x27;appui nécessaire.",
        "E2-PT-2",
        "Favoriser le lien entre famille et école.",
        "La Caisse d&#x27;Allocations Familiales (CAF) s&#x27;engage à :",
        "E2-CAF-4",
    ]
    positions = [contenu.index(texte) for texte in ordre_attendu]
    assert positions == sorted(positions)
    assertContains(response, "Partenaires territoriaux")


def test_engagement_page_shows_each_reference_as_code_linking_to_its_obligation(client, engagement_2):
    _, premiere, _ = engagement_2
    response = client.get(reverse("engagement", args=[2]))
    assertContains(
        response,
        f'<a class="reference-obligation" href="{reverse("obligation", args=[premiere.pk])}">'
        '<span class="visually-hidden">Obligation </span><code>E2-PT-1</code></a>',
        html=True,
    )


def test_engagement_page_keeps_the_text_verbatim_and_escaped(client, engagement_2):
    response = client.get(reverse("engagement", args=[2]))
    assertContains(response, "Soutenir les centres sociaux « aller vers » &lt;les familles&gt;.")
    assertNotContains(response, "<les familles>")


def test_engagement_page_links_to_the_previous_and_next_engagements(client, engagement_2):
    response = client.get(reverse("engagement", args=[2]))
    assertContains(response, f'<a href="{reverse("engagement", args=[1])}" rel="prev">')
    assertContains(response, f'<a class="text-end" href="{reverse("engagement", args=[3])}" rel="next">')
    premier = client.get(reverse("engagement", args=[1]))
    assertNotContains(premier, 'rel="prev"')


def test_engagement_page_marks_a_title_the_signed_text_does_not_print(client, engagement_2):
    assertContains(client.get(reverse("engagement", args=[1])), "titre hors texte signé")
    assertNotContains(client.get(reverse("engagement", args=[2])), "titre hors texte signé")


def test_engagement_page_is_not_found_for_a_number_absent_from_the_protocol(client, engagement_2):
    assert client.get(reverse("engagement", args=[9])).status_code == 404


def test_engagement_page_is_not_found_for_a_number_of_another_protocol_only(client, engagement_2):
    EngagementFactory(protocole=ProtocoleFactory(ordre=9), numero=8)
    assert client.get(reverse("engagement", args=[8])).status_code == 404


def test_engagement_page_is_not_found_when_no_protocol_is_loaded(client):
    assert client.get(reverse("engagement", args=[1])).status_code == 404


@pytest.mark.parametrize("taille", [PETIT, GRAND], ids=["petit", "grand"])
def test_engagement_page_query_count_does_not_grow_with_the_protocol(client, django_assert_num_queries, taille):
    construire_protocole(**taille)
    with django_assert_num_queries(REQUETES_ENGAGEMENT):
        response = client.get(reverse("engagement", args=[2]))
    assert response.status_code == 200


def test_obligation_page_shows_breadcrumb_reference_party_opening_sentence_text_and_paragraphs(client, engagement_2):
    _, premiere, _ = engagement_2
    response = client.get(reverse("obligation", args=[premiere.pk]))
    assertTemplateUsed(response, "engagements/obligation.html")
    assertContains(response, 'aria-label="Fil d\'Ariane"')
    assertContains(response, f'<a href="{reverse("accueil")}">Protocole d&#x27;Engagement Renforcé Réciproque</a>')
    assertContains(response, f'<a href="{reverse("engagement", args=[2])}">Engagement N°2</a>', html=True)
    assertContains(response, f'<a href="{reverse("engagement", args=[2])}#bloc-E2-PT">E2-PT</a>', html=True)
    assertContains(response, '<code class="reference-obligation">E2-PT-1</code>', html=True)
    assertContains(response, "N°2 — PROMOUVOIR LA RÉUSSITE ÉDUCATIVE")
    assertContains(response, "partenaires territoriaux")
    contenu = response.content.decode()
    ordre_attendu = [
        "Les partenaires territoriaux s&#x27;engagent à :",
        "Investir dans la réussite scolaire et éducative des enfants.",
        "Le Pays Voironnais poursuivra le PRE.",
        "Les actions du CLAS apporteront l&#x27;appui nécessaire.",
    ]
    positions = [contenu.index(texte) for texte in ordre_attendu]
    assert positions == sorted(positions)
    assertNotContains(response, "Favoriser le lien entre famille et école.")


def test_obligation_page_marks_an_engagement_title_the_signed_text_does_not_print(client):
    obligation = ObligationFactory(bloc__engagement__titre_du_texte=False)
    assertContains(client.get(reverse("obligation", args=[obligation.pk])), "titre hors texte signé")


def test_obligation_page_shows_no_execution_placeholder_to_the_public(client, engagement_2):
    _, premiere, _ = engagement_2
    response = client.get(reverse("obligation", args=[premiere.pk]))
    for mot in ("Issue 3", "verdict", "mise en œuvre", "Mise en œuvre"):
        assertNotContains(response, mot)


def test_obligation_page_is_not_found_for_an_obligation_of_another_protocol(client, engagement_2):
    ailleurs = ObligationFactory(bloc__engagement__protocole=ProtocoleFactory(ordre=9))
    assert client.get(reverse("obligation", args=[ailleurs.pk])).status_code == 404


def test_obligation_page_is_not_found_for_an_unknown_id(client, engagement_2):
    inconnu = Obligation.objects.order_by("-pk").first().pk + 1
    assert client.get(reverse("obligation", args=[inconnu])).status_code == 404


def test_obligation_page_follows_the_protocol_chosen_in_the_session(client, engagement_2):
    _, premiere, _ = engagement_2
    autre = ProtocoleFactory(ordre=9)
    ailleurs = ObligationFactory(bloc__engagement__protocole=autre, texte="Texte de l'autre protocole.")
    client.post(reverse("choisir_protocole"), {"protocole": autre.slug})
    assertContains(client.get(reverse("obligation", args=[ailleurs.pk])), "Texte de l&#x27;autre protocole.")
    assert client.get(reverse("obligation", args=[premiere.pk])).status_code == 404


@pytest.mark.parametrize("taille", [PETIT, GRAND], ids=["petit", "grand"])
def test_obligation_page_query_count_does_not_grow_with_the_protocol(client, django_assert_num_queries, taille):
    protocole = construire_protocole(**taille)
    obligation = Obligation.objects.filter(protocole=protocole).last()
    with django_assert_num_queries(REQUETES_OBLIGATION):
        response = client.get(reverse("obligation", args=[obligation.pk]))
    assert response.status_code == 200
