"""Aksalarasa settings: one module, driven by environment variables (see README)."""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from config.env import env_bool, env_float, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)
# The secret key is required outside DEBUG; in DEBUG a fixed development key is acceptable.


def _local_secret_key() -> str:
    """The embedded deployment's key: kept in var/secret_key (made once, mode 600, never in git),
    the same file `make run` uses. Production sets SECRET_KEY in the environment."""
    import secrets

    path = BASE_DIR / "var" / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = env_str("SECRET_KEY", "") or _local_secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
AKSALARASA_DEMO = env_bool("AKSALARASA_DEMO", False)
# Behind TLS (the production default) cookies are secure and HTTP redirects to HTTPS. `make run`
# serves plain HTTP on loopback and turns this off explicitly.
AKSALARASA_HTTPS = env_bool("AKSALARASA_HTTPS", not DEBUG)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "ninja",  # the API documentation's Swagger UI from our own static files, not a CDN the policy refuses
    "aksalarasa.core",
    "aksalarasa.offices",
    "aksalarasa.accounts",
    "aksalarasa.audit",
    "aksalarasa.clients",
    "aksalarasa.guidance",
    "aksalarasa.partners",
    "aksalarasa.programs",
    "aksalarasa.sentences",
    "aksalarasa.events",
    "aksalarasa.evidence",
    "aksalarasa.dashboards",
    "aksalarasa.seeding",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    # Token-authenticated check-ins from the scanners skip the session/CSRF/2FA stack (see the module).
    "aksalarasa.events.fastpath.ScannerCheckInMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Office data is read only inside the signed-in person's scope (aksalarasa/core/scoping.py).
    "aksalarasa.core.middleware.ScopeMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "aksalarasa.core.middleware.UserPreferencesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "aksalarasa.accounts.middleware.SecondFactorMiddleware",
    "axes.middleware.AxesMiddleware",
    # Last: marks listed read-only views as "may read the replica" (aksalarasa/core/dbrouter.py).
    "aksalarasa.core.dbrouter.ReplicaReadsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

# Django's form renderer, with <select> boxes written in Python (aksalarasa/core/form_renderer.py).
FORM_RENDERER = "aksalarasa.core.form_renderer.Renderer"
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
                "django.template.context_processors.i18n",
                "aksalarasa.core.context_processors.navigation",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'aksalarasa.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiles a plan once its estimated cost is high, which costs 20-30 ms on the
    # roll-ups' GROUP BY over an office (measured: 25 ms of a 57 ms statement) and never pays off on
    # statements of this size; the app's queries are short, so it is off for its connections.
    # random_page_cost 1.1 (the default 4 models spinning disks): the working set is in memory or
    # on SSD, and with 4 the planner hashes all 300,000 client summaries of a national database
    # instead of probing the 3,000 of one office by index (section roll-up GROUP BY: 117 -> 24 ms).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off -c random_page_cost=1.1"

# A streaming read replica (optional): dashboards, overviews, reports and exports read it, with
# read-your-writes and a fall-back to the primary when it lags or is down (aksalarasa/core/dbrouter.py,
# docs/scaling.md). Without REPLICA_DATABASE_URL every read goes to the primary, as before.
REPLICA_DATABASE_URL = env_str("REPLICA_DATABASE_URL", "")
if REPLICA_DATABASE_URL:
    DATABASES["replica"] = dj_database_url.parse(
        REPLICA_DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60), conn_health_checks=True
    )
    if DATABASES["replica"]["ENGINE"] != DATABASES["default"]["ENGINE"]:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("REPLICA_DATABASE_URL must use the same database engine as DATABASE_URL.")
    DATABASES["replica"]["OPTIONS"] = {**DATABASES["default"].get("OPTIONS", {}), "connect_timeout": 2}
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
# Behind PgBouncer in transaction mode (DB_TRANSACTION_POOLER=1) a connection's server changes
# between transactions: no server-side cursors, no prepared statements (Django's psycopg default),
# and no startup options (PgBouncer refuses them): set jit and random_page_cost on the database
# instead (ALTER DATABASE ... SET; bench/run_scale.sh does).
if env_bool("DB_TRANSACTION_POOLER", False):
    for _alias in DATABASES.values():
        _alias["DISABLE_SERVER_SIDE_CURSORS"] = True
        _alias.get("OPTIONS", {}).pop("options", None)
