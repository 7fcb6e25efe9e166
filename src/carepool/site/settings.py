"""Django settings. Everything that differs by deployment comes from the environment.

Production is the default; a development machine says so with CAREPOOL_DEBUG=1 (`make run`
does). README.md ("Running it in production") lists every variable; in short:

CAREPOOL_DEBUG: "1" on a development machine only. Off by default.
CAREPOOL_SECRET_KEY: required when CAREPOOL_DEBUG is off; 50 or more random characters.
CAREPOOL_ALLOWED_HOSTS: the host names the site answers to, comma-separated.
CAREPOOL_DATABASE_URL (or DATABASE_URL): a database URL; SQLite in var/ when unset.
CAREPOOL_SSL_REDIRECT: "0" when a proxy in front already redirects HTTP to HTTPS.
CAREPOOL_TRUST_X_FORWARDED_PROTO: "1" behind a TLS-terminating proxy that sets
    X-Forwarded-Proto (and strips it from clients), so Django knows the request was HTTPS.
CAREPOOL_HSTS_SECONDS: how long browsers must use HTTPS only; one year unless set.
CAREPOOL_PROXY_COUNT: how many proxies in front append to X-Forwarded-For (0: none), so that
    failed log-ins are counted per person's address rather than per proxy.
CAREPOOL_LOGIN_FAILURE_LIMIT, CAREPOOL_LOGIN_COOLOFF_MINUTES: failed log-ins allowed for one
    username from one address (5) before it is locked out, and for how long (15 minutes).
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF


def _flag(name: str, default: bool) -> bool:
    return os.environ.get(name, "1" if default else "0").strip() == "1"


SRC_DIR = Path(__file__).resolve().parents[2]
PROJECT_DIR = SRC_DIR.parent
VAR_DIR = Path(os.environ.get("CAREPOOL_VAR_DIR", PROJECT_DIR / "var"))

DEBUG = _flag("CAREPOOL_DEBUG", False)
SECRET_KEY = os.environ.get("CAREPOOL_SECRET_KEY", "").strip() or (
    "insecure-development-key-only-for-local-demo" if DEBUG else ""
)
if not SECRET_KEY:
    raise RuntimeError(
        "CAREPOOL_SECRET_KEY is not set. In production set it to 50 or more random characters, "
        "e.g. from: python3 -c 'import secrets; print(secrets.token_urlsafe(50))'. "
        "On a development machine set CAREPOOL_DEBUG=1 instead (make run does)."
    )
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("CAREPOOL_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
    if h.strip()
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",  # serves its bundled Swagger UI files for /api/v1/docs
    "csp",
    "axes",
    "carepool.accounts",
    "carepool.audit",
    "carepool.organisations",
    "carepool.agreements",
    "carepool.signoff",
    "carepool.plans",
    "carepool.ledger",
    "carepool.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "carepool.site.middleware.DatabaseBusyMiddleware",
    # Last: turns a request that locked someone out into the "try again later" answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "carepool.site.urls"
WSGI_APPLICATION = "carepool.site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"environment": "carepool.site.jinja.environment"},
    },
]

_database_url = os.environ.get("CAREPOOL_DATABASE_URL") or os.environ.get("DATABASE_URL")
DATABASES = {
    # Persistent connections in production; none in development and tests, where a live
    # server's idle connection would otherwise hold the test database open at teardown.
    "default": dj_database_url.parse(
        _database_url,
        conn_max_age=int(os.environ.get("CAREPOOL_CONN_MAX_AGE", "0" if DEBUG else "60")),
    )
    if _database_url
    else {"ENGINE": "django.db.backends.sqlite3", "NAME": VAR_DIR / "carepool.sqlite3"}
}
# Every request is one transaction: a write that fails part-way leaves nothing behind.
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent writers on SQLite (docs/adr/0011-concurrent-writes.md): a transaction takes
    # the write lock when it begins (BEGIN IMMEDIATE) rather than part-way through, where
    # SQLite can only fail it with "database is locked"; a writer waits up to
    # CAREPOOL_SQLITE_TIMEOUT seconds for its turn; WAL lets readers go on while one writes.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": float(os.environ.get("CAREPOOL_SQLITE_TIMEOUT", "20")),
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    VAR_DIR.mkdir(parents=True, exist_ok=True)  # SQLite creates the file, not its folder
    # Tests use a file, not memory, so that concurrent requests in the tests really are
    # separate connections, as in production.
    DATABASES["default"].setdefault("TEST", {}).setdefault(
        "NAME", str(VAR_DIR / "test-carepool.sqlite3")
    )

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out username and address before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"
_VALIDATION = "django.contrib.auth.password_validation"
AUTH_PASSWORD_VALIDATORS = [
    {
        # Not the person's own names or e-mail address, which colleagues can guess.
        "NAME": f"{_VALIDATION}.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username", "first_name", "last_name", "email")},
    },
    {"NAME": f"{_VALIDATION}.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": f"{_VALIDATION}.CommonPasswordValidator"},
    {"NAME": f"{_VALIDATION}.NumericPasswordValidator"},
]

# Throttled log-in (django-axes), for the web form and the API's HTTP Basic alike: after
# AXES_FAILURE_LIMIT failures for one username from one address, that pair is refused for
# AXES_COOLOFF_TIME (429 and a page or JSON saying when to try again: carepool.site.lockout).
AXES_FAILURE_LIMIT = int(os.environ.get("CAREPOOL_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("CAREPOOL_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_HTTP_RESPONSE_CODE = 429
AXES_LOCKOUT_CALLABLE = "carepool.site.lockout.locked_out"
AXES_CLIENT_IP_CALLABLE = "carepool.site.lockout.client_ip"
AXES_ENABLE_ADMIN = False
CAREPOOL_PROXY_COUNT = int(os.environ.get("CAREPOOL_PROXY_COUNT", "0"))
# The largest file of actuals one ledger import takes (docs/ledger-imports.md), in bytes.
CAREPOOL_LEDGER_IMPORT_MAX_BYTES = int(
    os.environ.get("CAREPOOL_LEDGER_IMPORT_MAX_BYTES", str(200 * 1024 * 1024))
)

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# The NHS.UK frontend's compiled CSS, JS and assets come from npm (package.json); they are
# never copied into the repository.
NHSUK_DIST = PROJECT_DIR / "node_modules" / "nhsuk-frontend" / "dist"
# The accessible autocomplete (alphagov) that enhances the organisation pickers, also from npm.
AUTOCOMPLETE_DIST = PROJECT_DIR / "node_modules" / "accessible-autocomplete" / "dist"
STATICFILES_DIRS = [("nhsuk", NHSUK_DIST), ("accessible-autocomplete", AUTOCOMPLETE_DIST)]
# The NHS.UK stylesheet refers to its icons at /assets/images/... from the site root.
WHITENOISE_ROOT = NHSUK_DIST / "nhsuk" if (NHSUK_DIST / "nhsuk").is_dir() else None
# Development serves static files straight from where they are; production serves the copies
# that `manage.py collectstatic` made (gzipped beside them) from STATIC_ROOT.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"

# HTTPS only, unless this is a development machine (README.md, "Running it in production").
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_SSL_REDIRECT = _flag("CAREPOOL_SSL_REDIRECT", not DEBUG)
if _flag("CAREPOOL_TRUST_X_FORWARDED_PROTO", False):
    # Only behind a proxy that sets this header itself and drops any a client sent.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(os.environ.get("CAREPOOL_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = _flag("CAREPOOL_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = [
    # Asking to be on browsers' preload list is for whoever owns the registrable domain (the
    # council's or the NHS's), not for one service on a subdomain: off unless asked for.
    "security.W021",
]
if not SECURE_SSL_REDIRECT and os.environ.get("CAREPOOL_SSL_REDIRECT", "").strip() == "0":
    # Turned off on purpose because the proxy in front redirects; no need to warn about it.
    SILENCED_SYSTEM_CHECKS.append("security.W008")

# Content-Security-Policy (django-csp): scripts, styles and images from this site only, the
# NHS.UK font from assets.nhs.uk. The one inline script, the NHS.UK page template's line that
# marks the page as having JavaScript, is allowed by its hash rather than a nonce, so that pages
# rendered without a request (500, CSRF failure) allow it too; tests/web/test_security.py
# checks the hash against the installed template. /api/v1/docs adds data: images for Swagger
# UI's icons (carepool.api.docs).
NHSUK_JS_ENABLED_SCRIPT_HASH = "'sha256-tDOvXJi1PXbg0CWjLCCYSNHRXtps26K4JXkE3M6u/c0='"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NHSUK_JS_ENABLED_SCRIPT_HASH],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF, "https://assets.nhs.uk"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("CAREPOOL_LOG_LEVEL", "WARNING")},
}
