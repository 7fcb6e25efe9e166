"""The ledger's entry pages with the test client: record spend, a commitment and its
cancellation, contributions due, close and re-open, a correction from a line's page; every
refusal shown on the form, nothing written. Rules: tests/ledger."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from carepool.ledger import services
from carepool.ledger.models import ClosedMonth, Transfer
from tests.factories import SYSTEM, World
from tests.web.helpers import assert_refused, text

pytestmark = pytest.mark.django_db

LINE = {
    "date": "2024-04-10",
    "scheme": "S01",
    "partner": "E08000035",
    "amount": "1250.50",
    "provider": "Leeds Care Ltd",
    "description": "",
    "reference": "INV-1",
}


@pytest.fixture
def pool(world: World) -> World:
    services.register_scheme(SYSTEM, world.agreement.pk, {"code": "S01", "name": "Reablement"})
    return world


def hub(world: World) -> str:
    return f"/agreements/{world.agreement.pk}/ledger/entries/"


def test_the_agreement_page_links_to_the_ledger_entries(
    pool: World, login: Callable[[str], Client]
) -> None:
    page = text(login("viewer").get(f"/agreements/{pool.agreement.pk}/"))
    assert f'href="{hub(pool)}"' in page


def test_record_spend_and_see_its_line(pool: World, login: Callable[[str], Client]) -> None:
    client = login("finance")
    form = client.get(f"{hub(pool)}new/")
    assert form.status_code == 200 and "S01 Reablement" in text(form)
    done = client.post(f"{hub(pool)}new/", LINE)
    row = Transfer.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/ledger/lines/{row.pk}/"
    page = text(client.get(done["Location"]))
    assert "Ledger line" in page and "£1250.50" in page and "Leeds Care Ltd" in page


def test_refusals_come_back_on_the_form(pool: World, login: Callable[[str], Client]) -> None:
    client = login("finance")
    refused = client.post(f"{hub(pool)}new/", {**LINE, "amount": "12.345", "scheme": ""})
    assert_refused(refused, "amount", "pounds and pence")
    assert_refused(refused, "scheme", "Scheme is required")
    assert Transfer.objects.count() == 0
    assert login("viewer").get(f"{hub(pool)}new/").status_code == 403
    assert login("outsider").get(hub(pool)).status_code == 404


def test_commitment_recorded_and_cancelled(pool: World, login: Callable[[str], Client]) -> None:
    client = login("finance")
    base = f"/agreements/{pool.agreement.pk}/ledger/commitments/"
    made = client.post(f"{base}new/", {**LINE, "reference": "PO 1/2"})
    assert made.status_code == 302
    page = text(client.get(hub(pool)))
    assert "PO 1/2" in page and "Cancel PO 1/2" in page
    form = client.get(f"{base}cancel/", {"reference": "PO 1/2"})
    assert "£1250.50 of £1250.50 remains" in text(form)
    done = client.post(f"{base}cancel/", {"reference": "PO 1/2", "date": "2024-05-01"})
    assert done.status_code == 302
    assert Transfer.objects.filter(kind="release", order_ref="PO 1/2").exists()


def test_contributions_close_correct_and_reopen(
    pool: World, login: Callable[[str], Client]
) -> None:
    client = login("finance")
    posted = client.post(
        f"/agreements/{pool.agreement.pk}/ledger/contributions/",
        {"up_to": "2024-04-30"},
        follow=True,
    )
    assert "Posted 2 contribution instalment(s)" in text(posted)
    bad = client.post(f"/agreements/{pool.agreement.pk}/ledger/contributions/", {"up_to": "x"})
    assert_refused(bad, "up_to", "is not a date")
    client.post(f"{hub(pool)}new/", LINE)
    line = Transfer.objects.get(kind="actual")
    months = f"/agreements/{pool.agreement.pk}/ledger/months/"
    closed = client.post(f"{months}2024-04/close/", follow=True)
    assert "April 2024 is closed" in text(closed)
    again = client.post(f"{months}2024-04/close/")
    assert again.status_code == 400 and "already closed" in text(again)

    page = text(client.get(f"/ledger/lines/{line.pk}/"))
    assert "Correct this line" in page
    url = f"/ledger/lines/{line.pk}/correct/"
    refused = client.post(
        url,
        {
            "date": "2024-04-30",
            "amount": "-1",
            "scheme": "S01",
            "partner": "E08000035",
            "reason": "",
        },
    )
    assert_refused(refused, "date", "April 2024 is closed")
    assert_refused(refused, "reason", "Give a reason")
    fixed = client.post(
        url,
        {
            "date": "2024-05-01",
            "amount": "-0.50",
            "scheme": "S01",
            "partner": "E08000035",
            "reason": "Rounding",
        },
    )
    assert fixed.status_code == 302
    page = text(client.get(f"/ledger/lines/{line.pk}/"))
    assert "£-0.50" in page and "Correction of line" in page

    assert "Re-open April 2024" not in text(client.get(hub(pool)))
    signatory = login("signatory")
    assert "Re-open April 2024" in text(signatory.get(hub(pool)))
    reopen = f"{months}2024-04/reopen/"
    assert_refused(signatory.post(reopen, {"reason": ""}), "reason", "Give a reason")
    assert signatory.post(reopen, {"reason": "Late invoice"}).status_code == 302
    assert not ClosedMonth.objects.exists()
