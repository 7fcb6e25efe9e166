"""A yearly plan's journey in a real browser: declarations, submission, every partner's
approval and the board's, with axe-core checking the pages at 1280 px and 320 px."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection

from carepool.accounts.models import Role
from carepool.audit.models import Interface
from carepool.audit.services import Actor
from carepool.plans import services
from tests.factories import World, area, user
from tests.web.test_browser import accessible_at_both_widths, log_in
from tests.web.test_plans_pages import DECLARATIONS, balanced

# A signed plan version refuses DELETE (a database trigger), which is what the flush after a
# live-server test does: lift the trigger for that flush only, and put it back after the module.
_frozen = importlib.import_module("carepool.plans.migrations.0002_frozen_versions")


@pytest.fixture(scope="module")
def _frozen_trigger_restored(django_db_blocker: Any) -> Iterator[None]:
    yield
    with django_db_blocker.unblock(), connection.schema_editor() as editor:
        _frozen.backward(None, editor)
        _frozen.forward(None, editor)


@pytest.fixture
def flushable_plans(_frozen_trigger_restored: None, flushable_audit: None) -> Iterator[None]:
    yield
    with connection.schema_editor() as editor:
        _frozen.backward(None, editor)


def _switch_to(page: Any, live_server: Any, username: str) -> None:
    page.context.clear_cookies()
    log_in(page, live_server, username)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_plan_is_declared_submitted_and_agreed_by_every_partner_and_the_board(
    flushable_plans: None,
    live_server: Any,
    page: Any,
    axe_check: Any,
    csp_violations: Any,
    world: World,
) -> None:
    user("vcs_signatory", world.vcs, Role.SIGNATORY)
    user("board", world.council, Role.BOARD_OFFICER)
    plan = services.create_plan(
        Actor(world.finance, Interface.WEB), world.agreement.pk, "2024-25", balanced()
    )
    plan_url = f"{live_server.url}/plans/{plan.pk}/"
    heading = "2024-25 plan for Leeds"

    # The finance officer finds the plan, sees the failed declarations first, answers them.
    log_in(page, live_server, "finance")
    page.get_by_role("link", name="Plans", exact=True).first.click()
    page.get_by_role("heading", level=1, name="Plans").wait_for()
    page.get_by_role("link", name=heading).click()
    page.get_by_role("heading", level=1, name=heading).wait_for()
    failures = page.locator("#failures")
    assert "failed" in failures.inner_text()
    accessible_at_both_widths(page, axe_check, csp_violations)
    failures.get_by_role("link").first.click()
    assert page.evaluate("location.hash").startswith("#check-")

    # The scheme editor: a mistake first, then a scheme added.
    page.get_by_role("button", name="Add a scheme").click()
    page.get_by_role("heading", level=1, name="Add a scheme").wait_for()
    accessible_at_both_widths(page, axe_check, csp_violations)
    page.fill("#scheme_id", "S03")
    page.fill("#name", "Carers' breaks")
    page.fill("#description", "Short breaks for unpaid carers")
    page.select_option("#scheme_type", "home_care")
    page.select_option("#area_of_spend", "social_care")
    page.select_option("#provider_type", "voluntary")
    page.check("#new")
    page.select_option("#commissioner-1", "E08000035")
    page.fill("#stream-nhs_minimum", "12.345")
    page.get_by_role("button", name="Save scheme").click()
    page.locator(".nhsuk-error-summary").wait_for()
    accessible_at_both_widths(page, axe_check, csp_violations)
    page.locator(".nhsuk-error-summary").get_by_role("link").first.click()
    assert page.evaluate("document.activeElement.id") == "stream-nhs_minimum"
    page.get_by_role("link", name=heading).first.click()
    page.get_by_role("heading", level=1, name=heading).wait_for()

    page.get_by_role("button", name="Answer declarations").click()
    page.get_by_role("heading", level=1, name="Answer the declarations").wait_for()
    accessible_at_both_widths(page, axe_check, csp_violations)
    # A yes without its comment first: refused, in the error summary, nothing saved.
    page.check("#fund_objectives-answer")
    page.get_by_role("button", name="Save declarations").click()
    page.locator(".nhsuk-error-summary").wait_for()
    accessible_at_both_widths(page, axe_check, csp_violations)
    for requirement, comment in DECLARATIONS:
        page.check(f"#{requirement}-answer")
        page.fill(f"#{requirement}-comment", comment)
    page.get_by_role("button", name="Save declarations").click()
    page.get_by_text("Declarations saved").wait_for()
    assert page.locator("#failures").count() == 0

    page.get_by_role("button", name="Submit for sign-off").click()
    page.get_by_text("Version 1 submitted for sign-off").wait_for()
    accessible_at_both_widths(page, axe_check, csp_violations)

    # Every partner's signatory approves exactly version 1.
    for username in ("signatory", "icb_signatory", "vcs_signatory"):
        _switch_to(page, live_server, username)
        page.goto(plan_url)
        page.get_by_role("button", name="Approve version 1").click()
        page.locator(".nhsuk-notification-banner--success").get_by_text("approved").wait_for()
        assert page.get_by_role("button", name="Approve version 1").count() == 0

    # The board officer records the board's approval: the plan is agreed.
    _switch_to(page, live_server, "board")
    page.goto(plan_url)
    assert page.locator("#waiting").count() == 0
    page.get_by_role("button", name="Record the board's approval").click()
    page.get_by_text("The board's approval is recorded").wait_for()
    summary = page.locator("#summary").inner_text()
    assert "Agreed" in summary
    assert "frozen" in summary
    accessible_at_both_widths(page, axe_check, csp_violations)

    # The national assurer sees it among every area's plans: 153 areas, as in England.
    for n in range(151):
        area(f"E0900{n:04d}", f"Zone {n:03d}")
    _switch_to(page, live_server, "assurer")
    page.goto(f"{live_server.url}/plans/national/?year=2024-25")
    page.get_by_role("heading", level=1, name="Every area's plan for 2024-25").wait_for()
    assert "Agreed" in page.locator('[data-area="E08000035"]').inner_text()
    accessible_at_both_widths(page, axe_check, csp_violations)
    # A page of 50 areas stays a reasonable length on a phone.
    page.set_viewport_size({"width": 320, "height": 900})
    height = page.evaluate("document.documentElement.scrollHeight")
    print(f"national list at 320 px: {height} px")
    assert height < 12000, height
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(plan_url)
    page.get_by_role("button", name="Record the outcome").wait_for()
    accessible_at_both_widths(page, axe_check, csp_violations)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_demos_long_pages_stay_short_enough_on_a_phone(
    flushable_plans: None, live_server: Any, page: Any, axe_check: Any, csp_violations: Any
) -> None:
    """The demo's Leeds agreement (three years of money, five risk-share provisions, a long
    history) and its 20-scheme plan: at 320 px, no sideways scroll, axe clean, and a length a
    phone user can work with, because years, passed checks and the history fold away."""
    from django.test import override_settings

    from carepool.demo import DEMO_PASSWORD, load_demo
    from carepool.plans.models import Plan

    area("E08000035", "Leeds")
    area("E10000016", "Kent")
    with override_settings(DEBUG=True):
        summary = load_demo(load_reference=False)
    agreement_id = summary.agreements["Leeds Better Care Fund pooled budget 2024 to 2027"]
    plan = Plan.objects.get(year="2024-25")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + "/login/")
    page.fill("#username", "finance")
    page.fill("#password", DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", level=1, name="Your agreements").wait_for()
    heights = {}
    for path in (f"/agreements/{agreement_id}/", f"/plans/{plan.pk}/"):
        page.goto(live_server.url + path)
        accessible_at_both_widths(page, axe_check, csp_violations)
        page.set_viewport_size({"width": 320, "height": 900})
        heights[path] = page.evaluate("document.documentElement.scrollHeight")
    print(f"page heights at 320 px: {heights}")
    # Before folding: 25,074 px and 22,457 px (measured on the demo, 3 December 2026).
    assert all(height < 16_000 for height in heights.values()), heights
