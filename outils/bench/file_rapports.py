"""`/sante/` pendant que des rendus de rapports attendent : le serveur web ne les attend pas (issue 18).

Sur la base de démonstration du banc : un `redis-server` sur un port libre (courtier et cache), un worker Celery à
`--concurrency 1` et gunicorn. 100 requêtes `/sante/` en série sans rendu (la référence) ; puis six rapports demandés
en HTTP comme le ferait un membre (six dates « au » : six rendus distincts), chaque demande devant revenir tout de
suite vers sa page de préparation ; puis 100 requêtes `/sante/` en série pendant qu'ils attendent ou sont rendus.
Cible : p95 avec rendus ≤ 2 × p95 sans, et aucune demande de rapport qui attende le rendu.
"""

import datetime
import http.client
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings

from outils.bench import mesure

RENDUS = 6
REQUETES = 100
RATIO_MAX = 2.0
DEMANDE_MS_MAX = 1000  # une demande de rapport qui dure plus a attendu autre chose que l'écriture d'une ligne
ATTENTE_RENDUS_S = 600


def _get(port, chemin, cookie, htmx=False):
    """(statut, en-têtes, durée en ms) d'une requête GET sur une connexion neuve."""
    entetes = {"Cookie": cookie, **({"HX-Request": "true"} if htmx else {})}
    connexion = http.client.HTTPConnection("127.0.0.1", port, timeout=mesure.DELAI)
    debut = time.perf_counter()
    try:
        connexion.request("GET", chemin, headers=entetes)
        reponse = connexion.getresponse()
        reponse.read()
        return reponse.status, dict(reponse.getheaders()), (time.perf_counter() - debut) * 1000
    finally:
        connexion.close()


def _serie(port, nombre):
    serie, client = mesure.Serie(), mesure.Client(port)
    for _ in range(nombre):
        statut, duree = client.get("/sante/")
        (serie.durees if statut == 200 else serie.erreurs).append(duree if statut == 200 else f"/sante/ : {statut}")
    client.fermer()
    return serie


class Service:
    """Un processus du banc (redis-server, worker Celery) dans son propre groupe, arrêté avec ses enfants."""

    def __init__(self, commande, env, pret):
        self.commande, self.env, self.pret = commande, env, pret
        self.journal = Path(tempfile.mkstemp(prefix="banc-service-", suffix=".log")[1])

    def __enter__(self):
        with open(self.journal, "w") as sortie:
            self.processus = subprocess.Popen(
                self.commande,
                cwd=settings.BASE_DIR,
                env=self.env,
                stdout=sortie,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        limite = time.monotonic() + 60
        while self.pret not in self.journal.read_text(errors="replace"):
            if self.processus.poll() is not None or time.monotonic() > limite:
                self.__exit__(RuntimeError)
                raise RuntimeError(f"{self.commande[0]} n'a pas démarré :\n{self.journal.read_text()[-3000:]}")
            time.sleep(0.2)
        return self

    def __exit__(self, type_erreur, *exc):
        if self.processus.poll() is None:
            os.killpg(self.processus.pid, signal.SIGTERM)
            try:
                self.processus.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.processus.pid, signal.SIGKILL)
                self.processus.wait()
        if type_erreur is None:
            self.journal.unlink(missing_ok=True)


