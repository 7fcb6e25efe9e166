"""Someone with database access changes the trail behind the application's back; the
verification names what they did. Each test first drops the triggers, as they would have to.
"""

from __future__ import annotations

import json

import pytest
from django.db import connection, transaction

from carepool.audit.models import AuditEvent
from carepool.audit.services import content
from carepool.audit.verify import verify_trail
from carepool.core.audit_chain import event_hash
from tests.audit import tamper
from tests.audit.tamper import TABLE, execute


def findings(expected_head: str | None = None) -> list[tuple[str, int, int | None]]:
    return [(f.kind, f.sequence, f.event_id) for f in verify_trail(expected_head, chunk=7).findings]


def messages() -> list[str]:
    return [f.message for f in verify_trail().findings]


@pytest.fixture
def trail(world) -> list[AuditEvent]:
    events = list(AuditEvent.objects.order_by("sequence"))
    assert len(events) > 10
    assert verify_trail().intact
    return events


class TestCaught:
    def test_a_changed_event_is_reported_as_altered(self, trail):
        target = trail[5]
        tamper.lift_triggers()
        execute(
            f"UPDATE {TABLE} SET changes = %s WHERE id = %s",
            [json.dumps({"amount": ["0.00", "1000000.00"]}), target.pk],
        )
        assert findings() == [("altered", target.sequence, target.pk)]
        [message] = messages()
        assert message.startswith(f"Event {target.sequence} (")
        assert "was altered after it was recorded" in message

    def test_a_deleted_event_is_reported_missing(self, trail):
        target = trail[len(trail) // 2]
        tamper.lift_triggers()
        execute(f"DELETE FROM {TABLE} WHERE id = %s", [target.pk])
        assert findings() == [("missing", target.sequence, None)]
        assert messages() == [
            f"Event {target.sequence} is missing: it was deleted after it was recorded."
        ]

    def test_a_forged_event_appended_with_a_made_up_hash_is_reported(self, trail):
        head = trail[-1]
        forged = tamper.row(head.sequence)
        forged.pop("id")
        forged.update(
            sequence=head.sequence + 1,
            previous_hash=head.hash,
            summary="Leeds City Council approved the agreement",
        )
        tamper.insert(forged)  # no trigger stops a plain insert: it is how events arrive
        [(kind, sequence, _)] = findings()
        assert (kind, sequence) == ("altered", head.sequence + 1)

    def test_a_forged_event_slipped_in_under_a_taken_number_is_reported_inserted(self, trail):
        genuine = trail[4]
        tamper.lift_triggers()
        tamper.lift_unique_sequence()
        forged = tamper.row(genuine.sequence)
        forged["id"] = 10_000
        forged["summary"] = "Leeds City Council approved the agreement"
        # A careful forger recomputes the hash so the row checks out on its own.
        genuine.summary = forged["summary"]
        forged["hash"] = event_hash(genuine.sequence, genuine.previous_hash, content(genuine))
        tamper.insert(forged)
        assert findings() == [("inserted", genuine.sequence, 10_000)]
        [message] = messages()
        assert f"row {genuine.pk}) already holds number {genuine.sequence}" in message

    def test_an_event_rewritten_with_its_hash_recomputed_breaks_the_next_link(self, trail):
        target, following = trail[3], trail[4]
        target.summary = "Nothing to see here"
        new_hash = event_hash(target.sequence, target.previous_hash, content(target))
        tamper.lift_triggers()
        execute(
            f"UPDATE {TABLE} SET summary = %s, hash = %s WHERE id = %s",
            [target.summary, new_hash, target.pk],
        )
        assert findings() == [("broken_link", following.sequence, following.pk)]

    def test_a_truncated_tail_is_caught_only_against_a_recorded_head(self, trail):
        recorded_head = verify_trail().head.hash
        tamper.lift_triggers()
        execute(f"DELETE FROM {TABLE} WHERE sequence > %s", [trail[-3].sequence])
        assert findings() == []  # the limit of a chain without an anchor (ADR 0008)
        assert findings(recorded_head) == [("head_not_found", trail[-3].sequence, None)]

    def test_values_we_never_write_are_reported_not_a_crash(self, trail):
        floated, unreadable = trail[2], trail[6]
        tamper.lift_triggers()
        execute(f"UPDATE {TABLE} SET changes = %s WHERE id = %s", ['{"share": [1.5]}', floated.pk])
        expected = [("altered", floated.sequence, floated.pk)]
        if connection.vendor == "sqlite":  # PostgreSQL's types refuse these
            execute(f"UPDATE {TABLE} SET at = 'yesterday' WHERE id = %s", [unreadable.pk])
            expected.append(("altered", unreadable.sequence, unreadable.pk))
            renumbered = trail[8]
            execute(f"UPDATE {TABLE} SET sequence = 'nine' WHERE id = %s", [renumbered.pk])
            expected += [
                ("missing", renumbered.sequence, None),
                ("altered", 0, renumbered.pk),
                ("inserted", 0, renumbered.pk),
            ]
        assert findings() == expected


class TestRefusedByTheDatabase:
    def test_replacing_an_event_through_its_number_is_refused(self, trail):
        # INSERT OR REPLACE with a fresh id but a taken sequence would delete that event.
        if connection.vendor != "sqlite":
            pytest.skip("SQLite's REPLACE")
        names, values = tamper.copy_of_row_sql(id="NULL", summary="'Forged'")
        with pytest.raises(Exception, match="append-only"), transaction.atomic():
            execute(
                f"INSERT OR REPLACE INTO {TABLE} ({names}) SELECT {values} FROM {TABLE} "
                "WHERE id = %s",
                [trail[2].pk],
            )
        assert verify_trail().intact

    def test_upsert_on_the_number_is_refused(self, trail):
        names, values = tamper.copy_of_row_sql(
            id="NULL" if connection.vendor == "sqlite" else "id + 100000"
        )
        with pytest.raises(Exception, match="append-only"), transaction.atomic():
            execute(
                f"INSERT INTO {TABLE} ({names}) SELECT {values} FROM {TABLE} WHERE id = %s "
                "ON CONFLICT (sequence) DO UPDATE SET summary = 'Forged'",
                [trail[2].pk],
            )
        assert verify_trail().intact

    def test_every_append_only_trigger_is_in_place(self, db):
        # A migration that rebuilds the table on SQLite silently drops its triggers.
        assert tamper.trigger_names() == tamper.CURRENT_TRIGGERS[connection.vendor]
