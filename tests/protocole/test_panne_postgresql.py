"""PostgreSQL redémarre pendant que l'application sert : des erreurs seulement pendant la coupure, la reprise en
moins de 5 s sans relancer l'application, et aucune mise à jour confirmée à un client n'est perdue.

Sur une instance PostgreSQL propre au test (tests/postgresql_jetable.py), jamais le serveur partagé : l'application
tourne sous gunicorn (2 workers, connexions gardées 60 s comme le conseille le README), des clients sur 127.0.0.1
lisent des pages et mettent à jour des actions, chaque mise à jour confirmée (302) portant un commentaire unique ;
au bout de 1,5 s, PostgreSQL est arrêté, relancé 1 s plus tard, et la charge continue 6 s. Charge bornée : quatre
clients, 9 s environ, 3 000 requêtes au plus.

`fsync=off` sur l'instance (pour migrer vite) ne change rien à ce qui est vérifié : on arrête PostgreSQL, pas la
machine, et une transaction validée est écrite dans le WAL avant la réponse, que le fichier soit synchronisé ou non.
"""

import http.client
import json
import re
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.utils import timezone

from tests.postgresql_jetable import attendre, port_libre
from tests.protocole.conftest import copie_de_la_base_migree, environnement_serveur, manage

LECTEURS = 2
ECRIVAINS = 2
AVANT_PANNE = 1.5  # secondes de charge avant l'arrêt
COUPURE = 1.0  # secondes entre l'arrêt et la relance
APRES_PANNE = 6.0  # secondes de charge après la relance
REPRISE_MAX = 5.0
REQUETES_MAX = 3000
# Le jeton CSRF que le client choisit lui-même (cookie et champ) : Django l'accepte tel quel.
CSRF = "panne" * 6 + "ok"

DONNEES = """
import json
from outils.bench.cibles import session
from tests.factories import ObligationFactory
from tests.factories_suivi import ROLES, ActionFactory, habilitation

obligation = ObligationFactory()
coordination = habilitation(obligation.protocole, ROLES.COORDINATEUR).utilisateur
actions = [ActionFactory(obligation=obligation).pk for _ in range({ecrivains})]
print(json.dumps({{"cookie": session(coordination, obligation.protocole), "actions": actions}}))
"""


@dataclass
class Requete:
    debut: float
    fin: float
    quoi: str
    statut: object  # le code HTTP, ou l'exception du client

    @property
    def reussie(self):
        return self.statut == (302 if self.quoi == "maj" else 200)


class Client:
    """Un client HTTP qui note chaque requête (début, fin, statut) ; une connexion par requête, comme gunicorn."""

    def __init__(self, port, cookie, journal):
        self.port, self.cookie, self.journal = port, f"{cookie}; csrftoken={CSRF}", journal

    def envoyer(self, quoi, methode, chemin, corps=None):
        entetes = {"Cookie": self.cookie}
        if corps is not None:
            entetes["Content-Type"] = "application/x-www-form-urlencoded"
        debut = time.monotonic()
        connexion = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connexion.request(methode, chemin, body=corps, headers=entetes)
            reponse = connexion.getresponse()
            statut, contenu = reponse.status, reponse.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException) as erreur:
            statut, contenu = f"{type(erreur).__name__}: {erreur}", ""
        finally:
            connexion.close()
        self.journal.append(Requete(debut, time.monotonic(), quoi, statut))
        return statut, contenu


def lire(client, chemins, fin):
    rang = 0
    while time.monotonic() < fin and len(client.journal) < REQUETES_MAX:
        client.envoyer("lecture", "GET", chemins[rang % len(chemins)])
        rang += 1


def mettre_a_jour(client, action, fin, confirmees):
    """Lit la version de l'action, envoie une mise à jour au commentaire unique ; la note confirmée sur un 302."""
    rang = 0
    while time.monotonic() < fin and len(client.journal) < REQUETES_MAX:
        statut, page = client.envoyer("lecture", "GET", f"/actions/{action}/")
        version = re.search(r'name="version" value="(\d+)"', page) if statut == 200 else None
        if version is None:
            time.sleep(0.05)
            continue
        rang += 1
        commentaire = f"panne-{action}-{rang}"
        corps = urlencode(
            {
                "csrfmiddlewaretoken": CSRF,
                "statut": "en_cours",
                "avancement": rang % 100,
                "commentaire": commentaire,
                "date_effet": timezone.localdate().isoformat(),
                "version": version.group(1),
            }
        )
        statut, _ = client.envoyer("maj", "POST", f"/actions/{action}/", corps)
        if statut == 302:
            confirmees.append((commentaire, time.monotonic()))


def workers(pid):
    """Les processus enfants du maître gunicorn (ses workers)."""
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as fichier:
            return sorted(int(p) for p in fichier.read().split())
    except OSError:
        return []


@pytest.fixture(scope="module")
def application(instance_postgresql, base_migree, tmp_path_factory):
    """gunicorn (2 workers) sur une copie de la base migrée, avec ses données : un coordinateur (sa session) et une
    action par écrivain. Le même pour les deux redémarrages : le second prouve aussi qu'un premier ne laisse rien de
    cassé. Arrêté à la fin, lui seul."""
    base = copie_de_la_base_migree(instance_postgresql, base_migree)
    env = environnement_serveur(instance_postgresql.url(base), CONN_MAX_AGE="60")
    donnees = json.loads(manage(env, "shell", "-c", DONNEES.format(ecrivains=ECRIVAINS)).splitlines()[-1])
    port = port_libre()
    journal = tmp_path_factory.mktemp("gunicorn") / "gunicorn.log"
    with open(journal, "w") as sortie:
        processus = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "protocole.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{port}"],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=sortie,
            stderr=subprocess.STDOUT,
        )
    try:
        essai = Client(port, donnees["cookie"], [])
        pret = attendre(lambda: essai.envoyer("lecture", "GET", f"/actions/{donnees['actions'][0]}/")[0] == 200, 60)
        assert pret, journal.read_text()[-3000:]
        attendre(lambda: len(workers(processus.pid)) == 2, 10)
        yield {"port": port, "processus": processus, "journal": journal, "base": base, **donnees}
    finally:
        processus.terminate()
        processus.wait(timeout=30)


