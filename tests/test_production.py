"""Production is the default: the settings as a council would run them, in a fresh process."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]


def production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The environment README.md documents for production, and nothing from the tests."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "CAREPOOL_VAR_DIR": str(tmp_path / "var"),
        "CAREPOOL_SECRET_KEY": secrets.token_urlsafe(50),
        "CAREPOOL_ALLOWED_HOSTS": "carepool.example.nhs.uk",
    }
    env.update(extra)
    return {k: v for k, v in env.items() if v != ""}


def python(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        cwd=PROJECT_DIR,
        env=production_env(tmp_path, **env),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


SHOW_SETTINGS = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({name: getattr(settings, name, None) for name in [
    "DEBUG", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_PROXY_SSL_HEADER",
]}))
"""


def settings_of(tmp_path: Path, **env: str) -> dict[str, object]:
    result = python(
        tmp_path, "-c", SHOW_SETTINGS, DJANGO_SETTINGS_MODULE="carepool.site.settings", **env
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_check_deploy_is_clean_with_the_documented_production_settings(tmp_path: Path) -> None:
    result = python(tmp_path, "manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNINGS" not in result.stdout + result.stderr


def test_production_is_the_default_and_sends_cookies_over_https_only(tmp_path: Path) -> None:
    assert settings_of(tmp_path) == {
        "DEBUG": False,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31_536_000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_PROXY_SSL_HEADER": None,
    }


def test_behind_a_tls_terminating_proxy(tmp_path: Path) -> None:
    found = settings_of(tmp_path, CAREPOOL_TRUST_X_FORWARDED_PROTO="1", CAREPOOL_SSL_REDIRECT="0")
    assert found["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert found["SECURE_SSL_REDIRECT"] is False
    assert found["SESSION_COOKIE_SECURE"] is True
    # Turning the redirect off on purpose is not something check --deploy should nag about.
    check = python(
        tmp_path,
        "manage.py",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        CAREPOOL_SSL_REDIRECT="0",
    )
    assert check.returncode == 0, check.stdout + check.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    result = python(tmp_path, "manage.py", "check", CAREPOOL_SECRET_KEY="")
    assert result.returncode != 0
    assert "CAREPOOL_SECRET_KEY is not set" in result.stderr
    assert "CAREPOOL_DEBUG=1" in result.stderr  # what a developer should do instead


def test_a_development_machine_needs_no_secret_key(tmp_path: Path) -> None:
    found = settings_of(tmp_path, CAREPOOL_SECRET_KEY="", CAREPOOL_DEBUG="1")
    assert found["DEBUG"] is True
    assert found["SECURE_SSL_REDIRECT"] is False
    assert found["SESSION_COOKIE_SECURE"] is False
