import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings

from tests.postgresql_jetable import InstancePostgreSQL


@pytest.fixture(scope="session")
def instance_postgresql():
    """Une instance PostgreSQL propre à la session (tests/postgresql_jetable.py), arrêtée et effacée à la fin."""
    instance = InstancePostgreSQL()
    try:
        instance.demarrer()
        yield instance
    finally:
        instance.supprimer()


def environnement_serveur(url, **variables):
    """L'environnement d'un processus du projet comme en production (DEBUG désactivé, clé, base), sans le `.env` du
    poste ni ce que pytest a posé pour lui-même ; les statiques sans collectstatic."""
    env = {nom: os.environ[nom] for nom in ("PATH", "HOME", "LANG", "TZ") if nom in os.environ}
    env.update(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        DATABASE_URL=url,
        ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SETTINGS_MODULE="tests.reglages_sans_collectstatic",
        FICHIER_ENV=os.devnull,
        PYTHONUNBUFFERED="1",
        **variables,
    )
    return env


def manage(env, *arguments, entree=None):
    """`manage.py arguments` dans un processus neuf ; sa sortie standard."""
    resultat = subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=settings.BASE_DIR,
        env=env,
        input=entree,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if resultat.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(arguments)} :\n{resultat.stdout}\n{resultat.stderr}")
    return resultat.stdout


@pytest.fixture(scope="session")
def base_migree(instance_postgresql):
    """Une base migrée une fois pour la session (8 s) ; chaque test en tire une copie (`CREATE DATABASE … TEMPLATE`)."""
    instance_postgresql.creer_base("modele")
    manage(environnement_serveur(instance_postgresql.url("modele")), "migrate", "--noinput", "-v", "0")
    return "modele"


def copie_de_la_base_migree(instance, base_migree):
    """Une copie neuve de la base migrée (0,2 s) ; rend son nom."""
    nom = "copie_" + secrets.token_hex(4)
    with instance.connexion("postgres") as connexion:
        connexion.execute(f'CREATE DATABASE "{nom}" TEMPLATE "{base_migree}"')
    return nom
