"""Every recorded event is a link in the chain, and the chain survives the database."""

from __future__ import annotations

import itertools

import pytest
from django.db import IntegrityError, transaction

from carepool.audit import services
from carepool.audit.models import Action, AuditEvent, Interface
from carepool.audit.services import Actor, Change, record, record_many
from carepool.audit.verify import verify_trail
from carepool.core.audit_chain import GENESIS, Link, NotCanonical, event_hash

SYSTEM = Actor.system(Interface.CLI)


def change(n: int, **changes: list[object]) -> Change:
    return Change(Action.UPDATE, "agreement", n, f"Agreement {n}", changes or {"n": [n - 1, n]})


def chain() -> list[tuple[int, str, str]]:
    return list(
        AuditEvent.objects.order_by("sequence").values_list("sequence", "previous_hash", "hash")
    )


def test_events_form_one_gap_free_chain(world):
    links = chain()
    assert len(links) > 10  # the world is built through the services
    assert [s for s, _, _ in links] == list(range(1, len(links) + 1))
    assert links[0][1] == GENESIS
    assert all(later[1] == earlier[2] for earlier, later in itertools.pairwise(links))


def test_a_whole_world_of_events_verifies_after_the_round_trip(world):
    result = verify_trail()
    assert result.intact, [f.message for f in result.findings]
    assert result.checked == AuditEvent.objects.count()
    assert result.head.hash == AuditEvent.objects.order_by("-sequence").first().hash


def test_record_appends_after_the_head(db):
    first = record(SYSTEM, change(1, note=[None, "£1,234.50 — café"]))
    second = record(SYSTEM, change(2))
    assert (first.sequence, second.sequence) == (1, 2)
    assert second.previous_hash == first.hash
    second.refresh_from_db()
    assert second.hash == event_hash(2, first.hash, services.content(second))


def test_record_many_chains_the_batch_in_order(db):
    record(SYSTEM, change(1))
    assert record_many(SYSTEM, [change(n) for n in range(2, 2503)]) == 2501
    assert record_many(SYSTEM, []) == 0
    links = chain()
    assert [s for s, _, _ in links] == list(range(1, 2503))
    assert all(later[1] == earlier[2] for earlier, later in itertools.pairwise(links))
    assert verify_trail(chunk=1000).intact


def test_values_without_one_canonical_form_are_refused_and_nothing_recorded(db):
    with pytest.raises(NotCanonical, match=r"changes\.share\[1\] holds the float 0\.5"):
        record(SYSTEM, change(1, share=[None, 0.5]))
    assert not AuditEvent.objects.exists()


def test_the_hash_holds_after_the_round_trip_whatever_the_shape_of_changes(db):
    event = record(
        SYSTEM, Change(Action.UPDATE, "agreement", 1, "A", {"b": (1, 2), "a": [None, "x"]})
    )
    event.refresh_from_db()
    assert event.changes == {"a": [None, "x"], "b": [1, 2]}
    assert event.hash == event_hash(1, GENESIS, services.content(event))


def test_a_writer_that_read_a_stale_head_is_refused_not_forked(db, monkeypatch):
    # What a race between two writers on a stale head would do, made deterministic: the
    # second event numbered after the same head as the first is refused by the database.
    record(SYSTEM, change(1))
    stale = Link(1, GENESIS, AuditEvent.objects.get().hash)
    record(SYSTEM, change(2))
    monkeypatch.setattr(services, "_lock_chain_head", lambda: stale)
    with pytest.raises(IntegrityError), transaction.atomic():
        record(SYSTEM, change(3))
    assert [s for s, _, _ in chain()] == [1, 2]
    assert verify_trail().intact
