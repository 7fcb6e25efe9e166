"""The monitoring API: the report, the lines behind a figure, the national report and the
writes, each answering as the selectors and services do (status codes, fields named)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from carepool.accounts.models import User
from carepool.ledger.models import ActionPlan, ForecastOverride, VarianceNote
from tests.api.helpers import ApiClient
from tests.factories import World
from tests.ledger.monitoring_builders import COUNCIL, FIRST_HALF, ICB, monthly, post

pytestmark = pytest.mark.django_db

SignIn = Callable[[User], ApiClient]


@pytest.fixture
def spent(world: World) -> World:
    post(world.agreement, monthly("S01", COUNCIL, 1_000, FIRST_HALF))
    post(world.agreement, monthly("S02", ICB, 10, (202405,)))
    return world


def test_monitoring_report(api_as: SignIn, spent: World) -> None:
    pk = spent.agreement.pk
    body = api_as(spent.viewer).get(f"/agreements/{pk}/ledger/monitoring", year="2024-25").json()
    assert body["as_at"] == "2024-09"
    assert body["budget_source"]["kind"] == "contributions"
    s01 = body["schemes"][0]
    assert (s01["key"], s01["actual"]["pounds"], s01["forecast"]["pence"]) == (
        "S01",
        "6000.00",
        12_000_00,
    )
    assert s01["methods"] == ["run_rate"]
    assert "actual to date / months elapsed x 12" in s01["trace"]["rule"]
    assert s01["budget"] is None
    assert body["total"]["forecast"]["pence"] == 12_000_00 + 20_00
    assert len(body["months"]) == 12
    assert body["overspend"]["flagged"] is False
    june = api_as(spent.viewer).get(
        f"/agreements/{pk}/ledger/monitoring", year="2024-25", as_at="2024-06"
    )
    assert june.json()["schemes"][0]["actual"]["pence"] == 3_000_00


@pytest.mark.parametrize(
    ("params", "status", "field"),
    [
        ({"year": "2024"}, 422, "year"),
        ({"year": "2024-25", "as_at": "2025-04"}, 422, "as_at"),
        ({"year": "2024-25", "as_at": "soon"}, 422, "as_at"),
    ],
)
def test_monitoring_refusals(
    api_as: SignIn, spent: World, params: dict, status: int, field: str
) -> None:
    response = api_as(spent.viewer).get(
        f"/agreements/{spent.agreement.pk}/ledger/monitoring", **params
    )
    assert response.status_code == status
    assert response.json()["errors"][0]["field"] == field


@pytest.mark.parametrize(
    ("path", "who", "status"),
    [
        ("/agreements/{pk}/ledger/monitoring?year=2024-25", "outsider", 404),
        ("/agreements/{pk}/ledger/lines?year=2024-25", "outsider", 404),
        ("/agreements/{pk}/ledger/monitoring?year=2024-25", "auditor", 200),
        ("/ledger/national?year=2024-25", "assurer", 200),
    ],
)
def test_who_reads(api_as: SignIn, spent: World, path: str, who: str, status: int) -> None:
    client = api_as(getattr(spent, who))
    response = client.client.get("/api/v1" + path.format(pk=spent.agreement.pk))
    assert response.status_code == status


def test_lines_are_paginated_newest_first(api_as: SignIn, spent: World) -> None:
    pk = spent.agreement.pk
    body = (
        api_as(spent.viewer)
        .get(f"/agreements/{pk}/ledger/lines", year="2024-25", scheme="S01", page_size=2)
        .json()
    )
    assert body["count"] == 6
    assert [line["day"] for line in body["items"]] == ["2024-09-15", "2024-08-15"]
    assert body["items"][0]["amount"] == {"pence": 1_000_00, "pounds": "1000.00"}
    assert body["items"][0]["partner"] == COUNCIL
    icb = api_as(spent.viewer).get(
        f"/agreements/{pk}/ledger/lines", year="2024-25", partner=ICB, month="2024-05"
    )
    assert [line["reference"] for line in icb.json()["items"]] == ["INV-S02-QWO-202405"]


def test_national_report(api_as: SignIn, spent: World) -> None:
    body = api_as(spent.assurer).get("/ledger/national", year="2024-25").json()
    assert body["as_at"] == "2024-09"
    assert [a["area"]["code"] for a in body["areas"]] == ["E10000016", "E08000035"]
    leeds = body["areas"][1]
    assert leeds["actual"]["pence"] == 6_010_00
    assert [s["code"] for s in leeds["schemes"]] == ["S01", "S02"]


def test_writes_and_their_refusals(api_as: SignIn, spent: World) -> None:
    pk = spent.agreement.pk
    finance = api_as(spent.finance)
    made = finance.post(
        f"/agreements/{pk}/ledger/forecast-overrides",
        {"year": "2024-25", "scheme": "S01", "amount": "9000.00", "reason": "Contract ends"},
    )
    assert made.status_code == 201
    assert made.json()["amount"]["pence"] == 9_000_00
    body = finance.get(f"/agreements/{pk}/ledger/monitoring", year="2024-25").json()
    assert body["schemes"][0]["methods"] == ["override"]
    assert body["schemes"][0]["override"]["reason"] == "Contract ends"
    assert (
        finance.post(
            f"/agreements/{pk}/ledger/forecast-overrides/clear",
            {"year": "2024-25", "scheme": "S01"},
        ).status_code
        == 200
    )
    assert not ForecastOverride.objects.exists()
    note = finance.post(
        f"/agreements/{pk}/ledger/variance-notes",
        {"month": "2024-09", "scheme": "S01", "text": "Demand"},
    )
    assert note.status_code == 201
    plan = finance.post(
        f"/agreements/{pk}/ledger/action-plans", {"month": "2024-09", "text": "Review"}
    )
    assert plan.status_code == 201
    assert plan.json()["month"] == "2024-09"
    bad = finance.post(f"/agreements/{pk}/ledger/action-plans", {"month": "2024-13"})
    assert bad.status_code == 422
    assert sorted(e["field"] for e in bad.json()["errors"]) == ["month", "text"]
    refused = api_as(spent.viewer).post(
        f"/agreements/{pk}/ledger/variance-notes",
        {"month": "2024-09", "scheme": "S01", "text": "x"},
    )
    assert refused.status_code == 403
    assert VarianceNote.objects.count() == 1
    assert ActionPlan.objects.count() == 1


def test_the_threshold_through_the_agreement_patch(api_as: SignIn, spent: World) -> None:
    pk = spent.agreement.pk
    finance = api_as(spent.finance)
    response = finance.patch(
        f"/agreements/{pk}", {"overspend_threshold": "1000.00", "overspend_threshold_percent": "1"}
    )
    assert response.status_code == 200, response.json()
    assert response.json()["overspend_threshold"] == "1000.00"
    assert response.json()["overspend_threshold_percent"] == "1.00"
    bad = finance.patch(f"/agreements/{pk}", {"overspend_threshold_percent": "250"})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "overspend_threshold_percent"