DATABASE_ROUTERS = ["aksalarasa.core.dbrouter.ReplicaRouter"]
# Read-only views (URL names) that may read the replica; GET/HEAD only.
REPLICA_READ_VIEWS = [
    "dashboards:office",
    "dashboards:aggregate",
    "guidance:section",
    "guidance:office",
    "guidance:caseload_export",
    "clients:export",
    "evidence:analysis",
    "evidence:report_pdf",
    "evidence:report_docx",
    "evidence:export_xlsx",
]
REPLICA_MAX_LAG_SECONDS = env_float("REPLICA_MAX_LAG_SECONDS", 2.0)
REPLICA_CHECK_SECONDS = env_float("REPLICA_CHECK_SECONDS", 1.0)
REPLICA_RETRY_SECONDS = env_float("REPLICA_RETRY_SECONDS", 5.0)
REPLICA_READ_YOUR_WRITES_SECONDS = env_float("REPLICA_READ_YOUR_WRITES_SECONDS", 5.0)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "aksalarasa.accounts.backends.UsernameOrEmailBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username", "full_name", "email", "nip")},
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Lock-out after repeated failures (django-axes): per username and address.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "aksalarasa.accounts.backends.axes_username"
AXES_VERBOSE = False
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

# Sessions end after 8 hours, or after 2 hours without activity, and when the browser closes.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 2 * 60 * 60)
# The idle expiry is refreshed at most once a minute (accounts.middleware), not on every request.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
AKSALARASA_SESSION_MAX_SECONDS = 8 * 60 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
OTP_TOTP_ISSUER = "Aksalarasa"

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = BASE_DIR / "var" / "media"
MEDIA_URL = "/media/"

# Security: strict by default; `check --deploy` prints no warning when DEBUG is off.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_COOKIE_HTTPONLY = False  # HTMX reads the token from the page, not the cookie.
SESSION_COOKIE_SECURE = AKSALARASA_HTTPS
CSRF_COOKIE_SECURE = AKSALARASA_HTTPS
SECURE_SSL_REDIRECT = AKSALARASA_HTTPS
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if AKSALARASA_HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = AKSALARASA_HTTPS
SECURE_HSTS_PRELOAD = AKSALARASA_HTTPS
# Content-Security-Policy (django-csp): scripts and styles only from our own static files, no
# inline script, no eval (htmx runs with allowEval off, see templates/base.html), no inline style
# element or attribute, no framing, forms post only here. docs/security.md; proved by
# tests/test_deploy_settings.py and the browser tests tests/browser/test_browser_accessibility.py (every page) and test_browser_csp.py.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Look-ups by a key (aksalarasa/core/lookups.py): counted in the database (one atomic upsert per
# look-up, shared by every server process), per user, or per IP address on anonymous public pages;
# past the rate a look-up answers 429.
RATELIMIT_ENABLE = env_bool("RATELIMIT_ENABLE", True)
AKSALARASA_LOOKUP_RATE = env_str("AKSALARASA_LOOKUP_RATE", "120/m")
AKSALARASA_LOOKUP_RATE_PUBLIC = env_str("AKSALARASA_LOOKUP_RATE_PUBLIC", "120/m")

if env_bool("BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if not AKSALARASA_HTTPS and not DEBUG:
    # Plain HTTP on loopback (`make run`, tests): the HTTPS-only checks do not apply.
    SILENCED_SYSTEM_CHECKS = ["security.W004", "security.W008", "security.W012", "security.W016"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
