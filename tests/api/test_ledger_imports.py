"""POST and GET /api/v1/agreements/{id}/ledger/imports."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from carepool.accounts.models import User
from carepool.ledger.models import Transfer
from tests.api.helpers import API, ApiClient
from tests.factories import World
from tests.ledger.helpers import COUNCIL, csv_bytes, line, schemes

pytestmark = pytest.mark.django_db


def upload(api: ApiClient, agreement_id: int, data: bytes, **fields: str) -> object:
    body = {
        "file": SimpleUploadedFile("october.csv", data, content_type="text/csv"),
        "month": "2024-10",
        "source": COUNCIL,
        **fields,
    }
    return api.client.post(
        f"{API}/agreements/{agreement_id}/ledger/imports", body, headers=api.headers
    )


def test_import_list_and_refusals(world: World, api_as: Callable[[User], ApiClient]) -> None:
    schemes(world)
    api = api_as(world.finance)
    good = csv_bytes([line(), line(reference="INV-2", amount="10.25")])
    created = upload(api, world.agreement.pk, good)
    assert created.status_code == 201, created.content  # type: ignore[attr-defined]
    body = created.json()  # type: ignore[attr-defined]
    assert (body["rows"], body["total"], body["unchanged"], body["period"]) == (
        2,
        "110.25",
        False,
        "October 2024",
    )
    again = upload(api, world.agreement.pk, good)
    assert again.status_code == 200 and again.json()["unchanged"] is True  # type: ignore[attr-defined]

    bad = upload(
        api, world.agreement.pk, csv_bytes([line(amount="x"), line(scheme="S9")]), replace="true"
    )
    assert bad.status_code == 422  # type: ignore[attr-defined]
    fields = [e["field"] for e in bad.json()["errors"]]  # type: ignore[attr-defined]
    assert fields == [
        "october.csv: line 2, amount",
        "october.csv: line 3, scheme",
    ]
    assert Transfer.objects.count() == 2

    changed = upload(api, world.agreement.pk, csv_bytes([line(amount="5")]), replace="true")
    assert changed.status_code == 201  # type: ignore[attr-defined]
    assert changed.json()["replaced_batch_id"] == body["batch_id"]  # type: ignore[attr-defined]

    listed = api.get(f"/agreements/{world.agreement.pk}/ledger/imports")
    assert listed.status_code == 200
    items = listed.json()["items"]
    assert [(i["rows"], i["active"]) for i in items] == [(1, True), (2, False)]
    assert items[1]["replaced_by"] == items[0]["id"]

    viewer = api_as(world.viewer)
    assert upload(viewer, world.agreement.pk, good).status_code == 403  # type: ignore[attr-defined]
    outsider = api_as(world.outsider)
    assert outsider.get(f"/agreements/{world.agreement.pk}/ledger/imports").status_code == 404
