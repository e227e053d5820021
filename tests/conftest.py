import os
import shutil

import pytest
from django.conf import settings
from django.test import override_settings

# L'API synchrone de Playwright fait tourner une boucle d'événements : Django doit l'accepter dans les tests.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


def pytest_collection_modifyitems(config, items):
    """Sans Chromium, les parcours navigateur sont sautés sur un poste de développement, jamais en CI.

    Lancés avec `-p no:playwright` (la suite rapide), ils sont sautés aussi : leur fixture `page` n'existe pas."""
    if not config.pluginmanager.has_plugin("playwright"):
        skip = pytest.mark.skip(reason="pytest-playwright désactivé (-p no:playwright)")
        for item in items:
            if "navigateur" in item.keywords:
                item.add_marker(skip)
        return
    if shutil.which(CHROMIUM) or os.path.exists(CHROMIUM):
        return
    if os.environ.get("CI"):
        raise pytest.UsageError(
            f"CI : Chromium introuvable ({CHROMIUM}), les parcours navigateur ne peuvent pas sauter."
        )
    skip = pytest.mark.skip(reason=f"Chromium absent ({CHROMIUM}) : apt-get install chromium")
    for item in items:
        if "navigateur" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session", autouse=True)
def statiques_sans_collectstatic(tmp_path_factory):
    """Les tests ne lancent pas collectstatic : sans manifeste, le stockage de WhiteNoise refuserait `{% static %}`,
    et sans STATIC_ROOT WhiteNoise avertit (une erreur sous filterwarnings=error). Pour toute la session, y compris
    le live_server des parcours navigateur, qui sert les fichiers par les finders."""
    with override_settings(
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
        STATIC_ROOT=tmp_path_factory.mktemp("staticfiles"),
        # Un hachage rapide : les tests créent beaucoup de comptes, la robustesse du hachage n'y sert à rien.
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    ):
        yield


@pytest.fixture(autouse=True)
def medias_du_test(settings, tmp_path):
    """Chaque test a ses propres fichiers produits (cache des rapports…) : rien ne passe d'un test à l'autre."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def morceaux_oublies():
    """Les morceaux gardés par empreinte (protocole/fragments.py) et les requêtes compilées (protocole/compilees.py)
    ne passent pas d'un test à l'autre : un test qui change un réglage ou un gabarit repart d'une mémoire vide."""
    from protocole import compilees, fragments

    fragments.vider()
    compilees.vider()
    yield
