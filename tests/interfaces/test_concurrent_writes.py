"""Simultaneous writes, for real: two clients at once against a live server, on both databases.

The live server answers each request on its own thread with its own database connection
(the SQLite test database is a file for this reason, see settings), so these are the same
races a council's twenty finance staff would run into.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from carepool.agreements.models import Agreement, Contribution
from carepool.audit.models import AuditEvent
from tests.api.helpers import basic_header
from tests.factories import World

ROUNDS = 8


def send(
    url: str, method: str, body: Any = None, headers: dict[str, str] | None = None
) -> tuple[int, Any]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    request.add_header("Authorization", basic_header("finance"))
    for key, value in (headers or {}).items():
        request.add_header(key, value)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            raw = response.read()
            return response.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as error:
        raw = error.read()
        return error.code, json.loads(raw) if raw else None


def at_once(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls on their own threads, released together, and return their results."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int, call: Callable[[], Any]) -> None:
        barrier.wait()
        results[i] = call()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


pytestmark = [pytest.mark.django_db(transaction=True)]


def _on_sqlite() -> bool:
    from django.conf import settings

    return "sqlite" in settings.DATABASES["default"]["ENGINE"]


sqlite_only = pytest.mark.skipif(not _on_sqlite(), reason="SQLite's own locking")


def test_two_patches_at_once_both_land(
    flushable_audit: None, live_server: Any, world: World
) -> None:
    """The finding: one changed the title, one the aims, both got 200, one change vanished."""
    url = f"{live_server.url}/api/v1/agreements/{world.agreement.pk}"
    for n in range(ROUNDS):
        title, aims = f"Title of round {n}", f"Aims of round {n}"
        first, second = at_once(
            lambda title=title: send(url, "PATCH", {"title": title}),
            lambda aims=aims: send(url, "PATCH", {"aims": aims}),
        )
        assert (first[0], second[0]) == (200, 200), (first, second)
        stored = Agreement.objects.get(pk=world.agreement.pk)
        assert (stored.title, stored.aims) == (title, aims), f"round {n} lost a change"
    changes = AuditEvent.objects.filter(object_type="agreement", action="update")
    assert changes.count() == 2 * ROUNDS
    assert stored.version == 1 + 2 * ROUNDS + 2  # created, two contributions, 2 per round


def test_the_same_version_twice_at_once_lets_exactly_one_through(
    flushable_audit: None, live_server: Any, world: World
) -> None:
    url = f"{live_server.url}/api/v1/agreements/{world.agreement.pk}"
    for n in range(ROUNDS):
        status, body = send(url, "GET")
        assert status == 200
        read = {"If-Match": f'"{body["version"]}"'}
        results = at_once(
            lambda n=n, read=read: send(url, "PATCH", {"title": f"Mine {n}"}, read),
            lambda n=n, read=read: send(url, "PATCH", {"title": f"Theirs {n}"}, read),
        )
        statuses = sorted(status for status, _ in results)
        assert statuses == [200, 409], results
        winner = next(body for status, body in results if status == 200)
        loser = next(body for status, body in results if status == 409)
        assert loser["current_version"] == winner["version"]
        assert "Someone else changed this agreement" in loser["detail"]
        assert Agreement.objects.get(pk=world.agreement.pk).title == winner["title"]


def test_two_reductions_at_once_cannot_take_a_contribution_below_zero(
    flushable_audit: None, live_server: Any, world: World
) -> None:
    contribution = world.ibcf  # £35,000,000.01
    url = f"{live_server.url}/api/v1/contributions/{contribution.pk}/variations"
    cut = {"effective_date": "2024-04-01", "change": "-20000000.00", "reason": "Cut"}
    results = at_once(lambda: send(url, "POST", cut), lambda: send(url, "POST", cut))
    assert sorted(status for status, _ in results) == [201, 422], results
    stored = Contribution.objects.get(pk=contribution.pk)
    assert stored.variations.count() == 1
    assert stored.version == 2


@sqlite_only
def test_sqlite_writer_that_cannot_get_the_lock_gets_503_not_500(
    flushable_audit: None, live_server: Any, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process holds SQLite's write lock for longer than a writer will wait."""
    # New connections (the live server's) read this same settings dictionary.
    monkeypatch.setitem(connection.settings_dict["OPTIONS"], "timeout", 0.2)
    blocker = sqlite3.connect(connection.settings_dict["NAME"], timeout=0)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        url = f"{live_server.url}/api/v1/agreements/{world.agreement.pk}"
        status, body = send(url, "PATCH", {"title": "Never saved"})
    finally:
        blocker.rollback()
        blocker.close()
    assert status == 503, body
    assert body["detail"].startswith("Carepool is busy")
    assert body["errors"] == [{"field": "", "message": body["detail"]}]
    assert Agreement.objects.get(pk=world.agreement.pk).title != "Never saved"


