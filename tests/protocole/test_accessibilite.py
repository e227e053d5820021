"""La déclaration d'accessibilité (/accessibilite/), que la loi demande aux organismes publics, et son lien en pied de
chaque page."""

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertTemplateUsed

from tests.factories import construire_protocole
from tests.factories_suivi import ROLES, habilitation
from tests.test_permissions import MATRICE, _url, construire_contexte

pytestmark = pytest.mark.django_db

LIEN_PIED = '<a href="/accessibilite/">Accessibilité : non conforme</a>'
# Protocoles lisibles (middleware), engagements du menu.
REQUETES_ANONYME = 2


def test_the_statement_says_non_conforme_what_does_not_conform_a_contact_and_the_recourse(client):
    construire_protocole(engagements=2)
    reponse = client.get("/accessibilite/")
    assert reverse("accessibilite") == "/accessibilite/"
    assertTemplateUsed(reponse, "protocole/accessibilite.html")
    assertContains(reponse, "<h1>Déclaration d'accessibilité</h1>", html=True)
    assertContains(reponse, "<strong>non conforme</strong>", html=True)
    assertContains(reponse, "aucun audit de conformité n'a encore été réalisé")
    assertContains(reponse, "<h2>Contenus non accessibles</h2>", html=True)
    assertContains(reponse, "rapports PDF")
    assertContains(reponse, "<h2>Retour d'information et contact</h2>", html=True)
    assertContains(reponse, "<h2>Voies de recours</h2>", html=True)
    assertContains(reponse, "Défenseur des droits, Libre réponse 71120, 75342 Paris CEDEX 07")
    assertContains(reponse, 'href="https://formulaire.defenseurdesdroits.fr/"')


def test_the_contact_address_comes_from_the_settings(client, settings):
    settings.CONTACT_ACCESSIBILITE = "accessibilite@example.org"
    assertContains(client.get("/accessibilite/"), '<a href="mailto:accessibilite@example.org">', count=1)


def test_without_a_contact_address_the_statement_points_to_the_coordination(client, settings):
    protocole = construire_protocole(engagements=1)
    settings.CONTACT_ACCESSIBILITE = ""
    reponse = client.get("/accessibilite/")
    assertContains(reponse, f"coordination du contrat de ville du territoire {protocole.territoire}.")
    assert b"mailto:" not in reponse.content


@pytest.mark.parametrize("nombre", [1, 5])
def test_the_statement_query_count_does_not_grow_with_the_protocol(client, django_assert_num_queries, nombre):
    construire_protocole(engagements=nombre)
    with django_assert_num_queries(REQUETES_ANONYME):
        assert client.get("/accessibilite/").status_code == 200


def test_the_statement_is_public_and_read_the_same_by_a_member(client):
    protocole = construire_protocole(engagements=1)
    client.force_login(habilitation(protocole, ROLES.LECTEUR).utilisateur)
    assertContains(client.get("/accessibilite/"), "<strong>non conforme</strong>", html=True)


def test_every_html_page_of_the_permission_matrix_links_the_statement_from_its_footer(client):
    ctx = construire_contexte()
    client.force_login(ctx["comptes"]["coordinateur"].utilisateur)
    vues = 0
    for nom, (_args, methodes, _refusee) in MATRICE.items():
        if "GET" not in methodes:
            continue
        reponse = client.get(_url(nom, ctx))
        # Les pages, pas les fragments que htmx insère dans une page (la liste d'un sélecteur à recherche).
        if reponse.status_code == 200 and reponse.content.lstrip().startswith(b"<!doctype html>"):
            vues += 1
            pied = reponse.content.decode().split('<footer class="site-pied">')[1]
            assert LIEN_PIED in pied, nom
    assert vues >= 25


@pytest.mark.parametrize("chemin", ["/admin/", "/page-qui-n-existe-pas/"])
def test_the_admin_and_error_pages_link_the_statement_too(client, chemin):
    ctx = construire_contexte()
    client.force_login(ctx["comptes"]["administrateur"].utilisateur)
    assertContains(client.get(chemin), LIEN_PIED, status_code=200 if chemin == "/admin/" else 404)
