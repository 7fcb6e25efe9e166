"""Money at a glance (shares, the agreements list with amounts, status and filters, the
assurer's home) and long pages cut down (the latest history, the full trail in pages)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from carepool.agreements import services as agreement_services
from carepool.agreements import summaries
from carepool.agreements.models import Agreement
from tests.factories import SYSTEM, World, agreement_data
from tests.web.helpers import text

pytestmark = pytest.mark.django_db


def row_of(page: str, marker: str) -> str:
    start = page.index(marker)
    return page[start : page.index("</tr>", start)]


def plain(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def history_rows(page: str) -> int:
    """How many changes a history table shows (each row's "When" cell is labelled)."""
    return page.count('aria-hidden="true">When </span>')


def churn(agreement: Agreement, times: int) -> None:
    """Record ``times`` changes to the agreement's governing board."""
    for i in range(times):
        current = Agreement.objects.get(pk=agreement.pk)
        agreement_services.update_agreement(
            SYSTEM, agreement.pk, {"governing_board": f"Board {i}"}, current.version
        )


# --- shares -------------------------------------------------------------------------------


def test_totals_by_partner_show_each_share_of_the_pool(login, world: World):
    page = text(login("viewer").get(reverse("web:agreement", args=[world.agreement.pk])))
    table = page[page.index('id="shares-2024-25"') :]
    table = table[: table.index("</table>")]
    # 60,000,000.00 and 35,000,000.01 of 95,000,000.01: 63.157...% and 36.842...%
    assert "Share of the pool" in table
    assert re.search(r'data-share="NHS West Yorkshire Integrated Care Board">63\.2%<', table)
    assert re.search(r'data-share="Leeds City Council">36\.8%<', table)


# --- the agreements list ------------------------------------------------------------------


def test_list_shows_money_and_status_of_each_agreement(login, world: World):
    page = text(login("assurer").get(reverse("web:agreements")))
    leeds = plain(row_of(page, f'data-agreement="{world.agreement.pk}"'))
    assert "£95,000,000.01" in leeds and "in 2024-25" in leeds
    assert "Incomplete" in leeds  # the world's agreement misses items a complete one states
    assert "0 of 3" in leeds
    kent = plain(row_of(page, f'data-agreement="{world.kent_agreement.pk}"'))
    assert "None yet" in kent
    assert re.search(r'data-year="2024-25">£95,000,000.01<', page)


def test_list_filters_by_title_area_year_and_status(login, world: World):
    client = login("assurer")

    def listed(**query: str) -> set[int]:
        page = text(client.get(reverse("web:agreements"), query))
        return {int(pk) for pk in re.findall(r'data-agreement="(\d+)"', page)}

    both = {world.agreement.pk, world.kent_agreement.pk}
    assert listed() == both
    assert listed(q="kent better") == {world.kent_agreement.pk}
    assert listed(q="no such words") == set()
    assert listed(area="E08000035") == {world.agreement.pk}
    start = world.agreement.start_date.year
    assert listed(year=f"{start}-{(start + 1) % 100:02d}") == both
    assert listed(year="1999-00") == set()
    assert listed(year="not a year") == both  # an unreadable filter does not filter
    assert listed(status="incomplete") == both
    assert listed(status="approved") == set()
    page = text(client.get(reverse("web:agreements"), {"area": "E10000016"}))
    assert "1 of 2 agreements match." in page
    assert "Clear filters" in page


def test_status_is_approved_when_complete_and_every_partner_approved(world: World):
    (summary,) = [
        s
        for s in summaries.summarise_agreements(Agreement.objects.all())
        if s.agreement.pk == world.agreement.pk
    ]
    assert summary.status == summaries.Status.INCOMPLETE
    assert summary.missing > 0
    assert summary.partners == 3


def test_the_list_reads_a_fixed_number_of_rows_whatever_the_number_of_agreements(
    world: World, django_assert_max_num_queries
):
    for i in range(5):
        agreement_services.create_agreement(SYSTEM, agreement_data(title=f"More {i}"))
    with django_assert_max_num_queries(6):
        found = summaries.summarise_agreements(Agreement.objects.order_by("title"))
    assert len(found) == 7


def test_assurers_home_shows_money_pooled_each_year_and_per_agreement(login, world: World):
    page = text(login("assurer").get(reverse("web:home")))
    assert "Money pooled each year across the agreements you can see" in page
    assert re.search(r'data-year="2024-25">£95,000,000.01<', page)
    assert "£95,000,000.01" in plain(row_of(page, f'data-agreement="{world.agreement.pk}"'))


# --- long pages ---------------------------------------------------------------------------


def test_agreement_page_shows_the_latest_ten_changes_and_links_to_the_full_trail(
    login, world: World
):
    churn(world.agreement, 12)
    client = login("viewer")
    page = text(client.get(reverse("web:agreement", args=[world.agreement.pk])))
    history = page[page.index('id="history"') :]
    assert history_rows(history) == 10
    assert "The 10 most recent changes" in history
    assert reverse("web:agreement_history", args=[world.agreement.pk]) in history
    assert "Board 11" in history and "Board 0 " not in plain(history) + " "


def test_full_trail_is_paginated_fifty_a_page_newest_first(login, world: World):
    churn(world.agreement, 55)
    client = login("viewer")
    url = reverse("web:agreement_history", args=[world.agreement.pk])
    first = text(client.get(url))
    total = 55 + 3  # the churn, plus the creation and two contributions
    assert f"{total} changes, newest first" in first
    assert "page 1 of 2" in first
    assert history_rows(first) == 50
    assert 'class="nhsuk-pagination' in first and f'href="{url}?page=2"' in first
    second = text(client.get(url, {"page": "2"}))
    assert history_rows(second) == total - 50
    assert "Showing 51 to 58" in second
    # A page number beyond the end or not a number shows the nearest real page.
    assert "page 2 of 2" in text(client.get(url, {"page": "99"}))
    assert "page 1 of 2" in text(client.get(url, {"page": "x"}))


def test_full_trail_is_refused_to_those_who_cannot_read_the_agreement(login, world: World):
    response = login("outsider").get(reverse("web:agreement_history", args=[world.agreement.pk]))
    assert response.status_code == 404


def test_organisation_page_shows_latest_changes_and_links_to_its_full_trail(login, world: World):
    from carepool.organisations import services as organisation_services

    for i in range(11):
        org = type(world.vcs).objects.get(pk=world.vcs.pk)
        organisation_services.update_organisation(
            SYSTEM, org.code, {"name": f"Leeds VCS {i}"}, org.version
        )
    client = login("viewer")
    page = text(client.get(reverse("web:organisation", args=[world.vcs.code])))
    link = reverse("web:organisation_history", args=[world.vcs.code])
    assert link in page
    history = text(client.get(link))
    assert "12 changes, newest first" in history


def test_scroll_regions_can_be_reached_by_keyboard_and_are_named(login, world: World):
    page = text(login("viewer").get(reverse("web:organisations")))
    assert re.search(
        r'<div class="app-table-scroll" tabindex="0" role="region" aria-label="[^"]+">', page
    )
    assert '<div class="app-table-scroll">' not in page
