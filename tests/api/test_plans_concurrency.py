"""Simultaneous plan writes, for real: two API clients at once against a live server, each on
its own thread, credentials and database connection, on SQLite and on PostgreSQL
(``scripts/with-postgres``). Nothing is lost, nothing is counted twice, and nobody gets a 500
or "database is locked".
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection

from carepool.accounts.tokens import create_token
from carepool.audit.models import Interface
from carepool.audit.services import Actor
from carepool.plans import selectors, services
from carepool.plans.models import Plan, PlanVersion
from carepool.signoff.models import SignOff
from tests.api.helpers import basic_header
from tests.factories import World
from tests.fixtures import _audit_triggers_restored, flushable_audit  # noqa: F401
from tests.interfaces.test_concurrent_writes import at_once, send
from tests.plans.conftest import PlanWorld, scheme

ROUNDS = 5
pytestmark = [pytest.mark.django_db(transaction=True)]

# Signed plan versions refuse DELETE (a trigger), which is what pytest-django's flush does
# after a live-server test: lift that trigger for the flush, and put it back when the module
# ends, as tests/fixtures.py does for the audit trail's triggers.
_frozen = importlib.import_module("carepool.plans.migrations.0002_frozen_versions")


@pytest.fixture(scope="module")
def _frozen_trigger_restored(django_db_blocker: Any) -> Iterator[None]:
    yield
    with django_db_blocker.unblock(), connection.schema_editor() as editor:
        _frozen.backward(None, editor)
        _frozen.forward(None, editor)


@pytest.fixture
def flushable_plans(
    _frozen_trigger_restored: None,
    flushable_audit: None,  # noqa: F811
    transactional_db: None,
) -> Iterator[None]:
    yield
    with connection.schema_editor() as editor:
        _frozen.backward(None, editor)


@pytest.fixture
def plans(world: World) -> PlanWorld:
    return PlanWorld(world)


# ``send`` signs in as the finance officer unless the headers name someone else.
def as_user(username: str) -> dict[str, str]:
    return {"Authorization": basic_header(username)}


def with_token(person: Any) -> dict[str, str]:
    issued = create_token(Actor(person, Interface.WEB), {"name": "concurrency test"})
    return {"Authorization": f"Bearer {issued.secret}"}


def test_two_edits_from_the_same_read_let_exactly_one_through(
    flushable_plans: None, live_server: Any, plans: PlanWorld
) -> None:
    plan = plans.start()
    base = f"{live_server.url}/api/v1/plans/{plan.pk}"
    other = with_token(plans.world.finance)  # a second client: a token, not a password
    for n in range(ROUNDS):
        status, body = send(base, "GET")
        assert status == 200
        read = {"If-Match": f'"{body["version"]}"'}
        results = at_once(
            lambda n=n, read=read: send(
                f"{base}/schemes/S01", "PUT", scheme("S01", name=f"Mine {n}"), read
            ),
            lambda n=n, read=read: send(
                f"{base}/schemes/S01", "PUT", scheme("S01", name=f"Theirs {n}"), {**read, **other}
            ),
        )
        assert sorted(status for status, _ in results) == [200, 409], results
        winner = next(body for status, body in results if status == 200)
        loser = next(body for status, body in results if status == 409)
        assert loser["current_version"] == winner["version"]
        assert loser["detail"].startswith("Someone else changed this plan")
        stored = selectors.content_of(selectors.current_version(Plan.objects.get(pk=plan.pk)))
        assert stored.schemes[0].name == winner["content"]["schemes"][0]["name"]
    assert Plan.objects.get(pk=plan.pk).version == 1 + ROUNDS
    assert PlanVersion.objects.filter(plan=plan).count() == 1


def test_two_edits_of_different_schemes_at_once_both_land(
    flushable_plans: None, live_server: Any, plans: PlanWorld
) -> None:
    """Without If-Match each client changes its own scheme: neither change may vanish."""
    plan = plans.start()
    base = f"{live_server.url}/api/v1/plans/{plan.pk}/schemes"
    for n in range(ROUNDS):
        first, second = at_once(
            lambda n=n: send(f"{base}/S01", "PUT", scheme("S01", name=f"Home care {n}")),
            lambda n=n: send(
                f"{base}/S02",
                "PUT",
                scheme(
                    "S02",
                    name=f"Reablement {n}",
                    scheme_type="reablement_at_home",
                    funding=[{"stream": "ibcf", "amount": "35000000.01"}],
                ),
            ),
        )
        assert (first[0], second[0]) == (200, 200), (first, second)
        stored = selectors.content_of(selectors.current_version(Plan.objects.get(pk=plan.pk)))
        assert [s.name for s in stored.schemes] == [f"Home care {n}", f"Reablement {n}"]
    assert Plan.objects.get(pk=plan.pk).version == 1 + 2 * ROUNDS


def test_two_signatories_approving_at_once_are_both_recorded_once(
    flushable_plans: None, live_server: Any, plans: PlanWorld
) -> None:
    plan = plans.ready()
    services.submit(plans.actor(plans.world.finance), plan.pk)
    url = f"{live_server.url}/api/v1/plans/{plan.pk}/sign-offs"

    results = at_once(
        lambda: send(url, "POST", {"version": 1}, as_user("signatory")),
        lambda: send(url, "POST", {"version": 1}, with_token(plans.world.icb_signatory)),
    )

    assert [status for status, _ in results] == [201, 201], results
    rows = SignOff.objects.filter(subject_kind="plan", subject_id=plan.pk)
    assert sorted(rows.values_list("organisation__code", flat=True)) == ["E08000035", "QWO"]
    version = PlanVersion.objects.get(plan=plan, number=1)
    assert version.frozen
    assert set(rows.values_list("content_hash", flat=True)) == {version.content_hash}


def test_one_signatory_approving_twice_at_once_is_recorded_once(
    flushable_plans: None, live_server: Any, plans: PlanWorld
) -> None:
    plan = plans.ready()
    services.submit(plans.actor(plans.world.finance), plan.pk)
    url = f"{live_server.url}/api/v1/plans/{plan.pk}/sign-offs"

    results = at_once(
        lambda: send(url, "POST", {"version": 1}, as_user("icb_signatory")),
        lambda: send(url, "POST", {"version": 1}, as_user("icb_signatory")),
    )

    assert sorted(status for status, _ in results) == [201, 422], results
    refused = next(body for status, body in results if status == 422)
    assert refused["errors"][0]["field"] == "version"
    assert "has already" in refused["errors"][0]["message"]
    assert SignOff.objects.filter(subject_kind="plan", subject_id=plan.pk).count() == 1


def test_two_clients_starting_the_same_plan_at_once_make_one_plan(
    flushable_plans: None, live_server: Any, plans: PlanWorld
) -> None:
    url = f"{live_server.url}/api/v1/plans"
    body = {"agreement_id": plans.world.agreement.pk, "year": "2024-25", "schemes": []}

    results = at_once(
        lambda: send(url, "POST", body),
        lambda: send(url, "POST", body, with_token(plans.world.finance)),
    )

    assert sorted(status for status, _ in results) == [201, 422], results
    refused = next(body for status, body in results if status == 422)
    assert refused["errors"] == [
        {"field": "year", "message": "Leeds already has a plan for 2024-25"}
    ]
    assert Plan.objects.count() == 1
    assert PlanVersion.objects.count() == 1
