"""Django settings. Everything that differs by deployment comes from the environment.

CAREPOOL_DATABASE_URL (or DATABASE_URL): a database URL; SQLite in var/ when unset.
CAREPOOL_SECRET_KEY: required when CAREPOOL_DEBUG is off.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

SRC_DIR = Path(__file__).resolve().parents[2]
PROJECT_DIR = SRC_DIR.parent
VAR_DIR = Path(os.environ.get("CAREPOOL_VAR_DIR", PROJECT_DIR / "var"))

DEBUG = os.environ.get("CAREPOOL_DEBUG", "1") == "1"
SECRET_KEY = os.environ.get("CAREPOOL_SECRET_KEY") or (
    "insecure-development-key-only-for-local-demo" if DEBUG else ""
)
if not SECRET_KEY:
    raise RuntimeError("Set CAREPOOL_SECRET_KEY when CAREPOOL_DEBUG is 0")
ALLOWED_HOSTS = [
    h
    for h in os.environ.get("CAREPOOL_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
    if h
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",  # serves its bundled Swagger UI files for /api/v1/docs
    "carepool.accounts",
    "carepool.audit",
    "carepool.organisations",
    "carepool.agreements",
    "carepool.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "carepool.site.middleware.DatabaseBusyMiddleware",
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
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# The NHS.UK frontend's compiled CSS, JS and assets come from npm (package.json); they are
# never copied into the repository.
NHSUK_DIST = PROJECT_DIR / "node_modules" / "nhsuk-frontend" / "dist"
STATICFILES_DIRS = [("nhsuk", NHSUK_DIST)]
# The NHS.UK stylesheet refers to its icons at /assets/images/... from the site root.
WHITENOISE_ROOT = NHSUK_DIST / "nhsuk" if (NHSUK_DIST / "nhsuk").is_dir() else None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("CAREPOOL_LOG_LEVEL", "WARNING")},
}
