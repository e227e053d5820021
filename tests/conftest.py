import os
import shutil

import pytest

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
    """Sans Chromium, les parcours navigateur sont sautés sur un poste de développement, jamais en CI."""
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
