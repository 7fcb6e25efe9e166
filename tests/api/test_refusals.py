"""Refusals: 422 naming the field, nothing changed, nothing added to the audit trail."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.api.helpers import ApiClient, fields, state
from tests.factories import World, agreement_data

SignIn = Callable[..., ApiClient]


def contribution(**overrides: Any) -> dict[str, Any]:
    body = {
        "year": "2024-25",
        "partner": "E08000035",
        "funding_stream": "dfg",
        "mandated": True,
        "amount": "1250000.00",
        "frequency": "quarterly",
    }
    body.update(overrides)
    return body


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("-5", "cannot be negative"),
        (-5, "cannot be negative"),
        ("abc", "'abc' is not an amount of money"),
        ("12.345", "fraction of a penny"),
        (12.345, "fraction of a penny"),
        ("", "Enter an amount in pounds"),
        (True, "must be an amount in pounds"),
    ],
)
def test_a_negative_or_non_numeric_contribution_is_refused(
    api_as: SignIn, world: World, amount: object, message: str
) -> None:
    before = state(world)
    response = api_as(world.finance).post(
        f"/agreements/{world.agreement.pk}/contributions", contribution(amount=amount)
    )
    assert fields(response) == ["amount"]
    assert message in response.json()["errors"][0]["message"]
    assert response.json()["detail"].startswith("amount: ")
    assert state(world) == before


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        (
            contribution(funding_stream="magic_money"),
            "funding_stream",
            "'magic_money' is not a funding stream in 2024-25",
        ),
        (contribution(partner="QKS"), "partner", "'QKS' is not a partner in this agreement"),
        (contribution(partner="NOPE99"), "partner", "'NOPE99' is not a partner in this agreement"),
        (contribution(year="2024/25"), "year", "'2024/25' is not a financial year"),
        (contribution(year="2024"), "year", "write it like 2024-25"),
        (contribution(year="2024-26"), "year", "the second part must be the year after 2024"),
        (contribution(mandated="perhaps"), "mandated", "'perhaps' is not yes or no"),
        (
            contribution(frequency="weekly"),
            "frequency",
            "'weekly' is not how the contribution is paid (its instalments); give one of: annual for One annual payment",
        ),
    ],
)
def test_contribution_refusals_name_the_field(
    api_as: SignIn, world: World, body: dict, field: str, message: str
) -> None:
    before = state(world)
    response = api_as(world.finance).post(f"/agreements/{world.agreement.pk}/contributions", body)
    assert field in fields(response)
    assert any(message in e["message"] for e in response.json()["errors"] if e["field"] == field)
    assert state(world) == before


def test_every_problem_is_reported_at_once(api_as: SignIn, world: World) -> None:
    before = state(world)
    response = api_as(world.finance).post(
        f"/agreements/{world.agreement.pk}/contributions",
        {"year": "2024/25", "partner": "", "funding_stream": "", "mandated": "x", "amount": "abc"},
    )
    assert set(fields(response)) >= {"year", "partner", "funding_stream", "mandated", "amount"}
    assert state(world) == before


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"host": "QKS"}, "host", "The host must be one of the partners"),
        (
            {"break_clause_date": "2028-01-01"},
            "break_clause_date",
            "The break clause must fall inside the term",
        ),
        (
            {"end_date": "2026-03-31", "break_clause_date": "2026-06-30"},
            "break_clause_date",
            "inside the term",
        ),
        (
            {"partners": ["E08000035", "QWO", "LEEDS-VCS", "NOPE99"]},
            "partners",
            "'NOPE99' is not a known organisation code",
        ),
        ({"area": "E99999999"}, "area", "'E99999999' is not a known area code"),
        ({"start_date": "1 April 2024"}, "start_date", "is not a date"),
        (
            {"reporting_frequency": "daily"},
            "reporting_frequency",
            "'daily' is not how often the pool manager reports",
        ),
        ({"title": ""}, "title", "is required"),
    ],
)
def test_agreement_edits_that_break_a_rule_are_refused(
    api_as: SignIn, world: World, changes: dict, field: str, message: str
) -> None:
    before = state(world)
    response = api_as(world.finance).patch(f"/agreements/{world.agreement.pk}", changes)
    assert field in fields(response)
    assert any(message in e["message"] for e in response.json()["errors"] if e["field"] == field)
    assert state(world) == before


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"host": "QKS"}, "host"),
        ({"break_clause_date": "2027-06-01"}, "break_clause_date"),
        ({"partners": ["E08000035", "NOPE99"], "host": "E08000035"}, "partners"),
        ({"host": "NOPE99"}, "host"),
    ],
)
def test_a_new_agreement_that_breaks_a_rule_is_refused(
    api_as: SignIn, world: World, overrides: dict, field: str
) -> None:
    before = state(world)
    response = api_as(world.finance).post(
        "/agreements", agreement_data(title="New pool", **overrides)
    )
    assert field in fields(response)
    assert state(world) == before


def test_request_validation_errors_name_the_field(api_as: SignIn, world: World) -> None:
    api = api_as(world.finance)
    before = state(world)
    wrong_type = api.patch(f"/agreements/{world.agreement.pk}", {"title": 123, "aims": ["a"]})
    assert fields(wrong_type) == ["title", "aims"]
    assert {e["message"] for e in wrong_type.json()["errors"]} == {"must be text"}
    unknown = api.patch(f"/agreements/{world.agreement.pk}", {"colour": "blue"})
    assert fields(unknown) == ["colour"]
    assert unknown.json()["errors"][0]["message"] == "is not a field you can send here"
    not_an_object = api.post(f"/agreements/{world.agreement.pk}/contributions", ["2024-25"])
    assert fields(not_an_object) == ["body"]
    assert not_an_object.json()["errors"][0]["message"] == "must be a JSON object"
    assert state(world) == before


def test_a_year_in_the_wrong_form_is_refused_in_queries(api_as: SignIn, world: World) -> None:
    api = api_as(world.viewer)
    for path in (
        f"/agreements/{world.agreement.pk}/contributions?year=2024",
        "/funding-streams?year=24-25",
        "/areas/E08000035/population?year=2024/25",
    ):
        response = api.client.get("/api/v1" + path)
        assert fields(response) == ["year"], path


def test_a_year_without_rules_is_refused(api_as: SignIn, world: World) -> None:
    response = api_as(world.viewer).get("/funding-streams", year="1999-00")
    assert fields(response) == ["year"]
    assert (
        "Carepool has no Better Care Fund rules for 1999-00; the earliest are for 2015-16"
        in response.json()["errors"][0]["message"]
    )


@pytest.mark.parametrize(
    ("who", "method", "path", "body", "reason"),
    [
        ("viewer", "patch", "/agreements/{agreement}", {"aims": "x"}, "finance officer role"),
        ("signatory", "patch", "/agreements/{agreement}", {"aims": "x"}, "finance officer role"),
        (
            "viewer",
            "post",
            "/agreements/{agreement}/contributions",
            contribution(),
            "finance officer role",
        ),
        (
            "icb_signatory",
            "patch",
            "/contributions/{contribution}",
            {"frequency": "monthly"},
            "finance officer role",
        ),
        ("viewer", "delete", "/contributions/{contribution}", None, "finance officer role"),
        ("finance", "post", "/agreements/{agreement}/approvals", None, "signatory role"),
        (
            "viewer",
            "post",
            "/organisations",
            {
                "code": "RR8",
                "code_system": "ods",
                "name": "Leeds Teaching Hospitals",
                "org_type": "nhs_trust",
            },
            "finance officer role",
        ),
        ("viewer", "patch", "/organisations/QWO", {"name": "Renamed"}, "finance officer role"),
    ],
)
def test_an_edit_by_a_user_without_the_role_is_forbidden(
    api_as: SignIn, world: World, who: str, method: str, path: str, body: object, reason: str
) -> None:
    before = state(world)
    api = api_as(getattr(world, who))
    path = path.format(agreement=world.agreement.pk, contribution=world.nhs_min.pk)
    response = api.delete(path) if method == "delete" else getattr(api, method)(path, body)
    assert response.status_code == 403
    assert reason in response.json()["detail"]
    assert state(world) == before


def test_a_finance_officer_outside_the_partnership_cannot_edit_its_organisations(
    api_as: SignIn, world: World
) -> None:
    before = state(world)
    response = api_as(world.outsider).patch("/organisations/QWO", {"name": "Renamed"})
    assert response.status_code == 403
    assert state(world) == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"effective_date": "2024-10-01", "change": "-70000000", "reason": "Cut"}, "change"),
        ({"effective_date": "2025-10-01", "change": "100", "reason": "Late"}, "effective_date"),
        ({"effective_date": "2024-10-01", "change": "100", "reason": ""}, "reason"),
        (
            {"effective_date": "2024-10-01", "change": "1", "new_amount": "2", "reason": "Both"},
            "change",
        ),
        ({"effective_date": "2024-10-01", "new_amount": "abc", "reason": "Typo"}, "new_amount"),
        ({"effective_date": "soon", "change": "1", "reason": "When"}, "effective_date"),
    ],
)
def test_variation_refusals_name_the_field(
    api_as: SignIn, world: World, body: dict, field: str
) -> None:
    before = state(world)
    response = api_as(world.finance).post(f"/contributions/{world.nhs_min.pk}/variations", body)
    assert field in fields(response)
    assert state(world) == before


def test_amounts_cannot_be_edited_in_place(api_as: SignIn, world: World) -> None:
    before = state(world)
    response = api_as(world.finance).patch(f"/contributions/{world.nhs_min.pk}", {"amount": "1"})
    assert fields(response) == ["amount"]
    assert "record a variation" in response.json()["errors"][0]["message"]
    assert state(world) == before


def test_an_agreement_with_contributions_cannot_be_deleted(api_as: SignIn, world: World) -> None:
    before = state(world)
    response = api_as(world.finance).delete(f"/agreements/{world.agreement.pk}")
    assert fields(response) == ["agreement"]
    assert state(world) == before


def test_an_organisation_in_an_agreement_cannot_be_deleted(api_as: SignIn, world: World) -> None:
    api = api_as(world.finance)
    new = {
        "code": "RR8",
        "code_system": "ods",
        "name": "Leeds Teaching Hospitals",
        "org_type": "nhs_trust",
    }
    assert api.post("/organisations", new).status_code == 201
    partners = ["E08000035", "QWO", "LEEDS-VCS", "RR8"]
    assert api.patch(f"/agreements/{world.agreement.pk}", {"partners": partners}).status_code == 200
    before = state(world)
    response = api.delete("/organisations/RR8")
    assert fields(response) == ["code"]
    assert state(world) == before


def test_organisations_are_changed_only_by_their_own_or_adding_organisation(
    api_as: SignIn, world: World
) -> None:
    before = state(world)
    # the same refusal whether or not the organisation is a partner anywhere: nothing leaks
    for code in ("X24", "LEEDS-VCS", "QWO"):
        response = api_as(world.outsider).patch(f"/organisations/{code}", {"name": "Renamed"})
        assert response.status_code == 403, code
        assert "your own organisation" in response.json()["detail"]
    assert api_as(world.finance).patch("/organisations/QWO", {"name": "Renamed"}).status_code == 403
    response = api_as(world.finance).patch("/organisations/E08000035", {"code": "E08000036"})
    assert fields(response) == ["code"]
    assert state(world) == before


def test_an_organisation_with_a_bad_code_is_refused(api_as: SignIn, world: World) -> None:
    before = state(world)
    response = api_as(world.finance).post(
        "/organisations",
        {"code": "E1", "code_system": "gss", "name": "Nowhere", "org_type": "council"},
    )
    assert fields(response) == ["code"]
    duplicate = api_as(world.finance).post(
        "/organisations",
        {"code": "QWO", "code_system": "ods", "name": "Again", "org_type": "nhs_commissioner"},
    )
    assert fields(duplicate) == ["code"]
    assert state(world) == before
