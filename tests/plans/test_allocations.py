"""Importing a year's per-area minimum allocations: accepted whole, or refused whole with
every bad row named."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from carepool.accounts.permissions import Forbidden
from carepool.audit.models import AuditEvent, Interface
from carepool.audit.services import Actor
from carepool.core.errors import ValidationFailed
from carepool.io.allocations import import_allocations
from carepool.plans.models import AllocationBatch, MinimumAllocation

pytestmark = pytest.mark.django_db

SOURCE = "Test allocations, illustrative"
GOOD = """area_code,area_name,line,amount
E08000035,Leeds,nhs_minimum,68450000.00
E10000016,Kent,nhs_minimum,"£151,200,000.00"
E08000035,Leeds,nhs_minimum_asc,27600000.00
E10000016,Kent,nhs_minimum_asc,61400000.00
E92000001,England,nhs_minimum,219650000.00
E92000001,England,nhs_minimum_asc,89000000.00
"""


def _file(tmp_path: Path, text: str, name: str = "allocations.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return path


def _assurer(world) -> Actor:
    return Actor(world.assurer, Interface.CLI)


def test_a_good_file_replaces_the_years_allocations_as_one_audited_batch(world, tmp_path):
    result = import_allocations(_assurer(world), _file(tmp_path, GOOD), "2024-25", SOURCE)
    assert result.created == 4
    leeds = MinimumAllocation.objects.get(area__code="E08000035", line_code="nhs_minimum")
    assert leeds.amount_pence == 68_450_000_00
    batch = AllocationBatch.objects.get()
    assert batch.national_total_pence == (219_650_000_00 + 89_000_000_00)
    assert AuditEvent.objects.filter(object_type="allocation_batch").count() == 1
    # a second import replaces, never adds
    import_allocations(_assurer(world), _file(tmp_path, GOOD), "2024-25", SOURCE)
    assert MinimumAllocation.objects.count() == 4


def test_an_excel_workbook_is_read_the_same_way(world, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.title = "Allocations"
    for line in GOOD.splitlines():
        sheet.append(line.replace('"£151,200,000.00"', "151200000").split(","))
    path = tmp_path / "allocations.xlsx"
    book.save(path)
    assert import_allocations(_assurer(world), path, "2024-25", SOURCE).created == 4


@pytest.mark.parametrize(
    ("text", "messages"),
    [
        (
            GOOD.replace("E10000016,Kent,nhs_minimum,", "E99999999,Nowhere,nhs_minimum,"),
            ["allocations.csv: row 3: area_code: 'E99999999' is not a Health and Wellbeing"],
        ),
        (
            GOOD.replace("Leeds,nhs_minimum_asc", "Leeds,space_fund"),
            ["allocations.csv: row 4: line: 'space_fund' is not an allocation line of 2024-25"],
        ),
        (
            GOOD.replace("68450000.00", "-1.00"),
            ["allocations.csv: row 2: amount: cannot be negative"],
        ),
        (
            GOOD.replace("68450000.00", "68450000.01"),
            [
                "The nhs_minimum rows add up to £219,650,000.01, but the stated national "
                "total is £219,650,000.00 (a difference of £0.01)"
            ],
        ),
        (
            GOOD.replace("E92000001,England,nhs_minimum_asc,89000000.00\n", ""),
            ["No national total is stated for nhs_minimum_asc"],
        ),
        (
            GOOD + "E08000035,Leeds,nhs_minimum,1.00\n",
            ["row 8: line: E08000035 already has a nhs_minimum row (row 2)"],
        ),
        ("area,amount\nE08000035,1\n", ["row 1: The first row must have the headings"]),
    ],
)
def test_a_bad_file_is_refused_whole_naming_each_row(world, tmp_path, text, messages):
    with pytest.raises(ValidationFailed) as refused:
        import_allocations(_assurer(world), _file(tmp_path, text), "2024-25", SOURCE)
    shown = [str(e) for e in refused.value.errors]
    for message in messages:
        assert any(message in s for s in shown), shown
    assert not MinimumAllocation.objects.exists()
    assert not AllocationBatch.objects.exists()


def test_every_bad_row_is_listed_at_once(world, tmp_path):
    text = GOOD.replace("68450000.00", "lots").replace("E10000016,Kent,nhs_minimum,", "X,X,bad,")
    with pytest.raises(ValidationFailed) as refused:
        import_allocations(_assurer(world), _file(tmp_path, text), "2024-25", SOURCE)
    rows = {e.field.split(": ")[1] for e in refused.value.errors}
    assert {"row 2", "row 3"} <= rows


def test_only_national_assurers_import_allocations(world, tmp_path):
    with pytest.raises(Forbidden, match="national assurer role"):
        import_allocations(
            Actor(world.finance, Interface.CLI), _file(tmp_path, GOOD), "2024-25", SOURCE
        )
