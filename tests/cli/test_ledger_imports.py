"""``carepool ledger import``: a good file, the same file again, and a bad file."""

from __future__ import annotations

from pathlib import Path

import pytest

from carepool.ledger.models import ImportBatch, Transfer
from tests.cli.helpers import as_json, carepool
from tests.factories import World
from tests.ledger.helpers import COUNCIL, csv_bytes, line, schemes

pytestmark = pytest.mark.django_db


def test_import_then_again_then_a_bad_file(world: World, tmp_path: Path) -> None:
    schemes(world)
    good = tmp_path / "october.csv"
    good.write_bytes(csv_bytes([line(), line(reference="INV-2", amount="-20.50")]))
    args = ["--agreement", world.agreement.pk, "--month", "2024-10", "--from", COUNCIL]
    args += ["--user", "finance"]

    result = carepool("ledger", "import", good, *args)
    assert result.exit_code == 0, result.output
    assert "Imported 2 lines of October 2024 actuals from E08000035: £79.50" in result.stdout
    assert Transfer.objects.count() == 2

    again = carepool("ledger", "import", good, *args, "--json")
    assert again.exit_code == 0, again.output
    data = as_json(again)
    assert data["unchanged"] is True
    assert (data["rows"], data["total"], data["month"]) == (2, "79.50", "2024-10")
    assert data["batch_id"] == ImportBatch.objects.get().pk

    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes([line(reference="X"), line(reference="Y", amount="1.234")]))
    refused = carepool("ledger", "import", bad, *args, "--replace", "--json")
    assert refused.exit_code != 0
    errors = as_json(refused)["errors"]
    assert errors[0]["field"] == "bad.csv: line 3, amount"
    assert "more than two decimal places" in errors[0]["message"]
    assert Transfer.objects.count() == 2

    plain = carepool("ledger", "import", bad, *args, "--replace")
    assert "bad.csv: line 3, amount" in plain.stderr
