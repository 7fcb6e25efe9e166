"""Production is the default: the settings as a council would run them, in a fresh process."""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

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


class _KeepRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_NO_REDIRECTS = urllib.request.build_opener(_KeepRedirects)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_gunicorn_serves_pages_and_static_files_as_production_would(tmp_path: Path) -> None:
    """README's production commands: collectstatic, then gunicorn behind a TLS proxy."""
    env = production_env(
        tmp_path, CAREPOOL_ALLOWED_HOSTS="127.0.0.1", CAREPOOL_TRUST_X_FORWARDED_PROTO="1"
    )
    collect = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert collect.returncode == 0, collect.stderr
    port = free_port()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [str(gunicorn), "carepool.site.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )

    def fetch(path: str, **headers: str) -> Any:
        request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers)
        try:
            return _NO_REDIRECTS.open(request, timeout=10)
        except urllib.error.HTTPError as exc:
            return exc

    try:
        for _ in range(100):
            try:
                fetch("/login/")
                break
            except OSError:
                time.sleep(0.1)
        assert server.poll() is None

        plain = fetch("/login/")
        assert plain.status == 301
        assert plain.headers["Location"] == f"https://127.0.0.1:{port}/login/"

        page = fetch("/login/", **{"X-Forwarded-Proto": "https"})
        assert page.status == 200
        assert page.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
        assert "script-src 'self' 'sha256-" in page.headers["Content-Security-Policy"]
        cookie = page.headers["Set-Cookie"]
        assert cookie.startswith("csrftoken=") and "; Secure" in cookie

        css = fetch(
            "/static/nhsuk/nhsuk/nhsuk-frontend.min.css",
            **{"X-Forwarded-Proto": "https", "Accept-Encoding": "gzip"},
        )
        assert css.status == 200
        assert css.headers["Content-Encoding"] == "gzip"  # compressed by collectstatic
        assert fetch("/static/web/carepool.js", **{"X-Forwarded-Proto": "https"}).status == 200
        icon = fetch("/assets/images/nhsuk-icon-arrow-down.svg", **{"X-Forwarded-Proto": "https"})
        assert icon.status == 200
    finally:
        server.terminate()
        _, errors = server.communicate(timeout=30)
    assert "Traceback" not in errors, errors
