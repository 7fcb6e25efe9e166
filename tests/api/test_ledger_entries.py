"""The ledger's single entries, months, corrections and check through the API: each write's
status, shape and refusals (the rules themselves are proven in tests/ledger)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from carepool.accounts.models import User
from carepool.ledger import services
from carepool.ledger.models import Transfer
from tests.api.helpers import ApiClient
from tests.factories import SYSTEM, World

pytestmark = pytest.mark.django_db

LINE = {
    "date": "2024-04-10",
    "scheme": "S01",
    "partner": "E08000035",
    "amount": "1250.50",
    "provider": "Leeds Care Ltd",
    "reference": "INV-1",
}


@pytest.fixture
def pool(world: World) -> World:
    services.register_scheme(SYSTEM, world.agreement.pk, {"code": "S01", "name": "Reablement"})
    return world


def base(world: World) -> str:
    return f"/agreements/{world.agreement.pk}/ledger"


def test_spend_a_refund_and_the_line_read_back(
    pool: World, api_as: Callable[[User], ApiClient]
) -> None:
    api = api_as(pool.finance)
    response = api.post(f"{base(pool)}/entries", LINE)
    assert response.status_code == 201, response.json()
    line = response.json()
    assert (line["amount"], line["spend"], line["debit"]["kind"]) == ("1250.50", "1250.50", "spend")
    refund = api.post(f"{base(pool)}/entries", {**LINE, "amount": -20}).json()
    assert (refund["amount"], refund["spend"], refund["credit"]["scheme"]) == (
        "20.00",
        "-20.00",
        "S01",
    )
    read = api.get(f"{base(pool)}/entries/{line['id']}").json()
    assert read["reference"] == "INV-1" and read["corrections"] == []


def test_refusals_name_fields_and_change_nothing(
    pool: World, api_as: Callable[[User], ApiClient]
) -> None:
    response = api_as(pool.finance).post(
        f"{base(pool)}/entries", {**LINE, "scheme": "S9", "amount": "1.001"}
    )
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"scheme", "amount"}
    assert api_as(pool.viewer).post(f"{base(pool)}/entries", LINE).status_code == 403
    assert api_as(pool.outsider).post(f"{base(pool)}/entries", LINE).status_code == 404
    assert api_as(pool.finance).post(f"{base(pool)}/entries", {"colour": 1}).status_code == 422
    assert Transfer.objects.count() == 0


def test_commitments_contributions_months_and_a_correction(
    pool: World, api_as: Callable[[User], ApiClient]
) -> None:
    finance = api_as(pool.finance)
    placed = finance.post(f"{base(pool)}/commitments", {**LINE, "reference": "PO-1"})
    assert placed.status_code == 201
    (listed,) = finance.get(f"{base(pool)}/commitments").json()["items"]
    assert (listed["reference"], listed["remaining"]) == ("PO-1", "1250.50")
    cancelled = finance.post(f"{base(pool)}/commitments/PO-1/cancel", {"date": "2024-04-20"})
    assert cancelled.status_code == 201 and cancelled.json()["kind"] == "release"
    posted = finance.post(f"{base(pool)}/contributions", {"up_to": "2024-04-30"}).json()
    assert posted == {"posted": 2, "up_to": "2024-04-30"}
    line = finance.post(f"{base(pool)}/entries", LINE).json()

    closed = finance.post(f"{base(pool)}/months/2024-04/close")
    assert closed.status_code == 201 and closed.json()["state"] == "closed"
    again = finance.post(f"{base(pool)}/months/2024-04/close")
    assert again.status_code == 422
    months = finance.get(f"{base(pool)}/months").json()["items"]
    assert {m["month"]: m["state"] for m in months}["2024-04"] == "closed"

    fix = {"transfer_id": line["id"], "date": "2024-05-03", "amount": "-0.50", "reason": "Rounding"}
    corrected = finance.post(f"{base(pool)}/corrections", fix)
    assert corrected.status_code == 201, corrected.json()
    assert corrected.json()["corrects"] == line["id"] and corrected.json()["spend"] == "-0.50"
    read = finance.get(f"{base(pool)}/entries/{line['id']}").json()
    assert [c["id"] for c in read["corrections"]] == [corrected.json()["id"]]

    assert finance.post(f"{base(pool)}/months/2024-04/reopen", {"reason": "x"}).status_code == 403
    signatory = api_as(pool.signatory)
    refused = signatory.post(f"{base(pool)}/months/2024-04/reopen", {})
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "reason"
    reopened = signatory.post(f"{base(pool)}/months/2024-04/reopen", {"reason": "Late invoice"})
    assert reopened.status_code == 200 and reopened.json()["state"] == "open"


def test_schemes_register_and_list(world: World, api_as: Callable[[User], ApiClient]) -> None:
    api = api_as(world.finance)
    made = api.post(f"{base(world)}/schemes", {"code": "S07", "name": "Carers"})
    assert made.status_code == 201
    assert api.get(f"{base(world)}/schemes").json() == {
        "items": [{"code": "S07", "name": "Carers"}]
    }


def test_the_check_by_role(pool: World, api_as: Callable[[User], ApiClient]) -> None:
    api_as(pool.finance).post(f"{base(pool)}/entries", LINE)
    agreement = pool.agreement.pk
    for person in (pool.finance, pool.auditor, pool.assurer):
        found = api_as(person).get("/ledger/check", agreement=agreement)
        assert found.status_code == 200, person
        assert found.json()["ok"] is True and found.json()["checked"]["transfers"] == 1
    assert api_as(pool.assurer).get("/ledger/check").json()["ok"] is True
    assert api_as(pool.finance).get("/ledger/check").status_code == 403
    assert api_as(pool.viewer).get("/ledger/check", agreement=agreement).status_code == 403
    assert api_as(pool.outsider).get("/ledger/check", agreement=agreement).status_code == 404
