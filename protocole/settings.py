"""Réglages lus dans l'environnement (SQLite par défaut, PostgreSQL quand DATABASE_URL est défini).

En local, `make run` écrit un fichier `.env` (DEBUG=true) que ces réglages lisent, pour que chaque commande
`manage.py` marche telle que le README l'imprime. Ce fichier est ignoré en entier dès que l'environnement du processus
fixe SECRET_KEY, DEBUG ou DATABASE_URL (un déploiement, le banc d'essai et ses sous-processus), et sous pytest : il ne
complète jamais à moitié une configuration venue d'ailleurs. Ses valeurs ne sont pas recopiées dans `os.environ`, si
bien qu'un sous-processus ne les hérite pas.
"""

import datetime
import os
import sys
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
FICHIER_ENV = Path(os.environ.get("FICHIER_ENV") or BASE_DIR / ".env")
VARIABLES_DE_DEPLOIEMENT = ("SECRET_KEY", "DEBUG", "DATABASE_URL")


def lire_fichier_env(chemin):
    """Les variables d'un fichier `.env` : des lignes `NOM=valeur` ; lignes vides et commentaires (`#`) ignorés,
    guillemets autour de la valeur retirés. Une ligne illisible arrête tout plutôt que d'être sautée en silence."""
    valeurs = {}
    for numero, ligne in enumerate(chemin.read_text(encoding="utf-8").splitlines(), start=1):
        ligne = ligne.strip()
        if not ligne or ligne.startswith("#"):
            continue
        nom, egal, valeur = ligne.removeprefix("export ").partition("=")
        nom, valeur = nom.strip(), valeur.strip()
        if not egal or not nom.isidentifier():
            raise ImproperlyConfigured(f"{chemin}, ligne {numero} : NOM=valeur attendu, pas {ligne!r}")
        if len(valeur) >= 2 and valeur[0] == valeur[-1] and valeur[0] in "\"'":
            valeur = valeur[1:-1]
        else:
            valeur = valeur.split(" #")[0].rstrip()
        valeurs[nom] = valeur
    return valeurs


def _variables():
    # Le fichier `.env` complète l'environnement (qui garde le dernier mot) seulement quand aucune variable de
    # déploiement n'y est : un serveur configuré ailleurs ne reçoit jamais en silence un DEBUG ou une base de poste.
    if (
        "pytest" in sys.modules
        or any(os.environ.get(nom) for nom in VARIABLES_DE_DEPLOIEMENT)
        or not FICHIER_ENV.is_file()
    ):
        return dict(os.environ)
    return {**lire_fichier_env(FICHIER_ENV), **os.environ}


_env = _variables()


def envbool(name, default):
    value = _env.get(name)
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} doit valoir true ou false, pas {value!r}")


def envint(name, default):
    value = _env.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} doit être un nombre entier, pas {value!r}") from None


def envlist(name, default):
    value = _env.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = envbool("DEBUG", False)
SECRET_KEY = _env.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and "pytest" not in sys.modules:
        raise ImproperlyConfigured("SECRET_KEY est obligatoire quand DEBUG est désactivé.")
    SECRET_KEY = "dev-uniquement-ne-pas-utiliser-en-production"
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "bootstrap",
    "django_tables2",
    "django_filters",
    "django_htmx",
    "axes",
    "protocole",
    "signataires",
    "engagements",
    "comite",
]
# Les outils de développement (`manage.py demo`, `manage.py bench`, le générateur d'historiques synthétiques) : avec
# DEBUG et sous pytest ; les processus du banc d'essai les ajoutent (outils/bench/reglages.py). Jamais en production.
OUTILS = DEBUG or "pytest" in sys.modules
if OUTILS:
    INSTALLED_APPS.append("outils")

# Le « depuis » par défaut des tableaux de bord et des rapports : la dernière réunion du comité (un étage au-dessus
# du suivi, d'où ce nom lu à l'appel). Sans ce réglage, six mois avant « au ».
DEPUIS_PAR_DEFAUT = "comite.models.derniere_reunion"

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "protocole.securite.EntetesDeSecuriteMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "protocole.middleware.ProtocoleCourantMiddleware",
    # En dernier : transforme le blocage décidé pendant l'authentification en réponse 429 (AXES_LOCKOUT_CALLABLE).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "protocole.urls"
