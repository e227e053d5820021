"""L'application sur plusieurs machines : deux gunicorn et un worker Celery, une base PostgreSQL et un Redis.

Tout est à ce test : une instance PostgreSQL à lui (tests/postgresql_jetable.py), un `redis-server` sur un port libre
de 127.0.0.1, deux gunicorn (deux « machines » web qui ne partagent que la base et Redis) et un worker
`celery -A protocole worker --concurrency 1`. Un rapport demandé par l'une est rendu par le worker et téléchargé par
l'autre ; un rapport en cache est servi par les deux ; le worker tué (SIGKILL) en plein rendu ne laisse rien
d'écrit, la page dit l'échec passé le délai, et réessayer fonctionne. Sans PostgreSQL ou redis-server, le test est
sauté sur un poste de développement et échoue en CI.
"""

import datetime
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from contextlib import ExitStack
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.utils import timezone

from tests.postgresql_jetable import InstancePostgreSQL, absent_ou_echec, attendre, port_libre
from tests.protocole.conftest import environnement_serveur, manage

DELAI_ECHEC = 12  # RAPPORTS_DELAI_ECHEC des processus lancés ici, en secondes
ACTIONS = 60  # assez pour qu'un rendu dure le temps de tuer le worker au milieu
CSRF = "repartis" * 4  # le jeton CSRF que le client choisit lui-même (cookie et champ)

DONNEES = """
import json
from outils.bench.cibles import session
from tests.factories import ObligationFactory
from tests.factories_suivi import ROLES, ActionFactory, habilitation

obligation = ObligationFactory()
for rang in range({actions}):
    ActionFactory(obligation=obligation, titre=f"Action répartie {{rang}}")
membre = habilitation(obligation.protocole, ROLES.CHARGE_DE_MISSION).utilisateur
print(json.dumps({{"cookie": session(membre, obligation.protocole)}}))
"""


class Client:
    """Un client HTTP d'une instance gunicorn, avec la session du membre."""

    def __init__(self, port, cookie):
        self.port, self.cookie = port, f"{cookie}; csrftoken={CSRF}"

    def requete(self, methode, chemin, corps=None, htmx=False):
        entetes = {"Cookie": self.cookie}
        if htmx:
            entetes["HX-Request"] = "true"
        if corps is not None:
            entetes["Content-Type"] = "application/x-www-form-urlencoded"
        connexion = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connexion.request(methode, chemin, body=corps, headers=entetes)
            reponse = connexion.getresponse()
            return reponse.status, dict(reponse.getheaders()), reponse.read()
        finally:
            connexion.close()

    def get(self, chemin, htmx=False):
        return self.requete("GET", chemin, htmx=htmx)


def demarrer(commande, env, journal, **options):
    with open(journal, "w") as sortie:
        return subprocess.Popen(
            commande, cwd=settings.BASE_DIR, env=env, stdout=sortie, stderr=subprocess.STDOUT, **options
        )


def arreter(processus):
    if processus.poll() is None:
        processus.terminate()
        try:
            processus.wait(timeout=20)
        except subprocess.TimeoutExpired:
            processus.kill()
            processus.wait()


