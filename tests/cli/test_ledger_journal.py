"""``carepool ledger journal``: a year of the ledger as a ledger-cli journal, for one agreement
or every agreement the user may see; bad options refused naming the field."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.db import transaction

from carepool.cli.output import INVALID, NOT_FOUND, OK
from carepool.core import ledger as core
from carepool.core.money import Money
from carepool.ledger.posting import Poster
from tests.cli.helpers import as_json, carepool
from tests.factories import World
from tests.fixtures import world  # noqa: F401

pytestmark = pytest.mark.django_db


def post(agreement, transfers):  # type: ignore[no-untyped-def]
    with transaction.atomic():
        poster = Poster(agreement)
        poster.add_all(transfers)
        poster.flush()


@pytest.fixture
def posted(world: World) -> World:  # noqa: F811
    post(
        world.agreement,
        [
            core.actual("S01", "E08000035", Money(1_234_56), date(2024, 4, 3)),
            core.actual("S02", "QWO", Money(99), date(2024, 5, 1)),
        ],
    )
    post(world.kent_agreement, [core.actual("S01", "QKS", Money(10_00), date(2024, 7, 1))])
    return world


def test_one_agreement(posted: World, tmp_path: Path) -> None:
    out = tmp_path / "leeds.journal"
    result = carepool(
        "ledger", "journal", "--agreement", posted.agreement.pk, "--year", "2024-25",
        "-o", out, "--user", "finance", "--json",
    )  # fmt: skip
    assert result.exit_code == OK, result.output
    assert as_json(result) == {
        "file": str(out),
        "year": "2024-25",
        "agreements": 1,
        "transactions": 2,
        "accounts": 3,
        "total_pence": 123555,
    }
    text = out.read_text()
    assert "    Spend:S01:E08000035    GBP 1234.56\n    Pool\n" in text
    assert "QKS" not in text


def test_all_is_every_agreement_the_user_may_see(posted: World, tmp_path: Path) -> None:
    out = tmp_path / "national.journal"
    result = carepool(
        "ledger", "journal", "--all", "--year", "2024-25", "-o", out, "--user", "assurer",
    )  # fmt: skip
    assert result.exit_code == OK, result.output
    assert "Wrote 3 transactions" in result.output
    text = out.read_text()
    assert f"A{posted.agreement.pk}:Spend:S01:E08000035" in text
    assert f"A{posted.kent_agreement.pk}:Spend:S01:QKS" in text
    # The finance officer of Leeds sees only Leeds.
    mine = tmp_path / "mine.journal"
    result = carepool(
        "ledger", "journal", "--all", "--year", "2024-25", "-o", mine, "--user", "finance",
    )  # fmt: skip
    assert result.exit_code == OK, result.output
    assert "QKS" not in mine.read_text()


@pytest.mark.parametrize(
    ("args", "code", "field", "words"),
    [
        (["--year", "2024-25"], INVALID, "agreement", "Give either --agreement ID or --all"),
        (["--all", "--agreement", "1", "--year", "2024-25"], INVALID, "agreement", "either"),
        (["--all", "--year", "2024"], INVALID, "year", ""),
        (["--agreement", "999", "--year", "2024-25"], NOT_FOUND, "agreement", "No such agreement"),
    ],
)
def test_bad_options_are_refused(
    posted: World, tmp_path: Path, args: list[str], code: int, field: str, words: str
) -> None:
    out = tmp_path / "x.journal"
    result = carepool("ledger", "journal", *args, "-o", out, "--user", "finance", "--json")
    assert result.exit_code == code, result.output
    errors = as_json(result)["errors"]
    assert errors[0]["field"] == field
    assert words in errors[0]["message"]
    assert not out.exists()


def test_an_agreement_the_user_may_not_see_is_not_found(posted: World, tmp_path: Path) -> None:
    out = tmp_path / "kent.journal"
    result = carepool(
        "ledger", "journal", "--agreement", posted.kent_agreement.pk, "--year", "2024-25",
        "-o", out, "--user", "finance",
    )  # fmt: skip
    assert result.exit_code == NOT_FOUND
    assert not out.exists()


def test_an_unwritable_file_is_refused(posted: World, tmp_path: Path) -> None:
    out = tmp_path / "missing-folder" / "x.journal"
    result = carepool(
        "ledger", "journal", "--agreement", posted.agreement.pk, "--year", "2024-25",
        "-o", out, "--user", "finance", "--json",
    )  # fmt: skip
    assert result.exit_code == INVALID
    assert as_json(result)["errors"][0]["field"] == "output"
