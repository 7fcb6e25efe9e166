"""Importing actuals: what a good file posts, idempotency, replace, the one audit event, the
release of commitments, and the properties (twice = once; replace = reverse + post)."""

from __future__ import annotations

import hashlib
import io
import os
from collections import defaultdict
from datetime import date

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from carepool.audit.models import AuditEvent
from carepool.core import ledger as core
from carepool.core.actuals import parse_line
from carepool.core.errors import ValidationFailed
from carepool.core.money import Money
from carepool.ledger.commitments import remaining_pence
from carepool.ledger.models import Account, Balance, ImportBatch, Transfer
from carepool.ledger.posting import Poster
from tests.factories import World
from tests.fixtures import world  # noqa: F401
from tests.ledger.helpers import COUNCIL, HEADINGS, ICB, VCS, csv_bytes, line, run, schemes

pytestmark = pytest.mark.django_db

OCTOBER = [
    line(reference="INV-1", amount="1250.50", day="2024-10-01"),
    line(reference="INV-2", amount="-80", partner="qwo", scheme="S02", day="31/10/2024"),
    line(reference="", amount="0.01", partner=VCS),
]


def net_balances(agreement_id: int) -> dict[tuple[str, str, str, int], int]:
    """(kind, scheme, partner, month) -> debit minus credit, as stored, without zeros."""
    out: dict[tuple[str, str, str, int], int] = defaultdict(int)
    for b in Balance.objects.filter(account__agreement_id=agreement_id).values(
        "account__kind",
        "account__scheme_code",
        "account__partner__code",
        "month",
        "debit_pence",
        "credit_pence",
    ):
        key = (
            b["account__kind"],
            b["account__scheme_code"],
            b["account__partner__code"] or "",
            b["month"],
        )
        out[key] += b["debit_pence"] - b["credit_pence"]
    return {k: v for k, v in out.items() if v}


def folded(lines: list[str]) -> dict[tuple[str, str, str, int], int]:
    """What the core says a file's actuals do to the balances."""
    transfers = []
    for text in lines:
        cells = dict(zip(HEADINGS.split(","), text.split(","), strict=True))
        parsed = parse_line(cells)
        assert not isinstance(parsed, list)
        transfers.append(
            core.actual(parsed.scheme, parsed.partner, Money(parsed.pence), parsed.day)
        )
    return {
        (a.kind.value, a.scheme, a.partner, month): v
        for (a, month), v in core.fold(transfers).items()
    }


def test_a_good_file_posts_every_line_with_its_batch_and_line(world: World) -> None:  # noqa: F811
    schemes(world)
    outcome = run(world, csv_bytes(OCTOBER, bom=True))
    assert (outcome.rows, outcome.total_pence, outcome.unchanged) == (3, 125_050 - 8_000 + 1, False)
    assert outcome.period == "October 2024"
    rows = list(Transfer.objects.order_by("line").values_list("batch_id", "line", "kind", "day"))
    assert rows == [
        (outcome.batch_id, 2, "actual", date(2024, 10, 1)),
        (outcome.batch_id, 3, "actual", date(2024, 10, 31)),
        (outcome.batch_id, 4, "actual", date(2024, 10, 3)),
    ]
    assert net_balances(world.agreement.pk) == folded(OCTOBER)
    batch = ImportBatch.objects.get()
    assert (batch.rows, batch.total_pence, batch.file_name, batch.interface) == (
        3,
        outcome.total_pence,
        "october.csv",
        "cli",
    )
    assert batch.sha256 == hashlib.sha256(csv_bytes(OCTOBER, bom=True)).hexdigest()


def test_an_xlsx_file_posts_the_same_as_its_csv(world: World) -> None:  # noqa: F811
    schemes(world)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append([h.upper() for h in reversed(HEADINGS.split(","))])  # any case, any order
    for text in OCTOBER:
        cells: list[object] = list(text.split(","))
        cells[4] = float(str(cells[4]))  # Excel keeps numbers as floats
        sheet.append(list(reversed(cells)))
    sheet.append([None] * 8)  # blank rows are skipped
    data = io.BytesIO()
    book.save(data)
    outcome = run(world, data.getvalue(), name="october.xlsx")
    assert outcome.rows == 3
    assert net_balances(world.agreement.pk) == folded(OCTOBER)


