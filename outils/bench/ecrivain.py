"""Une donnée qui change, pour mesurer une page « froide » : une entrée du journal écrite dans le protocole mesuré juste
avant la requête, hors de la fenêtre chronométrée.

Un processus par base du banc (`manage.py bench --etape ecrire`, DATABASE_URL à lui) lit sur son entrée le slug d'un
protocole, écrit une note au journal d'une de ses actions par la méthode de l'application (`Action.enregistrer`, qui
monte la version des données dans sa transaction, comme une saisie) et répond « ok » une fois la transaction validée.
L'orchestrateur (`Ecrivain`) le pilote par ces deux tuyaux.
"""

import datetime
import itertools
import subprocess
import sys
import threading

from django.conf import settings
from django.utils import timezone

from engagements.models import Action
from protocole.models import Protocole
from signataires.models import Utilisateur

COMMENTAIRE = "Banc d'essai : une nouvelle, pour mesurer la page qui suit."


def servir(entree=sys.stdin, sortie=sys.stdout):
    """La boucle du processus écrivain : un slug par ligne, « ok » (ou l'erreur) en réponse. Une date AAAA-MM-JJ après
    le slug : l'entrée prend effet ce jour-là (une entrée antidatée, qui change l'état de ce jour passé), sur une
    action créée ce jour-là ou avant ; sans date, elle prend effet aujourd'hui."""
    auteur, _ = Utilisateur.objects.get_or_create(username="banc-ecrivain", defaults={"last_name": "Banc d'essai"})
    tours = {}
    for ligne in entree:
        if not ligne.strip():
            continue
        slug, _, date = ligne.strip().partition(" ")
        try:
            date_effet = datetime.date.fromisoformat(date) if date else timezone.localdate()
            if (slug, date_effet) not in tours:
                protocole = Protocole.objects.get(slug=slug)
                actions = Action.objects.filter(protocole=protocole, archivee=False, date_creation__lte=date_effet)
                tours[slug, date_effet] = itertools.cycle(list(actions.order_by("pk")[:20]))
            action = next(tours[slug, date_effet])
            action.enregistrer(auteur=auteur, date_effet=date_effet, commentaire=COMMENTAIRE)
            sortie.write("ok\n")
        except Exception as erreur:  # dit à l'orchestrateur, qui le compte comme une erreur de mesure
            sortie.write(f"erreur {type(erreur).__name__}: {erreur}\n".replace("\n", " ") + "\n")
        sortie.flush()


class Ecrivain:
    """Le processus écrivain d'une base, le temps d'un bloc `with` ; `ecrire(slug)` attend que l'entrée soit validée.
    Sûr entre fils (la charge avec une donnée changée par seconde l'appelle depuis un fil à part)."""

    def __init__(self, env):
        self.env = env
        self.verrou = threading.Lock()
        self.erreurs = []

    def __enter__(self):
        commande = [sys.executable, "manage.py", "bench", "--etape", "ecrire"]
        self.processus = subprocess.Popen(
            commande,
            cwd=settings.BASE_DIR,
            env=self.env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
        )
        return self

    def ecrire(self, slug, date_effet=None):
        with self.verrou:
            self.processus.stdin.write(f"{slug} {date_effet.isoformat()}\n" if date_effet else f"{slug}\n")
            self.processus.stdin.flush()
            reponse = self.processus.stdout.readline().strip()
        if reponse != "ok":
            self.erreurs.append(f"écriture dans {slug} : {reponse or 'processus arrêté'}")

    def __exit__(self, *exc):
        self.processus.stdin.close()
        try:
            self.processus.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.processus.kill()
            self.processus.wait()
