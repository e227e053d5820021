"""`make bench` : construit une fois un jeu de données à l'échelle nationale sur PostgreSQL, puis mesure les pages par
de vraies requêtes HTTP contre gunicorn et écrit docs/benchmarks.md (voir outils/bench/).

Deux bases, servies chacune par son gunicorn pendant le même passage :
- `<base>_demo` : ce que donne `make run`, le protocole du Pays Voironnais et ses données de démonstration, seuls ;
- `<base>` : les mêmes, plus les protocoles synthétiques de l'échelle nationale.
On mesure le Pays Voironnais dans les deux bases (l'effet de la taille de la base sur le même protocole) et des
protocoles synthétiques dans la seconde (l'échelle nationale). La cible compare l'échelle nationale à la démo seule.

Puis les rapports PDF (`outils.bench.pdf`), chacun dans un processus neuf : celui du Pays Voironnais dans
`<base>_demo`, et celui d'un grand protocole synthétique (2 000 actions ; moins au petit passage) dans une troisième
base, `<base>_rapport`, construite comme les autres (la démo, plus ce seul protocole).

La commande orchestre des sous-processus qui tournent chacun sur une base du banc (DATABASE_URL à eux) : migrate,
`demo` (avec DEBUG), la construction (`--etape construire`), la préparation des sessions (`--etape preparer`),
collectstatic, gunicorn, la mesure d'un rapport PDF (`--etape rapport`), l'écrivain des mesures « froides » (`--etape
ecrire`, outils/bench/ecrivain.py). Elle-même ne touche pas à la base du projet.

Chaque page est mesurée « chaude » (rien n'a changé depuis la requête précédente) et « froide » (une entrée du journal
écrite dans le protocole mesuré juste avant chaque requête, hors du temps compté) ; la charge, chaude puis avec une
donnée changée par seconde, et sur la vue triviale seule, sa référence.
"""

import argparse
import datetime
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from outils.bench import cibles, ecrivain, file_rapports, jeu, mesure, pdf, postgres, rapport, reglages
from outils.bench.jeu import Echelle
from outils.bench.structure import PREFIXE
from protocole.models import Protocole

MODELE = "pays-voironnais"  # le protocole réel, avec les données de `manage.py demo` : l'échelle « démo »
WORKERS = 2
CONNEXIONS = 50
DEMO_SEULE = Echelle(protocoles=0, actions=0)
PREFIXE_BASES = "suivi_bench"  # les étapes internes refusent toute autre base (celle du projet, par exemple)
ESSAIS_DEMO = 3  # rendus du rapport de démonstration (quelques secondes chacun) : on en garde la médiane


@dataclass(frozen=True)
class Reglage:
    base: str
    echelle: Echelle
    requetes: int  # par page et par échelle
    charge_s: float
    jetable: bool  # bases propres au passage, refaites puis effacées (la CI) ; sinon construites une fois
    rapport: Path | None  # None : le rapport va dans un fichier temporaire
    # Les actions du grand protocole dont on mesure le rapport PDF ; au-dessus de RAPPORTS_SEUIL_PROCESSUS (300) pour
    # passer, comme en production, par le processus fils. Le changer demande de monter postgres.VERSION_JEU.
    grand_rapport: int


# BANC_BASE : un autre nom pour les bases du grand passage (toujours préfixé de PREFIXE_BASES), pour que deux
# personnes qui mesurent sur la même machine ne se prennent pas leurs bases.
BASE_COMPLETE = os.environ.get("BANC_BASE", PREFIXE_BASES)
if not BASE_COMPLETE.startswith(PREFIXE_BASES):
    raise ImproperlyConfigured(f"BANC_BASE doit commencer par {PREFIXE_BASES}.")

REGLAGES = {
    "full": Reglage(BASE_COMPLETE, Echelle(450, 150_000), 50, 10.0, False, Path("docs/benchmarks.md"), 2000),
    "smoke": Reglage("suivi_bench_smoke", Echelle(3, 300), 5, 2.0, True, None, 400),
}


