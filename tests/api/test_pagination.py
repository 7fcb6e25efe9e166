"""Lists come a page at a time, in one envelope: {"items": [...], "count": N}."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from carepool.agreements import services as agreement_services
from carepool.agreements.models import Agreement
from tests.api.helpers import API, ApiClient
from tests.factories import SYSTEM, World

SignIn = Callable[..., ApiClient]

LISTS = [
    "/agreements",
    "/organisations",
    "/areas",
    "/agreements/{agreement}/history",
    "/contributions/{contribution}/history",
    "/organisations/QWO/history",
]


def path_for(template: str, world: World) -> str:
    return template.format(agreement=world.agreement.pk, contribution=world.ibcf.pk)


@pytest.mark.parametrize("template", LISTS)
def test_every_list_is_an_envelope_with_the_count_of_all_pages(
    api_as: SignIn, world: World, template: str
) -> None:
    api = api_as(world.assurer)
    everything = api.get(path_for(template, world)).json()
    assert set(everything) == {"items", "count"}
    assert everything["count"] == len(everything["items"]) >= 1
    first = api.get(path_for(template, world), page=1, page_size=1).json()
    assert first == {"items": everything["items"][:1], "count": everything["count"]}
    past_the_end = api.get(path_for(template, world), page=999, page_size=1).json()
    assert past_the_end == {"items": [], "count": everything["count"]}


def test_pages_follow_on_newest_first(api_as: SignIn, world: World) -> None:
    for board in ("First board", "Second board", "Third board"):
        current = Agreement.objects.get(pk=world.agreement.pk)
        agreement_services.update_agreement(
            SYSTEM, current.pk, {"governing_board": board}, current.version
        )
    api = api_as(world.viewer)
    url = f"/agreements/{world.agreement.pk}/history"
    whole = api.get(url).json()
    pages = [api.get(url, page=n, page_size=2).json() for n in (1, 2, 3)]
    assert [p["count"] for p in pages] == [6, 6, 6]  # creation, 2 contributions, 3 changes
    assert [e for p in pages for e in p["items"]] == whole["items"]
    assert "Third board" in str(whole["items"][0]["changes"])
    assert "Third board" not in str(whole["items"][-1]["changes"])


def test_page_size_is_fifty_unless_asked_and_at_most_five_hundred(
    api_as: SignIn, world: World
) -> None:
    for i in range(55):
        current = Agreement.objects.get(pk=world.agreement.pk)
        agreement_services.update_agreement(
            SYSTEM, current.pk, {"governing_board": f"Board {i}"}, current.version
        )
    api = api_as(world.viewer)
    url = f"/agreements/{world.agreement.pk}/history"
    assert len(api.get(url).json()["items"]) == 50
    assert len(api.get(url, page=2).json()["items"]) == 58 - 50
    assert len(api.get(url, page_size=1000).json()["items"]) == 58


@pytest.mark.parametrize("query", [{"page": 0}, {"page": "x"}, {"page_size": 0}])
def test_nonsense_page_numbers_are_refused(api_as: SignIn, world: World, query: dict) -> None:
    response = api_as(world.viewer).get("/agreements", **query)
    assert response.status_code == 422


def test_lists_are_described_as_paged_in_openapi(client: Client, db: None) -> None:
    schema = client.get(f"{API}/openapi.json").json()
    operation = schema["paths"][f"{API}/agreements"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert {"page", "page_size"} <= names
    ok = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    paged = schema["components"]["schemas"][ok.rsplit("/", 1)[1]]
    assert set(paged["properties"]) == {"items", "count"}
