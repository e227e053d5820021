"""Mesurer par de vraies requêtes HTTP : gunicorn lancé à part, requêtes en série (médiane, 95e centile), puis
en charge (N connexions simultanées, requêtes par seconde, erreurs).

Le temps compté est celui du client : de l'envoi de la requête à la fin de la lecture du corps, connexion comprise
(les workers synchrones de gunicorn ferment la connexion après chaque réponse).
"""

import http.client
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

DELAI = 60  # secondes, par requête


def centile(valeurs, p):
    """Le p-ième centile (interpolation linéaire entre rangs) ; la valeur seule s'il n'y en a qu'une."""
    if len(valeurs) == 1:
        return valeurs[0]
    return statistics.quantiles(valeurs, n=100, method="inclusive")[p - 1]


@dataclass
class Serie:
    """Les durées (ms) des réponses 200 et les erreurs (autre statut, exception) d'une page à une échelle."""

    durees: list = field(default_factory=list)
    erreurs: list = field(default_factory=list)

    @property
    def p50(self):
        return statistics.median(self.durees) if self.durees else None

    @property
    def p95(self):
        return centile(self.durees, 95) if self.durees else None


class Client:
    """Une connexion HTTP réutilisée tant que le serveur la garde ouverte, rouverte sinon."""

    def __init__(self, port):
        self.port = port
        self.connexion = None

    def get(self, chemin, cookie=None):
        """(statut ou message d'erreur, durée en ms)."""
        if self.connexion is None:
            self.connexion = http.client.HTTPConnection("127.0.0.1", self.port, timeout=DELAI)
        debut = time.perf_counter()
        try:
            self.connexion.request("GET", chemin, headers={"Cookie": cookie} if cookie else {})
            reponse = self.connexion.getresponse()
            reponse.read()
            statut = reponse.status
            if reponse.will_close:
                self.fermer()
        except (OSError, http.client.HTTPException) as erreur:
            self.fermer()
            statut = f"{type(erreur).__name__}: {erreur}"
        return statut, (time.perf_counter() - debut) * 1000

    def fermer(self):
        if self.connexion is not None:
            self.connexion.close()
        self.connexion = None


def port_libre():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Gunicorn:
    """gunicorn servant le projet, le temps d'un bloc `with` ; seul ce processus (et ses workers) est arrêté."""

    def __init__(self, env, workers=2):
        self.env, self.workers = env, workers
        self.port = port_libre()
        self.journal = tempfile.NamedTemporaryFile("w+", prefix="banc-gunicorn-", suffix=".log", delete=False)

    def __enter__(self):
        commande = [sys.executable, "-m", "gunicorn", "protocole.wsgi", "-w", str(self.workers)]
        commande += ["--bind", f"127.0.0.1:{self.port}", "--timeout", str(DELAI)]
        self.processus = subprocess.Popen(
            commande, cwd=settings.BASE_DIR, env=self.env, stdout=self.journal, stderr=subprocess.STDOUT
        )
        client, limite = Client(self.port), time.monotonic() + 60
        while time.monotonic() < limite:
            if self.processus.poll() is not None:
                raise RuntimeError(f"gunicorn s'est arrêté au démarrage :\n{self.fin_du_journal()}")
            if client.get("/sante/")[0] == 200:
                client.fermer()
                return self
            time.sleep(0.2)
        journal = self.fin_du_journal()
        self.__exit__(RuntimeError, None, None)
        raise RuntimeError(f"gunicorn ne répond pas sur /sante/ après 60 s :\n{journal}")

    def __exit__(self, type_erreur, *exc):
        self.processus.terminate()
        try:
            self.processus.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.processus.kill()
            self.processus.wait()
        self.journal.close()
        if type_erreur is None:
            Path(self.journal.name).unlink(missing_ok=True)

    def fin_du_journal(self, lignes=40):
        self.journal.flush()
        return "\n".join(Path(self.journal.name).read_text(errors="replace").splitlines()[-lignes:])