WSGI_APPLICATION = "protocole.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "signataires.context_processors.protocole_courant",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        _env.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(_env.get("CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Le moteur de Django, dont le vidage (flush, entre deux tests) retire puis repose les déclencheurs qui tiennent
    # le journal en ajout seul : sans lui, ses DELETE seraient refusés (protocole/db/sqlite3/base.py).
    DATABASES["default"]["ENGINE"] = "protocole.db.sqlite3"
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Le JIT de PostgreSQL compilait 200 à 400 ms des requêtes qui s'exécutent en quelques ms (docs/benchmarks.md).
    # join_collapse_limit : le planificateur cherche l'ordre des jointures par paquets de 4 au plus, au lieu de 8. Une
    # frise du journal (une entrée, son auteur, son action, ses pilotes, référents et obligations d'avant et d'après :
    # dix tables) coûtait 11 ms de planification pour 1 ms d'exécution ; les jointures qu'écrit l'ORM suivent déjà les
    # clés étrangères, dans un ordre que la recherche ne change guère. Mesuré sur les pages du banc (issue 19) : la
    # planification divisée par deux, l'exécution inchangée ; 1 (aucune recherche) ralentissait la vue d'ensemble.
    # random_page_cost=1.1 (4 par défaut, pensé pour des disques à plateaux) : les tables tiennent en mémoire, une
    # lecture par index coûte à peine plus qu'une lecture suivie. Avec 4, la liste des actions d'un protocole de 150
    # actions parcourait en entier les 25 000 obligations, 3 000 organisations et 5 000 comptes de la base nationale
    # du banc (14 ms au lieu de 1) : la même page coûtait plus dans une grande base que dans une petite.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        "-c jit=off -c join_collapse_limit=4 -c random_page_cost=1.1"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "fr-fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
# Quelques chaînes de l'admin tournées sans « de » devant un nom de modèle (« Ajout : obligation ») : voir ce catalogue.
LOCALE_PATHS = [BASE_DIR / "protocole" / "locale"]
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = Path(_env.get("MEDIA_ROOT", BASE_DIR / "media"))

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

EMAIL_BACKEND = _env.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
DEFAULT_FROM_EMAIL = _env.get("DEFAULT_FROM_EMAIL", "suivi-per@localhost")
# L'adresse que la déclaration d'accessibilité donne pour signaler un défaut (/accessibilite/).
CONTACT_ACCESSIBILITE = _env.get("CONTACT_ACCESSIBILITE", "")

# L'adresse du site, pour les liens absolus des courriels (rappels) : le `.env` de `make run` la donne.
SITE_URL = _env.get("SITE_URL", "http://127.0.0.1:8000" if DEBUG else "").rstrip("/")
# Les rappels (`manage.py envoyer_rappels`, lancé chaque jour par cron) : le jour de la semaine du récapitulatif
# hebdomadaire (lundi, mardi… ou 0 à 6, lundi = 0) et le nombre de jours avant un comité où part le récapitulatif
# d'avant comité.
JOURS_DE_LA_SEMAINE = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


def envjour(name, default):
    value = (_env.get(name) or default).strip().lower()
    if value.isdigit() and int(value) < 7:
        return int(value)
    if value in JOURS_DE_LA_SEMAINE:
        return JOURS_DE_LA_SEMAINE.index(value)
    raise ImproperlyConfigured(f"{name} doit être un jour de la semaine (lundi… dimanche) ou 0 à 6, pas {value!r}")


RAPPELS_JOUR = envjour("RAPPELS_JOUR", "lundi")
RAPPELS_AVANT_COMITE = envint("RAPPELS_AVANT_COMITE", 14)

DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5.html"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": _env.get("LOG_LEVEL", "WARNING")},
}

AUTH_USER_MODEL = "signataires.Utilisateur"
LOGIN_URL = "connexion"
LOGIN_REDIRECT_URL = "mes_actions"
LOGOUT_REDIRECT_URL = "accueil"

# Au-delà de ce nombre d'actions, un rapport PDF est rendu dans un processus enfant (sa mémoire retourne au système).
RAPPORTS_SEUIL_PROCESSUS = int(_env.get("RAPPORTS_SEUIL_PROCESSUS", "300"))

# --- Plusieurs machines : rien dans un processus web dont un autre a besoin (issue 18) -------------------------------
# Le cache (les rapports PDF) est partagé : Redis quand REDIS_URL est donné, la base sinon ; jamais la mémoire d'un
# processus. Les sessions sont dans la base, les rapports gelés aussi ; tout autre fichier passe par le stockage.
REDIS_URL = _env.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    # La table est créée par une migration (protocole/migrations/0007_table_du_cache.py).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "suivi_cache",
            "OPTIONS": {"MAX_ENTRIES": 1000},
        }
    }
CACHES["default"]["TIMEOUT"] = 7 * 24 * 3600
# Les morceaux de pages calculés une fois par version des données (protocole/cache_pages.py) : à part des rapports,
# pour que ces entrées nombreuses et petites ne chassent pas les PDF ; une version des données dure rarement un jour.
if REDIS_URL:
    CACHES["pages"] = {**CACHES["default"], "KEY_PREFIX": "pages"}
else:
    # La table est créée par une migration (protocole/migrations/0009_table_du_cache_des_pages.py).
    CACHES["pages"] = {**CACHES["default"], "LOCATION": "suivi_cache_pages", "OPTIONS": {"MAX_ENTRIES": 5000}}
