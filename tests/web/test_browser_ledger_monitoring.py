"""The monitoring page in a real browser: axe-core at 1280 px and 320 px (tables reflow, the
chart scales), no inline script or style (CSP), a refused form, the flag, the drill-down."""

from __future__ import annotations

from typing import Any

import pytest

from carepool.agreements.models import Agreement
from tests.factories import World
from tests.ledger.monitoring_builders import COUNCIL, FIRST_HALF, ICB, monthly, post
from tests.web.test_browser import accessible_at_both_widths, log_in


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_monitoring_page_is_accessible_on_a_desk_and_a_phone(
    flushable_audit: None,
    live_server: Any,
    page: Any,
    axe_check: Any,
    csp_violations: Any,
    world: World,
) -> None:
    Agreement.objects.filter(pk=world.agreement.pk).update(overspend_threshold_pence=100_00)
    post(world.agreement, monthly("S01", COUNCIL, 9_000_000, FIRST_HALF))
    post(world.agreement, monthly("S02", ICB, 1_250, (202405, 202406)))
    log_in(page, live_server, "finance")
    page.goto(f"{live_server.url}/agreements/{world.agreement.pk}/")
    page.get_by_role("link", name="Monthly monitoring").first.click()
    page.get_by_role("heading", level=1).wait_for()
    page.goto(f"{live_server.url}/agreements/{world.agreement.pk}/monitoring/?year=2024-25")
    page.get_by_role("heading", level=1, name="Monitoring 2024-25 as at September 2024").wait_for()
    assert page.get_by_role("img", name="Cumulative budget, actual and forecast").is_visible()
    assert "The pool is flagged for overspend" in page.inner_text("main")
    accessible_at_both_widths(page, axe_check, csp_violations)

    # A refused override comes back with its errors, still accessible.
    page.select_option("#override-scheme", "S01")
    page.fill("#override-amount", "12.345")
    page.get_by_role("button", name="Set the forecast").click()
    page.get_by_role("heading", name="There is a problem").wait_for()
    assert "two decimal places" in page.inner_text("#override-amount-error")
    accessible_at_both_widths(page, axe_check, csp_violations)

    # The lines behind S01.
    page.get_by_role("link", name="S01").first.click()
    page.get_by_role("heading", level=1, name="Spend lines: scheme S01, 2024-25").wait_for()
    accessible_at_both_widths(page, axe_check, csp_violations)

    page.goto(f"{live_server.url}/ledger/national/?year=2024-25")
    page.get_by_role("heading", level=1).wait_for()
    accessible_at_both_widths(page, axe_check, csp_violations)