class Command(BaseCommand):
    help = (
        "Banc d'essai : jeu de données national sur PostgreSQL (construit une fois), temps de réponse des tableaux "
        "de bord à l'échelle démo et nationale, requêtes par seconde sous charge ; écrit docs/benchmarks.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(REGLAGES), default="full")
        parser.add_argument("--reconstruire", action="store_true", help="Reconstruit les bases même à jour.")
        parser.add_argument("--etape", choices=["construire", "preparer", "rapport", "ecrire"], help=argparse.SUPPRESS)
        parser.add_argument("--demo-seule", action="store_true", help=argparse.SUPPRESS)
        parser.add_argument("--grand-rapport", action="store_true", help=argparse.SUPPRESS)
        parser.add_argument("--protocole", help=argparse.SUPPRESS)
        parser.add_argument("--sortie", help=argparse.SUPPRESS)

    def handle(self, *args, scale, reconstruire, etape, demo_seule, grand_rapport, protocole, sortie, **options):
        reglage = REGLAGES[scale]
        if etape and not connection.settings_dict["NAME"].startswith(PREFIXE_BASES):
            raise CommandError(f"Étape interne du banc : elle ne tourne que sur une base {PREFIXE_BASES}…")
        if etape == "construire":
            if demo_seule:
                return self.construire("demo", DEMO_SEULE)
            if grand_rapport:
                return self.construire(f"rapport-{scale}", Echelle(protocoles=1, actions=reglage.grand_rapport))
            return self.construire(scale, reglage.echelle)
        if etape == "preparer":
            return self.preparer(sortie)
        if etape == "ecrire":
            return ecrivain.servir()
        if etape == "rapport":
            Path(sortie).write_text(json.dumps(pdf.mesurer(Protocole.objects.get(slug=protocole)), indent=2))
            return
        try:
            self.orchestrer(scale, reglage, reconstruire)
        except (postgres.ErreurPostgres, subprocess.CalledProcessError, RuntimeError) as erreur:
            raise CommandError(str(erreur)) from erreur

    # -- étapes lancées dans un sous-processus, sur une base du banc ------------------------------------------------

    def construire(self, nom, echelle):
        debut = time.monotonic()
        lignes = jeu.construire(Protocole.objects.get(slug=MODELE), echelle, ecrire=self.stdout.write)
        self.stdout.write("  VACUUM ANALYZE…")
        with connection.cursor() as curseur:
            curseur.execute("VACUUM ANALYZE")
        duree = time.monotonic() - debut
        postgres.marquer(nom, duree, cibles.totaux())
        self.stdout.write(f"  jeu synthétique et VACUUM ANALYZE : {duree:.0f} s ({sum(lignes.values()):,} lignes)")

    def preparer(self, sortie):
        demo = Protocole.objects.get(slug=MODELE)
        nationaux = cibles.echantillon(Protocole.objects.filter(slug__startswith=PREFIXE).order_by("ordre", "slug"))
        donnees = {
            "postgresql": postgres.reglages(),
            "jeu": {**cibles.totaux(), **postgres.lire_marqueur()},
            "cibles": cibles.preparer(demo, nationaux),
        }
        Path(sortie).write_text(json.dumps(donnees, indent=2))

    # -- l'orchestration --------------------------------------------------------------------------------------------

    def orchestrer(self, scale, reglage, reconstruire):
        debut = time.monotonic()
        postgres.demarrer()
        # Le petit passage (la CI) travaille dans ses propres bases et son propre dossier de statiques, effacés à la
        # fin : deux CI simultanées ne se gênent pas. Le grand garde les siens d'un passage à l'autre.
        suffixe = f"_{os.getpid()}" if reglage.jetable else ""
        bases = [f"{reglage.base}{suffixe}_demo", f"{reglage.base}{suffixe}", f"{reglage.base}{suffixe}_rapport"]
        refaire = reglage.jetable or reconstruire
        with tempfile.TemporaryDirectory(prefix="banc-") as dossier:
            commun = {
                "SECRET_KEY": secrets.token_urlsafe(50),  # `preparer` et gunicorn lisent les mêmes sessions
                "BANC_STATIC_ROOT": dossier if reglage.jetable else str(reglages.STATIQUES_PARTAGES),
            }
            try:
                demo = self.base_prete(bases[0], scale, refaire, commun, "--demo-seule")
                national = self.base_prete(bases[1], scale, refaire, commun)
                grand = self.base_prete(bases[2], scale, refaire, commun, "--grand-rapport")
                self.lancer(national["env"], "collectstatic", "--noinput", "-v", "0")
                contexte = self.mesurer_tout(demo, national, reglage)
                contexte["file_rapports"] = self.mesurer_file_rapports(demo)
                contexte["rapports_pdf"] = self.mesurer_rapports(demo, grand, scale)
            finally:
                if reglage.jetable:
                    for base in bases:
                        postgres.supprimer(base)
        contexte.update(echelle=scale, bases={"demo": demo, "national": national, "rapport": grand})
        self.publier(contexte, reglage, debut)

    def mesurer_tout(self, demo, national, reglage):
        """Les deux gunicorn, les séries de chaque page puis la charge ; renvoie ce qu'en dit le rapport.

        Comme en production (README, « Mise en production »), le cache est un Redis : un `redis-server` du banc, sur
        un port libre, une base Redis par base du banc ; l'écrivain des mesures froides reçoit le même environnement."""
        self.titre(f"Mesures contre gunicorn ({WORKERS} workers par base)")
        charge_avant = os.getloadavg()[0]
        port_redis = mesure.port_libre()
        redis = ["redis-server", "--port", str(port_redis), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        demo = {**demo, "env": {**demo["env"], "REDIS_URL": f"redis://127.0.0.1:{port_redis}/0"}}
        national = {**national, "env": {**national["env"], "REDIS_URL": f"redis://127.0.0.1:{port_redis}/1"}}
        with (
            file_rapports.Service(redis, demo["env"], "Ready to accept connections"),
            mesure.Gunicorn(demo["env"], WORKERS) as serveur_demo,
            mesure.Gunicorn(national["env"], WORKERS) as serveur,
        ):
            echelles = {
                "demo": _sur(serveur_demo.port, demo["donnees"]["cibles"]["demo"]),
                "demo_national": _sur(serveur.port, national["donnees"]["cibles"]["demo"]),
                "national": _sur(serveur.port, national["donnees"]["cibles"]["national"]),
            }
            with (
                ecrivain.Ecrivain(demo["env"]) as ecrivain_demo,
                ecrivain.Ecrivain(national["env"]) as ecrivain_national,
            ):
                ecrivains = {serveur_demo.port: ecrivain_demo, serveur.port: ecrivain_national}

                def ecrire(cible, date_effet=None):
                    ecrivains[cible["port"]].ecrire(cible["protocole"], date_effet)

                series = self.mesurer(echelles, reglage.requetes, ecrire)
                charge, melange = self.charger(serveur.port, echelles["national"], series, reglage.charge_s, ecrire)
                erreurs_ecriture = ecrivain_demo.erreurs + ecrivain_national.erreurs
        return {
            "date": timezone.localtime().strftime("%Y-%m-%d %H:%M %Z"),
            "machine": rapport.machine(),
            "postgresql": national["donnees"]["postgresql"],
            "pgoptions": os.environ.get("PGOPTIONS", ""),
            "workers": WORKERS,
            "conn_max_age": national["env"].get("CONN_MAX_AGE", "0"),
            "charge_machine": (charge_avant, os.getloadavg()[0]),
            "requetes": reglage.requetes,
            "series": series,
            "charge": charge,
            "melange": melange,
            "erreurs": [
                e for s in series.values() if s for m in s.values() for serie in m.values() for e in serie.erreurs
            ]
            + [e for c in charge.values() for e in c.erreurs]
            + erreurs_ecriture,
        }

    def mesurer_file_rapports(self, demo):
        """`/sante/` sans puis avec six rendus de rapports en file (outils/bench/file_rapports.py)."""
        self.titre("/sante/ pendant que six rapports attendent un worker (--concurrency 1)")
        resultat = file_rapports.mesurer(demo["env"], demo["donnees"]["cibles"]["demo"][0], WORKERS)
        for ligne in file_rapports.section(resultat)[-2:-1]:
            self.stdout.write(f"  {ligne}")
        return resultat

    def mesurer_rapports(self, demo, grand, scale):
        """Le rapport complet du protocole de démonstration (`ESSAIS_DEMO` fois, la médiane), puis celui du grand
        protocole : chaque essai dans un processus neuf (`--etape rapport`) avec un MEDIA_ROOT vide, seul sur la
        machine (les gunicorn sont arrêtés)."""
        self.titre("Rapports PDF (chaque essai dans un processus neuf, cache vide puis répété)")
        grande = grand["donnees"]["cibles"]["national"][0]
        cas = [
            (demo, demo["donnees"]["cibles"]["demo"][0], "demo: Pays Voironnais, full report", False, ESSAIS_DEMO),
            (grand, grande, f"large: `{grande['protocole']}`, full report", True, 1),
        ]
        mesures, charge_avant = [], os.getloadavg()[0]
        with tempfile.TemporaryDirectory(prefix="banc-rapports-") as dossier:
            for rang, (base, cible, libelle, memoire, essais) in enumerate(cas):
                resultats = []
                try:
                    for essai in range(essais):
                        sortie = Path(dossier) / f"mesure-{rang}-{essai}.json"
                        env = {**base["env"], "MEDIA_ROOT": str(Path(dossier) / f"medias-{rang}-{essai}")}
                        options = ["--etape", "rapport", "--protocole", cible["protocole"], "--sortie", str(sortie)]
                        self.lancer(env, "bench", "--scale", scale, *options)
                        resultats.append(json.loads(sortie.read_text()))
                    mesure_pdf = {**pdf.mediane(resultats), "libelle": libelle, "memoire": memoire}
                except subprocess.CalledProcessError as erreur:
                    mesure_pdf = {"libelle": libelle, "erreur": str(erreur)}
                mesures.append(mesure_pdf)
                self.stdout.write(f"  {pdf.ligne_courte(mesure_pdf)}")
        return {"mesures": mesures, "charge_machine": (charge_avant, os.getloadavg()[0])}

    def publier(self, contexte, reglage, debut):
        texte = rapport.rediger(contexte)
        if reglage.rapport:
            chemin = settings.BASE_DIR / reglage.rapport
        else:  # le petit passage n'écrase pas les chiffres publiés
            chemin = Path(tempfile.gettempdir()) / "benchmarks-smoke.md"
        chemin.write_text(texte)
        self.stdout.write("\n" + texte)
        self.stdout.write(f"Rapport écrit dans {chemin} ; banc d'essai terminé en {time.monotonic() - debut:.0f} s.")
        erreurs = len(contexte["erreurs"]) + sum(1 for m in contexte["rapports_pdf"]["mesures"] if m.get("erreur"))
        erreurs += len(file_rapports.erreurs(contexte["file_rapports"]))
        if erreurs:
            raise CommandError(f"{erreurs} erreur(s) pendant les mesures : voir le rapport.")

    def base_prete(self, base, scale, refaire, commun, *options_jeu):
        """Construit `base` si elle manque (ou si le jeu a changé, ou sur demande), sinon la migre ; puis ouvre les
        sessions de mesure. Renvoie l'environnement de ses sous-processus, les cibles et le temps de construction.
        `options_jeu` : les options de `--etape construire` (`--demo-seule`, `--grand-rapport` ; aucune : l'échelle)."""
        env = {**os.environ, **commun, "DATABASE_URL": f"postgres:///{base}", "DEBUG": "false"}
        env.update(ALLOWED_HOSTS="127.0.0.1", DJANGO_SETTINGS_MODULE="outils.bench.reglages", PYTHONUNBUFFERED="1")
        construction_s = None
        if refaire or postgres.version_du_jeu(base) != postgres.VERSION_JEU:
            debut = time.monotonic()
            self.titre(f"Construction de la base {base}")
            postgres.recreer(base)
            self.lancer(env, "migrate", "--noinput", "-v", "0")
            self.lancer({**env, "DEBUG": "true"}, "demo", muet=True)
            self.lancer(env, "bench", "--scale", scale, "--etape", "construire", *options_jeu)
            construction_s = time.monotonic() - debut
            self.stdout.write(f"Base {base} construite en {construction_s:.0f} s.")
        else:
            self.titre(f"Base {base} réutilisée (jeu version {postgres.VERSION_JEU})")
            self.lancer(env, "migrate", "--noinput", "-v", "0")
        with tempfile.TemporaryDirectory(prefix="banc-") as dossier:
            fichier = Path(dossier) / "cibles.json"
            self.lancer(env, "bench", "--scale", scale, "--etape", "preparer", "--sortie", str(fichier))
            donnees = json.loads(fichier.read_text())
        return {"nom": base, "env": env, "donnees": donnees, "construction_s": construction_s}

    def mesurer(self, echelles, requetes, ecrire):
        """{page: {'chaud': {échelle: Serie}, 'froid': {échelle: Serie}}} : chaude d'abord (rien ne change entre les
        requêtes), puis froide (`ecrire` une entrée du journal du protocole mesuré avant chaque requête)."""
        series = {}
        for page, libelle in cibles.PAGES:
            if any(c["pages"][page] is None for liste in echelles.values() for c in liste):
                self.stdout.write(f"  {libelle} : absente (route pas encore enregistrée)")
                series[page] = None
                continue
            # La page « au » après une entrée antidatée : l'entrée prend effet le jour montré.
            avant = (lambda cible: ecrire(cible, cibles.jour_au())) if page == "quartier_au_antidate" else ecrire
            series[page] = {
                "chaud": mesure.en_serie(echelles, page, requetes),
                "froid": mesure.en_serie(echelles, page, requetes, avant=avant),
            }
            resume = ", ".join(
                f"{e} p95 {s.p95 or 0:.0f} / {series[page]['froid'][e].p95 or 0:.0f} ms"
                for e, s in series[page]["chaud"].items()
            )
            self.stdout.write(f"  {libelle} (chaud / froid) : {resume}")
        return series

    def charger(self, port, nationaux, series, duree, ecrire):
        """La charge sur les pages visées par les cibles (`rapport.PAGES_CIBLES`) des protocoles nationaux, tour à
        tour : chaude, puis avec une entrée du journal écrite chaque seconde dans l'un d'eux ; et la vue triviale
        seule sous la même charge, la référence."""
        presentes = [p for p in rapport.PAGES_CIBLES if series[p] is not None]
        melange = [(c["pages"][p], c["cookie"]) for p in presentes for c in nationaux]
        sante = [(nationaux[0]["pages"]["sante"], nationaux[0]["cookie"])]

        def changer(rang):
            ecrire(nationaux[rang % len(nationaux)])

        # « Chaud » : chaque adresse du mélange déjà demandée une fois depuis le dernier changement (les mesures
        # froides viennent d'en écrire un), hors de la fenêtre.
        client = mesure.Client(port)
        for chemin, cookie in melange:
            client.get(chemin, cookie)
        client.fermer()
        charges = {}
        for nom, chemins, changement in (
            ("sante", sante, None),
            ("chaud", melange, None),
            ("change", melange, changer),
        ):
            self.stdout.write(f"  charge {nom} : {CONNEXIONS} connexions pendant {duree:.0f} s…")
            charges[nom] = mesure.en_charge(port, chemins, connexions=CONNEXIONS, duree=duree, changer=changement)
            resultat = charges[nom]
            self.stdout.write(
                f"  charge {nom} : {resultat.par_seconde:.1f} requêtes/s, {len(resultat.erreurs)} erreur(s)"
            )
        return charges, presentes

    # -- outils -----------------------------------------------------------------------------------------------------

    def lancer(self, env, *arguments, muet=False):
        debut = time.monotonic()
        sortie = subprocess.DEVNULL if muet else None
        subprocess.run(
            [sys.executable, "manage.py", *arguments], cwd=settings.BASE_DIR, env=env, stdout=sortie, check=True
        )
        self.stdout.write(f"  manage.py {arguments[0]} : {time.monotonic() - debut:.1f} s")

    def titre(self, texte):
        self.stdout.write(self.style.MIGRATE_HEADING(f"{datetime.datetime.now():%H:%M:%S} {texte}"))


def _sur(port, liste):
    """Les cibles d'une échelle, avec le port du serveur qui les sert."""
    return [{**cible, "port": port} for cible in liste]
