"""Every query is scoped: outsiders get 404 everywhere, auditors read but never write."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.api.helpers import ApiClient, state
from tests.factories import World

SignIn = Callable[..., ApiClient]

# (method, path, body) for every endpoint that takes an agreement or contribution id
BY_ID = [
    ("get", "/agreements/{agreement}", None),
    ("patch", "/agreements/{agreement}", {"aims": "Taken over"}),
    ("delete", "/agreements/{agreement}", None),
    ("get", "/agreements/{agreement}/completeness", None),
    ("get", "/agreements/{agreement}/history", None),
    ("get", "/agreements/{agreement}/contributions", None),
    ("get", "/agreements/{agreement}/contributions?year=2024-25", None),
    (
        "post",
        "/agreements/{agreement}/contributions",
        {
            "year": "2024-25",
            "partner": "E08000035",
            "funding_stream": "dfg",
            "mandated": True,
            "amount": "1",
        },
    ),
    ("post", "/agreements/{agreement}/approvals", None),
    ("get", "/contributions/{contribution}", None),
    ("get", "/contributions/{contribution}/history", None),
    ("patch", "/contributions/{contribution}", {"frequency": "monthly"}),
    ("delete", "/contributions/{contribution}", None),
    (
        "post",
        "/contributions/{contribution}/variations",
        {"effective_date": "2024-10-01", "change": "-1.00", "reason": "Taken"},
    ),
]


def _send(api: ApiClient, world: World, method: str, path: str, body: object) -> object:
    path = path.format(agreement=world.agreement.pk, contribution=world.nhs_min.pk)
    if method == "get":
        return api.client.get("/api/v1" + path, headers=api.headers)
    if method == "delete":
        return api.delete(path)
    return getattr(api, method)(path, body)


@pytest.mark.parametrize(("method", "path", "body"), BY_ID)
def test_an_outsider_gets_404_and_learns_nothing(
    api_as: SignIn, world: World, method: str, path: str, body: object
) -> None:
    before = state(world)
    response = _send(api_as(world.outsider), world, method, path, body)
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found"}
    content = response.content.decode()
    assert "Leeds" not in content and "QWO" not in content
    assert state(world) == before


@pytest.mark.parametrize(("method", "path", "body"), BY_ID)
def test_an_outsider_using_basic_auth_gets_404_too(
    basic_as: SignIn, world: World, method: str, path: str, body: object
) -> None:
    response = _send(basic_as(world.outsider), world, method, path, body)
    assert response.status_code == 404
    assert "Leeds" not in response.content.decode()


def test_an_unknown_id_is_404_like_a_hidden_one(api_as: SignIn, world: World) -> None:
    api = api_as(world.finance)
    assert api.get("/agreements/999999").json() == {"detail": "Not found"}
    assert api.get("/contributions/999999").status_code == 404


def test_an_id_that_is_not_a_number_names_the_field(api_as: SignIn, world: World) -> None:
    response = api_as(world.finance).get("/agreements/leeds")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "agreement_id"


def test_lists_are_scoped(api_as: SignIn, world: World) -> None:
    def titles(user: object) -> set[str]:
        response = api_as(user).get("/agreements")
        assert response.status_code == 200
        return {a["title"] for a in response.json()["items"]}

    leeds, kent = world.agreement.title, world.kent_agreement.title
    assert titles(world.outsider) == {kent}
    assert titles(world.assurer) == {leeds, kent}
    assert titles(world.auditor) == {leeds}
    assert titles(world.viewer) == {leeds}
    assert titles(world.finance) == {leeds}


def test_an_organisation_lists_only_agreements_the_user_may_see(
    api_as: SignIn, world: World
) -> None:
    def listed(user: object, code: str) -> list[str]:
        response = api_as(user).get(f"/organisations/{code}")
        assert response.status_code == 200
        return [a["title"] for a in response.json()["agreements"]]

    assert listed(world.outsider, "QWO") == []
    assert listed(world.finance, "QWO") == [world.agreement.title]
    assert listed(world.assurer, "E10000016") == [world.kent_agreement.title]
    assert listed(world.finance, "E10000016") == []


def test_the_assurer_reads_every_area(api_as: SignIn, world: World) -> None:
    api = api_as(world.assurer)
    for agreement in (world.agreement, world.kent_agreement):
        assert api.get(f"/agreements/{agreement.pk}").json()["title"] == agreement.title
        assert api.get(f"/agreements/{agreement.pk}/history").status_code == 200
    assert api.get(f"/contributions/{world.ibcf.pk}").status_code == 200


def test_the_auditor_reads_everything_in_the_agreement_they_audit(
    api_as: SignIn, world: World
) -> None:
    api = api_as(world.auditor)
    pk = world.agreement.pk
    assert api.get(f"/agreements/{pk}").json()["title"] == world.agreement.title
    assert api.get(f"/agreements/{pk}/completeness").status_code == 200
    history = api.get(f"/agreements/{pk}/history").json()["items"]
    assert {e["object_type"] for e in history} >= {"agreement", "contribution"}
    assert len(api.get(f"/agreements/{pk}/contributions").json()["contributions"]) == 2
    assert api.get(f"/contributions/{world.nhs_min.pk}").status_code == 200
    assert api.get(f"/agreements/{world.kent_agreement.pk}").status_code == 404


WRITES = [entry for entry in BY_ID if entry[0] != "get"]


@pytest.mark.parametrize(("method", "path", "body"), WRITES)
def test_the_auditor_gets_403_on_every_write(
    api_as: SignIn, world: World, method: str, path: str, body: object
) -> None:
    before = state(world)
    response = _send(api_as(world.auditor), world, method, path, body)
    assert response.status_code == 403
    assert "role" in response.json()["detail"]
    assert state(world) == before


def test_the_auditor_cannot_create_an_agreement(api_as: SignIn, world: World) -> None:
    before = state(world)
    response = api_as(world.auditor).post("/agreements", {"title": "Audit's own"})
    assert response.status_code == 403
    assert response.json() == {"detail": "You need the finance officer role to create agreements"}
    assert state(world) == before
