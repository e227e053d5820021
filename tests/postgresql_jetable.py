"""Une instance PostgreSQL à soi, pour les tests qui l'arrêtent, la redémarrent ou la sauvegardent : jamais le serveur
partagé (port 5432), dont la suite et les autres travaux se servent.

`initdb` et `pg_ctl` de /usr/lib/postgresql/15/bin, dans un dossier temporaire, sur un port libre de 127.0.0.1. `initdb`
refuse de tourner en root : lancé en root (la CI l'est), tout passe par l'utilisateur système `postgres` (`runuser`).
Sans ces outils, le test est sauté sur un poste de développement, et il échoue en CI (CI=true) : il n'y saute jamais.
"""

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg
import pytest

BINAIRES = Path(os.environ.get("POSTGRESQL_BIN", "/usr/lib/postgresql/15/bin"))


def absent_ou_echec(raison):
    """Saute le test sur un poste de développement ; le fait échouer en CI, où rien ne doit sauter."""
    if os.environ.get("CI"):
        pytest.fail(f"CI : {raison} — ce test ne peut pas sauter en CI.")
    pytest.skip(raison)


def port_libre():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class InstancePostgreSQL:
    """Un serveur PostgreSQL jetable : `demarrer`, `arreter`, `url(base)`, `creer_base`, `supprimer` à la fin."""

    def __init__(self):
        for outil in ("initdb", "pg_ctl", "pg_dump", "pg_restore"):
            if not (BINAIRES / outil).exists():
                absent_ou_echec(f"{BINAIRES / outil} introuvable (paquet postgresql-15)")
        self.en_root = os.geteuid() == 0
        if self.en_root:
            try:
                self.postgres = pwd.getpwnam("postgres")
            except KeyError:
                absent_ou_echec("lancé en root sans utilisateur système « postgres » pour initdb")
        # Directement sous /tmp : le dossier de pytest (0700, à root) n'est pas traversable par `postgres`, et le
        # chemin du socket Unix doit rester court.
        self.dossier = Path(tempfile.mkdtemp(prefix="suivi-pg-"))
        if self.en_root:
            os.chown(self.dossier, self.postgres.pw_uid, self.postgres.pw_gid)
        self.donnees = self.dossier / "donnees"
        self.journal = self.dossier / "postgresql.log"
        self.port = port_libre()
        self.commande("initdb", "-D", self.donnees, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8")

    def commande(self, outil, *arguments, verifier=True):
        """Lance un outil de PostgreSQL (en `postgres` si l'on est root) ; sa sortie en cas d'échec."""
        ligne = [str(BINAIRES / outil), *map(str, arguments)]
        if self.en_root:
            ligne = ["runuser", "-u", "postgres", "--", *ligne]
        resultat = subprocess.run(ligne, capture_output=True, text=True, timeout=120, cwd=self.dossier)
        if verifier and resultat.returncode != 0:
            raise RuntimeError(f"{' '.join(ligne)} : {resultat.stdout}{resultat.stderr}{self.fin_du_journal()}")
        return resultat

    def fin_du_journal(self):
        try:
            return "\n--- journal de PostgreSQL ---\n" + "\n".join(self.journal.read_text().splitlines()[-20:])
        except OSError:
            return ""

    def demarrer(self):
        options = f"-p {self.port} -k {self.dossier} -c listen_addresses=127.0.0.1 -c fsync=off"
        self.commande("pg_ctl", "-D", self.donnees, "-l", self.journal, "-o", options, "-w", "-t", "30", "start")

    def arreter(self, mode="fast"):
        """`fast` : les connexions en cours sont coupées, ce qui est validé est écrit (comme un redémarrage de
        service) ; `immediate` pour la fin du test."""
        self.commande("pg_ctl", "-D", self.donnees, "-m", mode, "-w", "-t", "30", "stop")

    def url(self, base):
        return f"postgres://postgres@127.0.0.1:{self.port}/{base}"

    def connexion(self, base):
        return psycopg.connect(host="127.0.0.1", port=self.port, user="postgres", dbname=base, autocommit=True)

    def creer_base(self, base):
        with self.connexion("postgres") as connexion:
            connexion.execute(f'CREATE DATABASE "{base}"')

    def supprimer(self):
        self.commande("pg_ctl", "-D", self.donnees, "-m", "immediate", "-w", "stop", verifier=False)
        shutil.rmtree(self.dossier, ignore_errors=True)


def attendre(condition, delai, pas=0.1):
    """Attend que `condition()` soit vraie, `delai` secondes au plus ; rend sa dernière valeur."""
    limite = time.monotonic() + delai
    while True:
        valeur = condition()
        if valeur or time.monotonic() > limite:
            return valeur
        time.sleep(pas)
