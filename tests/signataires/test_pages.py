"""Page publique des signataires : les signatures dans l'ordre du texte, les parties et leurs membres."""

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from tests.factories import (
    AppartenanceFactory,
    OrganisationFactory,
    PartieFactory,
    ProtocoleFactory,
    RepresentationFactory,
    SignataireFactory,
    SignatureFactory,
    construire_protocole,
)

pytestmark = pytest.mark.django_db

# Protocoles lisibles (middleware), signatures avec signataire et organisation représentée, parties,
# appartenances avec organisation, engagements du menu.
REQUETES_SIGNATAIRES = 5


def _signatures(protocole, nombre):
    """`nombre` signatures ; les deux dernières sont données par la même personne pour deux organisations."""
    signatures = [SignatureFactory(protocole=protocole, ordre=ordre) for ordre in range(1, nombre - 1)]
    monnot = SignataireFactory(protocole=protocole, nom="MONNOT Didier")
    for ordre, organisation in ((nombre - 1, "ABSISE"), (nombre, "Pluralis")):
        signature = SignatureFactory(protocole=protocole, ordre=ordre, signataire=monnot)
        RepresentationFactory(signature=signature, organisation__nom=organisation)
        signatures.append(signature)
    return signatures


def test_signataires_page_lists_the_signatures_in_order_with_title_printed_name_and_organisation(client):
    protocole = ProtocoleFactory()
    prefet = SignatureFactory(
        protocole=protocole, ordre=1, titre="Le Préfet du Département de l'Isère", signataire__nom="BEFFRE Lionel"
    )
    RepresentationFactory(signature=prefet, organisation__nom="Préfecture de l'Isère", organisation__sigle="État")
    SignatureFactory(protocole=protocole, ordre=2, titre="Le Maire de Voiron", signataire__nom="POLAT Julien")
    response = client.get(reverse("signataires"))
    contenu = response.content.decode()
    ordre_attendu = ["Le Préfet du Département de l&#x27;Isère", "BEFFRE Lionel", "Préfecture de l&#x27;Isère (État)"]
    ordre_attendu += ["Le Maire de Voiron", "POLAT Julien"]
    positions = [contenu.index(texte) for texte in ordre_attendu]
    assert positions == sorted(positions)
    assertContains(response, "Le texte porte 2 signatures")


def test_signataires_page_shows_a_dash_when_the_represented_organisation_is_unknown(client):
    SignatureFactory(titre="Le Maire de Voreppe")
    assertContains(client.get(reverse("signataires")), '<td><span class="valeur-absente">—</span></td>', html=True)


def test_signataires_page_makes_clear_that_one_person_signs_twice(client):
    _signatures(ProtocoleFactory(), 17)
    response = client.get(reverse("signataires"))
    assertContains(response, "Le texte porte 17 signatures")
    assertContains(response, "<strong>MONNOT Didier</strong> signe 2 fois, pour des organisations différentes")
    assertContains(response, "(signatures n° 16 et 17)")
    assertContains(response, "signe aussi en n° 17")
    assertContains(response, "signe aussi en n° 16")
    assertContains(response, "ABSISE")
    assertContains(response, "Pluralis")


def test_signataires_page_lists_the_parties_with_their_member_organisations(client):
    protocole = ProtocoleFactory()
    etat = PartieFactory(protocole=protocole, code="ETAT")
    caf = PartieFactory(protocole=protocole, code="CAF")
    AppartenanceFactory(partie=etat, organisation__nom="Pôle emploi", enoncee_par_le_texte=True)
    AppartenanceFactory(partie=etat, organisation__nom="Caisse des Dépôts", enoncee_par_le_texte=False)
    AppartenanceFactory(partie=caf, organisation=OrganisationFactory(nom="CAF de l'Isère"), enoncee_par_le_texte=True)
    response = client.get(reverse("signataires"))
    contenu = response.content.decode()
    ordre_attendu = ["État, ses services et ses opérateurs", "Caisse des Dépôts", "Pôle emploi"]
    ordre_attendu += ["Caisse d&#x27;Allocations Familiales", "CAF de l&#x27;Isère"]
    positions = [contenu.index(texte) for texte in ordre_attendu]
    assert positions == sorted(positions)
    # Une fois dans la légende, une fois pour la Caisse des Dépôts, jamais pour les rattachements du texte.
    assertContains(response, "affectation de la coordination, non énoncée par le texte", count=2)
    assertContains(response, 'Caisse des Dépôts\n                    <span class="marque-non-enoncee">')


def test_signataires_page_shows_only_the_current_protocol(client):
    SignatureFactory(protocole=ProtocoleFactory(ordre=1), signataire__nom="COURANT Camille")
    SignatureFactory(protocole=ProtocoleFactory(ordre=2), signataire__nom="AILLEURS Alex")
    response = client.get(reverse("signataires"))
    assertContains(response, "COURANT Camille")
    assertNotContains(response, "AILLEURS Alex")


def test_signataires_page_says_no_protocol_is_loaded_when_the_database_is_empty(client):
    assertContains(client.get(reverse("signataires")), "Aucun protocole n'est chargé")


@pytest.mark.parametrize("nombre", [3, 30])
def test_signataires_page_query_count_does_not_grow_with_the_signatures(client, django_assert_num_queries, nombre):
    protocole = construire_protocole(engagements=nombre // 3, blocs=1, obligations=1)
    _signatures(protocole, nombre)
    for code in ("ETAT", "CAF", "ARS")[: 1 + nombre // 15]:
        AppartenanceFactory.create_batch(nombre // 3, partie=PartieFactory(protocole=protocole, code=code))
    with django_assert_num_queries(REQUETES_SIGNATAIRES):
        response = client.get(reverse("signataires"))
    assert response.status_code == 200
