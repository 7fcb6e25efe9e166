"""Failed log-ins are throttled (django-axes): the web form and the API's HTTP Basic alike."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client, RequestFactory
from django.utils import timezone

from carepool.site.lockout import client_ip
from tests.api.helpers import API, basic_header
from tests.factories import PASSWORD, World

LIMIT = 5
HOME = "10.0.0.1"


def web_login(client: Client, password: str, username: str = "finance", ip: str = HOME):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def api_me(client: Client, password: str, username: str = "finance", ip: str = HOME):
    return client.get(
        f"{API}/me",
        headers={"Authorization": basic_header(username, password)},
        REMOTE_ADDR=ip,
    )


def locked_page(response) -> bool:
    return response.status_code == 429 and "You cannot log in for 15 minutes" in (
        response.content.decode()
    )


def test_the_web_login_locks_a_username_out_after_five_failures(world: World) -> None:
    client = Client()
    for _ in range(LIMIT - 1):
        response = web_login(client, "wrong")
        assert response.status_code == 200  # the form again, with its error
    fifth = web_login(client, "wrong")
    assert locked_page(fifth)
    assert fifth.headers["Retry-After"] == "900"
    assert "Content-Security-Policy" in fifth.headers  # a normal page of the site

    right = web_login(client, PASSWORD)
    assert locked_page(right)  # even the right password, until the cool-off ends
    assert "_auth_user_id" not in client.session


def test_only_that_username_from_that_address_is_locked_out(world: World) -> None:
    client = Client()
    for _ in range(LIMIT):
        web_login(client, "wrong")
    assert web_login(Client(), PASSWORD, ip="10.0.0.2").status_code == 302
    assert web_login(Client(), PASSWORD, username="viewer").status_code == 302


def test_the_lock_out_ends_after_the_cooloff(world: World) -> None:
    client = Client()
    for _ in range(LIMIT):
        web_login(client, "wrong")
    assert locked_page(web_login(client, PASSWORD))
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert web_login(client, PASSWORD).status_code == 302


def test_a_successful_login_starts_the_count_again(world: World) -> None:
    for _ in range(LIMIT - 1):
        web_login(Client(), "wrong")
    assert web_login(Client(), PASSWORD).status_code == 302
    for _ in range(LIMIT - 1):
        assert web_login(Client(), "wrong").status_code == 200


def test_the_api_locks_out_with_its_json_error_shape(world: World) -> None:
    client = Client()
    for _ in range(LIMIT - 1):
        assert api_me(client, "wrong").status_code == 401
    fifth = api_me(client, "wrong")
    assert fifth.status_code == 429
    assert fifth.headers["Content-Type"] == "application/json"
    assert fifth.headers["Retry-After"] == "900"
    assert fifth.json() == {
        "detail": "Too many failed attempts to sign in with this username from your address. "
        "Try again in 15 minutes."
    }
    assert api_me(client, PASSWORD).status_code == 429


def test_web_and_api_failures_count_together(world: World) -> None:
    for _ in range(3):
        web_login(Client(), "wrong")
    assert api_me(Client(), "wrong").status_code == 401
    assert api_me(Client(), "wrong").status_code == 429
    assert locked_page(web_login(Client(), PASSWORD))


def test_unknown_usernames_are_throttled_too(world: World) -> None:
    for _ in range(LIMIT - 1):
        assert web_login(Client(), "wrong", username="nobody").status_code == 200
    assert locked_page(web_login(Client(), "wrong", username="nobody"))


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "10.9.9.9"),  # no proxy: the header is the client's own invention
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "198.51.100.1, 203.0.113.9", "203.0.113.9"),  # the left part came from the client
        (2, "198.51.100.1, 203.0.113.9, 10.1.1.1", "203.0.113.9"),
        (2, "203.0.113.9", "10.9.9.9"),  # fewer entries than proxies: fall back
    ],
)
def test_the_address_behind_proxies(settings, proxies: int, forwarded: str, expected: str) -> None:
    settings.CAREPOOL_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected
