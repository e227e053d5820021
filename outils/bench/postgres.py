"""La base du banc d'essai : PostgreSQL démarré, base (re)créée, marqueur qui dit quel jeu elle contient.

Le marqueur est une petite table hors des modèles (les migrations l'ignorent), écrite à la fin d'une construction
réussie : une base sans marqueur, ou d'une autre version du jeu, est reconstruite.
"""

import shutil
import subprocess
import time

from django.db import connection

# À augmenter quand le générateur change : la base nationale sera reconstruite au prochain `make bench`.
# 2 : les histoires du générateur partagé avec `manage.py demo` (outils.historiques) ; 3 : le texte cherchable
VERSION_JEU = 4  # 4 : 10 indicateurs par protocole, valeurs trimestrielles depuis 2015
MARQUEUR = "banc_essai"


class ErreurPostgres(Exception):
    pass


def demarrer(version="15"):
    """Démarre le cluster local s'il ne répond pas (comme .ci/run)."""
    if subprocess.run(["pg_isready", "-q"], check=False).returncode == 0:
        return
    if not shutil.which("pg_ctlcluster"):
        raise ErreurPostgres("PostgreSQL ne répond pas et pg_ctlcluster est introuvable.")
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"], check=True)
    for _ in range(30):
        if subprocess.run(["pg_isready", "-q"], check=False).returncode == 0:
            return
        time.sleep(1)
    raise ErreurPostgres("PostgreSQL ne répond toujours pas après 30 s.")


def recreer(base):
    supprimer(base)
    subprocess.run(["createdb", base], check=True)


def supprimer(base):
    # --if-exists fait dire à PostgreSQL « does not exist, skipping » sur la sortie d'erreur : rien d'utile.
    subprocess.run(["dropdb", "--if-exists", base], check=False, stderr=subprocess.DEVNULL)


def version_du_jeu(base):
    """La version du jeu qu'annonce le marqueur de `base`, ou None (base absente, pas de marqueur)."""
    resultat = subprocess.run(
        ["psql", "-X", "-q", "-t", "-A", "-d", base, "-c", f"SELECT max(version) FROM {MARQUEUR}"],
        capture_output=True,
        text=True,
        check=False,
    )
    sortie = resultat.stdout.strip()
    return int(sortie) if resultat.returncode == 0 and sortie.isdigit() else None


def marquer(echelle, duree, lignes):
    """Sur la connexion Django : écrit le marqueur d'un jeu construit."""
    with connection.cursor() as curseur:
        curseur.execute(
            f"CREATE TABLE {MARQUEUR} (version integer, echelle text, construit_le timestamptz, duree_s double "
            "precision, protocoles integer, actions integer, entrees integer)"
        )
        curseur.execute(
            f"INSERT INTO {MARQUEUR} VALUES (%s, %s, now(), %s, %s, %s, %s)",
            [VERSION_JEU, echelle, duree, lignes["protocoles"], lignes["actions"], lignes["entrees"]],
        )


def lire_marqueur():
    with connection.cursor() as curseur:
        curseur.execute(f"SELECT version, echelle, construit_le, duree_s FROM {MARQUEUR} ORDER BY construit_le DESC")
        version, echelle, construit_le, duree = curseur.fetchone()
    return {"version": version, "echelle": echelle, "construit_le": construit_le.isoformat(), "duree_s": duree}


def reglages():
    """La version du serveur et les réglages qui pèsent sur les mesures."""
    with connection.cursor() as curseur:
        valeurs = {}
        noms = ("server_version", "shared_buffers", "work_mem", "effective_cache_size", "jit", "jit_above_cost")
        for nom in (*noms, "join_collapse_limit", "random_page_cost"):
            curseur.execute(f"SHOW {nom}")
            valeurs[nom] = curseur.fetchone()[0]
    return valeurs