# Avant de mesurer, chaque protocole d'une échelle est demandé ce nombre de fois : la première requête qu'un worker
# de gunicorn sert pour un protocole construit et compile les requêtes de ses chiffres (`protocole/compilees.py`, une
# fois par jour et par worker) ; c'est le démarrage du worker, pas le recalcul qu'on mesure. Les connexions vont au
# worker libre : à 2 workers, 8 tours en laissent un sans ce protocole moins d'une fois sur cent.
TOURS_D_ECHAUFFEMENT = 8


def en_serie(echelles, page, nombre, tours=TOURS_D_ECHAUFFEMENT, avant=None):
    """{échelle: Serie} pour `page` : `nombre` requêtes par échelle, les échelles alternées requête par requête (une
    dérive de la machine pèse autant sur chacune), les protocoles d'une échelle tour à tour, après `tours` requêtes
    non comptées par protocole. Chaque cible porte le port du serveur qui la sert. `avant(cible)`, s'il est donné,
    est appelé avant chaque requête, hors du temps compté (la mesure « froide » y écrit une entrée du journal du
    protocole mesuré)."""
    clients = {}
    series = {echelle: Serie() for echelle in echelles}
    echauffement = tours * max(len(cibles) for cibles in echelles.values())
    for i in range(-echauffement, nombre):
        for echelle, cibles in echelles.items():
            cible = cibles[i % len(cibles)]
            client = clients.setdefault(cible["port"], Client(cible["port"]))
            if avant is not None:
                avant(cible)
            statut, duree = client.get(cible["pages"][page], cible["cookie"])
            if i < 0:
                continue
            if statut == 200:
                series[echelle].durees.append(duree)
            else:
                series[echelle].erreurs.append(f"{cible['pages'][page]} → {statut}")
    for client in clients.values():
        client.fermer()
    return series


@dataclass
class Charge:
    """Sous charge : les requêtes terminées pendant la fenêtre mesurée (le débit), et les durées et erreurs de toutes,
    celles finies après la fenêtre comprises (on attend la dernière réponse avant d'arrêter le serveur)."""

    connexions: int
    duree_s: float
    dans_la_fenetre: int
    durees: list
    erreurs: list

    @property
    def requetes(self):
        return len(self.durees)

    @property
    def par_seconde(self):
        return self.dans_la_fenetre / self.duree_s

    @property
    def p50(self):
        return centile(self.durees, 50) if self.durees else None

    @property
    def p95(self):
        return centile(self.durees, 95) if self.durees else None


def en_charge(port, melange, connexions=50, duree=10.0, changer=None):
    """`connexions` clients simultanés qui enchaînent les requêtes de `melange` [(chemin, cookie)] pendant `duree`.
    `changer(rang)`, s'il est donné, est appelé une fois par seconde pendant la fenêtre, depuis un fil à part (une
    donnée changée par seconde)."""
    arret, depart = threading.Event(), threading.Barrier(connexions + 1)

    def changer_chaque_seconde():
        rang = 0
        while not arret.wait(1.0):
            changer(rang)
            rang += 1

    resultats = [None] * connexions

    def travailler(rang):
        client, fins, durees, erreurs, i = Client(port), [], [], [], rang
        depart.wait()
        while not arret.is_set():
            chemin, cookie = melange[i % len(melange)]
            i += 1
            statut, ms = client.get(chemin, cookie)
            fins.append(time.perf_counter())
            durees.append(ms)
            if statut != 200:
                erreurs.append(f"{chemin} → {statut}")
        client.fermer()
        resultats[rang] = (fins, durees, erreurs)

    fils = [threading.Thread(target=travailler, args=(rang,), daemon=True) for rang in range(connexions)]
    for f in fils:
        f.start()
    depart.wait()
    fin = time.perf_counter() + duree
    if changer is not None:
        changeur = threading.Thread(target=changer_chaque_seconde, daemon=True)
        changeur.start()
    time.sleep(duree)
    arret.set()
    if changer is not None:
        changeur.join(DELAI)
    for f in fils:
        f.join(DELAI + 5)
    finis = [r for r in resultats if r]
    return Charge(
        connexions=connexions,
        duree_s=duree,
        dans_la_fenetre=sum(1 for fins, _d, _e in finis for t in fins if t <= fin),
        durees=[d for _f, durees, _e in finis for d in durees],
        erreurs=[e for _f, _d, erreurs in finis for e in erreurs],
    )
