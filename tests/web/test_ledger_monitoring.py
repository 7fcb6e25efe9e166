"""The monitoring pages: the report with its chart and data table, the flag every partner
sees, the forms (offered to editors only, errors beside the fields), the drill-down and the
national report."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from carepool.agreements.models import Agreement
from carepool.ledger.models import ActionPlan, ForecastOverride, VarianceNote
from tests.factories import World
from tests.ledger.monitoring_builders import COUNCIL, FIRST_HALF, ICB, monthly, post
from tests.web.helpers import field_error, text

pytestmark = pytest.mark.django_db

Login = Callable[[str], Client]


@pytest.fixture
def spent(world: World) -> World:
    post(world.agreement, monthly("S01", COUNCIL, 1_000, FIRST_HALF))
    post(world.agreement, monthly("S02", ICB, 10, (202405,)))
    return world


def url(world: World, tail: str = "") -> str:
    return f"/agreements/{world.agreement.pk}/monitoring/{tail}"


def test_the_page_shows_figures_chart_and_method(login: Login, spent: World) -> None:
    page = text(login("viewer").get(url(spent), {"year": "2024-25"}))
    assert "Monitoring 2024-25 as at September 2024" in page
    assert 'role="img"' in page
    assert '<title id="chart-title">' in page
    assert 'id="chart-data"' in page
    assert "£12,000.00" in page  # S01's forecast
    assert "Run rate" in page
    assert "partners&#39; contributions" in page or "partners' contributions" in page
    assert "Not flagged" in page
    assert "Without a threshold in the agreement, any forecast overspend flags the pool" in page
    assert "Override a scheme" not in page  # a viewer sees no forms
    assert 'href="/agreements/' in page and "monitoring/lines/?year=2024-25&scheme=S01" in page


def test_the_agreement_page_links_to_monitoring(login: Login, spent: World) -> None:
    page = text(login("viewer").get(f"/agreements/{spent.agreement.pk}/"))
    assert url(spent) in page


def test_every_partner_sees_the_flag(login: Login, spent: World) -> None:
    Agreement.objects.filter(pk=spent.agreement.pk).update(overspend_threshold_pence=100)
    post(spent.agreement, monthly("S01", COUNCIL, 100_000_000, (202409,)))
    for who in ("viewer", "finance", "auditor"):
        page = text(login(who).get(url(spent), {"year": "2024-25"}))
        assert "The pool is flagged for overspend" in page
        assert "An action plan is required for September 2024" in page


def test_as_at_chooses_the_month(login: Login, spent: World) -> None:
    page = text(login("viewer").get(url(spent), {"year": "2024-25", "as_at": "2024-05"}))
    assert "as at May 2024" in page
    # A month outside the year is ignored (the default month is shown).
    page = text(login("viewer").get(url(spent), {"year": "2024-25", "as_at": "2030-01"}))
    assert "as at September 2024" in page


def test_outsiders_get_not_found(login: Login, spent: World) -> None:
    client = login("outsider")
    assert client.get(url(spent)).status_code == 404
    assert client.get(url(spent, "lines/")).status_code == 404
    assert client.post(url(spent, "action-plan/"), {"text": "x"}).status_code == 404


def test_the_forms_save_and_redirect(login: Login, spent: World) -> None:
    client = login("finance")
    page = text(client.get(url(spent), {"year": "2024-25"}))
    assert "Override a scheme" in page
    base = {"year": "2024-25", "as_at": "2024-09"}
    done = client.post(
        url(spent, "override/"), {**base, "scheme": "S01", "amount": "20000", "reason": "New"}
    )
    assert done.status_code == 302
    assert ForecastOverride.objects.get().amount_pence == 20_000_00
    page = text(client.get(done["Location"]))
    assert "Forecast outturn of S01 set" in page
    assert "Override reason: New" in page
    assert client.post(url(spent, "override/"), {**base, "clear": "S01"}).status_code == 302
    assert not ForecastOverride.objects.exists()
    client.post(
        url(spent, "variance/"), {**base, "month": "2024-09", "scheme": "S01", "text": "Up"}
    )
    assert VarianceNote.objects.get().text == "Up"
    client.post(url(spent, "action-plan/"), {**base, "month": "2024-09", "text": "Plan"})
    assert ActionPlan.objects.get().text == "Plan"


def test_a_refused_form_comes_back_with_errors_beside_its_fields(
    login: Login, spent: World
) -> None:
    client = login("finance")
    response = client.post(
        url(spent, "override/"),
        {"year": "2024-25", "as_at": "2024-09", "scheme": "S01", "amount": "1.234", "reason": ""},
    )
    assert response.status_code == 400
    page = text(response)
    assert "two decimal places" in field_error(page, "override-amount")
    assert "Enter the reason" in field_error(page, "override-reason")
    assert 'href="#override-amount"' in page
    assert not ForecastOverride.objects.exists()


def test_viewers_cannot_write(login: Login, spent: World) -> None:
    response = login("viewer").post(
        url(spent, "variance/"),
        {"year": "2024-25", "month": "2024-09", "scheme": "S01", "text": "x"},
    )
    assert response.status_code == 403
    assert not VarianceNote.objects.exists()


def test_drill_down_lists_lines_newest_first(login: Login, spent: World) -> None:
    client = login("viewer")
    page = text(client.get(url(spent, "lines/"), {"year": "2024-25", "scheme": "S01"}))
    assert "6 lines, newest first" in page
    assert page.index("15 Sep 2024") < page.index("15 Aug 2024")
    assert "INV-S01-E08000035-202409" in page
    may = text(client.get(url(spent, "lines/"), {"year": "2024-25", "month": "2024-05"}))
    assert "2 lines" in may


def test_national_report(login: Login, spent: World) -> None:
    page = text(login("assurer").get("/ledger/national/", {"year": "2024-25"}))
    assert "National monitoring 2024-25 as at September 2024" in page
    assert "Leeds" in page and "Kent" in page
    mine = text(login("viewer").get("/ledger/national/", {"year": "2024-25"}))
    assert "Kent" not in mine
