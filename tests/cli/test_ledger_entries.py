"""``carepool ledger post|commit|cancel|contributions|close|reopen|correct|schemes|check`` as
people run them: results, --json documents and exit codes (rules: tests/ledger)."""

from __future__ import annotations

import pytest
from django.db import connection

from carepool.cli.output import INVALID, NOT_ALLOWED, NOT_FOUND, OK
from carepool.ledger.models import ClosedMonth, Transfer
from tests.cli.helpers import as_json, carepool
from tests.factories import World
from tests.ledger.test_entries_integrity import lift_triggers

pytestmark = pytest.mark.django_db

LINE = ("--date", "2024-04-10", "--scheme", "S01", "--partner", "E08000035")


@pytest.fixture
def pool(world: World) -> World:
    result = carepool(
        "ledger",
        "schemes",
        world.agreement.pk,
        "-u",
        "finance",
        "--add",
        "S01",
        "--name",
        "Reablement",
    )
    assert result.exit_code == OK, result.output
    return world


def test_a_month_of_entries_closed_and_corrected(pool: World) -> None:
    a = pool.agreement.pk
    posted = carepool("ledger", "post", a, "-u", "finance", *LINE, "--amount", "100.00", "--json")
    assert posted.exit_code == OK, posted.output
    line = as_json(posted)
    assert (line["amount"], line["kind"]) == ("100.00", "actual")
    refund = carepool("ledger", "post", a, "-u", "finance", *LINE, "--amount", "-5")
    assert refund.exit_code == OK and "Recorded" in refund.stdout
    commit = carepool(
        "ledger", "commit", a, "-u", "finance", *LINE, "--amount", "40", "--reference", "PO-9"
    )
    assert commit.exit_code == OK, commit.output
    cancel = carepool("ledger", "cancel", a, "PO-9", "-u", "finance", "--date", "2024-04-11")
    assert cancel.exit_code == OK and "released" in cancel.stdout
    due = carepool("ledger", "contributions", a, "-u", "finance", "--up-to", "2024-04-30", "--json")
    assert as_json(due) == {"posted": 2, "up_to": "2024-04-30"}
    again = carepool("ledger", "contributions", a, "-u", "finance", "--up-to", "2024-04-30")
    assert "Nothing to post" in again.stdout

    closed = carepool("ledger", "close", a, "2024-04", "-u", "finance", "--json")
    assert as_json(closed)["state"] == "closed"
    late = carepool("ledger", "post", a, "-u", "finance", *LINE, "--amount", "1", "--json")
    assert late.exit_code == INVALID
    assert as_json(late)["errors"][0]["field"] == "date"
    fixed = carepool(
        "ledger",
        "correct",
        line["id"],
        "-u",
        "finance",
        "--date",
        "2024-05-01",
        "--amount",
        "-10",
        "--reason",
        "Overbilled",
        "--json",
    )
    assert fixed.exit_code == OK, fixed.output
    assert as_json(fixed)["corrects"] == line["id"]

    refused = carepool("ledger", "reopen", a, "2024-04", "-u", "finance", "--reason", "x")
    assert refused.exit_code == NOT_ALLOWED
    reopened = carepool("ledger", "reopen", a, "2024-04", "-u", "signatory", "--reason", "Late")
    assert reopened.exit_code == OK and "open again" in reopened.stdout
    assert not ClosedMonth.objects.exists()


def test_refusals_and_exit_codes(pool: World) -> None:
    a = pool.agreement.pk
    bad = carepool(
        "ledger",
        "post",
        a,
        "-u",
        "finance",
        "--date",
        "soon",
        "--scheme",
        "S9",
        "--partner",
        "E08000035",
        "--amount",
        "x",
        "--json",
    )
    assert bad.exit_code == INVALID
    assert {e["field"] for e in as_json(bad)["errors"]} == {"date", "scheme", "amount"}
    hidden = carepool("ledger", "post", a, "-u", "outsider", *LINE, "--amount", "1")
    assert hidden.exit_code == NOT_FOUND
    assert carepool("ledger", "close", a, "2024-04", "-u", "viewer").exit_code == NOT_ALLOWED
    assert (
        carepool(
            "ledger",
            "correct",
            999,
            "-u",
            "finance",
            "--date",
            "2024-05-01",
            "--amount",
            "1",
            "--reason",
            "x",
        ).exit_code
        == NOT_FOUND
    )
    assert Transfer.objects.count() == 0


def test_check_exits_1_on_a_row_altered_behind_the_applications_back(pool: World) -> None:
    a = pool.agreement.pk
    carepool("ledger", "post", a, "-u", "finance", *LINE, "--amount", "100.00")
    clean = carepool("ledger", "check", "--agreement", a)
    assert clean.exit_code == OK and "Every balance equals its ledger rows" in clean.stdout
    lift_triggers()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE ledger_transfer SET amount_pence = 1")
    found = carepool("ledger", "check", "--json")
    assert found.exit_code == 1
    report = as_json(found)
    assert report["ok"] is False and report["problems"] == 2
    assert {d["recomputed_pence"] for d in report["differences"]} == {1, -1}
    shown = carepool("ledger", "check")
    assert shown.exit_code == 1 and "differ" in shown.stdout


def test_schemes_listed(pool: World) -> None:
    listed = carepool("ledger", "schemes", pool.agreement.pk, "-u", "viewer", "--json")
    assert as_json(listed) == {"items": [{"code": "S01", "name": "Reablement"}], "count": 1}
