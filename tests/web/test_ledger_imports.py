"""The import page: the form, a good file's results, a bad file's error summary, the list."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from carepool.ledger.models import ImportBatch, Transfer
from tests.factories import World
from tests.ledger.helpers import COUNCIL, csv_bytes, line, schemes
from tests.web.helpers import text

pytestmark = pytest.mark.django_db


def test_import_page_round_trip(world: World, login: Callable[[str], Client]) -> None:
    schemes(world)
    client = login("finance")
    agreement_page = text(client.get(f"/agreements/{world.agreement.pk}/"))
    assert f"/agreements/{world.agreement.pk}/ledger/imports/" in agreement_page

    new = f"/agreements/{world.agreement.pk}/ledger/imports/new/"
    form = client.get(new)
    assert form.status_code == 200
    page = text(form)
    assert 'enctype="multipart/form-data"' in page
    assert '<option value="2024-10"' in page
    assert f'<option value="{COUNCIL}" selected' in page

    bad = client.post(
        new,
        {
            "month": "2024-10",
            "source": COUNCIL,
            "file": SimpleUploadedFile("oct.csv", csv_bytes([line(amount="1.234")])),
        },
    )
    assert bad.status_code == 400
    page = text(bad)
    assert "nhsuk-error-summary" in page
    assert "oct.csv: line 2, amount:" in page and "more than two decimal places" in page
    assert Transfer.objects.count() == 0

    good = client.post(
        new,
        {
            "month": "2024-10",
            "source": COUNCIL,
            "file": SimpleUploadedFile("oct.csv", csv_bytes([line(), line(reference="B")])),
        },
        follow=True,
    )
    assert good.status_code == 200
    page = text(good)
    batch = ImportBatch.objects.get()
    assert f"/ledger/imports/{batch.pk}/" in good.redirect_chain[-1][0]
    assert "Imported 2 lines of October 2024 actuals from E08000035" in page
    assert "£200.00" in page and batch.sha256 in page
    assert Transfer.objects.count() == 2

    listing = text(client.get(f"/agreements/{world.agreement.pk}/ledger/imports/"))
    assert "oct.csv" in listing and "Active" in listing


def test_viewers_see_the_list_but_not_the_form(
    world: World, login: Callable[[str], Client]
) -> None:
    client = login("viewer")
    assert client.get(f"/agreements/{world.agreement.pk}/ledger/imports/").status_code == 200
    assert client.get(f"/agreements/{world.agreement.pk}/ledger/imports/new/").status_code == 403
    outsider = login("outsider")
    assert outsider.get(f"/agreements/{world.agreement.pk}/ledger/imports/").status_code == 404
