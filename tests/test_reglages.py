"""Les réglages et le fichier `.env` que `make run` écrit, lus dans un processus neuf, sans pytest chargé (sous pytest
les réglages ignorent `.env`) et avec un environnement d'où DEBUG, SECRET_KEY et DATABASE_URL sont retirés.

Chaque test désigne son propre fichier par FICHIER_ENV : aucun ne lit ni n'écrit le `.env` du dépôt."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings

REFUS = "SECRET_KEY est obligatoire quand DEBUG est désactivé."
AFFICHER = (
    "import json, os, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'debug': s.DEBUG, 'secret_key': s.SECRET_KEY, 'allowed_hosts': s.ALLOWED_HOSTS, "
    "'engine': s.DATABASES['default']['ENGINE'], 'conn_max_age': s.DATABASES['default']['CONN_MAX_AGE'], "
    "'log_level': s.LOGGING['root']['level'], 'pytest': 'pytest' in __import__('sys').modules, "
    "'environ': {n: os.environ.get(n) for n in ('DEBUG', 'LOG_LEVEL')}}))"
)


def lancer(fichier_env, *arguments, code=AFFICHER, **variables):
    """Lance `python -c code` (ou `manage.py arguments`) depuis la racine du projet, avec `fichier_env` pour `.env`."""
    env = {
        nom: valeur
        for nom, valeur in os.environ.items()
        if nom not in ("DEBUG", "SECRET_KEY", "DATABASE_URL", "FICHIER_ENV", "DJANGO_SETTINGS_MODULE")
    }
    env.update({"FICHIER_ENV": str(fichier_env), "DJANGO_SETTINGS_MODULE": "protocole.settings", **variables})
    commande = [sys.executable, "manage.py", *arguments] if arguments else [sys.executable, "-c", code]
    return subprocess.run(commande, cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120)


def reglages_lus(resultat):
    assert resultat.returncode == 0, resultat.stderr
    return json.loads(resultat.stdout.splitlines()[-1])


@pytest.fixture
def env_de_make_run(tmp_path):
    """Le fichier `.env` tel que `make run` l'écrit : la cible `.env` du Makefile, jouée dans un dossier temporaire."""
    subprocess.run(
        ["make", "-s", "-C", str(tmp_path), "-f", str(settings.BASE_DIR / "Makefile"), ".env"],
        check=True,
        capture_output=True,
    )
    return tmp_path / ".env"


def test_production_without_secret_key_refuses_to_start(tmp_path):
    resultat = lancer(tmp_path / "absent.env")

    assert resultat.returncode != 0
    assert REFUS in resultat.stderr


def test_manage_check_runs_without_debug_in_the_environment_with_the_env_file_of_make_run(env_de_make_run):
    resultat = lancer(env_de_make_run, "check")

    assert resultat.returncode == 0, resultat.stderr
    assert "System check identified no issues" in resultat.stdout
    assert reglages_lus(lancer(env_de_make_run))["debug"] is True


def test_make_run_keeps_an_env_file_the_user_has_edited(env_de_make_run):
    env_de_make_run.write_text("DEBUG=true\nLOG_LEVEL=INFO\n")

    subprocess.run(
        ["make", "-s", "-C", str(env_de_make_run.parent), "-f", str(settings.BASE_DIR / "Makefile"), ".env"],
        check=True,
        capture_output=True,
    )

    assert env_de_make_run.read_text() == "DEBUG=true\nLOG_LEVEL=INFO\n"


def test_debug_false_in_the_environment_ignores_the_whole_env_file(tmp_path):
    # La clé du fichier aurait suffi à démarrer : refuser prouve qu'il n'est pas lu du tout, pas seulement DEBUG.
    fichier = tmp_path / ".env"
    fichier.write_text("DEBUG=true\nSECRET_KEY=cle-du-fichier\n")

    resultat = lancer(fichier, DEBUG="false")

    assert resultat.returncode != 0
    assert REFUS in resultat.stderr


def test_secret_key_in_the_environment_ignores_the_whole_env_file(tmp_path):
    fichier = tmp_path / ".env"
    fichier.write_text("DEBUG=true\nALLOWED_HOSTS=poste.example\nLOG_LEVEL=DEBUG\n")

    lus = reglages_lus(lancer(fichier, SECRET_KEY="cle-de-production"))

    assert lus["debug"] is False
    assert lus["secret_key"] == "cle-de-production"
    assert lus["allowed_hosts"] == []
    assert lus["log_level"] == "WARNING"


def test_database_url_in_the_environment_ignores_the_whole_env_file(tmp_path):
    fichier = tmp_path / ".env"
    fichier.write_text("DEBUG=true\n")

    resultat = lancer(fichier, DATABASE_URL=f"sqlite:///{tmp_path / 'base.sqlite3'}")

    assert resultat.returncode != 0
    assert REFUS in resultat.stderr


def test_bench_subprocesses_ignore_the_env_file(tmp_path):
    # L'environnement que `manage.py bench` donne à gunicorn, collectstatic et ses étapes (bench.py, base_prete).
    fichier = tmp_path / ".env"
    fichier.write_text("DEBUG=true\nDATABASE_URL=sqlite:///poste.sqlite3\nCONN_MAX_AGE=99\nLOG_LEVEL=DEBUG\n")

    lus = reglages_lus(
        lancer(
            fichier,
            DEBUG="false",
            SECRET_KEY="cle-du-banc",
            DATABASE_URL="postgres:///banc",
            ALLOWED_HOSTS="127.0.0.1",
            DJANGO_SETTINGS_MODULE="outils.bench.reglages",
        )
    )

    assert lus["debug"] is False
    assert lus["engine"] == "django.db.backends.postgresql"
    assert lus["conn_max_age"] == 0
    assert lus["log_level"] == "WARNING"


