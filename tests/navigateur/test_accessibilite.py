"""Accessibilité dans Chromium (RGAA) : axe-core sur chaque page HTML de la matrice des droits et sur les pages de
l'administration que notre code adapte, sans erreur en console ; sur un téléphone de 390 pixels, la navigation se
replie et aucune page ne défile en largeur.

axe-core est le fichier du paquet npm, gardé dans tests/navigateur/axe/ (recuperer.sh le refait) : injecté par le
protocole de débogage de Chromium (`add_init_script`), il n'est pas soumis à la Content-Security-Policy des pages."""

import datetime
from pathlib import Path

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from tests.test_permissions import MATRICE, _url, construire_contexte

AXE = Path(__file__).parent / "axe" / "axe.min.js"
# Ce que la matrice sert en GET sans être une page : texte brut pour la supervision, PDF à télécharger (rapports,
# bilan), modèle de fichier d'import (CSV), fragment HTML que htmx insère dans une page (la liste d'un sélecteur).
PAS_DES_PAGES = {
    "sante",
    "rapport",
    "archive",
    "reunion_apercu",
    "preparation_fichier",
    "selecteur",
    "bilan_rapport",
    "indicateurs_modele",
}
PERSONAS = ["anonyme", "lecteur", "coordinateur"]
# Nos applications : leurs pages d'administration sont celles que notre code déclare et adapte.
APPLICATIONS = {"protocole", "signataires", "engagements", "comite"}

VIOLATIONS_GRAVES = """async () => {
  // Sans préchargement des feuilles de style (qui ne sert qu'à la règle css-orientation-lock) : axe-core y insère des
  // <style> que la Content-Security-Policy refuse, avec une erreur en console qui ne viendrait pas de la page.
  const resultat = await axe.run(document, {resultTypes: ["violations"], preload: false});
  return resultat.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.impact} ${v.id} (${v.help}) : ${v.nodes.map((n) => n.target.join(" ")).join(" | ")}`);
}"""


def _etats_en_plus(ctx):
    """Des états de pages que la matrice ne montre pas : filtres actifs, « état au » une date passée."""
    hier = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    return [
        reverse("actions") + "?en_retard=on&q=action",
        reverse("actions") + "?sans_maj_depuis=pas-une-date",
        reverse("vue_ensemble") + f"?au={hier}",
        reverse("quartier", args=[ctx["action"].protocole.quartiers.get().slug]) + f"?au={hier}",
        reverse("rapports") + "?au=pas-une-date",
    ]


def est_une_page(reponse):
    """Un document HTML complet (pas un fichier, pas un fragment pour htmx)."""
    return (
        reponse["Content-Type"].startswith("text/html") and reponse.content.lstrip()[:15].lower() == b"<!doctype html>"
    )


def pages_html(ctx):
    """Chaque URL que la matrice sert en GET, sauf les téléchargements, avec les identifiants du jeu de données."""
    return [
        _url(nom, ctx) for nom, (_a, methodes, _r) in MATRICE.items() if "GET" in methodes and nom not in PAS_DES_PAGES
    ]


def pages_de_l_administration():
    """L'accueil de l'administration, puis pour chaque modèle de nos applications sa liste, son ajout s'il est
    permis et la fiche de son premier objet."""
    pages = [reverse("admin:index")]
    for modele, modele_admin in admin.site._registry.items():
        meta = modele._meta
        if meta.app_label not in APPLICATIONS:
            continue
        prefixe = f"admin:{meta.app_label}_{meta.model_name}"
        pages.append(reverse(f"{prefixe}_changelist"))
        if modele_admin.has_add_permission(_RequeteAdministrateur()):
            pages.append(reverse(f"{prefixe}_add"))
        premier = modele.objects.order_by("pk").first()
        if premier is not None:
            pages.append(reverse(f"{prefixe}_change", args=[premier.pk]))
    return pages


class _RequeteAdministrateur:
    """Ce que `has_add_permission` lit d'une requête : un superutilisateur."""

    class user:  # noqa: N801 - imite request.user
        is_active = is_staff = is_superuser = True

        @staticmethod
        def has_perm(_permission, _obj=None):
            return True