def mesurer(env, cible, workers):
    """Les deux séries de `/sante/` et les six demandes ; `cible` : le protocole de démonstration (son cookie)."""
    if not shutil.which("redis-server"):
        return {"erreur": "redis-server introuvable"}
    port_redis = mesure.port_libre()
    redis = ["redis-server", "--port", str(port_redis), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    # Une personne a droit à RAPPORTS_MAX_PAR_PERSONNE rendus (2 par défaut) : le banc en demande six d'un compte.
    env = {**env, "REDIS_URL": f"redis://127.0.0.1:{port_redis}/0", "RAPPORTS_MAX_PAR_PERSONNE": str(RENDUS)}
    worker = [sys.executable, "-m", "celery", "-A", "protocole", "worker", "--concurrency", "1", "--loglevel", "INFO"]
    worker += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
    with (
        Service(redis, env, "Ready to accept connections"),
        Service(worker, env, "ready."),
        mesure.Gunicorn(env, workers) as serveur,
    ):
        _serie(serveur.port, 10)  # échauffement
        sans = _serie(serveur.port, REQUETES)
        demandes, aujourd_hui = [], datetime.date.today()
        for jours in range(RENDUS):
            au = (aujourd_hui - datetime.timedelta(days=jours + 1)).isoformat()
            chemin = "/rapports/telecharger/?" + urlencode({"perimetre": "protocole", "au": au})
            statut, entetes, duree = _get(serveur.port, chemin, cible["cookie"])
            demandes.append({"statut": statut, "page": entetes.get("Location"), "ms": duree})
        debut = time.monotonic()
        avec = _serie(serveur.port, REQUETES)
        pages = [d["page"] for d in demandes if d["statut"] == 302 and d["page"]]
        en_attente = sum(not _prete(serveur.port, page, cible["cookie"]) for page in pages)
        pretes = 0
        while time.monotonic() - debut < ATTENTE_RENDUS_S:
            pretes = sum(_prete(serveur.port, page, cible["cookie"]) for page in pages)
            if pretes == len(pages):
                break
            time.sleep(0.5)
        rendus_s = time.monotonic() - debut
    return {
        "sans": sans,
        "avec": avec,
        "demandes": demandes,
        "en_attente_apres_la_serie": en_attente,
        "pretes": pretes,
        "rendus_s": rendus_s,
    }


def _prete(port, page, cookie):
    """La page de la préparation, sondée comme le fait htmx : prête quand elle renvoie vers la page entière."""
    return _get(port, page, cookie, htmx=True)[1].get("HX-Redirect") == page


def erreurs(r):
    """Ce qui dit que la mesure, ou la file elle-même, a échoué (vide : elle a mesuré ce qu'elle dit) ; ces erreurs
    arrêtent `manage.py bench`. Une demande de rapport qui attend plus de `DEMANDE_MS_MAX` attend le rendu : c'est
    la file qui manque, pas une seconde de trop."""
    if "erreur" in r:
        return [r["erreur"]]
    manques = [f"/sante/ {e}" for e in r["sans"].erreurs + r["avec"].erreurs]
    lentes = [d for d in r["demandes"] if d["statut"] != 302 or d["ms"] > DEMANDE_MS_MAX]
    if lentes:
        manques.append(f"{len(lentes)} report request(s) not answered at once with a redirect")
    if r["en_attente_apres_la_serie"] == 0:
        manques.append("no render was still queued when the series ended: it measured nothing")
    if r["pretes"] != RENDUS:
        manques.append(f"{r['pretes']} of {RENDUS} renders ready after {ATTENTE_RENDUS_S} s")
    return manques


def manques(r):
    """Tout ce qui manque à la cible, en phrases courtes (vide : tenue) : les erreurs, puis le rapport des p95.
    Comme les rapports des pages, celui-ci se lit dans le rapport du banc et n'arrête pas la commande : sur une
    machine partagée, quelques millisecondes de p95 varient d'un passage à l'autre."""
    manque = erreurs(r)
    if "erreur" not in r and r["sans"].p95 and r["avec"].p95 and r["avec"].p95 > RATIO_MAX * r["sans"].p95:
        manque.append(f"p95 under renders {r['avec'].p95:.1f} ms > {RATIO_MAX}× {r['sans'].p95:.1f} ms")
    return manque


def section(r):
    """Les lignes de la section du rapport du banc."""
    entete = ["## `/sante/` while reports render", ""]
    if "erreur" in r:
        return [*entete, f"Not measured: {r['erreur']}.", ""]
    sans, avec, demandes = r["sans"], r["avec"], r["demandes"]
    ratio = avec.p95 / sans.p95 if sans.p95 and avec.p95 else None
    manque = manques(r)
    return [
        *entete,
        f"On the demo database: a `redis-server` of the benchmark's own (broker and cache), one Celery worker "
        f"`--concurrency 1`, gunicorn. {REQUETES} sequential `/sante/` requests without renders, then {RENDUS} "
        'reports of the demo protocol asked over HTTP by one account (six "au" dates: six distinct renders; '
        f"`RAPPORTS_MAX_PAR_PERSONNE={RENDUS}` for this account), then {REQUETES} sequential `/sante/` requests "
        f"while they wait or render. Target: p95 with renders ≤ {RATIO_MAX}× p95 without, every report request "
        f"answered at once (a redirect to its preparation page, under {DEMANDE_MS_MAX} ms).",
        "",
        "| series | p50 (ms) | p95 (ms) | ratio p95 |",
        "|---|---:|---:|---:|",
        f"| `/sante/` without renders | {sans.p50:.1f} | {sans.p95:.1f} | reference |",
        f"| `/sante/` with {RENDUS} renders queued | {avec.p50:.1f} | {avec.p95:.1f} | "
        f"{f'{ratio:.2f}' if ratio else '—'} |",
        "",
        f"The {RENDUS} report requests: {', '.join(str(d['statut']) for d in demandes)}, the slowest in "
        f"{max(d['ms'] for d in demandes):.0f} ms. Renders still waiting or running when the second series ended: "
        f"{r['en_attente_apres_la_serie']} of {RENDUS}; all {r['pretes']} ready {r['rendus_s']:.0f} s after the "
        f"requests. {'✓ target met' if not manque else '✗ ' + '; '.join(manque)}.",
        "",
    ]
