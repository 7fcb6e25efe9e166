"""What a browser is told to enforce: the Content-Security-Policy, HTTPS only, secure cookies."""

from __future__ import annotations

import base64
import hashlib
import re
from importlib.resources import files

import pytest
from django.conf import settings
from django.test import Client

from tests.factories import PASSWORD, World

CSP = "Content-Security-Policy"


def directives(response) -> dict[str, list[str]]:
    policy = response.headers[CSP]
    return {
        name: values
        for name, *values in (part.split() for part in policy.split(";") if part.strip())
    }


def pages(world: World) -> list[str]:
    agreement, contribution = world.agreement.pk, world.nhs_min.pk
    return [
        "/",
        f"/agreements/{agreement}/",
        f"/agreements/{agreement}/edit/",
        f"/agreements/{agreement}/contributions/new/",
        f"/contributions/{contribution}/",
        f"/contributions/{contribution}/vary/",
        "/organisations/",
        "/areas/",
        "/account/tokens/",
        "/no-such-page/",
    ]


def test_the_policy_allows_only_this_site_and_the_nhs_font(client: Client, db: None) -> None:
    policy = directives(client.get("/login/"))
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'", settings.NHSUK_JS_ENABLED_SCRIPT_HASH]
    assert policy["style-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'"]
    assert policy["font-src"] == ["'self'", "https://assets.nhs.uk"]
    assert policy["object-src"] == policy["base-uri"] == policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert "unsafe" not in client.get("/login/").headers[CSP]


def test_the_allowed_inline_script_is_the_nhsuk_templates_own() -> None:
    """The hash in the policy must match the one inline script of the installed NHS.UK template.

    When nhsuk-frontend-jinja changes that line, this fails: put the new hash in settings.
    """
    template = (files("nhsuk_frontend_jinja") / "templates/nhsuk/template.jinja").read_text()
    scripts = re.findall(r"<script[^>]*>(.*?)</script>", template, re.S)
    assert len(scripts) == 1
    digest = base64.b64encode(hashlib.sha256(scripts[0].encode()).digest()).decode()
    assert f"'sha256-{digest}'" == settings.NHSUK_JS_ENABLED_SCRIPT_HASH


def test_pages_have_no_other_inline_script_or_style(login, world: World) -> None:
    client = login("finance")
    for path in pages(world):
        response = client.get(path)
        assert CSP in response.headers, path
        html = response.content.decode()
        inline = [
            body
            for attributes, body in re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
            if "src=" not in attributes
        ]
        assert len(inline) == 1, path  # the NHS.UK template's js-enabled line
        assert " style=" not in html, path
        assert "<style" not in html, path


def test_the_api_docs_add_only_data_images_for_swagger_ui(login, world: World) -> None:
    response = login("viewer").get("/api/v1/docs")
    policy = directives(response)
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["script-src"] == directives(login("viewer").get("/"))["script-src"]
    html = response.content.decode()
    assert all(
        "src=" in attributes or 'type="application/json"' in attributes
        for attributes in re.findall(r"<script([^>]*)>", html)
    )


def test_https_only_with_hsts_and_secure_cookies(client: Client, world: World) -> None:
    response = client.post("/login/", {"username": "finance", "password": PASSWORD}, secure=True)
    assert response.status_code == 302
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session["secure"] and session["httponly"]
    assert session["samesite"] == "Lax"
    csrf = Client().get("/login/", secure=True).cookies[settings.CSRF_COOKIE_NAME]
    assert csrf["secure"]


@pytest.mark.parametrize("path", ["/login/", "/api/v1/me"])
def test_plain_http_is_redirected_to_https_in_production(
    client: Client, db: None, settings, path: str
) -> None:
    settings.SECURE_SSL_REDIRECT = True  # the tests speak HTTP, so their settings turn it off
    response = client.get(path)
    assert response.status_code == 301
    assert response.headers["Location"] == f"https://testserver{path}"