class Plateforme:
    """Ce que le test lance, et de quoi le piloter."""

    def __init__(self, pile, dossier):
        self.pile, self.dossier = pile, dossier
        if not shutil.which("redis-server"):
            absent_ou_echec("redis-server introuvable (paquet redis-server)")
        self.postgresql = InstancePostgreSQL()
        pile.callback(self.postgresql.supprimer)
        self.postgresql.demarrer()
        self.postgresql.creer_base("repartis")
        self.redis_port = port_libre()
        redis = demarrer(
            ["redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            os.environ.copy(),
            dossier / "redis.log",
        )
        pile.callback(arreter, redis)
        self.env = environnement_serveur(
            self.postgresql.url("repartis"),
            REDIS_URL=f"redis://127.0.0.1:{self.redis_port}/0",
            RAPPORTS_DELAI_ECHEC=str(DELAI_ECHEC),
        )
        manage(self.env, "migrate", "--noinput", "-v", "0")
        self.cookie = json.loads(manage(self.env, "shell", "-c", DONNEES.format(actions=ACTIONS)).splitlines()[-1])[
            "cookie"
        ]
        self.web = [self.gunicorn(rang) for rang in range(2)]
        self.worker = None
        self.lancer_worker()

    def gunicorn(self, rang):
        port = port_libre()
        commande = [sys.executable, "-m", "gunicorn", "protocole.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{port}"]
        processus = demarrer(commande, self.env, self.dossier / f"gunicorn-{rang}.log")
        self.pile.callback(arreter, processus)
        client = Client(port, self.cookie)
        assert attendre(lambda: self.joignable(client), 60), self.journal(f"gunicorn-{rang}.log")
        return client

    @staticmethod
    def joignable(client):
        try:
            return client.get("/sante/")[0] == 200
        except OSError:
            return False

    def lancer_worker(self):
        """Un worker, dans son propre groupe de processus : le tuer, c'est tuer aussi le processus qui rend."""
        self.journal_worker = self.dossier / f"worker-{time.monotonic_ns()}.log"
        commande = [sys.executable, "-m", "celery", "-A", "protocole", "worker", "--concurrency", "1"]
        commande += ["--loglevel", "INFO", "--without-gossip", "--without-mingle", "--without-heartbeat"]
        self.worker = demarrer(commande, self.env, self.journal_worker, start_new_session=True)
        self.pile.callback(self.tuer_worker)
        pret = attendre(lambda: "ready." in self.journal_worker.read_text(), 60, pas=0.2)
        assert pret, self.journal_worker.read_text()[-3000:]

    def tuer_worker(self):
        if self.worker is not None and self.worker.poll() is None:
            os.killpg(self.worker.pid, signal.SIGKILL)
            self.worker.wait()

    def journal(self, nom):
        return (self.dossier / nom).read_text()[-3000:]

    def preparation(self, pk):
        with self.postgresql.connexion("repartis") as connexion:
            ligne = connexion.execute("SELECT etat, cle FROM comite_preparation WHERE id = %s", [pk]).fetchone()
        return {"etat": ligne[0], "cle": ligne[1]}

    def cles_en_cache(self):
        sortie = subprocess.run(
            ["redis-cli", "-p", str(self.redis_port), "--scan", "--pattern", "*rapport-pdf:*"],
            capture_output=True,
            text=True,
            check=True,
        )
        return sortie.stdout.split()


@pytest.fixture(scope="module")
def plateforme(tmp_path_factory):
    dossier = tmp_path_factory.mktemp("repartis")
    with ExitStack() as pile:
        yield Plateforme(pile, dossier)


def demande(jours):
    au = timezone.localdate() - datetime.timedelta(days=jours)
    return "/rapports/telecharger/?" + urlencode({"perimetre": "protocole", "au": au.isoformat()})


def preparation_demandee(client, chemin):
    """Demande le rapport ; rend le numéro de la préparation vers laquelle la réponse renvoie."""
    statut, entetes, _ = client.get(chemin)
    assert statut == 302, (statut, entetes)
    return int(re.fullmatch(r"/rapports/preparations/(\d+)/", entetes["Location"]).group(1))


def attendre_le_fichier(client, pk, delai=90):
    """Sonde la page comme le fait htmx, jusqu'à l'ordre d'aller à la page entière ; puis le fichier."""
    page = f"/rapports/preparations/{pk}/"
    prete = attendre(lambda: client.get(page, htmx=True)[1].get("HX-Redirect") == page, delai, pas=0.3)
    assert prete, client.get(page)[2].decode()[-2000:]
    statut, _, corps = client.get(page)
    assert statut == 200 and "Rapport prêt" in corps.decode()
    statut, entetes, pdf = client.get(f"{page}fichier/")
    assert statut == 200 and entetes["Content-Type"] == "application/pdf", (statut, entetes)
    return pdf


def test_a_report_asked_through_one_instance_is_rendered_by_the_worker_and_downloaded_through_the_other(plateforme):
    premiere, seconde = plateforme.web
    debut = time.monotonic()
    pk = preparation_demandee(premiere, demande(0))
    assert time.monotonic() - debut < 5, "la requête web n'attend pas le rendu"

    pdf = attendre_le_fichier(seconde, pk)

    assert pdf.startswith(b"%PDF-")
    assert plateforme.preparation(pk)["etat"] == "prete"
    assert re.search(r"Task comite\.preparer\[[^]]+\] succeeded", plateforme.journal_worker.read_text())


def test_a_cached_report_is_served_at_once_by_both_instances(plateforme):
    statut, entetes, _ = plateforme.web[0].get(demande(0))
    if statut == 302:  # lancé seul : le test précédent ne l'a pas mis en cache
        attendre_le_fichier(plateforme.web[0], int(entetes["Location"].split("/")[-2]))
    fichiers = []
    for client in plateforme.web:
        debut = time.monotonic()
        statut, entetes, pdf = client.get(demande(0))
        assert statut == 200 and entetes["Content-Type"] == "application/pdf", (statut, entetes)
        assert time.monotonic() - debut < 5
        fichiers.append(pdf)
    assert fichiers[0] == fichiers[1] and fichiers[0].startswith(b"%PDF-")


def test_a_worker_killed_mid_render_leaves_nothing_written_then_the_page_says_failure_and_retrying_works(plateforme):
    premiere, seconde = plateforme.web
    avant = set(plateforme.cles_en_cache())
    pk = preparation_demandee(premiere, demande(1))
    en_cours = attendre(lambda: plateforme.preparation(pk)["etat"] == "en_cours", 60, pas=0.01)
    assert en_cours, plateforme.journal_worker.read_text()[-3000:]
    plateforme.tuer_worker()

    assert plateforme.preparation(pk)["etat"] == "en_cours", "tué avant la fin du rendu"
    assert set(plateforme.cles_en_cache()) == avant, "rien d'écrit dans le cache"
    page = f"/rapports/preparations/{pk}/"
    assert "Rapport en préparation" in seconde.get(page)[2].decode()
    echec = attendre(lambda: "Échec de la préparation — réessayer" in seconde.get(page, htmx=True)[2].decode(), 30)
    assert echec

    plateforme.lancer_worker()
    corps = urlencode({"csrfmiddlewaretoken": CSRF})
    statut, entetes, _ = seconde.requete("POST", f"{page}reessayer/", corps)
    assert statut == 302 and entetes["Location"].startswith("/rapports/telecharger/?"), (statut, entetes)
    nouvelle = preparation_demandee(premiere, entetes["Location"])
    assert nouvelle != pk
    assert attendre_le_fichier(seconde, nouvelle).startswith(b"%PDF-")
