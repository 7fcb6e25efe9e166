"""Every main page and API read runs a number of queries that does not grow with the data.

Each test reads a page once to warm caches, counts the queries of a second read, grows the
data (more variations, contributions, partners, agreements, population rows), and asserts the
third read runs exactly as many queries. Counting against a fixed number would break with any
unrelated change; comparing N with 3N only breaks when a query runs per row (an N+1).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from itertools import count

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from carepool.agreements import services as agreement_services
from carepool.agreements.models import (
    Agreement,
    AgreementPartner,
    Contribution,
    ContributionVariation,
    PartnerStatus,
)
from carepool.organisations.models import Organisation
from tests.factories import SYSTEM, World, populations

_serial = count(1)

# (year, stream, mandated) combinations free in the world's agreement for any new partner.
_SLOTS = [
    (year, stream, mandated)
    for year in ("2024-25", "2025-26", "2026-27")
    for stream, mandated in (("other_partner", False), ("additional_nhs", False))
]


def _grow(world: World, times: int) -> None:
    """Add ``times`` of everything a page lists: variations, contributions, partners,
    agreements, approvals-free invitations and population years."""
    agreement = world.agreement
    for _ in range(times):
        n = next(_serial)
        # Through the service, so the audit trail (shown on the pages) grows too.
        agreement_services.vary_contribution(
            SYSTEM,
            world.nhs_min.pk,
            {
                "effective_date": (dt.date(2024, 5, 1) + dt.timedelta(days=n)).isoformat(),
                "change": f"{n}.00",
                "reason": f"Growth {n}",
            },
        )
        partner = Organisation.objects.create(
            code=f"GROW{n}", name=f"Growth partner {n}", org_type="voluntary", code_system="local"
        )
        AgreementPartner.objects.create(
            agreement=agreement, organisation=partner, status=PartnerStatus.ACCEPTED
        )
        for year, stream, mandated in _SLOTS[: 1 + n % len(_SLOTS)]:
            c = Contribution.objects.create(
                agreement=agreement,
                year=year,
                partner=partner,
                stream_code=stream,
                mandated=mandated,
                original_amount_pence=1_000_00 * n,
                frequency="quarterly",
            )
            ContributionVariation.objects.create(
                contribution=c,
                effective_date=dt.date(int(year[:4]), 6, 1),
                change_pence=-100,
                reason="Growth",
            )
        # Another agreement the finance officer's council is party to, hosted by the council.
        other = Agreement.objects.create(
            title=f"Leeds pool {n}",
            area=world.leeds_area,
            arrangement_type="pooled_fund",
            host=world.council,
            start_date=dt.date(2024, 4, 1),
            end_date=dt.date(2027, 3, 31),
        )
        for org in (world.council, world.icb, partner):
            AgreementPartner.objects.create(
                agreement=other, organisation=org, status=PartnerStatus.ACCEPTED
            )
        other.auditors.add(world.audit_body)
        Contribution.objects.create(
            agreement=other,
            year="2024-25",
            partner=world.council,
            stream_code="ibcf",
            mandated=True,
            original_amount_pence=5_000_00,
            frequency="annually",
        )
        # An invitation waiting for the council, so the home page lists more of them.
        invited = Agreement.objects.create(
            title=f"Invitation {n}",
            area=world.leeds_area,
            arrangement_type="pooled_fund",
            host=world.icb,
            start_date=dt.date(2024, 4, 1),
            end_date=dt.date(2027, 3, 31),
        )
        AgreementPartner.objects.create(
            agreement=invited, organisation=world.icb, status=PartnerStatus.ACCEPTED
        )
        AgreementPartner.objects.create(
            agreement=invited, organisation=world.council, status=PartnerStatus.INVITED
        )
        grown = getattr(world, "grown", 0) + 1
        world.grown = grown  # type: ignore[attr-defined]
        populations(world.leeds_area.code, 2000 + grown)


def _queries(read: Callable[[], object]) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as ctx:
        response = read()
    assert getattr(response, "status_code", 200) == 200, response
    return len(ctx.captured_queries), [q["sql"] for q in ctx.captured_queries]


def assert_flat(world: World, read: Callable[[], object]) -> None:
    _grow(world, 1)
    read()  # warm: rules, sessions, anything cached once per process
    small, _ = _queries(read)
    _grow(world, 2)
    large, large_sql = _queries(read)
    assert small == large, (
        f"{small} queries with N rows, {large} with 3N: a query runs per row\n"
        + "\n".join(large_sql)
    )


# web ------------------------------------------------------------------------------------

WEB_PAGES: dict[str, Callable[[World], str]] = {
    "home": lambda w: "/",
    "agreements": lambda w: "/agreements/",
    "agreement": lambda w: f"/agreements/{w.agreement.pk}/",
    "contribution": lambda w: f"/contributions/{w.nhs_min.pk}/",
    "organisation": lambda w: f"/organisations/{w.council.code}/",
    "organisations": lambda w: "/organisations/",
    "area": lambda w: f"/areas/{w.leeds_area.code}/",
    "areas": lambda w: "/areas/",
}


@pytest.mark.parametrize("page", sorted(WEB_PAGES))
@pytest.mark.parametrize("who", ["finance", "assurer"])
def test_web_page_queries_do_not_grow(world: World, client: Client, page: str, who: str) -> None:
    client.force_login(getattr(world, who))
    url = WEB_PAGES[page](world)
    assert_flat(world, lambda: client.get(url))


# API ------------------------------------------------------------------------------------

API_READS: dict[str, Callable[[World], str]] = {
    "agreements": lambda w: "/agreements",
    "agreement": lambda w: f"/agreements/{w.agreement.pk}",
    "completeness": lambda w: f"/agreements/{w.agreement.pk}/completeness",
    "agreement history": lambda w: f"/agreements/{w.agreement.pk}/history",
    "invitations": lambda w: "/invitations",
    "contributions": lambda w: f"/agreements/{w.agreement.pk}/contributions",
    "contribution": lambda w: f"/contributions/{w.nhs_min.pk}",
    "contribution history": lambda w: f"/contributions/{w.nhs_min.pk}/history",
    "organisations": lambda w: "/organisations",
    "organisation": lambda w: f"/organisations/{w.council.code}",
    "organisation history": lambda w: f"/organisations/{w.council.code}/history",
    "areas": lambda w: "/areas",
    "area": lambda w: f"/areas/{w.leeds_area.code}",
    "population": lambda w: f"/areas/{w.leeds_area.code}/population?year=2024-25",
    "funding streams": lambda w: "/funding-streams?year=2024-25",
    "me": lambda w: "/me",
}


@pytest.mark.parametrize("read", sorted(API_READS))
def test_api_read_queries_do_not_grow(world: World, client: Client, read: str) -> None:
    client.force_login(world.finance)
    url = "/api/v1" + API_READS[read](world)
    assert_flat(world, lambda: client.get(url))
