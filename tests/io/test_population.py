"""Importing ONS mid-year population estimates (MYE2 - Persons)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import xlrd

from carepool.audit.models import AuditEvent
from carepool.core.errors import ValidationFailed
from carepool.core.periods import FinancialYear
from carepool.io import import_population
from carepool.io.population import SHEET, parse_population_rows
from carepool.organisations.models import PopulationEstimate
from carepool.organisations.selectors import population
from tests.reference_data import POPULATION_2019, POPULATION_2020

SOURCE = "ukpop.xls"
AGE_HEADINGS: list[Any] = [*(str(a) for a in range(45)), *(float(a) for a in range(45, 90)), "90+"]


def data_row(
    code: str, name: str = "Somewhere", all_ages: float | None = None, **changes: Any
) -> list[Any]:
    """A row of 10 persons at each age; ``age65=...``/``open=...`` change a cell."""
    ages: list[Any] = [10.0] * 91
    for heading, value in changes.items():
        ages[90 if heading == "open" else int(heading.removeprefix("age"))] = value
    if all_ages is None:
        all_ages = float(sum(a for a in ages if isinstance(a, float)))
    return [code, name, "Metropolitan District", all_ages, *ages]


def sheet(
    *rows: list[Any], title: str = "MYE2: Persons by single year of age, mid-2021"
) -> list[list[Any]]:
    return [
        [title],
        ["This worksheet contains one table."],
        [""],
        ["Code", "Name", "Geography1", "All ages", *AGE_HEADINGS],
        *rows,
    ]


def fields(exc: pytest.ExceptionInfo[ValidationFailed]) -> dict[str, str]:
    return {e.field: e.message for e in exc.value.errors}


# parsing, without a workbook ------------------------------------------------------------


def test_parses_year_ages_and_the_open_age_group() -> None:
    rows = sheet(
        data_row("E08000035", "Leeds", open=500.0), data_row("K02000001", "UNITED KINGDOM")
    )

    table = parse_population_rows(rows, SOURCE)

    assert table.estimate_year == 2021
    assert [g.code for g in table.geographies] == ["E08000035", "K02000001"]
    leeds = table.geographies[0]
    assert (leeds.row, leeds.name, leeds.geography) == (5, "Leeds", "Metropolitan District")
    assert len(leeds.persons) == 91
    assert leeds.persons[90] == 500  # "90+" is stored as age 90, meaning 90 and over
    assert leeds.all_ages == 90 * 10 + 500


def test_a_row_whose_ages_do_not_add_up_is_named_by_file_sheet_row_and_column() -> None:
    rows = sheet(data_row("E08000035"), data_row("E08000036", all_ages=911.0))

    with pytest.raises(ValidationFailed) as exc:
        parse_population_rows(rows, SOURCE)

    assert fields(exc) == {
        f"{SOURCE}: {SHEET}: row 6: All ages": "the single years of age add up to 910 but All ages is 911"
    }


@pytest.mark.parametrize("bad", ["[x]", "", -1.0, 12.5, "many"])
def test_a_cell_that_is_not_a_count_is_named_by_its_age_column(bad: Any) -> None:
    rows = sheet(data_row("E08000035"), data_row("E08000036", age65=bad))

    with pytest.raises(ValidationFailed) as exc:
        parse_population_rows(rows, SOURCE)

    assert "is not a count of persons" in fields(exc)[f"{SOURCE}: {SHEET}: row 6: 65"]


def test_every_bad_row_is_reported_at_once() -> None:
    rows = sheet(
        data_row("E08000035", open="[x]"),
        data_row("NOT-A-CODE"),
        data_row("E08000035"),
        data_row("E08000037", all_ages=1.0),
    )

    with pytest.raises(ValidationFailed) as exc:
        parse_population_rows(rows, SOURCE)

    assert set(fields(exc)) == {
        f"{SOURCE}: {SHEET}: row 5: 90+",
        f"{SOURCE}: {SHEET}: row 6: Code",
        f"{SOURCE}: {SHEET}: row 7: Code",
        f"{SOURCE}: {SHEET}: row 8: All ages",
    }


def test_a_sheet_without_a_mid_year_in_its_title_is_refused() -> None:
    rows = sheet(data_row("E08000035"), title="Persons by single year of age")

    with pytest.raises(ValidationFailed) as exc:
        parse_population_rows(rows, SOURCE)

    assert "cannot find the mid-year" in fields(exc)[f"{SOURCE}: {SHEET}"]


def test_a_title_naming_two_years_is_refused() -> None:
    rows = sheet(data_row("E08000035"), title="mid-2020 revised from mid-2019")
    with pytest.raises(ValidationFailed) as exc:
        parse_population_rows(rows, SOURCE)
    assert "more than one mid-year" in fields(exc)[f"{SOURCE}: {SHEET}"]


def test_the_heading_row_is_found_wherever_it_is_and_its_columns_checked() -> None:
    rows = sheet(data_row("E08000035"))
    rows[3] = rows[3][:-1]  # no "90+" column
    rows.insert(0, ["Contents"])

    with pytest.raises(ValidationFailed) as exc:
        parse_population_rows(rows, SOURCE)

    assert fields(exc) == {
        f"{SOURCE}: {SHEET}: row 5: 90+": "this column is missing from the heading row"
    }


def test_no_heading_row_at_all() -> None:
    with pytest.raises(ValidationFailed) as exc:
        parse_population_rows([["mid-2020"], ["nothing here"]], SOURCE)
    assert "no heading row" in fields(exc)[f"{SOURCE}: {SHEET}"]


def test_footnotes_after_a_blank_row_end_the_table_but_data_after_it_is_refused() -> None:
    footnoted = sheet(data_row("E08000035"), [""], ["1. Further information ..."])
    assert len(parse_population_rows(footnoted, SOURCE).geographies) == 1

    split = sheet(data_row("E08000035"), [""], data_row("E08000036"))
    with pytest.raises(ValidationFailed) as exc:
        parse_population_rows(split, SOURCE)
    assert "blank row 6" in fields(exc)[f"{SOURCE}: {SHEET}: row 7: Code"]


# the real ONS files ----------------------------------------------------------------------


def leeds_65_plus_from_the_file(path: Path) -> int:
    """Computed straight from the workbook, independently of the importer."""
    table = xlrd.open_workbook(str(path)).sheet_by_name(SHEET)
    rows = [table.row_values(i) for i in range(table.nrows)]
    header = next(r for r in rows if r[0] == "Code")
    headings = [str(int(h)) if isinstance(h, float) else h for h in header]  # 2019: 65.0
    first = headings.index("65")
    last = headings.index("90+")
    leeds = next(r for r in rows if r[0] == "E08000035")
    return int(sum(leeds[first : last + 1]))


@pytest.mark.django_db
def test_leeds_65_plus_for_mid_2020_matches_the_file() -> None:
    progress: list[tuple[int, int, str]] = []

    result = import_population(POPULATION_2020, progress=lambda *args: progress.append(args))

    assert result.details["estimate_year"] == 2020
    assert result.details["geographies"] == 420  # countries, regions, counties and districts
    assert result.created == 420 * 91
    answer = population("E08000035", FinancialYear.parse("2020-21"), min_age=65)
    assert answer.count.estimate_year == 2020
    assert answer.count.persons == leeds_65_plus_from_the_file(POPULATION_2020)
    assert (
        PopulationEstimate.objects.filter(geography_code="K02000001", estimate_year=2020).count()
        == 91
    )
    assert progress[-1][0] == progress[-1][1]  # finished


@pytest.mark.django_db
def test_importing_twice_adds_nothing_and_changed_figures_are_updated_and_audited() -> None:
    first = import_population(POPULATION_2020)
    events = AuditEvent.objects.filter(object_type="population_estimate")
    assert events.count() == first.audit_events == 420
    assert set(events.values_list("interface", "action").distinct()) == {("import", "create")}

    second = import_population(POPULATION_2020)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 420 * 91)
    assert second.audit_events == 0
    assert AuditEvent.objects.count() == 420

    row = PopulationEstimate.objects.get(geography_code="E08000035", estimate_year=2020, age=70)
    real = row.persons
    PopulationEstimate.objects.filter(pk=row.pk).update(persons=1)

    third = import_population(POPULATION_2020)

    assert (third.created, third.updated, third.unchanged) == (0, 1, 420 * 91 - 1)
    row.refresh_from_db()
    assert row.persons == real
    event = AuditEvent.objects.get(object_type="population_estimate", action="update")
    assert event.object_id == "E08000035/mid-2020"
    assert event.changes == {"70": [1, real]}


@pytest.mark.django_db
def test_the_2019_layout_is_read_too() -> None:
    result = import_population(POPULATION_2019)

    assert result.details["estimate_year"] == 2019  # heading row 5 (index 4), title in row 3
    assert result.created == result.details["geographies"] * 91
    answer = population("E08000035", FinancialYear.parse("2019-20"), min_age=65)
    assert answer.count.persons == leeds_65_plus_from_the_file(POPULATION_2019)


@pytest.mark.django_db
def test_a_file_that_is_not_a_workbook_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "population.xls"
    path.write_text("Code,Name\n", encoding="utf-8")

    with pytest.raises(ValidationFailed) as exc:
        import_population(path)

    assert "cannot be read as an Excel 97-2003 workbook" in fields(exc)["population.xls"]
    assert PopulationEstimate.objects.count() == AuditEvent.objects.count() == 0
