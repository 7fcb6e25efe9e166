"""Two writers at once, each on its own connection with real transactions: one chain."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
from django.db import DatabaseError, connection, connections, transaction

from carepool.audit.models import Action, AuditEvent, Interface
from carepool.audit.services import Actor, Change, record, record_many
from carepool.audit.verify import verify_trail

pytestmark = pytest.mark.usefixtures("flushable_audit")

WRITER = Actor.system(Interface.CLI)
PER_WRITER = 25


def change(writer: str, n: int) -> Change:
    return Change(Action.UPDATE, "agreement", n, f"{writer} {n}", {"n": [n - 1, n]})


def run_in_threads(*targets: Callable[[], None]) -> None:
    errors: list[BaseException] = []

    def guarded(target: Callable[[], None]) -> None:
        try:
            target()
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connections.close_all()  # this thread's own connection

    threads = [threading.Thread(target=guarded, args=(t,)) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors


def test_concurrent_writers_yield_one_intact_chain():
    start = threading.Barrier(2)
    refused = {"a": 0, "b": 0}

    def writer(name: str) -> Callable[[], None]:
        def write() -> None:
            start.wait()
            for n in range(PER_WRITER):
                while True:
                    try:
                        with transaction.atomic():
                            if n % 5 == 0:
                                record_many(WRITER, [change(name, n), change(name, n)])
                            else:
                                record(WRITER, change(name, n))
                        break
                    except DatabaseError:
                        # SQLite without immediate transactions: the database refuses the
                        # writer that read a stale head ("locked", or the taken number);
                        # the caller tries again, as a person would resubmit.
                        refused[name] += 1
                        time.sleep(0.001)

        return write

    run_in_threads(writer("a"), writer("b"))

    written = 2 * (PER_WRITER + PER_WRITER // 5)
    assert AuditEvent.objects.count() == written
    assert list(AuditEvent.objects.order_by("sequence").values_list("sequence", flat=True)) == (
        list(range(1, written + 1))
    )
    result = verify_trail()
    assert result.intact, [f.message for f in result.findings]
    by_writer = AuditEvent.objects.values_list("object_repr", flat=True)
    assert {r.split()[0] for r in by_writer} == {"a", "b"}
    if connection.vendor == "postgresql":
        assert refused == {"a": 0, "b": 0}  # the advisory lock makes them take turns


@pytest.mark.postgres
def test_a_second_writer_waits_for_the_first_to_commit_and_chains_after_it():
    first_recorded = threading.Event()
    order: list[str] = []

    def first() -> None:
        with transaction.atomic():
            record(WRITER, change("first", 1))
            first_recorded.set()
            time.sleep(0.5)  # the second writer is now waiting on the chain lock
            order.append("first commits")

    def second() -> None:
        first_recorded.wait(10)
        with transaction.atomic():
            record(WRITER, change("second", 1))
            order.append("second recorded")

    run_in_threads(first, second)

    assert order == ["first commits", "second recorded"]
    events = list(AuditEvent.objects.order_by("sequence"))
    assert [e.object_repr for e in events] == ["first 1", "second 1"]
    assert events[1].previous_hash == events[0].hash
    assert verify_trail().intact