CACHES["pages"]["TIMEOUT"] = 24 * 3600
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# Les rendus des rapports tournent sur des workers Celery (`celery -A protocole worker`), Redis faisant courtier et
# magasin de résultats. Sans courtier (make run, la suite de tests), le même code tourne dans le processus même.
CELERY_BROKER_URL = _env.get("CELERY_BROKER_URL") or REDIS_URL or None
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL is None
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_EXPIRES = 24 * 3600
# Un worker prend une tâche à la fois (un rendu est long) ; le message est acquitté à la réception : un worker tué
# en plein rendu ne la laisse pas revenir une heure plus tard, la page dit l'échec et la personne réessaie.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ACKS_LATE = False
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Un courtier injoignable ne retient pas la requête web : quelques essais brefs, puis un message en français.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5}
# Rendus en attente ou en cours par personne ; au-delà de RAPPORTS_DELAI_ECHEC secondes après la demande, un rendu
# non terminé est un échec (worker tué, file bouchée) : la page le dit et propose de réessayer.
RAPPORTS_MAX_PAR_PERSONNE = envint("RAPPORTS_MAX_PAR_PERSONNE", 2)
RAPPORTS_DELAI_ECHEC = envint("RAPPORTS_DELAI_ECHEC", 300)


# --- Reprise après une panne de la base (issue 11) -------------------------------------------------------------------
# Une connexion gardée entre deux requêtes (CONN_MAX_AGE) est vérifiée avant de resservir : après un redémarrage de
# PostgreSQL, la première requête de chaque worker ne tombe pas sur une connexion morte
# (tests/protocole/test_panne_postgresql.py).
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# --- Sécurité HTTP (issue 11) ----------------------------------------------------------------------------------------
# `manage.py check --deploy` ne dit rien avec l'environnement de production du README (tests/test_securite_http.py).
# HTTPS : la redirection et HSTS sont demandés par l'environnement, parce qu'ils engagent le nom de domaine (HSTS reste
# dans les navigateurs) et qu'en développement, au banc d'essai et dans les tests gunicorn sert en HTTP sur 127.0.0.1.
# Les cookies sont déjà sécurisés hors DEBUG (SECURE_COOKIES, plus haut).
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", False)
# La supervision interroge /sante/ directement, sans passer par le proxy ni HTTPS.
SECURE_REDIRECT_EXEMPT = [r"^sante/$"]
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0)
# Sans effet tant que SECURE_HSTS_SECONDS vaut 0 ; `preload` n'engage rien tant que le domaine n'est pas inscrit.
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", True)
# Derrière un proxy inverse qui termine HTTPS : il pose X-Forwarded-Proto (sinon la redirection HTTPS boucle) et
# ajoute l'adresse du client à X-Forwarded-For. Sans lui, ces en-têtes viennent du client et ne valent rien : ils ne
# sont lus que si PROXY_DE_CONFIANCE le dit (protocole/securite.py, adresse_client).
PROXY_DE_CONFIANCE = envbool("PROXY_DE_CONFIANCE", False)
if PROXY_DE_CONFIANCE:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy (django-csp) : rien d'inline, ni script ni style ; htmx n'injecte pas sa feuille
# d'indicateurs (meta htmx-config de base.html). Le nonce n'apparaît que si un gabarit lit `request.csp_nonce`.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        # Bootstrap dessine flèches et cases à cocher avec des SVG en `data:`.
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Les fonctions du navigateur dont aucune page n'a besoin (protocole/securite.py).
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()"
)

# --- Limitation des tentatives (issue 11) ----------------------------------------------------------------------------
# Connexion : django-axes compte les échecs par compte et, à part, par couple (compte, adresse) ; jamais par adresse
# seule, car les agents de l'État sortent par des adresses partagées. Au-delà, un message en français et un délai
# (signataires/blocages.py) ; la coordination voit et lève les blocages de son protocole (/comptes/blocages/).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = envint("CONNEXION_ECHECS_MAX", 10)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=envint("CONNEXION_BLOCAGE_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username"], ["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "protocole.securite.adresse_client"
AXES_LOCKOUT_CALLABLE = "signataires.blocages.reponse_de_blocage"
# Chaque connexion réussie n'a pas à laisser une ligne de plus : seuls les échecs servent au blocage.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
# « Mot de passe oublié » : au plus tant d'e-mails par heure pour une même adresse e-mail, et un plafond haut par
# adresse du client (signataires/models.py, DemandeReinitialisation).
OUBLI_PAR_EMAIL_PAR_HEURE = envint("OUBLI_PAR_EMAIL_PAR_HEURE", 3)
OUBLI_PAR_ADRESSE_PAR_HEURE = envint("OUBLI_PAR_ADRESSE_PAR_HEURE", 50)
