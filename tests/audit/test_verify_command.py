"""``carepool audit verify``: exit codes, the report for people and for programs."""

from __future__ import annotations

import json

from carepool.audit.models import AuditEvent
from tests.audit import tamper
from tests.audit.tamper import TABLE, execute
from tests.cli.helpers import as_json, carepool

TAMPERED = 7


def test_an_intact_trail(world):
    head = AuditEvent.objects.order_by("-sequence").first()
    result = carepool("audit", "verify")
    assert result.exit_code == 0, result.output
    assert f"The audit trail is intact: {AuditEvent.objects.count():,} events checked" in (
        result.stdout
    )
    assert f"Head hash: {head.hash}" in result.stdout

    document = as_json(carepool("audit", "verify", "--json"))
    assert document == {
        "intact": True,
        "events_checked": AuditEvent.objects.count(),
        "head": {"sequence": head.sequence, "hash": head.hash},
        "expected_head": None,
        "problems": [],
    }


def test_a_tampered_trail_lists_every_problem_and_exits_5(world):
    events = list(AuditEvent.objects.order_by("sequence"))
    altered, deleted = events[3], events[7]
    tamper.lift_triggers()
    execute(f"UPDATE {TABLE} SET actor_name = 'Someone Else' WHERE id = %s", [altered.pk])
    execute(f"DELETE FROM {TABLE} WHERE id = %s", [deleted.pk])

    result = carepool("audit", "verify")
    assert result.exit_code == TAMPERED
    assert "The audit trail has been tampered with: 2 problems" in result.stdout
    assert f"Event {altered.sequence} (Someone Else" in result.stdout
    assert "was altered after it was recorded" in result.stdout
    assert f"Event {deleted.sequence} is missing: it was deleted" in result.stdout

    result = carepool("audit", "verify", "--json")
    assert result.exit_code == TAMPERED
    document = json.loads(result.stdout)
    assert document["intact"] is False
    assert [(p["kind"], p["sequence"], p["event_id"]) for p in document["problems"]] == [
        ("altered", altered.sequence, altered.pk),
        ("missing", deleted.sequence, None),
    ]


def test_the_recorded_head_catches_a_truncated_tail(world):
    head = as_json(carepool("audit", "verify", "--json"))["head"]
    assert carepool("audit", "verify", "--expect-head", head["hash"].upper()).exit_code == 0

    tamper.lift_triggers()
    execute(f"DELETE FROM {TABLE} WHERE sequence = %s", [head["sequence"]])
    assert carepool("audit", "verify").exit_code == 0  # nothing else can tell
    result = carepool("audit", "verify", "--expect-head", head["hash"], "--json")
    assert result.exit_code == TAMPERED
    [problem] = json.loads(result.stdout)["problems"]
    assert problem["kind"] == "head_not_found"
    assert problem["message"].startswith(f"The head you recorded, {head['hash']}, is not in")


def test_an_expected_head_that_is_not_a_hash_is_refused(db):
    result = carepool("audit", "verify", "--expect-head", "abc123", "--json")
    assert result.exit_code == 2
    assert as_json(result) == {
        "errors": [
            {
                "field": "expect_head",
                "message": "must be the 64-character hex hash printed by an earlier "
                "'carepool audit verify'",
            }
        ]
    }


def test_an_empty_trail_is_intact(db):
    result = carepool("audit", "verify", "--json")
    assert result.exit_code == 0
    assert as_json(result)["head"] == {"sequence": 0, "hash": "0" * 64}