def test_the_same_file_again_adds_nothing_and_says_so(world: World) -> None:  # noqa: F811
    schemes(world)
    first = run(world, csv_bytes(OCTOBER))
    before = (Transfer.objects.count(), net_balances(world.agreement.pk))
    again = run(world, csv_bytes(OCTOBER), name="renamed.csv")
    assert again.unchanged and again.batch_id == first.batch_id
    assert (Transfer.objects.count(), net_balances(world.agreement.pk)) == before
    assert AuditEvent.objects.filter(object_type="ledger import").count() == 1
    # The same file for another source is a different import.
    other = run(world, csv_bytes(OCTOBER), source=ICB)
    assert not other.unchanged


def test_a_changed_file_needs_replace_which_reverses_the_old_batch(world: World) -> None:  # noqa: F811
    schemes(world)
    old = run(world, csv_bytes(OCTOBER))
    changed = [line(reference="INV-9", amount="999.99", scheme="S02")]
    with pytest.raises(ValidationFailed, match="already imported from a different file") as no:
        run(world, csv_bytes(changed))
    assert no.value.errors[0].field == "replace"
    assert Transfer.objects.count() == 3
    new = run(world, csv_bytes(changed), replace=True)
    assert (new.replaced_batch_id, new.reversed_transfers, new.rows) == (old.batch_id, 3, 1)
    assert net_balances(world.agreement.pk) == folded(changed)
    old_batch = ImportBatch.objects.get(pk=old.batch_id)
    assert old_batch.replaced_by_id == new.batch_id and old_batch.replaced_at is not None
    # Each reversal names what it reverses; the replaced batch nets to nothing.
    reversals = Transfer.objects.filter(kind="reversal")
    assert sorted(reversals.values_list("reverses__line", flat=True)) == [2, 3, 4]
    assert set(reversals.values_list("batch_id", flat=True)) == {old.batch_id}
    for r in reversals.select_related("reverses"):
        assert r.reverses is not None
        assert (r.debit_id, r.credit_id, r.amount_pence) == (
            r.reverses.credit_id,
            r.reverses.debit_id,
            r.reverses.amount_pence,
        )
    # Replacing the replacement reverses only its own lines, not the old reversals again.
    third = run(world, csv_bytes(OCTOBER), replace=True)
    assert third.reversed_transfers == 1
    assert net_balances(world.agreement.pk) == folded(OCTOBER)


def test_one_audit_event_per_import_with_the_sha256(world: World) -> None:  # noqa: F811
    schemes(world)
    lines = [line(reference=f"R{n}") for n in range(50)]
    outcome = run(world, csv_bytes(lines))
    events = AuditEvent.objects.filter(object_type="ledger import")
    assert events.count() == 1
    event = events.get()
    assert event.object_id == str(outcome.batch_id)
    assert event.actor == world.finance and event.interface == "cli"
    assert event.agreement_id == world.agreement.pk
    assert event.changes["sha256"] == [None, outcome.sha256]
    assert event.changes["rows"] == [None, 50]
    assert event.changes["total"] == [None, "5000.00"]
    assert event.changes["period"] == [None, "October 2024"]
    assert event.changes["file_name"] == [None, "october.csv"]
    replaced = run(world, csv_bytes(lines[:10]), replace=True)
    assert events.count() == 2
    assert events.order_by("-sequence")[0].changes["replaces_batch"] == [None, outcome.batch_id]
    assert replaced.replaced_batch_id == outcome.batch_id


def commit(w: World, reference: str, pence: int, scheme: str = "S02") -> None:
    with transaction.atomic():
        Poster(w.agreement).post_one(
            core.commitment(
                scheme,
                ICB,
                Money(pence),
                date(2024, 9, 1),
                core.LineDetail(reference=reference),
            )
        )


