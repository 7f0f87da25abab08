"""Settings of Budget citoyen, all read from the environment (see README, "Configuration")."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from zoneinfo import ZoneInfo

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from budgetcitoyen.env import (
    declared_workers,
    env_bool,
    env_int,
    env_list,
    env_str,
    parse_frozen_now,
)

PACKAGE_DIR = Path(__file__).resolve().parent
# Runtime files (SQLite database, uploads, collected static) live under ./var/ of the
# directory the platform is started from, unless BUDGETCITOYEN_VAR_DIR says otherwise.
VAR_DIR = Path(env_str("BUDGETCITOYEN_VAR_DIR", str(Path.cwd() / "var"))).resolve()

DEBUG = env_bool("DEBUG", False)

_DEV_SECRET_KEY = "dev-only-insecure-key-budgetcitoyen-never-use-in-production"
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY est obligatoire hors mode développement : "
            "définissez la variable d'environnement SECRET_KEY (ou DEBUG=1 pour développer)."
        )
    SECRET_KEY = _DEV_SECRET_KEY

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "budgetcitoyen.core",
    "budgetcitoyen.accounts",
    "budgetcitoyen.territories",
    "budgetcitoyen.editions",
    "budgetcitoyen.comptoirs",
    "budgetcitoyen.dossiers",
    "budgetcitoyen.labelling",
    "budgetcitoyen.voting",
    "budgetcitoyen.results",
    "budgetcitoyen.followup",
    "budgetcitoyen.privacy",
    "budgetcitoyen.stats",
    "budgetcitoyen.opendata",
    "budgetcitoyen.api",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Django's widget templates, for the project renderer below.
    "django.forms",
    "allauth",
    "allauth.account",
    "django_tasks",
    "django_tasks_db",
    # The demo imports every app of the project; no app imports it.
    "budgetcitoyen.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "budgetcitoyen.core.middleware.InputGuardMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "budgetcitoyen.urls"
WSGI_APPLICATION = "budgetcitoyen.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "budgetcitoyen.core.context_processors.site",
                "budgetcitoyen.accounts.context_processors.rights",
                "budgetcitoyen.editions.context_processors.current_edition",
            ],
        },
    },
]

# Every form of the site, allauth's included, is drawn by the project's templates
# (templates/django/forms/: label above its field, hint and error tied to it, an error
# summary that names each field); the widgets keep Django's own templates.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# --- Database -------------------------------------------------------------------------
_default_sqlite = VAR_DIR / "budgetcitoyen.sqlite3"
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{_default_sqlite}")
# Each worker keeps its connection (10 minutes by default): opening a PostgreSQL connection
# costs more than most of the vote's requests. Django checks it before reusing it after an
# error or a restart of the server (CONN_HEALTH_CHECKS), so a dead connection is replaced
# instead of failing a request. DB_CONN_MAX_AGE=0 opens one per request.
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 600), conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    if DATABASES["default"]["NAME"] not in ("", ":memory:"):
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers proceed while one writer commits; IMMEDIATE takes the write
        # lock at BEGIN so two writers queue on the busy timeout instead of failing
        # with "database is locked" halfway through a transaction.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": env_int("SQLITE_BUSY_TIMEOUT", 20),
    }
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts ---------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
# django-allauth: sign-in by email, mandatory verification, brute-force limits.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
# The first and last name are asked at sign-up too (the form's base class); the adapter gives
# allauth's emails the site's address and voice and keeps the destination across confirmation.
ACCOUNT_SIGNUP_FORM_CLASS = "budgetcitoyen.accounts.forms.SignupNamesForm"
ACCOUNT_ADAPTER = "budgetcitoyen.accounts.adapter.AccountAdapter"
ACCOUNT_USER_DISPLAY = "budgetcitoyen.accounts.models.display_name"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PRESERVE_USERNAME_CASING = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Budget citoyen] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if not DEBUG else "http"
# Failed logins: 5 per 5 minutes per account, 20 per minute per IP (allauth's rate limits,
# kept in the cache, which every process shares: see "Cache" below).
# Staff actions that matter (labelling decisions, annulling votes, publishing results, roles
# and accounts in the admin) ask for the password again after 15 minutes
# (budgetcitoyen.accounts.reauth); an emailed code does not confirm them.
ACCOUNT_REAUTHENTICATION_TIMEOUT = 15 * 60
ACCOUNT_REAUTHENTICATION_METHODS = ["password"]
ACCOUNT_RATE_LIMITS = {
    "login_failed": "20/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
}
# FranceConnect (optional): allauth's OpenID Connect provider, switched on when a client id
# is configured. Voters then sign in with FranceConnect instead of (or besides) an email
# code; their declared identity is prefilled from it. See docs/ARCHITECTURE.md, "Le vote".
FRANCECONNECT_CLIENT_ID = env_str("FRANCECONNECT_CLIENT_ID")
FRANCECONNECT_ENABLED = bool(FRANCECONNECT_CLIENT_ID)
if FRANCECONNECT_ENABLED:
    INSTALLED_APPS += ["allauth.socialaccount", "allauth.socialaccount.providers.openid_connect"]
    SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
    SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
    SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "APPS": [
                {
                    "provider_id": "franceconnect",
                    "name": "FranceConnect",
                    "client_id": FRANCECONNECT_CLIENT_ID,
                    "secret": env_str("FRANCECONNECT_SECRET"),
                    "settings": {
                        "server_url": env_str(
                            "FRANCECONNECT_SERVER_URL", "https://oidc.franceconnect.gouv.fr/api/v2"
                        ),
                        "scope": ["openid", "given_name", "family_name", "birthdate", "email"],
                        "auth_params": {"acr_values": "eidas1"},
                        "fetch_userinfo": True,
                    },
                }
            ]
        }
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Personal data retention ------------------------------------------------------------
# The delays the privacy page promises, read by ``core/retention.py`` (the page and the
# ``purge_personal_data`` command both read that table, so they cannot disagree).
BUDGETCITOYEN_RETENTION = {
    # Voters' identities (declarations, names, birth dates, addresses, IPs), after the results.
    "voter_identity_months": env_int("BUDGETCITOYEN_VOTER_IDENTITY_MONTHS", 6),
    # Accounts without a sign-in for this long are deleted, after a warning email.
    "inactive_account_years": env_int("BUDGETCITOYEN_INACTIVE_ACCOUNT_YEARS", 3),
    "inactive_account_warning_days": env_int("BUDGETCITOYEN_INACTIVE_ACCOUNT_WARNING_DAYS", 30),
    # Dossiers: not labelled (or withdrawn), and laureates (grant accounting records).
    "dossier_years": env_int("BUDGETCITOYEN_DOSSIER_YEARS", 2),
    "laureate_dossier_years": env_int("BUDGETCITOYEN_LAUREATE_DOSSIER_YEARS", 10),
    # Emails queued because the mail server was down, once sent or given up.
    "email_queue_days": env_int("BUDGETCITOYEN_EMAIL_QUEUE_DAYS", 7),
}

# --- Internationalisation ---------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# --- Clock -------------------------------------------------------------------------------
# BUDGETCITOYEN_TODAY shows the site as on another day (demo, acceptance tests). It must
# never move the clock of a live vote, so it is refused outright unless DEBUG is on.
BUDGETCITOYEN_NOW = None
_frozen = env_str("BUDGETCITOYEN_TODAY").strip()
if _frozen:
    if not DEBUG:
        raise ImproperlyConfigured(
            "BUDGETCITOYEN_TODAY n'est accepté qu'en mode développement (DEBUG=1)."
        )
    BUDGETCITOYEN_NOW = parse_frozen_now(_frozen, ZoneInfo(TIME_ZONE))

# --- Static and media ---------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
# Files that must only be served through a permission check (dossier attachments).
PRIVATE_MEDIA_ROOT = VAR_DIR / "private"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Dossier photos and attachments: outside MEDIA_ROOT, never served by URL, only
    # streamed by views that check who is asking (budgetcitoyen.dossiers.views.documents).
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": "/non-public/"},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG
# Uploads above 2.5 MB go to a temporary file rather than memory; dossier files are
# limited to 10 MB each by the dossiers services. A request carries at most 10 files.
DATA_UPLOAD_MAX_NUMBER_FILES = 10
# Every uploaded image is decoded and encoded again (budgetcitoyen.core.images); one declaring
# more pixels than this is refused before decoding (40 million: 8,000 × 5,000, more than any
# phone takes; decoding it needs about 160 MB). Pillow itself refuses beyond about 179 million.
IMAGE_MAX_PIXELS = env_int("IMAGE_MAX_PIXELS", 40_000_000)

CSRF_FAILURE_VIEW = "budgetcitoyen.core.views.csrf_failure"

# --- Email -------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Budget citoyen <budgetcitoyen@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# In production an email the SMTP server does not take at once is queued for the background
# worker, which tries again after each of EMAIL_RETRY_DELAYS (seconds; about a day in all) with
# the delivery backend, so a mail server that is down never turns a committed action into an
# error page nor loses the email (budgetcitoyen.core.mail).
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "budgetcitoyen.core.mail.SMTPBackend",
)
EMAIL_DELIVERY_BACKEND = env_str(
    "EMAIL_DELIVERY_BACKEND", "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_RETRY_DELAYS = [60, 300, 900, 3600, 3 * 3600, 6 * 3600, 12 * 3600]
# A mail server that answers slowly holds the request that sends: give up after this many
# seconds, and the message goes to the worker's queue.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)

# --- Cache (rate limits) ---------------------------------------------------------------------
# Rate limits count in the cache, so every process serving the site must share it: Redis when
# REDIS_URL is set, else a table of the database (created by the migrations, core 0003). The
# per-process memory cache is the default of development only, and is refused in production
# when several worker processes are declared (WEB_CONCURRENCY, or gunicorn's -w/--workers).
REDIS_URL = env_str("REDIS_URL")
CACHE_BACKEND = env_str(
    "CACHE_BACKEND", "redis" if REDIS_URL else "memory" if DEBUG else "database"
)
CACHE_TABLE = "budgetcitoyen_cache"
_CACHE_BACKENDS = {
    "redis": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL},
    "database": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": CACHE_TABLE},
    "memory": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
}
if CACHE_BACKEND not in _CACHE_BACKENDS:
    raise ImproperlyConfigured(
        f"CACHE_BACKEND vaut « {CACHE_BACKEND} » : choisissez redis, database ou memory."
    )
if CACHE_BACKEND == "redis" and not REDIS_URL:
    raise ImproperlyConfigured("CACHE_BACKEND=redis demande REDIS_URL (redis://hôte:6379/0).")
CACHES = {"default": _CACHE_BACKENDS[CACHE_BACKEND]}
WORKER_PROCESSES = declared_workers()
if CACHE_BACKEND == "memory" and not DEBUG and WORKER_PROCESSES > 1:
    raise ImproperlyConfigured(
        f"{WORKER_PROCESSES} processus servent le site avec un cache propre à chacun "
        "(CACHE_BACKEND=memory) : les limites de tentatives ne seraient pas communes. "
        "Utilisez le cache en base de données (CACHE_BACKEND=database, par défaut) ou Redis "
        "(REDIS_URL)."
    )

# The public pages served from a cache to anonymous readers (budgetcitoyen.core.pagecache): on
# when the cache is shared, since a change made by another process (a command, the worker's
# publication of the results) must reach every process serving the site. Off with the memory
# cache of development, where `budgetcitoyen demo` run beside the server would not reach it.
PAGE_CACHE = env_bool("PAGE_CACHE", CACHE_BACKEND != "memory")

# --- Background tasks ----------------------------------------------------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# /sante/ answers 503 when the oldest task due has waited longer than this (seconds): the
# worker (budgetcitoyen db_worker) is stopped or cannot keep up.
BUDGETCITOYEN_HEALTH_MAX_QUEUE_LAG = env_int("HEALTH_MAX_QUEUE_LAG", 300)
# The follow-up's reminders (budgetcitoyen send_followup_reminders, daily): an open request
# for supporting documents is reminded this many days before its due date, a laureate's final
# report this many days before it is due. Each is sent once.
FOLLOWUP_DOCUMENT_REMINDER_DAYS = env_int("FOLLOWUP_DOCUMENT_REMINDER_DAYS", 3)
FOLLOWUP_REPORT_REMINDER_DAYS = env_int("FOLLOWUP_REPORT_REMINDER_DAYS", 30)

# --- Security ------------------------------------------------------------------------------
# HTTPS_ONLY (on outside development): plain HTTP is redirected to HTTPS and browsers are told
# by HSTS to use HTTPS only. HTTPS_ONLY=0 is for a first trial over plain HTTP, never for a
# real vote; cookies then stop being Secure too, unless SECURE_COOKIES says otherwise.
HTTPS_ONLY = not DEBUG and env_bool("HTTPS_ONLY", True)
SECURE_SSL_REDIRECT = HTTPS_ONLY
# The load balancer asks each app server's health over plain HTTP, without the proxy's headers.
SECURE_REDIRECT_EXEMPT = [r"^sante/$"]
SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", 365 * 24 * 3600) if HTTPS_ONLY else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
# The preload list takes whole registrable domains (pasdecalais.fr), which a platform served on
# a subdomain cannot speak for: preloading is the domain owner's decision, off unless asked.
SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SESSION_COOKIE_SECURE = not DEBUG and env_bool("SECURE_COOKIES", HTTPS_ONLY)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_HTTPS_PROXY", False) else None
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy of every page (django-csp): scripts, styles, images and fonts from the
# site only, no inline script or style attribute; the one inline <style> (the printable dossier,
# also read by WeasyPrint) carries the request's nonce. Responses that set their own policy
# (private files: a sandbox) keep it. Forms post to the site only, and to FranceConnect when
# it is on (its sign-in form redirects there, which browsers check against form-action).
_form_action = [SELF]
if FRANCECONNECT_ENABLED:
    from urllib.parse import urlsplit

    _fc = urlsplit(env_str("FRANCECONNECT_SERVER_URL", "https://oidc.franceconnect.gouv.fr/api/v2"))
    _form_action.append(f"{_fc.scheme}://{_fc.netloc}")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, NONCE],
        "img-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": _form_action,
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint narrates every step of every PDF at INFO; only its warnings matter.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "weasyprint.progress": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# --- Platform ------------------------------------------------------------------------------
# The collectivité this instance serves, read through budgetcitoyen.core.organisation: a TOML
# file of its names, addresses and default voting age (the shipped one describes the
# collectivité of the shipped reference data), each value overridable by BUDGETCITOYEN_<KEY>.
BUDGETCITOYEN_ORGANISATION_FILE = Path(
    env_str(
        "BUDGETCITOYEN_ORGANISATION_FILE",
        str(PACKAGE_DIR / "territories" / "data" / "pas-de-calais-organisation.toml"),
    )
)
_ORGANISATION_KEYS = {
    "organisation": str,
    "organisation_short": str,
    "organisation_of": str,
    "organisation_en": str,
    "organisation_address": str,
    "publication_director": str,
    "publication_director_en": str,
    "area": str,
    "area_of": str,
    "area_in": str,
    "area_en": str,
    "contact_email": str,
    "dpo_email": str,
    "minimum_voter_age": int,
}


def _organisation() -> dict[str, str | int]:
    try:
        with BUDGETCITOYEN_ORGANISATION_FILE.open("rb") as handle:
            data = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ImproperlyConfigured(
            f"BUDGETCITOYEN_ORGANISATION_FILE ({BUDGETCITOYEN_ORGANISATION_FILE}) est illisible : "
            f"{error}"
        ) from error
    values: dict[str, str | int] = {}
    for key, kind in _ORGANISATION_KEYS.items():
        name = f"BUDGETCITOYEN_{key.upper()}"
        if key not in data and name not in os.environ:
            raise ImproperlyConfigured(
                f"{BUDGETCITOYEN_ORGANISATION_FILE} : la clé « {key} » manque "
                f"(ou définissez {name})."
            )
        value = env_int(name, data.get(key, 0)) if kind is int else env_str(name, data.get(key, ""))
        if not isinstance(value, kind):
            raise ImproperlyConfigured(
                f"{BUDGETCITOYEN_ORGANISATION_FILE} : « {key} » doit être "
                f"{'un nombre' if kind is int else 'un texte'}."
            )
        values[key] = value
    return values


_org = _organisation()
BUDGETCITOYEN_ORGANISATION = str(_org["organisation"])
BUDGETCITOYEN_ORGANISATION_SHORT = str(_org["organisation_short"])
BUDGETCITOYEN_ORGANISATION_OF = str(_org["organisation_of"])
BUDGETCITOYEN_ORGANISATION_EN = str(_org["organisation_en"])
BUDGETCITOYEN_ORGANISATION_ADDRESS = str(_org["organisation_address"])
BUDGETCITOYEN_PUBLICATION_DIRECTOR = str(_org["publication_director"])
BUDGETCITOYEN_PUBLICATION_DIRECTOR_EN = str(_org["publication_director_en"])
BUDGETCITOYEN_AREA = str(_org["area"])
BUDGETCITOYEN_AREA_OF = str(_org["area_of"])
BUDGETCITOYEN_AREA_IN = str(_org["area_in"])
BUDGETCITOYEN_AREA_EN = str(_org["area_en"])
BUDGETCITOYEN_CONTACT_EMAIL = str(_org["contact_email"])
BUDGETCITOYEN_DPO_EMAIL = str(_org["dpo_email"])
BUDGETCITOYEN_MINIMUM_VOTER_AGE = int(_org["minimum_voter_age"])
# How many proxies of ours stand in front of the application, each appending the address it
# received from to X-Forwarded-For: the client's address is the Nth from the right (the ones
# further left are whatever the client sent). 0 reads REMOTE_ADDR only. One proxy by default
# behind an HTTPS proxy, none otherwise.
TRUSTED_PROXY_COUNT = env_int(
    "TRUSTED_PROXY_COUNT", 1 if env_bool("BEHIND_HTTPS_PROXY", False) else 0
)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT doit être positif ou nul.")
# "count/seconds" per action and key (see budgetcitoyen.core.ratelimit).
BUDGETCITOYEN_RATE_LIMITS = {
    "vote_code:email": "3/900",
    "vote_code:ip": "30/900",
    "vote_code_check:email": "10/900",
    "vote_code_check:ip": "60/900",
    "vote_cast:user": "10/600",
    "vote_cast:ip": "120/600",
    "vote_receipt:ip": "30/600",
    # The public API (budgetcitoyen.api), per client address.
    "api:ip": env_str("API_RATE_LIMIT", "300/60"),
}
# Review list of ballots cast from one IP address: at least COUNT within SECONDS.
BUDGETCITOYEN_IP_CLUSTER = (5, 600)
