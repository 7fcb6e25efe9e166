"""The ledger's entry pages in a real browser, axe-core at 1280 px and 320 px: a finance
officer records spend and a commitment, posts contributions, closes April and corrects a line
from its page; the host's signatory re-opens the month."""

from __future__ import annotations

from typing import Any

import pytest

from carepool.ledger import services
from carepool.ledger.models import ClosedMonth, Transfer
from tests.factories import SYSTEM, World
from tests.web.test_browser import accessible_at_both_widths, log_in


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_spend_close_correct_and_reopen(
    flushable_audit: None,
    live_server: Any,
    page: Any,
    axe_check: Any,
    csp_violations: Any,
    world: World,
) -> None:
    services.register_scheme(SYSTEM, world.agreement.pk, {"code": "S01", "name": "Reablement"})
    log_in(page, live_server, "finance")
    page.goto(f"{live_server.url}/agreements/{world.agreement.pk}/")
    page.get_by_role("link", name="Ledger entries and months").click()
    page.get_by_role("heading", level=1, name="Ledger entries and months").wait_for()
    accessible_at_both_widths(page, axe_check, csp_violations)

    page.fill("#up_to", "2024-04-30")
    page.get_by_role("button", name="Post contributions due").click()
    page.get_by_text("Posted 2 contribution instalment(s)").wait_for()

    page.get_by_role("button", name="Record spend or a refund").click()
    page.get_by_role("heading", level=1, name="Record spend or a refund").wait_for()
    page.fill("#date", "2024-04-10")
    page.select_option("#scheme", "S01")
    page.select_option("#partner", "E08000035")
    page.fill("#amount", "12.345")
    page.get_by_role("button", name="Record").click()
    page.get_by_text("There is a problem").wait_for()
    accessible_at_both_widths(page, axe_check, csp_violations)
    page.fill("#amount", "1250.50")
    page.get_by_role("button", name="Record").click()
    page.get_by_role("heading", level=1, name="Ledger line").wait_for()
    line = Transfer.objects.get(kind="actual")

    page.goto(f"{live_server.url}/agreements/{world.agreement.pk}/ledger/commitments/new/")
    accessible_at_both_widths(page, axe_check, csp_violations)
    page.goto(f"{live_server.url}/agreements/{world.agreement.pk}/ledger/entries/")
    page.get_by_role("button", name="Close April 2024").click()
    page.get_by_text("April 2024 is closed").wait_for()
    accessible_at_both_widths(page, axe_check, csp_violations)

    page.goto(f"{live_server.url}/ledger/lines/{line.pk}/")
    accessible_at_both_widths(page, axe_check, csp_violations)
    page.get_by_role("button", name="Correct this line").click()
    page.get_by_role("heading", level=1, name=f"Correct line {line.pk}").wait_for()
    accessible_at_both_widths(page, axe_check, csp_violations)
    page.fill("#date", "2024-05-01")
    page.fill("#amount", "-0.50")
    page.fill("#reason", "Rounding")
    page.get_by_role("button", name="Post correction").click()
    page.get_by_text("Posted correction").wait_for()
    accessible_at_both_widths(page, axe_check, csp_violations)

    page.context.clear_cookies()
    log_in(page, live_server, "signatory")
    page.goto(f"{live_server.url}/agreements/{world.agreement.pk}/ledger/entries/")
    page.get_by_role("link", name="Re-open April 2024").click()
    page.get_by_role("heading", level=1, name="Re-open April 2024").wait_for()
    accessible_at_both_widths(page, axe_check, csp_violations)
    page.fill("#reason", "Late invoice")
    page.get_by_role("button", name="Re-open April 2024").click()
    page.get_by_text("April 2024 is open again").wait_for()
    assert not ClosedMonth.objects.exists()
