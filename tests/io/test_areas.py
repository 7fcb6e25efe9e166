"""Importing HWB areas and their councils from the ONS UTLA file."""

from __future__ import annotations

from pathlib import Path

import pytest

from carepool.audit.models import AuditEvent
from carepool.core.errors import ValidationFailed
from carepool.io import import_areas
from carepool.io.council_names import council_name
from carepool.organisations.models import Area, Organisation
from tests.reference_data import AREAS_CSV

HEADER = "UTLACD,UTLANM,CAUTHCD,CAUTHNM,RGNCD,RGNNM,CTRYCD,CTRYNM\n"
LEEDS = "E08000035,Leeds,E47000003,West Yorkshire,E12000003,Yorkshire and The Humber,E92000001,England\n"
CARDIFF = "W06000015,Cardiff,,,W92000004,Wales,W92000004,Wales\n"


def write(tmp_path: Path, text: str, name: str = "areas.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def fields(exc: pytest.ExceptionInfo[ValidationFailed]) -> dict[str, str]:
    return {e.field: e.message for e in exc.value.errors}


@pytest.mark.django_db
def test_real_file_loads_every_english_utla_with_its_council() -> None:
    result = import_areas(AREAS_CSV)

    assert (result.created, result.updated, result.unchanged) == (153, 0, 0)
    assert result.skipped == 65  # Wales, Scotland, Northern Ireland
    assert result.details["organisations_created"] == 153
    leeds = Area.objects.get(code="E08000035")
    assert (leeds.name, leeds.kind, leeds.region_name, leeds.source) == (
        "Leeds",
        "hwb",
        "Yorkshire and The Humber",
        "utla_all_codes.csv",
    )
    # Real UTLAs, however small, are kept.
    assert Area.objects.filter(code__in=["E06000053", "E09000001"]).count() == 2
    assert not Area.objects.exclude(code__regex=r"^E(06|08|09|10)").exists()
    leeds_council = Organisation.objects.get(code="E08000035")
    assert (leeds_council.name, leeds_council.org_type, leeds_council.code_system) == (
        "Leeds City Council",
        "council",
        "gss",
    )
    assert Organisation.objects.get(code="E10000016").name == "Kent County Council"


@pytest.mark.django_db
def test_every_created_row_is_audited_and_a_second_import_adds_nothing() -> None:
    first = import_areas(AREAS_CSV)
    events = AuditEvent.objects.filter(interface="import")
    assert events.filter(object_type="area", action="create").count() == 153
    assert events.filter(object_type="organisation", action="create").count() == 153
    assert first.audit_events == AuditEvent.objects.count() == 306

    second = import_areas(AREAS_CSV)

    assert (second.created, second.updated, second.unchanged) == (0, 0, 153)
    assert second.details["organisations_created"] == 0
    assert not second.changed_anything
    assert AuditEvent.objects.count() == 306
    assert Area.objects.count() == 153


def test_existing_rows_are_updated_and_audited_and_councils_keep_their_names(
    world, tmp_path: Path
) -> None:
    # The test world has Kent in the wrong region and its own names for the councils.
    path = write(
        tmp_path, HEADER + LEEDS + "E10000016,Kent,,,E12000008,South East,E92000001,England\n"
    )
    before = AuditEvent.objects.count()

    result = import_areas(path)

    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    assert result.details["organisations_created"] == 0
    kent = Area.objects.get(code="E10000016")
    assert (kent.region_code, kent.region_name, kent.source) == (
        "E12000008",
        "South East",
        "areas.csv",
    )
    event = AuditEvent.objects.get(object_type="area", object_id="E10000016")
    assert event.action == "update"
    assert event.changes["region_name"] == ["Yorkshire and The Humber", "South East"]
    assert AuditEvent.objects.count() == before + 1
    assert Organisation.objects.get(code="E08000035").name == "Leeds City Council"


@pytest.mark.django_db
def test_a_bad_code_refuses_the_whole_file_naming_file_row_and_column(tmp_path: Path) -> None:
    path = write(
        tmp_path, HEADER + LEEDS + "E0800003X,Nowhere,,,E12000003,Yorkshire,E92000001,England\n"
    )

    with pytest.raises(ValidationFailed) as exc:
        import_areas(path)

    assert "is not a GSS code" in fields(exc)["areas.csv: row 3: UTLACD"]
    assert Area.objects.count() == Organisation.objects.count() == AuditEvent.objects.count() == 0


@pytest.mark.django_db
def test_every_problem_is_listed_at_once(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        HEADER
        + LEEDS
        + CARDIFF
        + "E07000026,Allerdale,,,E12000002,North West,E92000001,England\n"
        + LEEDS
        + "E06000001,,,,E12000001,North East,E92000001,England\n",
    )

    with pytest.raises(ValidationFailed) as exc:
        import_areas(path)

    problems = fields(exc)
    assert "not an upper-tier local authority code" in problems["areas.csv: row 4: UTLACD"]
    assert "appears twice (first in row 2)" in problems["areas.csv: row 5: UTLACD"]
    assert problems["areas.csv: row 6: UTLANM"] == "enter the area's name"
    assert Area.objects.count() == 0


@pytest.mark.django_db
def test_missing_columns_are_named(tmp_path: Path) -> None:
    path = write(
        tmp_path, "UTLACD,RGNCD,RGNNM,CTRYCD,CTRYNM\nE08000035,E12000003,Y,E92000001,England\n"
    )

    with pytest.raises(ValidationFailed) as exc:
        import_areas(path)

    assert fields(exc) == {
        "areas.csv: row 1: UTLANM": "this column is missing from the heading row"
    }


@pytest.mark.django_db
def test_non_english_rows_are_skipped(tmp_path: Path) -> None:
    result = import_areas(write(tmp_path, HEADER + LEEDS + CARDIFF))

    assert (result.created, result.skipped) == (1, 1)
    assert list(Area.objects.values_list("code", flat=True)) == ["E08000035"]


@pytest.mark.django_db
def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValidationFailed) as exc:
        import_areas(tmp_path / "nope.csv")
    assert "no such file" in fields(exc)["nope.csv"]


@pytest.mark.parametrize(
    ("code", "area", "council"),
    [
        ("E08000035", "Leeds", "Leeds City Council"),
        ("E10000016", "Kent", "Kent County Council"),
        ("E09000007", "Camden", "London Borough of Camden"),
        ("E06000023", "Bristol, City of", "Bristol City Council"),
        ("E06000019", "Herefordshire, County of", "Herefordshire Council"),
        (
            "E06000058",
            "Bournemouth, Christchurch and Poole",
            "Bournemouth, Christchurch and Poole Council",
        ),
    ],
)
def test_council_names(code: str, area: str, council: str) -> None:
    assert council_name(code, area) == council