@sqlite_only
def test_sqlite_writers_wait_their_turn(
    flushable_audit: None, live_server: Any, world: World
) -> None:
    """16 of 16 simultaneous write pairs once gave a 500 'database is locked'; now they queue."""
    base = f"{live_server.url}/api/v1"
    for n in range(16):
        results = at_once(
            lambda n=n: send(
                f"{base}/agreements/{world.agreement.pk}", "PATCH", {"aims": f"Aims {n}"}
            ),
            lambda n=n: send(
                f"{base}/contributions/{world.nhs_min.pk}/variations",
                "POST",
                {"effective_date": "2024-10-01", "change": "1.00", "reason": f"Uplift {n}"},
            ),
        )
        assert [status for status, _ in results] == [200, 201], (n, results)
    assert Contribution.objects.get(pk=world.nhs_min.pk).variations.count() == 16
    assert Agreement.objects.get(pk=world.agreement.pk).aims == "Aims 15"


def _signoffs(agreement_id: int) -> list[Any]:
    from carepool.signoff.models import SignOff

    return list(SignOff.objects.filter(subject_kind="agreement", subject_id=agreement_id))


def test_two_signatories_of_one_partner_approving_at_once_make_one_approval(
    flushable_audit: None, live_server: Any, world: World
) -> None:
    from carepool.accounts.models import Role
    from tests.factories import user

    user("second_signatory", world.council, Role.SIGNATORY)
    pk = world.agreement.pk
    url = f"{live_server.url}/api/v1/agreements/{pk}/approvals"
    read = {"If-Match": f'"{Agreement.objects.get(pk=pk).version}"'}
    results = at_once(
        lambda: send(url, "POST", None, {**read, "Authorization": basic_header("signatory")}),
        lambda: send(
            url, "POST", None, {**read, "Authorization": basic_header("second_signatory")}
        ),
    )
    assert sorted(status for status, _ in results) == [201, 422], results
    refused = next(body for status, body in results if status == 422)
    assert "Leeds City Council has already" in refused["errors"][0]["message"]
    assert len(_signoffs(pk)) == 1
    assert AuditEvent.objects.filter(action="approve").count() == 1


def test_an_approval_racing_a_change_never_stands_for_content_it_did_not_see(
    flushable_audit: None, live_server: Any, world: World
) -> None:
    from carepool.agreements import signing
    from carepool.agreements.selectors import approvals_of

    pk = world.agreement.pk
    agreement_url = f"{live_server.url}/api/v1/agreements/{pk}"
    for n in range(ROUNDS):
        status, body = send(agreement_url, "GET")
        assert status == 200
        read = {"If-Match": f'"{body["version"]}"', "Authorization": basic_header("signatory")}
        results = at_once(
            lambda read=read: send(f"{agreement_url}/approvals", "POST", None, read),
            lambda n=n: send(agreement_url, "PATCH", {"aims": f"Aims {n}"}),
        )
        approved, changed = results
        assert changed[0] == 200, results
        # Either the approval came first (and the change withdrew it) or it was refused.
        assert approved[0] in (201, 422), results
        if approved[0] == 422:
            assert "has been superseded" in approved[1]["errors"][0]["message"]
        agreement = Agreement.objects.get(pk=pk)
        assert not approvals_of(agreement).exists()
        for row in _signoffs(pk):
            assert row.withdrawn_at is not None
            assert row.version < agreement.version
            assert row.content_hash != signing.content_hash(agreement)
