"""Ce que disent les en-têtes HTTP, et les réglages de production du README : `check --deploy` n'y trouve rien.

Les réglages sont lus dans un processus neuf (comme tests/test_reglages.py) : ils se calculent à l'import, d'après
l'environnement. Le `Cache-Control` des pages connectées est essayé URL par URL dans tests/test_permissions.py.
"""

import os
import re
import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.urls import reverse

from tests.test_reglages import lancer, reglages_lus

LIRE_SECURITE = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'redirection': s.SECURE_SSL_REDIRECT, 'hsts': s.SECURE_HSTS_SECONDS, "
    "'proxy': s.PROXY_DE_CONFIANCE, 'entete_proxy': getattr(s, 'SECURE_PROXY_SSL_HEADER', None), "
    "'cookies': [s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE]}))"
)


def environnement_de_production_du_readme(tmp_path):
    """Les variables que la section « Production » du README exporte. Une valeur écrite « … » (la clé) est tirée
    au sort ; la base devient un fichier SQLite jetable (`check --deploy` n'ouvre pas de connexion, et il ne faut
    pas dépendre d'un serveur nommé pour l'exemple)."""
    texte = (settings.BASE_DIR / "README.md").read_text(encoding="utf-8")
    section = texte.split("\n## Production\n", 1)[1].split("\n## ", 1)[0]
    variables = {}
    for ligne in section.splitlines():
        if ligne.startswith("export "):
            for nom, valeur in re.findall(r"([A-Z_]+)=(\S+)", ligne):
                variables[nom] = secrets.token_urlsafe(50) if "…" in valeur else valeur
    variables["DATABASE_URL"] = f"sqlite:///{tmp_path / 'production.sqlite3'}"
    return variables


def test_check_deploy_says_nothing_with_the_production_environment_of_the_readme(tmp_path):
    variables = environnement_de_production_du_readme(tmp_path)
    assert {"SECRET_KEY", "ALLOWED_HOSTS", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "PROXY_DE_CONFIANCE"} <= set(
        variables
    )

    # Un environnement de serveur : rien de celui des tests (DJANGO_ALLOW_ASYNC_UNSAFE, posé pour Playwright, serait
    # à juste titre signalé par `check --deploy`).
    environnement = {nom: os.environ[nom] for nom in ("PATH", "HOME", "LANG") if nom in os.environ}
    environnement.update(variables, FICHIER_ENV=str(tmp_path / "absent.env"))
    resultat = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=environnement,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert resultat.returncode == 0, resultat.stderr
    assert resultat.stderr == ""
    assert resultat.stdout.strip() == "System check identified no issues (0 silenced)."


def test_without_the_https_variables_check_deploy_warns_about_hsts_and_the_redirect(tmp_path):
    # La preuve que ce sont bien ces variables qui le font taire.
    resultat = lancer(
        tmp_path / "absent.env",
        "check",
        "--deploy",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="suivi.example.org",
        DATABASE_URL=f"sqlite:///{tmp_path / 'base.sqlite3'}",
    )

    assert "security.W004" in resultat.stderr
    assert "security.W008" in resultat.stderr


def test_the_https_settings_come_from_the_environment_and_cookies_are_secure_without_debug(tmp_path):
    production = reglages_lus(
        lancer(
            tmp_path / "absent.env",
            code=LIRE_SECURITE,
            SECRET_KEY="cle",
            SECURE_SSL_REDIRECT="true",
            SECURE_HSTS_SECONDS="31536000",
            PROXY_DE_CONFIANCE="true",
        )
    )
    assert production == {
        "redirection": True,
        "hsts": 31536000,
        "proxy": True,
        "entete_proxy": ["HTTP_X_FORWARDED_PROTO", "https"],
        "cookies": [True, True],
    }

    sans_proxy = reglages_lus(lancer(tmp_path / "absent.env", code=LIRE_SECURITE, SECRET_KEY="cle"))
    assert (sans_proxy["redirection"], sans_proxy["hsts"], sans_proxy["entete_proxy"]) == (False, 0, None)


def test_a_number_that_is_not_one_stops_the_start_with_a_french_message(tmp_path):
    resultat = lancer(tmp_path / "absent.env", SECRET_KEY="cle", SECURE_HSTS_SECONDS="un an")

    assert resultat.returncode != 0
    assert "SECURE_HSTS_SECONDS doit être un nombre entier, pas 'un an'" in resultat.stderr


@pytest.fixture
def https_derriere_le_proxy(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")


@pytest.mark.django_db
def test_behind_the_proxy_an_https_request_is_served_and_not_redirected_again(client, https_derriere_le_proxy):
    reponse = client.get(reverse("quartiers"), headers={"x-forwarded-proto": "https"})

    assert reponse.status_code == 200


@pytest.mark.django_db
def test_a_plain_http_request_is_redirected_to_https_except_the_health_check(client, https_derriere_le_proxy):
    reponse = client.get(reverse("quartiers"))
    assert reponse.status_code == 301
    assert reponse["Location"] == "https://testserver/quartiers/"

    assert client.get(reverse("sante")).status_code == 200


@pytest.mark.django_db
def test_pages_carry_a_content_security_policy_without_unsafe_inline_and_the_other_policies(client):
    reponse = client.get(reverse("accueil"))

    directives = dict(d.strip().split(" ", 1) for d in reponse["Content-Security-Policy"].split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in reponse["Content-Security-Policy"]
    assert reponse["Referrer-Policy"] == "same-origin"
    assert reponse["X-Frame-Options"] == "DENY"
    assert reponse["X-Content-Type-Options"] == "nosniff"
    assert "camera=()" in reponse["Permissions-Policy"]
    assert "geolocation=()" in reponse["Permissions-Policy"]


@pytest.mark.django_db
def test_public_pages_read_anonymously_may_be_cached(client):
    assert "Cache-Control" not in client.get(reverse("accueil"))


# Rendus en PDF par WeasyPrint côté serveur, jamais servis en HTML : la Content-Security-Policy ne les concerne pas.
# Non servis par HTTP, donc hors de la CSP : le rapport PDF (WeasyPrint) et le courriel du récapitulatif, dont les
# styles en ligne sont les seuls que les messageries gardent.
GABARITS_PDF = {"rapports/rapport.html", "comite/rappels/recapitulatif.html"}
INLINE = re.compile(r"""\sstyle=|<style|<script(?![^>]*\ssrc=)|\son[a-z]+=""", re.IGNORECASE)


def test_no_template_served_as_html_has_an_inline_style_script_or_event_handler():
    dossier = settings.BASE_DIR / "templates"
    fautes = [
        f"{chemin.relative_to(dossier)}: {trouve.group(0).strip()}"
        for chemin in dossier.rglob("*.html")
        if str(chemin.relative_to(dossier)) not in GABARITS_PDF
        for trouve in INLINE.finditer(chemin.read_text(encoding="utf-8"))
    ]
    assert fautes == []


def test_no_python_module_writes_an_inline_style_into_html():
    # Les cellules de django-tables2 et les fragments construits en Python passent sous la même politique.
    fautes = [
        f"{chemin.relative_to(settings.BASE_DIR)}:{numero}"
        for dossier in ("protocole", "signataires", "engagements")
        for chemin in (settings.BASE_DIR / dossier).rglob("*.py")
        if "migrations" not in chemin.parts
        for numero, ligne in enumerate(chemin.read_text(encoding="utf-8").splitlines(), start=1)
        if re.search(r"""\sstyle=["']""", ligne)
    ]
    assert fautes == []