def _session(browser, live_server, utilisateur, **options):
    """Un contexte de navigateur déjà connecté (cookie de session posé comme par force_login), axe-core injecté."""
    contexte = browser.new_context(**options)
    contexte.add_init_script(path=AXE)
    if utilisateur is not None:
        client = Client()
        client.force_login(utilisateur)
        contexte.add_cookies(
            [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
        )
    return contexte


def _analyser(page, live_server, chemins, qui):
    """Visite chaque chemin ; rend les violations graves ou critiques (règle et éléments) et les erreurs de la console
    et de JavaScript, sauf le « Failed to load resource » qu'une page refusée (403, 404 de la matrice) vaut à son
    propre document."""
    console, refus_attendus, violations = [], set(), []
    page.on("console", lambda m: m.type == "error" and console.append((m.location.get("url"), m.text)))
    page.on("pageerror", lambda e: console.append((page.url, str(e))))
    for chemin in chemins:
        url = live_server.url + chemin
        reponse = page.goto(url)
        assert reponse.status < 500, (qui, chemin, reponse.status)
        if reponse.status in (403, 404):
            refus_attendus.add(url)
        violations += [f"{qui} {chemin} : {v}" for v in page.evaluate(VIOLATIONS_GRAVES)]
    erreurs = [
        f"{qui} {url} : {texte}"
        for url, texte in console
        if not (url in refus_attendus and texte.startswith("Failed to load resource"))
    ]
    return violations, erreurs


def _utilisateur(ctx, persona):
    return None if persona == "anonyme" else ctx["comptes"][persona].utilisateur


@pytest.mark.navigateur
@pytest.mark.django_db(transaction=True)
def test_no_page_has_a_serious_or_critical_axe_violation_nor_a_console_error(browser, live_server):
    ctx = construire_contexte()
    client = Client()
    client.force_login(ctx["comptes"]["coordinateur"].utilisateur)
    # Ce que la liste écarte est bien ce qui n'est pas une page : une page HTML ne peut pas y échapper.
    for nom in PAS_DES_PAGES:
        assert not est_une_page(client.get(_url(nom, ctx))), nom
    chemins = pages_html(ctx) + _etats_en_plus(ctx)

    violations, erreurs, vues = [], [], 0
    for persona in PERSONAS:
        session = _session(browser, live_server, _utilisateur(ctx, persona))
        v, e = _analyser(session.new_page(), live_server, chemins, persona)
        violations, erreurs, vues = violations + v, erreurs + e, vues + len(chemins)
        session.close()
    administration = pages_de_l_administration()
    session = _session(browser, live_server, ctx["comptes"]["administrateur"].utilisateur)
    v, e = _analyser(session.new_page(), live_server, administration, "administrateur")
    session.close()

    assert len(chemins) >= 35 and len(administration) >= 30
    violations, erreurs = violations + v, erreurs + e
    assert violations == [], "\n".join(violations)
    assert erreurs == [], "\n".join(erreurs)


@pytest.mark.navigateur
@pytest.mark.django_db(transaction=True)
def test_on_a_390_pixel_phone_the_navigation_collapses_and_no_page_scrolls_sideways(browser, live_server):
    ctx = construire_contexte()
    session = _session(
        browser, live_server, ctx["comptes"]["coordinateur"].utilisateur, viewport={"width": 390, "height": 844}
    )
    page = session.new_page()
    largeurs = []
    for chemin in pages_html(ctx) + _etats_en_plus(ctx):
        page.goto(live_server.url + chemin)
        largeur = page.evaluate("document.documentElement.scrollWidth")
        if largeur > 390:
            largeurs.append((chemin, largeur))
    assert largeurs == [], "\n".join(f"{chemin} : {largeur} px" for chemin, largeur in largeurs)

    page.goto(live_server.url + reverse("mes_actions"))
    navigation = page.get_by_role("navigation", name="Navigation principale")
    menu = navigation.get_by_role("button", name="Menu")
    expect(menu).to_be_visible()
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(navigation.get_by_role("link", name="Actions", exact=True)).to_be_hidden()
    # Replié, l'en-tête laisse l'essentiel du premier écran au contenu.
    assert page.locator("header").bounding_box()["height"] < 844 * 0.2
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    navigation.get_by_role("link", name="Actions", exact=True).click()
    expect(page).to_have_url(live_server.url + reverse("actions"))
    session.close()
