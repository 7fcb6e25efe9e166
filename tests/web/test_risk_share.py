"""Risk-share provisions through the web: chosen by kind, entered without JSON, refused with the
message beside the input, removed after confirming; every write audited as "Web"."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from carepool.agreements.models import Agreement
from carepool.agreements.services import add_risk_share_provision
from carepool.audit.models import Action, AuditEvent, Interface
from carepool.audit.services import Actor
from carepool.core.risk_share import ProvisionKind
from tests.factories import PASSWORD, World
from tests.web.helpers import assert_refused, field_error, state, text

pytestmark = pytest.mark.django_db


def add_url(world: World, kind: str | None = None, agreement: Agreement | None = None) -> str:
    url = reverse("web:risk_share_add", args=[(agreement or world.agreement).pk])
    return url if kind is None else f"{url}?kind={kind}"


def remove_url(world: World, position: int, agreement: Agreement | None = None) -> str:
    return reverse("web:risk_share_remove", args=[(agreement or world.agreement).pk, position])


def stored(world: World) -> list[dict[str, Any]]:
    return Agreement.objects.get(pk=world.agreement.pk).risk_share


def add_provision(world: World, provision: dict[str, Any]) -> None:
    add_risk_share_provision(Actor(world.finance, Interface.WEB), world.agreement.pk, provision)


# --- each kind, through the form ----------------------------------------------------------

# (kind, what the form posts, what the agreement stores). The Leeds agreement's partners are
# Leeds City Council (E08000035), NHS West Yorkshire ICB (QWO) and LEEDS-VCS.
KINDS = [
    (
        "proportional",
        {"applies_to": "overspend", "basis": "recurrent_contributions"},
        {"applies_to": "overspend", "basis": "recurrent_contributions"},
    ),
    (
        "own_services",
        {"applies_to": "both", "description": "Each partner bears its own schemes' variance"},
        {"applies_to": "both", "description": "Each partner bears its own schemes' variance"},
    ),
    (
        "capped_share",
        {
            "applies_to": "overspend",
            "partner_code": "LEEDS-VCS",
            "cap": "250,000",
            "cap_percent": "",
        },
        {"applies_to": "overspend", "partner_code": "LEEDS-VCS", "cap": "250000.00"},
    ),
    (
        "tiered",
        {
            "applies_to": "overspend",
            "tier-1-up_to": "500000",
            "tier-1-shares-E08000035": "1",
            "tier-2-up_to": "",
            "tier-2-shares-E08000035": "50",
            "tier-2-shares-QWO": "50",
            "tier-3-up_to": "",
        },
        {
            "applies_to": "overspend",
            "tiers": [
                {"up_to": "500000.00", "shares": {"E08000035": "1"}},
                {"up_to": None, "shares": {"E08000035": "50", "QWO": "50"}},
            ],
        },
    ),
    (
        "agreed_ratio",
        {
            "applies_to": "both",
            "shares-E08000035": "60",
            "shares-QWO": "40",
            "shares-LEEDS-VCS": "",
        },
        {"applies_to": "both", "shares": {"E08000035": "60", "QWO": "40"}},
    ),
    ("risk_pool", {"amount": "500000"}, {"applies_to": "overspend", "amount": "500000.00"}),
    (
        "contingency_reserve",
        {"applies_to": "both", "percent": "5", "amount": ""},
        {"applies_to": "both", "percent": "5"},
    ),
    (
        "performance_related",
        {
            "applies_to": "both",
            "amount": "1000000.00",
            "description": "Released when delayed discharges fall; otherwise funds reablement",
        },
        {
            "applies_to": "both",
            "amount": "1000000.00",
            "description": "Released when delayed discharges fall; otherwise funds reablement",
        },
    ),
    (
        "order_of_application",
        {
            "step-1": "offset_underspends",
            "step-2": "",
            "step-3": "risk_pool",
            "step-4": "partners_own_resources",
            "step-5": "",
        },
        {
            "applies_to": "overspend",
            "steps": ["offset_underspends", "risk_pool", "partners_own_resources"],
        },
    ),
    ("carry_forward", {"description": ""}, {"applies_to": "underspend"}),
    (
        "return_pro_rata",
        {"basis": "contributions"},
        {"applies_to": "underspend", "basis": "contributions"},
    ),
]


def test_every_kind_has_a_case():
    assert {k for k, _, _ in KINDS} == {k.value for k in ProvisionKind}


@pytest.mark.parametrize(("kind", "post", "expected"), KINDS, ids=[k for k, _, _ in KINDS])
def test_each_kind_can_be_added_through_the_form(login, world, kind, post, expected):
    client = login("finance")
    form = client.get(add_url(world, kind))
    assert form.status_code == 200
    assert ProvisionKind(kind).label in text(form)
    events = AuditEvent.objects.count()

    response = client.post(add_url(world, kind), {"kind": kind, **post}, follow=True)

    assert response.redirect_chain[0][0] == (
        reverse("web:agreement", args=[world.agreement.pk]) + "#risk-share"
    )
    page = text(response)
    assert f"Risk-share provision added: {ProvisionKind(kind).label}" in page
    assert stored(world) == [{"kind": kind, **expected}]
    assert AuditEvent.objects.count() == events + 1
    event = AuditEvent.objects.filter(agreement_id=world.agreement.pk).first()
    assert event.interface == Interface.WEB
    assert event.action == Action.UPDATE
    assert event.actor == world.finance
    assert event.changes["risk_share"] == [[], [{"kind": kind, **expected}]]
    # and the agreement page describes it in words
    section = page[page.index('id="risk-share"') : page.index('id="completeness"')]
    assert f"1. {ProvisionKind(kind).label}" in section


def test_a_provision_is_added_after_those_already_there(login, world):
    add_provision(world, {"kind": "risk_pool", "amount": "100000"})
    login("finance").post(add_url(world, "carry_forward"), {"kind": "carry_forward"})
    assert [p["kind"] for p in stored(world)] == ["risk_pool", "carry_forward"]


def test_the_agreement_page_describes_provisions_in_words(login, world):
    add_provision(world, {"kind": "agreed_ratio", "shares": {"E08000035": "60", "QWO": "40"}})
    page = text(login("viewer").get(reverse("web:agreement", args=[world.agreement.pk])))
    section = page[page.index('id="risk-share"') : page.index('id="completeness"')]
    assert "Risk and gain share by agreed ratio" in section
    assert "Leeds City Council: 60 (60.0%)" in section
    assert "Overspends and underspends" in section


# --- the two steps ------------------------------------------------------------------------


def test_step_one_offers_every_kind_with_a_hint(login, world):
    response = login("finance").get(add_url(world))
    assert response.status_code == 200
    page = text(response)
    assert "<legend" in page and "Add a risk-share provision" in page
    for kind in ProvisionKind:
        assert f'value="{kind.value}"' in page
        assert kind.label in page
    assert "Hertfordshire" not in page  # hints are general, not one council's
    assert "absorb overspends before anything else" in page
    assert 'method="get"' in page


@pytest.mark.parametrize("kind", ["", "pooled"])
def test_step_one_without_a_known_kind_asks_again(login, world, kind):
    response = login("finance").get(add_url(world, kind))
    assert_refused(response, "kind", "Choose the kind of provision")


def test_step_two_shows_only_what_the_kind_needs(login, world):
    client = login("finance")
    risk_pool = text(client.get(add_url(world, "risk_pool")))
    assert 'name="applies_to"' not in risk_pool  # a risk pool only absorbs overspends
    assert "Overspends (always, for this kind of provision)" in risk_pool
    assert 'name="amount"' in risk_pool
    assert 'name="basis"' not in risk_pool and 'name="shares-QWO"' not in risk_pool

    ratio = text(client.get(add_url(world, "agreed_ratio")))
    assert re.search(r'for="shares-E08000035"[^>]*>\s*Leeds City Council \(E08000035\)', ratio)
    assert 'id="shares-LEEDS-VCS"' in ratio
    assert 'name="applies_to"' in ratio
    assert "Kent" not in ratio  # only the agreement's partners

    tiered = text(client.get(add_url(world, "tiered")))
    assert all(f'id="tier-{n}-up_to"' in tiered for n in (1, 2, 3))
    assert 'id="tier-3-shares-QWO"' in tiered
    assert "<legend" in tiered and "Shares in tier 2" in tiered

    order = text(client.get(add_url(world, "order_of_application")))
    assert all(f'id="step-{n}"' in order for n in range(1, 6))
    assert "Draw on the risk pool" in order

    capped = text(client.get(add_url(world, "capped_share")))
    assert 'id="partner_code"' in capped
    assert 'id="cap"' in capped and 'id="cap_percent"' in capped  # give one of them

    performance = text(client.get(add_url(world, "performance_related")))
    assert "Which metrics release the money, and where unreleased money goes" in performance


# --- refusals: the message beside the input, nothing changed ------------------------------


def test_a_share_that_is_not_a_number_is_refused(login, world):
    before = state(world)
    post = {"kind": "agreed_ratio", "applies_to": "both", "shares-E08000035": "60"}
    post["shares-QWO"] = "lots"
    response = login("finance").post(add_url(world, "agreed_ratio"), post)
    page = assert_refused(response, "shares-QWO", "'lots' is not a number")
    assert "Share for NHS West Yorkshire" in page
    assert 'value="lots"' in page and 'value="60"' in page  # the input is kept
    assert state(world) == before


def test_a_ratio_without_any_share_is_refused_on_the_group(login, world):
    before = state(world)
    post = {"kind": "agreed_ratio", "applies_to": "both", "shares-QWO": "0"}
    response = login("finance").post(add_url(world, "agreed_ratio"), post)
    page = text(response)
    assert response.status_code == 400
    assert "at least one share must be more than zero" in field_error(page, "shares").lower()
    assert 'href="#shares-E08000035"' in page  # the group's first input
    assert state(world) == before


def test_a_capped_share_without_a_cap_is_refused(login, world):
    before = state(world)
    post = {"kind": "capped_share", "applies_to": "overspend", "partner_code": "QWO"}
    response = login("finance").post(add_url(world, "capped_share"), post)
    page = assert_refused(response, "cap", "Give either a cap in pounds")
    assert re.search(r'value="QWO"\s+selected', page)
    assert state(world) == before


def test_a_cap_given_both_ways_is_refused(login, world):
    before = state(world)
    post = {"kind": "capped_share", "partner_code": "QWO", "cap": "1000", "cap_percent": "10"}
    response = login("finance").post(add_url(world, "capped_share"), post)
    page = assert_refused(response, "cap", "Give either a cap in pounds")
    assert 'value="1000"' in page and 'value="10"' in page
    assert state(world) == before


def test_a_capped_share_needs_its_partner(login, world):
    post = {"kind": "capped_share", "cap_percent": "150"}
    response = login("finance").post(add_url(world, "capped_share"), post)
    page = assert_refused(response, "partner_code", "Name the partner whose share is capped")
    assert "contribution must be more than 0 and at most 100" in field_error(page, "cap_percent")
    assert stored(world) == []


def test_performance_related_money_without_a_description_is_refused(login, world):
    before = state(world)
    post = {"kind": "performance_related", "percent": "10"}
    response = login("finance").post(add_url(world, "performance_related"), post)
    assert_refused(response, "description", "Say which metrics release the money")
    assert state(world) == before


def test_tiers_that_do_not_rise_are_refused_on_the_tier(login, world):
    before = state(world)
    post = {
        "kind": "tiered",
        "tier-1-up_to": "500000",
        "tier-1-shares-E08000035": "1",
        "tier-2-up_to": "100000",
        "tier-2-shares-QWO": "1",
    }
    response = login("finance").post(add_url(world, "tiered"), post)
    page = assert_refused(response, "tier-2-up_to", "tiers must rise")
    assert "Tier 2 upper limit: tiers must rise" in page
    assert state(world) == before


def test_a_tier_without_shares_is_refused_on_its_shares(login, world):
    post = {"kind": "tiered", "tier-1-up_to": "500000", "tier-2-shares-QWO": "1"}
    response = login("finance").post(add_url(world, "tiered"), post)
    page = text(response)
    assert response.status_code == 400
    assert "Tier 1 shares" in field_error(page, "tier-1-shares")
    assert 'href="#tier-1-shares-E08000035"' in page
    assert '{"E08000035"' not in page  # no JSON example on a form without JSON
    assert stored(world) == []


def test_a_step_chosen_twice_is_refused(login, world):
    post = {"kind": "order_of_application", "step-1": "risk_pool", "step-2": "risk_pool"}
    response = login("finance").post(add_url(world, "order_of_application"), post)
    page = text(response)
    assert response.status_code == 400
    assert "'risk_pool' appears twice" in field_error(page, "steps")
    assert 'href="#step-1"' in page
    assert stored(world) == []


def test_a_partner_from_outside_the_agreement_is_refused(login, world):
    """A crafted post: the select only lists partners. The summary still says why."""
    before = state(world)
    post = {"kind": "capped_share", "partner_code": "E10000016", "cap": "1000"}
    response = login("finance").post(add_url(world, "capped_share"), post)
    assert response.status_code == 400
    assert "'E10000016' is not a partner in this agreement" in text(response)
    assert state(world) == before


def test_an_unknown_kind_posted_goes_back_to_step_one(login, world):
    before = state(world)
    response = login("finance").post(add_url(world), {"kind": "pooled"})
    assert_refused(response, "kind", "Choose the kind of provision")
    assert state(world) == before


# --- who may ------------------------------------------------------------------------------


def test_readers_are_refused_and_not_offered_the_links(login, world):
    add_provision(world, {"kind": "risk_pool", "amount": "100000"})
    before = state(world)
    client = login("viewer")
    for url in (add_url(world), add_url(world, "risk_pool"), remove_url(world, 1)):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "You need the finance officer role to change agreements" in text(response)
    for url, data in (
        (add_url(world, "risk_pool"), {"kind": "risk_pool", "amount": "1000"}),
        (remove_url(world, 1), {}),
    ):
        response = client.post(url, data)
        assert response.status_code == 403, url
        assert "You need the finance officer role" in text(response)
    assert state(world) == before
    page = text(client.get(reverse("web:agreement", args=[world.agreement.pk])))
    assert add_url(world) not in page
    assert remove_url(world, 1) not in page


def test_a_finance_officer_of_a_partner_is_offered_the_links(login, world):
    add_provision(world, {"kind": "risk_pool", "amount": "100000"})
    page = text(login("finance").get(reverse("web:agreement", args=[world.agreement.pk])))
    assert "Add a risk-share provision" in page
    assert remove_url(world, 1) in page
    assert "Remove provision 1: Named risk pool absorbs overspends first" in re.sub(
        r"<[^>]+>", "", page
    )


def test_outsiders_get_not_found(login, world):
    add_provision(world, {"kind": "risk_pool", "amount": "100000"})
    before = state(world)
    client = login("outsider")  # a finance officer, but of Kent
    for url in (add_url(world), add_url(world, "risk_pool"), remove_url(world, 1)):
        assert client.get(url).status_code == 404, url
    assert client.post(add_url(world, "risk_pool"), {"kind": "risk_pool"}).status_code == 404
    assert client.post(remove_url(world, 1)).status_code == 404
    assert state(world) == before


def test_anonymous_users_are_sent_to_log_in(client, world):
    for url in (add_url(world, "risk_pool"), remove_url(world, 1)):
        assert client.get(url).status_code == 302
        assert client.post(url, {"kind": "risk_pool", "amount": "1"}).status_code == 302
    assert stored(world) == []


# --- removal ------------------------------------------------------------------------------


def test_remove_a_provision_after_confirming(login, world):
    add_provision(world, {"kind": "risk_pool", "amount": "100000"})
    add_provision(world, {"kind": "carry_forward"})
    client = login("finance")
    confirm = client.get(remove_url(world, 1))
    assert confirm.status_code == 200
    page = text(confirm)
    assert "Yes, remove this provision" in page
    assert "Named risk pool absorbs overspends first" in page
    assert "£100,000.00" in page
    assert len(stored(world)) == 2  # a GET removes nothing
    events = AuditEvent.objects.count()

    response = client.post(remove_url(world, 1), follow=True)

    assert response.redirect_chain[0][0].endswith("#risk-share")
    assert "Risk-share provision 1 removed: Named risk pool absorbs overspends first" in text(
        response
    )
    assert stored(world) == [{"kind": "carry_forward", "applies_to": "underspend"}]
    assert AuditEvent.objects.count() == events + 1
    event = AuditEvent.objects.filter(agreement_id=world.agreement.pk).first()
    assert event.interface == Interface.WEB
    assert event.actor == world.finance
    before, after = event.changes["risk_share"]
    assert len(before) == 2 and len(after) == 1


def test_removing_a_provision_that_is_not_there(login, world):
    add_provision(world, {"kind": "carry_forward"})
    before = state(world)
    client = login("finance")
    assert client.get(remove_url(world, 2)).status_code == 404
    response = client.post(remove_url(world, 2), follow=True)
    assert "There is no provision 2 to remove" in text(response)
    assert state(world) == before


# --- in a browser -------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_add_a_risk_pool_in_a_browser(
    flushable_audit: None, live_server: Any, page: Any, axe_check: Any, world: World
) -> None:
    page.goto(live_server.url + "/login/")
    page.fill("#username", "finance")
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", level=1, name="Your agreements").wait_for()
    page.goto(live_server.url + reverse("web:agreement", args=[world.agreement.pk]))
    page.get_by_role("link", name="Add a risk-share provision").click()

    # step 1: the kind
    page.get_by_role("heading", level=1, name="Add a risk-share provision").wait_for()
    assert axe_check(page) == [], page.url
    page.get_by_label("Named risk pool absorbs overspends first").check()
    page.get_by_role("button", name="Continue").click()

    # step 2: only the amount; a mistake first
    page.get_by_role("heading", level=1, name="Named risk pool").wait_for()
    assert axe_check(page) == [], page.url
    page.fill("#amount", "half a million")
    page.get_by_role("button", name="Add provision").click()
    page.locator(".nhsuk-error-summary").wait_for()
    assert page.title().startswith("Error: ")
    assert axe_check(page) == [], page.url
    page.fill("#amount", "500000")
    page.get_by_role("button", name="Add provision").click()

    page.get_by_text("Risk-share provision added").wait_for()
    assert "£500,000.00" in page.locator("#risk-share-1").inner_text()
    assert stored(world) == [
        {"kind": "risk_pool", "applies_to": "overspend", "amount": "500000.00"}
    ]
