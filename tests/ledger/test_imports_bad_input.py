"""Every "Bad input" item of issue 8 for the actuals import: a clear message naming the file,
the line and the field, and nothing written (no transfer, no balance, no batch, no audit)."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import override_settings
from django.utils import timezone
from openpyxl import Workbook

from carepool.accounts.permissions import Forbidden
from carepool.audit.models import AuditEvent, Interface
from carepool.audit.services import Actor
from carepool.core.errors import ValidationFailed
from carepool.ledger.models import Balance, ClosedMonth, ImportBatch, Transfer
from tests.factories import World
from tests.fixtures import world  # noqa: F401
from tests.ledger.helpers import HEADINGS, csv_bytes, line, run, schemes

pytestmark = pytest.mark.django_db


def xlsx_with_formula() -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Actuals"
    sheet.append(HEADINGS.split(","))
    sheet.append(["2024-10-03", "S01", "E08000035", "Acme", 100, "Care", "INV-1", ""])
    # openpyxl writes formulas without a computed value, like any program that does not
    # calculate: the cached value Excel would store is missing.
    sheet.append(["2024-10-04", "S01", "E08000035", "Acme", "=E2*2", "Care", "INV-2", ""])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@dataclass(frozen=True)
class Bad:
    data: Callable[[], bytes]
    where: str  # what the error's field must name: file, line and column
    says: str  # what the message must say
    name: str = "october.csv"
    setup: Callable[[World], None] = lambda _: None


def _close_september(w: World) -> None:
    ClosedMonth.objects.create(agreement=w.agreement, month=202409, closed_at=timezone.now())


GOOD = line(reference="INV-0", day="2024-10-01")

CASES = {
    "unknown scheme": Bad(
        lambda: csv_bytes([GOOD, line(scheme="S99")]), "october.csv: line 3, scheme", "'S99'"
    ),
    "unknown partner": Bad(
        lambda: csv_bytes([GOOD, line(partner="QKS")]),
        "october.csv: line 3, partner",
        "'QKS' is not a partner",
    ),
    "date outside the year": Bad(
        lambda: csv_bytes([GOOD, line(day="2023-10-03")]),
        "october.csv: line 3, date",
        "2023-10-03 is in October 2023",
    ),
    "date in a closed period": Bad(
        lambda: csv_bytes([GOOD, line(day="2024-09-30")]),
        "october.csv: line 3, date",
        "(a closed month)",
        setup=_close_september,
    ),
    "non-numeric amount": Bad(
        lambda: csv_bytes([GOOD, line(amount="12a")]),
        "october.csv: line 3, amount",
        "'12a' is not an amount",
    ),
    "more than two decimal places": Bad(
        lambda: csv_bytes([GOOD, line(amount="12.345")]),
        "october.csv: line 3, amount",
        "more than two decimal places",
    ),
    "malformed date": Bad(
        lambda: csv_bytes([GOOD, line(day="31/13/2024")]),
        "october.csv: line 3, date",
        "'31/13/2024' is not a date",
    ),
    "empty file": Bad(lambda: b"", "october.csv", "The file is empty"),
    "headings only": Bad(lambda: csv_bytes([]), "october.csv", "no lines of actuals"),
    "wrong headers": Bad(
        lambda: csv_bytes([GOOD], headings=HEADINGS.replace("amount", "value")),
        "october.csv: line 1",
        "missing: amount; not known: value",
    ),
    "missing headers": Bad(
        lambda: csv_bytes(
            ["2024-10-01,S01,E08000035,100.00"], headings="date,scheme,partner,amount"
        ),
        "october.csv: line 1",
        "missing: provider, description, reference",
    ),
    "duplicate reference": Bad(
        lambda: csv_bytes([GOOD, line(reference="INV-0", day="2024-10-02")]),
        "october.csv: line 3, reference",
        "'INV-0' is also the reference on line 2",
    ),
    "xlsx formula without a value": Bad(
        xlsx_with_formula,
        "october.xlsx: Actuals: line 3, amount",
        "cell E3 holds a formula with no computed value",
        name="october.xlsx",
    ),
    "CSV in a wrong encoding": Bad(
        lambda: (
            csv_bytes([GOOD, line(reference="INV-2", provider="Café £ Ltd")])
            .decode()
            .encode("cp1252")
        ),
        "october.csv: line 3",
        "must be UTF-8",
    ),
    "CSV in UTF-16": Bad(
        lambda: csv_bytes([GOOD]).decode().encode("utf-16"),
        "october.csv",
        "it is UTF-16",
    ),
}


def nothing_written() -> None:
    assert Transfer.objects.count() == 0
    assert Balance.objects.count() == 0
    assert ImportBatch.objects.count() == 0
    assert not AuditEvent.objects.filter(object_type="ledger import").exists()


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_bad_input_is_refused_naming_file_line_and_field(world: World, case: Bad) -> None:  # noqa: F811
    schemes(world)
    case.setup(world)
    with pytest.raises(ValidationFailed) as refused:
        run(world, case.data(), name=case.name)
    fields = [e.field for e in refused.value.errors]
    assert case.where in fields, fields
    assert case.says in str(refused.value)
    nothing_written()


def test_every_bad_line_is_listed_up_to_the_cap(world: World) -> None:  # noqa: F811
    schemes(world)
    lines = [line(reference=f"R{n}", amount="x") for n in range(130)]
    with pytest.raises(ValidationFailed) as refused:
        run(world, csv_bytes([*lines, line(reference="R-last", scheme="S99")]))
    errors = refused.value.errors
    assert len(errors) == 101
    assert errors[0].field == "october.csv: line 2, amount"
    assert errors[99].field == "october.csv: line 101, amount"
    assert "and 31 more problems not listed" in errors[100].message
    nothing_written()


def test_a_file_over_the_size_limit_says_the_limit(world: World) -> None:  # noqa: F811
    schemes(world)
    with (
        override_settings(CAREPOOL_LEDGER_IMPORT_MAX_BYTES=2 * 1024 * 1024),
        pytest.raises(ValidationFailed, match="larger than the 2 MB") as refused,
    ):
        run(world, csv_bytes([GOOD]) + b"," * (2 * 1024 * 1024))
    assert refused.value.errors[0].field == "october.csv"
    nothing_written()


def test_a_user_without_the_role_is_refused(world: World) -> None:  # noqa: F811
    schemes(world)
    with pytest.raises(Forbidden):
        run(world, csv_bytes([GOOD]), actor=Actor(world.viewer, Interface.WEB))
    nothing_written()


def test_a_closed_month_or_one_outside_the_agreement_is_refused(world: World) -> None:  # noqa: F811
    schemes(world)
    ClosedMonth.objects.create(agreement=world.agreement, month=202410, closed_at=timezone.now())
    with pytest.raises(ValidationFailed, match="October 2024 is closed"):
        run(world, csv_bytes([GOOD]))
    with pytest.raises(ValidationFailed, match="outside the agreement"):
        run(world, csv_bytes([line(day="2023-10-01")]), month="2023-10")
    with pytest.raises(ValidationFailed, match="is not a month"):
        run(world, csv_bytes([GOOD]), month="October")
    with pytest.raises(ValidationFailed, match="QKS is not a partner"):
        run(world, csv_bytes([GOOD]), source="QKS")
    nothing_written()


def test_a_file_that_is_neither_csv_nor_xlsx_is_refused(world: World) -> None:  # noqa: F811
    schemes(world)
    with pytest.raises(ValidationFailed, match="Give a .csv or .xlsx"):
        run(world, csv_bytes([GOOD]), name="october.pdf")
    with pytest.raises(ValidationFailed, match="cannot open this as an Excel workbook"):
        run(world, csv_bytes([GOOD]), name="october.xlsx")
    nothing_written()


def test_references_whose_hashes_collide_are_not_duplicates(
    world: World,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from carepool.ledger import imports

    monkeypatch.setattr(imports, "_key", lambda reference: 7)  # every reference collides
    schemes(world)
    lines = [line(reference=f"R{n}") for n in range(5)] + [line(reference="R1")]
    with pytest.raises(ValidationFailed) as refused:
        run(world, csv_bytes(lines))
    assert [(e.field, e.message[:37]) for e in refused.value.errors] == [
        ("october.csv: line 7, reference", "'R1' is also the reference on line 3;")
    ]
    nothing_written()
    assert run(world, csv_bytes(lines[:5])).rows == 5
