"""The OpenAPI description: served, complete, and honest about errors."""

from __future__ import annotations

import pytest
from django.test import Client, modify_settings

from tests.api.helpers import API

EXPECTED_PATHS = {
    "/me": {"get"},
    "/organisations": {"get", "post"},
    "/organisations/{code}": {"get", "patch", "delete"},
    "/organisations/{code}/history": {"get"},
    "/areas": {"get"},
    "/areas/{code}": {"get"},
    "/areas/{code}/population": {"get"},
    "/funding-streams": {"get"},
    "/agreements": {"get", "post"},
    "/agreements/{agreement_id}": {"get", "patch", "delete"},
    "/agreements/{agreement_id}/completeness": {"get"},
    "/agreements/{agreement_id}/history": {"get"},
    "/agreements/{agreement_id}/contributions": {"get", "post"},
    "/agreements/{agreement_id}/approvals": {"post"},
    "/agreements/{agreement_id}/ledger/imports": {"get", "post"},
    "/contributions/{contribution_id}": {"get", "patch", "delete"},
    "/contributions/{contribution_id}/variations": {"post"},
    "/contributions/{contribution_id}/history": {"get"},
    "/invitations": {"get"},
    "/invitations/{agreement_id}/accept": {"post"},
    "/invitations/{agreement_id}/decline": {"post"},
    "/plans": {"get", "post"},
    "/plans/national": {"get"},
    "/plans/{plan_id}": {"get"},
    "/plans/{plan_id}/schemes/{scheme_id}": {"put", "delete"},
    "/plans/{plan_id}/declarations": {"post"},
    "/plans/{plan_id}/justifications": {"post"},
    "/plans/{plan_id}/submit": {"post"},
    "/plans/{plan_id}/sign-offs": {"post"},
    "/plans/{plan_id}/checklist": {"get"},
    "/plans/{plan_id}/diff": {"get"},
    "/agreements/{agreement_id}/ledger/entries": {"post"},
    "/agreements/{agreement_id}/ledger/entries/{transfer_id}": {"get"},
    "/agreements/{agreement_id}/ledger/commitments": {"get", "post"},
    "/agreements/{agreement_id}/ledger/commitments/{reference}/cancel": {"post"},
    "/agreements/{agreement_id}/ledger/contributions": {"post"},
    "/agreements/{agreement_id}/ledger/months": {"get"},
    "/agreements/{agreement_id}/ledger/months/{month}/close": {"post"},
    "/agreements/{agreement_id}/ledger/months/{month}/reopen": {"post"},
    "/agreements/{agreement_id}/ledger/corrections": {"post"},
    "/agreements/{agreement_id}/ledger/schemes": {"get", "post"},
    "/ledger/check": {"get"},
    # ledger: monitoring
    "/agreements/{agreement_id}/ledger/monitoring": {"get"},
    "/agreements/{agreement_id}/ledger/lines": {"get"},
    "/ledger/national": {"get"},
    "/agreements/{agreement_id}/ledger/forecast-overrides": {"post"},
    "/agreements/{agreement_id}/ledger/forecast-overrides/clear": {"post"},
    "/agreements/{agreement_id}/ledger/variance-notes": {"post"},
    "/agreements/{agreement_id}/ledger/action-plans": {"post"},
}


@pytest.fixture
def schema(client: Client, db: None) -> dict:
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_openapi_lists_every_path(schema: dict) -> None:
    assert schema["info"]["title"] == "Carepool API"
    assert schema["info"]["version"] == "1"
    assert "Authorization: Bearer" in schema["info"]["description"]
    assert "HTTP Basic" in schema["info"]["description"]
    paths = {p.removeprefix(API): set(ops) for p, ops in schema["paths"].items()}
    assert paths == EXPECTED_PATHS


def test_every_operation_is_described_and_documents_its_errors(schema: dict) -> None:
    operation_ids = []
    for path, operations in schema["paths"].items():
        for method, op in operations.items():
            where = f"{method.upper()} {path}"
            assert op.get("summary"), where
            assert op.get("description"), where
            assert op.get("tags"), where
            assert op["security"] == [{"BearerAuth": []}, {"BasicAuth": []}, {"SessionAuth": []}]
            codes = set(op["responses"])
            assert "401" in codes, where
            if "{" in path:
                assert "404" in codes, where
            if method != "get":
                assert {"403", "422"} <= codes, where
            for code in codes & {"401", "403", "404", "422"}:
                assert op["responses"][code]["content"]["application/json"]["schema"], where
            operation_ids.append(op["operationId"])
    assert len(operation_ids) == len(set(operation_ids))


def test_every_way_of_signing_in_is_described(schema: dict) -> None:
    schemes = schema["components"]["securitySchemes"]
    assert schemes["BearerAuth"] == {"type": "http", "scheme": "bearer"}
    assert schemes["BasicAuth"] == {"type": "http", "scheme": "basic"}
    assert schemes["SessionAuth"]["in"] == "cookie"


def test_money_is_never_a_number_in_responses(schema: dict) -> None:
    contribution = schema["components"]["schemas"]["ContributionOut"]["properties"]
    assert contribution["amount"]["type"] == "string"
    assert contribution["original_amount"]["type"] == "string"


def test_openapi_document_is_valid(schema: dict) -> None:
    validator = pytest.importorskip("openapi_spec_validator")
    validator.validate(schema)


def test_docs_page_loads(client: Client, db: None) -> None:
    response = client.get(f"{API}/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Carepool API</title>" in html
    assert f"{API}/openapi.json" in html
    assert "swagger-ui-bundle.js" in html


def test_docs_use_ninjas_own_files_when_ninja_is_installed(client: Client, db: None) -> None:
    with modify_settings(INSTALLED_APPS={"append": "ninja"}):
        html = client.get(f"{API}/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn.jsdelivr.net" not in html