def test_env_file_values_are_read_but_not_passed_on_to_child_processes(tmp_path):
    fichier = tmp_path / ".env"
    fichier.write_text("# commentaire\n\nDEBUG=true  # développement\nexport LOG_LEVEL='INFO'\n")

    lus = reglages_lus(lancer(fichier))

    assert lus["debug"] is True
    assert lus["log_level"] == "INFO"
    assert lus["environ"] == {"DEBUG": None, "LOG_LEVEL": None}


def test_the_environment_overrides_other_values_of_the_env_file(tmp_path):
    fichier = tmp_path / ".env"
    fichier.write_text("DEBUG=true\nLOG_LEVEL=DEBUG\n")

    assert reglages_lus(lancer(fichier, LOG_LEVEL="ERROR"))["log_level"] == "ERROR"


def test_env_file_is_ignored_under_pytest(tmp_path):
    fichier = tmp_path / ".env"
    fichier.write_text("DEBUG=true\nLOG_LEVEL=DEBUG\n")

    lus = reglages_lus(lancer(fichier, code="import pytest; " + AFFICHER))

    assert lus["pytest"] is True
    assert lus["debug"] is False
    assert lus["log_level"] == "WARNING"


def test_a_malformed_env_file_stops_with_the_line_at_fault(tmp_path):
    fichier = tmp_path / ".env"
    fichier.write_text("DEBUG=true\nLOG_LEVEL\n")

    resultat = lancer(fichier)

    assert resultat.returncode != 0
    assert f"{fichier}, ligne 2 : NOM=valeur attendu" in resultat.stderr


CACHE_ET_TACHES = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'cache': s.CACHES['default']['BACKEND'].rsplit('.', 1)[-1], "
    "'location': s.CACHES['default']['LOCATION'], 'sessions': s.SESSION_ENGINE, 'courtier': s.CELERY_BROKER_URL, "
    "'resultats': s.CELERY_RESULT_BACKEND, 'sur_place': s.CELERY_TASK_ALWAYS_EAGER, "
    "'max': s.RAPPORTS_MAX_PAR_PERSONNE, 'delai': s.RAPPORTS_DELAI_ECHEC}))"
)


def test_with_redis_the_cache_broker_and_results_are_shared_and_sessions_stay_in_the_database(tmp_path):
    lus = reglages_lus(
        lancer(tmp_path / "absent.env", code=CACHE_ET_TACHES, SECRET_KEY="x" * 50, REDIS_URL="redis://127.0.0.1:6379/3")
    )
    assert lus == {
        "cache": "RedisCache",
        "location": "redis://127.0.0.1:6379/3",
        "sessions": "django.contrib.sessions.backends.db",
        "courtier": "redis://127.0.0.1:6379/3",
        "resultats": "redis://127.0.0.1:6379/3",
        "sur_place": False,
        "max": 2,
        "delai": 300,
    }


def test_without_a_broker_renders_run_in_process_and_the_cache_is_the_database_never_local_memory(tmp_path):
    lus = reglages_lus(
        lancer(
            tmp_path / "absent.env",
            code=CACHE_ET_TACHES,
            DEBUG="true",
            RAPPORTS_MAX_PAR_PERSONNE="3",
            RAPPORTS_DELAI_ECHEC="60",
        )
    )
    assert (lus["cache"], lus["location"], lus["courtier"], lus["sur_place"]) == (
        "DatabaseCache",
        "suivi_cache",
        None,
        True,
    )
    assert (lus["max"], lus["delai"]) == (3, 60)
    rabbitmq = reglages_lus(
        lancer(
            tmp_path / "absent.env",
            code=CACHE_ET_TACHES,
            DEBUG="true",
            CELERY_BROKER_URL="amqp://guest:guest@127.0.0.1:5672//",
        )
    )
    assert (rabbitmq["courtier"], rabbitmq["sur_place"], rabbitmq["cache"]) == (
        "amqp://guest:guest@127.0.0.1:5672//",
        False,
        "DatabaseCache",
    )


OUTILS_INSTALLES = (
    "import django; django.setup(); from django.conf import settings as s; print('outils' in s.INSTALLED_APPS)"
)


@pytest.mark.parametrize(
    ("variables", "installes"),
    [
        ({"DEBUG": "false", "SECRET_KEY": "cle-de-production"}, "False"),
        ({"DEBUG": "true"}, "True"),
        ({"DEBUG": "false", "SECRET_KEY": "cle-du-banc", "DJANGO_SETTINGS_MODULE": "outils.bench.reglages"}, "True"),
    ],
)
def test_the_tooling_app_is_installed_with_debug_and_in_the_bench_never_in_production(tmp_path, variables, installes):
    resultat = lancer(tmp_path / "absent.env", code=OUTILS_INSTALLES, **variables)

    assert resultat.returncode == 0, resultat.stderr
    assert resultat.stdout.splitlines()[-1] == installes


def test_production_has_no_demo_nor_bench_command(tmp_path):
    for commande in ("demo", "bench"):
        resultat = lancer(tmp_path / "absent.env", commande, DEBUG="false", SECRET_KEY="cle-de-production")

        assert resultat.returncode != 0
        assert f"Unknown command: '{commande}'" in resultat.stderr
