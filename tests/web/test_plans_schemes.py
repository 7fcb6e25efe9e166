"""The scheme editor: add, change and remove a plan's schemes through the web."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from carepool.plans import selectors, services
from tests.factories import World
from tests.web.helpers import field_error, text
from tests.web.test_plans_pages import login, scheme, snapshot, start, web  # noqa: F401

pytestmark = pytest.mark.django_db


def form(**overrides: str) -> dict[str, str]:
    data = {
        "scheme_id": "S03",
        "name": "Carers' breaks",
        "description": "Short breaks for unpaid carers",
        "scheme_type": "home_care",
        "sub_type": "",
        "area_of_spend": "social_care",
        "provider_type": "voluntary",
        "new": "new",
        "commissioner-1": "E08000035",
        "percent-1": "60",
        "commissioner-2": "QWO",
        "percent-2": "40",
        "stream-nhs_minimum": "1500000.00",
        "outputs": "2000 breaks: Short breaks\n300 carers: Carers supported",
        "metrics": "",
    }
    data.update(overrides)
    return data


def test_a_finance_officer_adds_a_jointly_commissioned_scheme(
    world: World,
    login: Callable[[Any], Client],  # noqa: F811
) -> None:
    plan = start(world)
    client = login("finance")
    page = text(client.get(f"/plans/{plan.pk}/schemes/new/"))
    assert 'id="stream-nhs_minimum"' in page
    assert 'name="commissioner-3"' in page
    plan.refresh_from_db()
    response = client.post(f"/plans/{plan.pk}/schemes/new/", {**form(), "version": plan.version})
    assert response.status_code == 302, text(response)
    assert response["Location"].endswith("#scheme-S03")
    added = selectors.content_of(selectors.current_version(plan)).schemes[-1]
    assert added.scheme_id == "S03"
    assert [(c.organisation, str(c.percent)) for c in added.commissioners] == [
        ("E08000035", "60"),
        ("QWO", "40"),
    ]
    assert added.total.pence == 150_000_000
    assert [o.description for o in added.outputs] == ["Short breaks", "Carers supported"]
    assert "Carers' breaks" in text(client.get(f"/plans/{plan.pk}/"))


def test_bad_input_is_refused_beside_each_field_in_form_order_and_nothing_changes(
    world: World,
    login: Callable[[Any], Client],  # noqa: F811
) -> None:
    plan = start(world)
    plan.refresh_from_db()
    before = snapshot()
    response = login("finance").post(
        f"/plans/{plan.pk}/schemes/new/",
        {
            **form(
                name="",
                **{"stream-nhs_minimum": "12.345", "outputs": "lots of hours"},
            ),
            "version": plan.version,
        },
    )
    page = text(response)
    assert response.status_code == 400
    assert "nhsuk-error-summary" in page
    for field_id in ("name", "stream-nhs_minimum", "outputs"):
        assert f'href="#{field_id}"' in page
        assert field_error(page, field_id)
    assert page.index('href="#name"') < page.index('href="#stream-nhs_minimum"')
    assert page.index('href="#stream-nhs_minimum"') < page.index('href="#outputs"')
    assert "quantity unit: description" in page or "1150000 hours" in page
    assert "lots of hours" in page  # what the person typed is kept
    assert snapshot() == before


def test_a_scheme_id_already_in_the_plan_is_refused(
    world: World,
    login: Callable[[Any], Client],  # noqa: F811
) -> None:
    plan = start(world)
    plan.refresh_from_db()
    before = snapshot()
    response = login("finance").post(
        f"/plans/{plan.pk}/schemes/new/", {**form(scheme_id="S01"), "version": plan.version}
    )
    assert response.status_code == 400
    assert "already has a scheme S01" in field_error(text(response), "scheme_id")
    assert snapshot() == before


def test_changing_a_scheme_keeps_its_id_and_a_stale_form_gets_a_conflict_page(
    world: World,
    login: Callable[[Any], Client],  # noqa: F811
) -> None:
    plan = start(world)
    client = login("finance")
    page = text(client.get(f"/plans/{plan.pk}/schemes/S02/edit/"))
    assert 'value="Reablement at home"' in page
    assert 'value="35000000.01"' in page
    plan.refresh_from_db()
    stale = plan.version
    services.put_scheme(web(world.finance), plan.pk, scheme("S04", name="Falls prevention"))
    before = snapshot()
    post = {
        "name": "Reablement at home, extended",
        "description": "More hours",
        "scheme_type": "reablement_at_home",
        "area_of_spend": "social_care",
        "provider_type": "council",
        "new": "existing",
        "commissioner-1": "E08000035",
        "stream-ibcf": "35000000.01",
        "version": stale,
    }
    response = client.post(f"/plans/{plan.pk}/schemes/S02/edit/", post)
    assert response.status_code == 409
    assert "Reablement at home, extended" in text(response)
    assert snapshot() == before
    plan.refresh_from_db()
    response = client.post(f"/plans/{plan.pk}/schemes/S02/edit/", {**post, "version": plan.version})
    assert response.status_code == 302, text(response)
    schemes = selectors.content_of(selectors.current_version(plan)).schemes
    assert [s.scheme_id for s in schemes] == ["S01", "S02", "S04"]
    assert schemes[1].name == "Reablement at home, extended"
    assert client.get(f"/plans/{plan.pk}/schemes/S99/edit/").status_code == 404


def test_removing_a_scheme_asks_first(world: World, login: Callable[[Any], Client]) -> None:  # noqa: F811
    plan = start(world)
    client = login("finance")
    page = text(client.get(f"/plans/{plan.pk}/schemes/S02/remove/"))
    assert "Yes, remove it" in page
    plan.refresh_from_db()
    response = client.post(f"/plans/{plan.pk}/schemes/S02/remove/", {"version": plan.version})
    assert response.status_code == 302
    schemes = selectors.content_of(selectors.current_version(plan)).schemes
    assert [s.scheme_id for s in schemes] == ["S01"]


def test_the_editor_is_refused_up_front_to_a_viewer_and_hidden_from_an_outsider(
    world: World,
    login: Callable[[Any], Client],  # noqa: F811
) -> None:
    plan = start(world)
    client = login("viewer")
    assert client.get(f"/plans/{plan.pk}/schemes/new/").status_code == 403
    assert client.get(f"/plans/{plan.pk}/schemes/S01/edit/").status_code == 403
    assert client.get(f"/plans/{plan.pk}/schemes/S01/remove/").status_code == 403
    before = snapshot()
    assert client.post(f"/plans/{plan.pk}/schemes/new/", form()).status_code == 403
    assert snapshot() == before
    client = login("outsider")
    assert client.get(f"/plans/{plan.pk}/schemes/new/").status_code == 404
