"""Settings shared by every environment; each value that differs per machine comes from the environment."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _
from whitenoise.compress import Compressor

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


SECRET_KEY = os.environ.get("SECRET_KEY", "hamyar-dev-only-secret-key-change-me-in-production-0123456789")
# The key that signs audit exports (core.audit_export); empty: SECRET_KEY. A key of its own can be given
# to an auditor to check the signatures without holding the site's SECRET_KEY.
AUDIT_EXPORT_KEY = os.environ.get("AUDIT_EXPORT_KEY", "")
DEBUG = env_bool("DEBUG", True)
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h.strip()
]

# The apps in their layers, bottom first, declared once: an app imports only from the layers below
# its own (core/tests/test_layers.py reads the source and fails on any other import, and on any
# cycle between files). `web` is the shell on top; hamyar/api.py and urls.py assemble everything.
HAMYAR_LAYERS: tuple[tuple[str, ...], ...] = (
    ("core",),
    ("directory",),
    ("accounts",),
    ("catalog",),
    ("needs",),
    ("commerce", "projects"),
    ("finance",),
    ("insights",),
    ("transparency",),
    ("web",),
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "axes",
    *(f"hamyar.{app}" for layer in HAMYAR_LAYERS for app in layer),
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "hamyar.web.middleware.PersianFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A signed-in user's pages and every API answer: Cache-Control private, no-store.
    "hamyar.core.middleware.PrivateCacheMiddleware",
    # A signed-in session lasts SESSION_COOKIE_AGE after the last request, not after signing in.
    "hamyar.core.middleware.SessionIdleMiddleware",
    # Anonymous requests reach only the views marked public (hamyar.core.pages.public).
    "hamyar.core.pages.SignInRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Axes must come last: it answers a locked-out login before the view runs.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "hamyar.urls"
WSGI_APPLICATION = "hamyar.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "hamyar.web.context_processors.shell",
            ],
            "builtins": ["hamyar.core.templatetags.hamyar"],
        },
    }
]
# Choice labels in Persian digits on Persian pages (hamyar/web/forms.py).
FORM_RENDERER = "hamyar.web.forms.FormRenderer"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and IMMEDIATE transactions let the web process and the task worker write
    # without "database is locked" errors; writers queue for up to 10 s.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Lockout after repeated failed logins (django-axes), counted twice over: five failures for one username
# from any addresses lock that username, and five failures from one address, whatever usernames it tries,
# lock that address; either for 15 minutes (HAMYAR_LOGIN_COOLOFF_MINUTES). The lockout page says when to
# try again (accounts/locked.html).
AXES_FAILURE_LIMIT = int(os.environ.get("HAMYAR_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("HAMYAR_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
# The client's address as the throttles see it (behind HAMYAR_NUM_PROXIES proxies, from X-Forwarded-For).
AXES_CLIENT_IP_CALLABLE = "hamyar.core.throttle.client_address"
AXES_VERBOSE = False

# A session ends after this long without a request: 8 hours, a working day. The user's requests renew it,
# writing the session at most once every HAMYAR_SESSION_RENEW_SECONDS (core.middleware.SessionIdleMiddleware).
SESSION_COOKIE_AGE = int(os.environ.get("HAMYAR_SESSION_IDLE_SECONDS", str(8 * 3600)))
HAMYAR_SESSION_RENEW_SECONDS = int(os.environ.get("HAMYAR_SESSION_RENEW_SECONDS", "300"))
# An API token made without an expiry expires after this many days.
HAMYAR_API_TOKEN_DAYS = int(os.environ.get("HAMYAR_API_TOKEN_DAYS", "90"))

# Content-Security-Policy (django-csp): scripts and styles only from this site (htmx, Bootstrap, the date
# picker are served locally) or carrying the request's nonce; no inline script, style attribute or
# event handler; no framing; forms post only here.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

LANGUAGE_CODE = "fa"
LANGUAGES = [("fa", _("Persian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "hamyar" / "locale"]
TIME_ZONE = "Asia/Tehran"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
NODE_MODULES = BASE_DIR / "node_modules"
# Front-end packages come from package.json; only their built files are served.
STATICFILES_DIRS = [
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/vazirmatn", NODE_MODULES / "vazirmatn"),
    ("vendor/jalalidatepicker", NODE_MODULES / "@majidh1" / "jalalidatepicker" / "dist"),
]
# With DEBUG off (`make run`, production) static files are collected (`collectstatic`) under names that
# carry their content's hash, compressed, and served by WhiteNoise with a far-future expiry.
STORAGES = {
    "default": {"BACKEND": "hamyar.core.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage" if DEBUG
                    else "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Not compressed when collected: source maps (read only by a developer's tools) and TrueType fonts (pages
# use the WOFF2 ones): together more than half the bytes, and most of collectstatic's time.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "map", "ttf")
MEDIA_ROOT = Path(os.environ.get("HAMYAR_MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media/"
# Where `manage.py backup` writes its archives unless told otherwise (--output).
HAMYAR_BACKUP_DIR = Path(os.environ.get("HAMYAR_BACKUP_DIR", BASE_DIR / "backups"))

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "hamyar@localhost")

# Value-added tax in percent, applied to quotations and invoices.
HAMYAR_VAT_PERCENT = int(os.environ.get("HAMYAR_VAT_PERCENT", "10"))
# API pages: default and largest page size.
HAMYAR_API_PAGE_SIZE = 50
HAMYAR_API_MAX_PAGE_SIZE = 200

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# Files attached to needs: the largest accepted size and the kinds accepted (checked by content too).
HAMYAR_ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
HAMYAR_ATTACHMENT_TYPES = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
}
# The prefix of every published contracting process's OCDS id (`ocid`), as registered with the Open
# Contracting Partnership; the organization's short name and the process number follow it.
HAMYAR_OCID_PREFIX = os.environ.get("HAMYAR_OCID_PREFIX", "ocds-xxxxxx-hamyar")

# Complaints: the days the organization has to answer one (from filing, or from its reopening).
HAMYAR_COMPLAINT_RESPONSE_DAYS = int(os.environ.get("HAMYAR_COMPLAINT_RESPONSE_DAYS", "7"))
# Where links in e-mails point.
HAMYAR_SITE_URL = os.environ.get("HAMYAR_SITE_URL", "http://127.0.0.1:8000")
# How often one address may read the public pages and API (see core.throttle); behind a proxy, how many
# addresses of X-Forwarded-For to trust.
HAMYAR_PUBLIC_RATE = os.environ.get("HAMYAR_PUBLIC_RATE", "120/m")
# How often one API client (a token, or a signed-in user's session) may call the API (core.throttle).
HAMYAR_API_RATE = os.environ.get("HAMYAR_API_RATE", "600/m")
NINJA_NUM_PROXIES = int(os.environ["HAMYAR_NUM_PROXIES"]) if os.environ.get("HAMYAR_NUM_PROXIES") else None
# How long the public page keeps what it computed, at most (a write the page shows renews it sooner).
HAMYAR_PUBLIC_CACHE_SECONDS = int(os.environ.get("HAMYAR_PUBLIC_CACHE_SECONDS", "600"))
