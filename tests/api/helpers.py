"""Helpers for the HTTP API tests: a JSON client and a "nothing changed" snapshot."""

from __future__ import annotations

import base64
import json
from typing import Any

from django.test import Client

from carepool.agreements.models import (
    Agreement,
    AgreementPartner,
    Contribution,
    ContributionVariation,
)
from carepool.agreements.services import agreement_snapshot
from carepool.audit.models import AuditEvent
from carepool.organisations.models import Organisation
from carepool.signoff.models import SignOff
from tests.factories import PASSWORD, World

API = "/api/v1"


class ApiClient:
    """Django's test client speaking JSON to the API, signed in as one user (or nobody)."""

    def __init__(self, client: Client) -> None:
        self.client = client
        self.headers: dict[str, str] = {}

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(API + path, params, headers=self.headers)

    def post(self, path: str, body: Any = None) -> Any:
        return self._send("post", path, body)

    def patch(self, path: str, body: Any = None) -> Any:
        return self._send("patch", path, body)

    def delete(self, path: str) -> Any:
        return self.client.delete(API + path, headers=self.headers)

    def approve(self, agreement_id: int, version: int | None = None) -> Any:
        """Approve the agreement, naming the version read (its current one by default)."""
        if version is None:
            version = Agreement.objects.values_list("version", flat=True).get(pk=agreement_id)
        return self.client.post(
            f"{API}/agreements/{agreement_id}/approvals",
            "",
            content_type="application/json",
            headers={**self.headers, "If-Match": f'"{version}"'},
        )

    def _send(self, method: str, path: str, body: Any) -> Any:
        data = "" if body is None else json.dumps(body)
        send = getattr(self.client, method)
        return send(API + path, data, content_type="application/json", headers=self.headers)


def basic_header(username: str, password: str = PASSWORD) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


def state(world: World) -> dict[str, Any]:
    """Everything a refused request must leave exactly as it was."""
    world.agreement.refresh_from_db()
    world.kent_agreement.refresh_from_db()
    return {
        "counts": {
            model.__name__: model.objects.count()
            for model in (
                Agreement,
                AgreementPartner,
                Contribution,
                ContributionVariation,
                SignOff,
                Organisation,
                AuditEvent,
            )
        },
        "agreements": [agreement_snapshot(a) for a in (world.agreement, world.kent_agreement)],
        "contributions": sorted(
            (c.pk, c.original_amount_pence, c.frequency) for c in Contribution.objects.all()
        ),
        "organisations": sorted(Organisation.objects.values_list("code", "name", "org_type")),
        "sign_offs": sorted(SignOff.objects.values_list("pk", "withdrawn_at")),
        "last_event": AuditEvent.objects.order_by("-id").values_list("id", flat=True).first(),
    }


def fields(response: Any) -> list[str]:
    assert response.status_code == 422, response.content
    return [e["field"] for e in response.json()["errors"]]