@pytest.mark.parametrize("mode", ["fast", "immediate"])
def test_a_postgresql_restart_under_load_gives_errors_only_while_it_is_down_and_loses_no_confirmed_update(
    instance_postgresql, application, mode
):
    """`fast` : un redémarrage de service (les connexions sont coupées, PostgreSQL écrit tout avant de s'arrêter) ;
    `immediate` : un arrêt brutal, PostgreSQL rejoue son WAL en repartant."""
    maitre = application["processus"]
    workers_avant = workers(maitre.pid)
    debut = time.monotonic()
    fin = debut + AVANT_PANNE + COUPURE + APRES_PANNE + 1
    journaux, confirmees, fils = [], [], []
    for rang in range(LECTEURS):
        client = Client(application["port"], application["cookie"], [])
        chemins = ["/actions/", f"/actions/{application['actions'][rang % ECRIVAINS]}/", "/mes-actions/"]
        fils.append(threading.Thread(target=lire, args=(client, chemins, fin)))
        journaux.append(client.journal)
    for action in application["actions"]:
        client = Client(application["port"], application["cookie"], [])
        fils.append(threading.Thread(target=mettre_a_jour, args=(client, action, fin, confirmees)))
        journaux.append(client.journal)
    for fil in fils:
        fil.start()

    time.sleep(AVANT_PANNE)
    arret = time.monotonic()
    instance_postgresql.arreter(mode)
    time.sleep(COUPURE)
    instance_postgresql.demarrer()
    pret = time.monotonic()
    fin_effective = pret + APRES_PANNE
    for fil in fils:
        fil.join(timeout=fin_effective - time.monotonic() + 30)

    requetes = sorted((r for journal in journaux for r in journal), key=lambda r: r.debut)
    erreurs = [r for r in requetes if not r.reussie]
    apres = [r for r in requetes if r.debut >= pret]
    with instance_postgresql.connexion(application["base"]) as connexion:
        presentes = {
            ligne[0]
            for ligne in connexion.execute(
                "SELECT commentaire FROM engagements_entree WHERE commentaire LIKE 'panne-%'"
            )
        }
    mesures = {
        "mode": mode,
        "requetes": len(requetes),
        "erreurs": len(erreurs),
        "coupure_s": round(pret - arret, 2),
        # Quand les clients ont reçu leurs erreurs, en secondes depuis l'arrêt.
        "premiere_erreur_s": round(min((r.fin for r in erreurs), default=arret) - arret, 2),
        "derniere_erreur_s": round(max((r.fin for r in erreurs), default=arret) - arret, 2),
        # De la relance à la première réponse réussie d'une requête partie après elle.
        "reprise_s": round(min((r.fin for r in apres if r.reussie), default=float("inf")) - pret, 2),
        "maj_confirmees": len(confirmees),
        "maj_confirmees_apres": sum(1 for _c, moment in confirmees if moment > pret),
        "duree_mediane_ms": round(1000 * statistics.median(r.fin - r.debut for r in requetes if r.reussie)),
        "statuts_en_erreur": dict(Counter(str(r.statut).split(":")[0] for r in erreurs)),
    }
    print(f"\npanne PostgreSQL : {json.dumps(mesures)}")

    # Des erreurs seulement pendant la coupure : chacune était en cours entre l'arrêt et la fin de la relance.
    assert erreurs, "la coupure n'a touché aucune requête : le test ne prouverait rien"
    hors_coupure = [r for r in erreurs if not (r.debut < pret and r.fin > arret)]
    assert hors_coupure == [], hors_coupure
    # La reprise : tout ce qui part après la relance réussit, la première réponse en moins de 5 s.
    assert apres and all(r.reussie for r in apres), [r for r in apres if not r.reussie]
    assert mesures["reprise_s"] <= REPRISE_MAX
    assert any(r.debut > pret + REPRISE_MAX for r in apres)
    # Sans relancer l'application : le même maître gunicorn, les mêmes workers.
    assert maitre.poll() is None
    assert workers(maitre.pid) == workers_avant
    # Chaque mise à jour confirmée à un client est dans le journal ; il y en a eu avant et après la coupure.
    assert mesures["maj_confirmees"] > mesures["maj_confirmees_apres"] > 0
    assert {commentaire for commentaire, _m in confirmees} <= presentes


def test_after_a_restart_while_idle_not_even_the_first_request_of_a_worker_fails(instance_postgresql, application):
    """La nuit, PostgreSQL redémarre sans que personne ne soit connecté : chaque worker garde une connexion morte.
    CONN_HEALTH_CHECKS la remplace avant de s'en servir ; sans lui, la première requête de chaque worker tombait."""
    client = Client(application["port"], application["cookie"], [])
    for _ in range(4):  # les deux workers ouvrent leur connexion
        client.envoyer("lecture", "GET", f"/actions/{application['actions'][0]}/")
    instance_postgresql.arreter("fast")
    instance_postgresql.demarrer()

    statuts = [client.envoyer("lecture", "GET", f"/actions/{application['actions'][0]}/")[0] for _ in range(6)]

    assert statuts == [200] * 6