def test_actuals_naming_an_order_release_what_remains_of_it(world: World) -> None:  # noqa: F811
    schemes(world)
    commit(world, "PO-1", 1_000_00)
    commit(world, "PO-2", 50_00)
    lines = [
        line(reference="INV-1", amount="600.00", order="PO-1"),
        line(reference="INV-2", amount="600.00", order="PO-1"),  # only 400.00 remains
        line(reference="INV-3", amount="-10.00", order="PO-2"),  # a refund releases nothing
        line(reference="INV-4", amount="10.00", order="PO-404"),  # no such commitment
        line(reference="INV-5", amount="20.00", order="PO-2"),
    ]
    outcome = run(world, csv_bytes(lines))
    assert (outcome.releases, outcome.released_pence) == (3, 1_000_00 + 20_00)
    assert remaining_pence(world.agreement.pk, "PO-1") == 0
    assert remaining_pence(world.agreement.pk, "PO-2") == 30_00
    assert remaining_pence(world.agreement.pk, "PO-404") is None
    release = Transfer.objects.filter(kind="release").order_by("id")
    assert list(release.values_list("amount_pence", "line", "order_ref")) == [
        (600_00, 2, "PO-1"),
        (400_00, 3, "PO-1"),
        (20_00, 6, "PO-2"),
    ]
    # Released from the commitment's own account (S02, the ICB), not the actual's.
    account = Account.objects.get(pk=release[0].credit_id)
    assert (account.kind, account.scheme_code, account.partner.code) == ("commitment", "S02", ICB)
    # Replacing the file gives the releases back before releasing again.
    run(world, csv_bytes(lines[:1]), replace=True)
    assert remaining_pence(world.agreement.pk, "PO-1") == 400_00
    assert remaining_pence(world.agreement.pk, "PO-2") == 50_00


def test_progress_is_reported(world: World) -> None:  # noqa: F811
    schemes(world)
    seen: list[tuple[int, int, str]] = []
    run(world, csv_bytes(OCTOBER), progress=lambda *a: seen.append(a))
    assert seen[-1] == (3, 3, "posted")


# Properties ------------------------------------------------------------------------------


def examples(default: int) -> int:
    """Few by default; the profile's (10,000 with HYPOTHESIS_PROFILE=thorough) on request."""
    return settings().max_examples if os.environ.get("HYPOTHESIS_PROFILE") else default


PROPERTY = settings(
    max_examples=examples(15),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

amounts = st.integers(min_value=-(10**9), max_value=10**9).filter(bool)
file_lines = st.lists(
    st.tuples(
        st.integers(min_value=1, max_value=31),
        st.sampled_from(["S01", "S02"]),
        st.sampled_from([COUNCIL, ICB, VCS]),
        amounts,
    ),
    min_size=1,
    max_size=30,
)


def as_lines(drawn: list[tuple[int, str, str, int]], tag: str) -> list[str]:
    return [
        line(
            day=f"2024-10-{d:02d}",
            scheme=s,
            partner=p,
            amount=f"{'-' if a < 0 else ''}{abs(a) // 100}.{abs(a) % 100:02d}",
            reference=f"{tag}{n}",
        )
        for n, (d, s, p, a) in enumerate(drawn)
    ]


class _Undo(Exception):
    pass


@PROPERTY
@given(drawn=file_lines)
def test_importing_a_file_twice_equals_importing_it_once(world: World, drawn) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    schemes(world)
    data = csv_bytes(as_lines(drawn, "A"))
    try:
        with transaction.atomic():
            run(world, data)
            once = (net_balances(world.agreement.pk), Transfer.objects.count())
            again = run(world, data)
            assert again.unchanged
            assert (net_balances(world.agreement.pk), Transfer.objects.count()) == once
            raise _Undo
    except _Undo:
        pass


@PROPERTY
@given(first=file_lines, second=file_lines)
def test_replace_is_reverse_and_post_to_the_penny(world: World, first, second) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    schemes(world)
    old, new = as_lines(first, "A"), as_lines(second, "B")
    try:
        with transaction.atomic():
            posted = run(world, csv_bytes(old))
            replaced = run(world, csv_bytes(new), replace=True)
            assert net_balances(world.agreement.pk) == folded(new)
            assert replaced.total_pence == sum(a for *_, a in second)
            old_rows = Transfer.objects.filter(batch_id=posted.batch_id)
            debits = sum(old_rows.filter(kind="actual").values_list("amount_pence", flat=True))
            reversed_ = sum(old_rows.filter(kind="reversal").values_list("amount_pence", flat=True))
            assert debits == reversed_
            raise _Undo
    except _Undo:
        pass


def test_closed_months_elsewhere_do_not_stop_an_open_one(world: World) -> None:  # noqa: F811
    from carepool.ledger.models import ClosedMonth

    schemes(world)
    ClosedMonth.objects.create(agreement=world.agreement, month=202409, closed_at=timezone.now())
    assert run(world, csv_bytes(OCTOBER)).rows == 3
