"""Contributions through the API: money as pounds strings, schedules, variations, totals."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest

from carepool.agreements.models import Contribution, ContributionVariation
from carepool.audit.models import AuditEvent
from tests.api.helpers import ApiClient
from tests.factories import World

SignIn = Callable[..., ApiClient]


def test_contributions_of_a_year_with_totals(api_as: SignIn, world: World) -> None:
    body = (
        api_as(world.viewer)
        .get(f"/agreements/{world.agreement.pk}/contributions", year="2024-25")
        .json()
    )
    assert body["year"] == "2024-25"
    assert {
        (c["partner"]["code"], c["funding_stream"], c["amount"]) for c in body["contributions"]
    } == {
        ("QWO", "nhs_minimum", "60000000.00"),
        ("E08000035", "ibcf", "35000000.01"),
    }
    assert body["totals"] == {
        "by_partner": {"E08000035": "35000000.01", "QWO": "60000000.00"},
        "by_stream": {"ibcf": "35000000.01", "nhs_minimum": "60000000.00"},
        "mandated": "95000000.01",
        "additional": "0.00",
        "overall": "95000000.01",
    }
    assert body["years"] == [
        {
            "year": "2024-25",
            "totals": body["totals"],
            "rules_provisional": False,
            "rules_note": "",
        }
    ]


def test_contributions_without_a_year_come_in_yearly_blocks(api_as: SignIn, world: World) -> None:
    api = api_as(world.finance)
    added = api.post(
        f"/agreements/{world.agreement.pk}/contributions",
        {
            "year": "2025-26",
            "partner": "E08000035",
            "funding_stream": "dfg",
            "mandated": "yes",
            "amount": "1,234.50",
        },
    )
    assert added.status_code == 201, added.content
    body = api.get(f"/agreements/{world.agreement.pk}/contributions").json()
    assert body["year"] is None
    assert body["totals"] is None  # never one total across different years
    assert len(body["contributions"]) == 3
    assert [(y["year"], y["totals"]["overall"]) for y in body["years"]] == [
        ("2024-25", "95000000.01"),
        ("2025-26", "1234.50"),
    ]
    empty = api.get(f"/agreements/{world.agreement.pk}/contributions", year="2023-24").json()
    assert (empty["contributions"], empty["totals"]["overall"]) == ([], "0.00")


@pytest.mark.parametrize(
    ("amount", "pounds"),
    [("1,234.50", "1234.50"), ("£10", "10.00"), (5, "5.00"), (12.5, "12.50"), (0.1, "0.10")],
)
def test_amounts_arrive_exactly_as_written(
    api_as: SignIn, world: World, amount: object, pounds: str
) -> None:
    response = api_as(world.finance).post(
        f"/agreements/{world.agreement.pk}/contributions",
        {
            "year": "2024-25",
            "partner": "E08000035",
            "funding_stream": "dfg",
            "mandated": True,
            "amount": amount,
        },
    )
    assert response.status_code == 201, response.content
    assert response.json()["amount"] == pounds
    assert Contribution.objects.get(pk=response.json()["id"]).original_amount_pence == int(
        Decimal(pounds) * 100
    )


def test_adding_a_contribution_is_audited_as_api(api_as: SignIn, world: World) -> None:
    response = api_as(world.finance).post(
        f"/agreements/{world.agreement.pk}/contributions",
        {
            "year": "2024-25",
            "partner": "E08000035",
            "funding_stream": "dfg",
            "mandated": True,
            "amount": "4000000.03",
            "frequency": "quarterly",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["original_amount"] == body["amount"] == "4000000.03"
    assert [i["amount"] for i in body["schedule"]] == [
        "1000000.01",
        "1000000.01",
        "1000000.01",
        "1000000.00",
    ]
    assert [i["due_date"] for i in body["schedule"]] == [
        "2024-04-01",
        "2024-07-01",
        "2024-10-01",
        "2025-01-01",
    ]
    event = AuditEvent.objects.get(object_type="contribution", object_id=str(body["id"]))
    assert (event.action, event.interface) == ("create", "api")
    assert event.changes["original_amount"] == [None, "4000000.03"]


def test_a_contribution_with_its_schedule(api_as: SignIn, world: World) -> None:
    body = api_as(world.auditor).get(f"/contributions/{world.ibcf.pk}").json()
    assert body["agreement_id"] == world.agreement.pk
    assert body["partner"]["code"] == "E08000035"
    assert body["funding_stream"] == "ibcf"
    assert body["mandated"] is True
    assert body["variations"] == []
    assert [i["amount"] for i in body["schedule"]] == [
        "8750000.01",
        "8750000.00",
        "8750000.00",
        "8750000.00",
    ]


def test_varying_a_contribution_keeps_history_and_conserves_pennies(
    api_as: SignIn, world: World
) -> None:
    api = api_as(world.finance)
    response = api.post(
        f"/contributions/{world.nhs_min.pk}/variations",
        {"effective_date": "2024-10-01", "change": "-1000.01", "reason": "Allocation revised"},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["change"], body["reason"], body["created_by"]) == (
        "-1000.01",
        "Allocation revised",
        "Finance",
    )
    contribution = body["contribution"]
    assert contribution["original_amount"] == "60000000.00"
    assert contribution["amount"] == "59998999.99"
    assert [v["change"] for v in contribution["variations"]] == ["-1000.01"]
    schedule = [Decimal(i["amount"]) for i in contribution["schedule"]]
    assert sum(schedule) == Decimal("59998999.99")
    assert schedule[:2] == [Decimal("15000000.00"), Decimal("15000000.00")]

    by_new_amount = api.post(
        f"/contributions/{world.nhs_min.pk}/variations",
        {"effective_date": "2025-01-01", "new_amount": "60000000", "reason": "Restored"},
    )
    assert by_new_amount.status_code == 201, by_new_amount.content
    assert by_new_amount.json()["change"] == "1000.01"
    assert ContributionVariation.objects.filter(contribution=world.nhs_min).count() == 2
    event = AuditEvent.objects.filter(object_type="contribution_variation").order_by("-id").first()
    assert event is not None and event.interface == "api"


def test_changing_the_frequency(api_as: SignIn, world: World) -> None:
    response = api_as(world.finance).patch(
        f"/contributions/{world.ibcf.pk}", {"frequency": "half_yearly"}
    )
    assert response.status_code == 200, response.content
    assert [i["amount"] for i in response.json()["schedule"]] == ["17500000.01", "17500000.00"]
    event = AuditEvent.objects.order_by("-id").first()
    assert event is not None
    assert (event.action, event.interface, event.changes) == (
        "update",
        "api",
        {"frequency": ["quarterly", "half_yearly"]},
    )


def test_removing_a_contribution(api_as: SignIn, world: World) -> None:
    response = api_as(world.finance).delete(f"/contributions/{world.ibcf.pk}")
    assert response.status_code == 204
    assert not Contribution.objects.filter(pk=world.ibcf.pk).exists()
    event = AuditEvent.objects.order_by("-id").first()
    assert event is not None
    assert (event.action, event.interface, event.object_type) == ("delete", "api", "contribution")


def test_money_is_never_a_json_number(api_as: SignIn, world: World) -> None:
    api = api_as(world.assurer)
    texts = [
        api.get(f"/agreements/{world.agreement.pk}/contributions").content.decode(),
        api.get(f"/contributions/{world.nhs_min.pk}").content.decode(),
    ]
    for text in texts:
        assert '"amount": "' in text or '"amount":"' in text
        assert "60000000.0," not in text and "6e7" not in text.lower()
