"""A finance officer's journey in a real browser, with axe-core checking every page.

Set CAREPOOL_SCREENSHOT=1 (or to a .png path) to also save the agreement page as the README's
screenshot (docs/screenshot.png by default).
"""

from __future__ import annotations

import json
import os
import re
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.factories import PASSWORD, World

PROJECT_DIR = Path(__file__).resolve().parents[2]


def screenshot_path() -> Path | None:
    wanted = os.environ.get("CAREPOOL_SCREENSHOT", "").strip()
    if not wanted or wanted == "0":
        return None
    return Path(wanted) if wanted.endswith(".png") else PROJECT_DIR / "docs" / "screenshot.png"


def accessible(page: Any, axe_check: Any, csp_violations: Any) -> None:
    assert page.title().endswith(" - Carepool")
    assert axe_check(page) == [], page.url
    assert csp_violations() == [], page.url


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_finance_officer_adds_and_varies_a_contribution(
    flushable_audit: None,
    live_server: Any,
    page: Any,
    axe_check: Any,
    csp_violations: Any,
    world: World,
) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    agreement = world.agreement.title

    # log in
    page.goto(live_server.url + "/")
    assert "/login/" in page.url
    accessible(page, axe_check, csp_violations)
    page.fill("#username", "finance")
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Log in").click()

    # home -> agreement
    page.get_by_role("heading", level=1, name="Your agreements").wait_for()
    accessible(page, axe_check, csp_violations)
    page.get_by_role("link", name=agreement).click()
    page.get_by_role("heading", level=1, name=agreement).wait_for()
    accessible(page, axe_check, csp_violations)
    if (path := screenshot_path()) is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(path))

    # add a contribution; a mistake first, to check the error summary takes the focus
    page.get_by_role("button", name="Add a contribution").click()
    page.get_by_role("heading", level=1, name="Add a contribution").wait_for()
    accessible(page, axe_check, csp_violations)
    page.select_option("#year", "2024-25")
    page.select_option("#partner", "E08000035")
    page.select_option("#funding_stream", "dfg")
    page.check("#mandated")
    page.fill("#amount", "-45")
    page.select_option("#frequency", "monthly")
    page.get_by_role("button", name="Add contribution").click()
    page.locator(".nhsuk-error-summary").wait_for()
    assert page.title().startswith("Error: ")
    # The NHS.UK error summary takes the focus once the page's module script has run.
    page.wait_for_function("document.activeElement.classList.contains('nhsuk-error-summary')")
    assert "Amount cannot be negative" in page.locator("#amount-error").inner_text()
    assert page.input_value("#amount") == "-45"
    accessible(page, axe_check, csp_violations)
    page.get_by_role("link", name="Amount cannot be negative").click()
    assert page.evaluate("document.activeElement.id") == "amount"
    page.fill("#amount", "4500000.00")
    page.get_by_role("button", name="Add contribution").click()

    # see it, and the agreement's new total
    page.get_by_text("Contribution added").wait_for()
    assert page.locator('[data-total="schedule"]').inner_text() == "£4,500,000.00"
    accessible(page, axe_check, csp_violations)
    page.get_by_role("link", name=agreement).first.click()
    total = page.locator('[data-total="2024-25"]').inner_text()
    assert total == "£99,500,000.01"  # 95,000,000.01 already pooled + 4,500,000.00
    assert page.get_by_role("cell", name="Disabled Facilities Grant").count() >= 1

    # vary it
    page.get_by_role(
        "link", name=re.compile(r"Leeds City Council\s*: Disabled Facilities Grant")
    ).click()
    page.get_by_role("button", name="Vary the amount").click()
    page.get_by_role("heading", level=1, name=re.compile("Vary the amount")).wait_for()
    accessible(page, axe_check, csp_violations)
    page.fill("#effective_date", "2024-10-01")
    page.fill("#new_amount", "5100000.00")
    page.fill("#reason", "Adaptations backlog agreed by the board")
    page.get_by_role("button", name="Record variation").click()

    # see the schedule: the extra 600,000 spread over the six instalments still to come
    page.get_by_text("Variation recorded").wait_for()
    accessible(page, axe_check, csp_violations)
    schedule = page.locator("#schedule + p + table")
    assert schedule.get_by_role("cell", name="£375,000.00").count() == 6
    assert schedule.get_by_role("cell", name="£475,000.00").count() == 6
    assert page.locator('[data-total="schedule"]').inner_text() == "£5,100,000.00"
    assert "Adaptations backlog agreed by the board" in page.locator("#variations + *").inner_text()

    # see the audit history: who, through the web, what changed
    page.get_by_role("link", name="See this agreement's audit history").click()
    page.get_by_text("most recent changes").click()  # folded away until asked for
    history = page.locator("table.app-history")
    history.wait_for()
    first = history.locator("tbody tr").first.inner_text()
    assert "Finance" in first
    assert "Web" in first
    assert "£5,100,000.00" in first
    assert page.locator('[data-total="2024-25"]').inner_text() == "£100,100,000.01"
    accessible(page, axe_check, csp_violations)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_api_docs_work_within_the_content_security_policy(
    flushable_audit: None, live_server: Any, page: Any, csp_violations: Any, world: World
) -> None:
    page.goto(live_server.url + "/login/")
    page.fill("#username", "viewer")
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", level=1, name="Your agreements").wait_for()

    page.goto(live_server.url + "/api/v1/docs")
    page.locator(".swagger-ui .info .title").get_by_text("Carepool API").wait_for()
    page.locator(".opblock-summary-path", has_text="/api/v1/agreements").first.click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    page.locator(".live-responses-table .response-col_status", has_text="200").wait_for()
    assert csp_violations() == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_policy_refuses_inline_script_and_the_check_notices(
    flushable_audit: None, live_server: Any, page: Any, csp_violations: Any, world: World
) -> None:
    page.goto(live_server.url + "/login/")
    assert page.evaluate("document.body.classList.contains('js-enabled')")  # allowed by hash
    page.evaluate(
        """() => { const s = document.createElement("script");
                   s.textContent = "window.injected = true"; document.body.append(s); }"""
    )
    page.wait_for_function("window.__cspViolations.length > 0")
    assert page.evaluate("window.injected") is None
    assert {v.get("directive") for v in csp_violations()} >= {"script-src-elem"}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_too_many_failed_log_ins_show_an_accessible_page(
    flushable_audit: None,
    live_server: Any,
    page: Any,
    axe_check: Any,
    csp_violations: Any,
    world: World,
) -> None:
    page.goto(live_server.url + "/login/")
    for _ in range(5):
        page.fill("#username", "finance")
        page.fill("#password", "not the password")
        page.get_by_role("button", name="Log in").click()
        page.wait_for_load_state()
    page.get_by_role("heading", level=1, name="You cannot log in for 15 minutes").wait_for()
    accessible(page, axe_check, csp_violations)


def _api_status(url: str, token: str) -> int:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            assert json.load(response)["username"] == "finance"
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_finance_officer_makes_uses_and_revokes_an_api_token(
    flushable_audit: None,
    live_server: Any,
    page: Any,
    axe_check: Any,
    csp_violations: Any,
    world: World,
) -> None:
    page.goto(live_server.url + "/login/")
    page.fill("#username", "finance")
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="API tokens").click()
    page.get_by_role("heading", level=1, name="API tokens").wait_for()
    accessible(page, axe_check, csp_violations)

    page.get_by_role("button", name="Create token").click()  # no name: refused
    page.locator(".nhsuk-error-summary").wait_for()
    accessible(page, axe_check, csp_violations)
    page.fill("#name", "Monthly returns script")
    page.get_by_label("30 days").check()
    page.get_by_role("button", name="Create token").click()
    page.get_by_role("heading", name="Copy your new token now").wait_for()
    accessible(page, axe_check, csp_violations)
    token = page.input_value("#new-token")
    assert _api_status(live_server.url + "/api/v1/me", token) == 200

    page.get_by_role("button", name="Revoke Monthly returns script").click()
    page.get_by_text("API token 'Monthly returns script' revoked").wait_for()
    accessible(page, axe_check, csp_violations)
    assert _api_status(live_server.url + "/api/v1/me", token) == 401


# --- reflow and more journeys (each page at 1280 px and at 320 px) ----------------------------

WIDE, NARROW = 1280, 320


def fits_without_sideways_scroll(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def accessible_at_both_widths(
    page: Any, axe_check: Any, csp_violations: Any, *, reflows: bool = True
) -> None:
    """axe at 1280 px and at 320 px (WCAG 1.4.10 reflow); at 320 px, where ``reflows``, the
    page must not scroll sideways. Leaves the page at 1280 px."""
    for width in (NARROW, WIDE):
        page.set_viewport_size({"width": width, "height": 900})
        accessible(page, axe_check, csp_violations)
        if width == NARROW and reflows:
            assert fits_without_sideways_scroll(page), page.url
        if (folder := os.environ.get("CAREPOOL_SCREENSHOTS_DIR")) is not None:
            name = re.sub(r"[^A-Za-z0-9]+", "_", page.url.split("//", 1)[1].split("/", 1)[1])
            page.screenshot(path=f"{folder}/{name or 'home'}_{width}.png", full_page=True)


def log_in(page: Any, live_server: Any, username: str) -> None:
    page.set_viewport_size({"width": WIDE, "height": 900})
    page.goto(live_server.url + "/login/")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", level=1, name="Your agreements").wait_for()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_finance_officer_creates_an_agreement_choosing_partners_by_typing(
    flushable_audit: None,
    live_server: Any,
    page: Any,
    axe_check: Any,
    csp_violations: Any,
    world: World,
) -> None:
    log_in(page, live_server, "finance")
    accessible_at_both_widths(page, axe_check, csp_violations)
    page.goto(live_server.url + "/agreements/new/")
    page.get_by_role("heading", level=1, name="Create an agreement").wait_for()
    # Enhanced: no long list of tick-boxes, the multiple select is hidden behind the picker.
    assert page.locator("#partners").is_hidden()
    assert page.locator("#partners-chosen li").count() == 1  # own organisation, chosen already
    accessible_at_both_widths(page, axe_check, csp_violations)

    # Saved with one partner (the dates given, so the partner rules are checked): the error
    # summary's link leads to the type-ahead, not to the hidden select behind it.
    page.fill("#start_date", "2025-04-01")
    page.fill("#end_date", "2027-03-31")
    page.get_by_role("button", name="Save agreement").click()
    page.locator(".nhsuk-error-summary").wait_for()
    link = page.locator('.nhsuk-error-summary a[href="#partners-add"]').first
    link.wait_for()
    assert page.locator('.nhsuk-error-summary a[href="#partners"]').count() == 0
    link.click()
    page.wait_for_function("document.activeElement && document.activeElement.id === 'partners-add'")

    page.fill("#title", "Leeds community equipment pool")
    page.locator("#area").fill("Leeds")
    page.get_by_role("option", name="Leeds (E08000035)").click()
    picker = page.get_by_label("Add a partner")
    picker.fill("West York")
    page.get_by_role("option", name="NHS West Yorkshire Integrated Care Board (QWO)").click()
    picker.fill("Voluntary")
    page.get_by_role("option", name=re.compile("Leeds Voluntary Sector")).click()
    assert page.locator("#partners-chosen li").count() == 3
    # Remove one again, then add it with the Add button instead.
    page.get_by_role("button", name=re.compile("Remove Leeds Voluntary Sector")).click()
    assert page.locator("#partners-chosen li").count() == 2
    picker.fill("Leeds Voluntary Sector Partnership (LEEDS-VCS)")
    picker.press("Escape")  # close the suggestions, which lie over the button
    page.get_by_role("button", name="Add partner").click()
    assert page.locator("#partners-chosen li").count() == 3
    page.locator("#host").fill("Leeds City")
    page.get_by_role("option", name="Leeds City Council (E08000035)").click()
    page.get_by_label("Add an auditor").fill("External Audit")
    page.get_by_role("option", name="External Audit One (AUDIT-ONE)").click()
    page.select_option("#arrangement_type", index=1)
    page.fill("#start_date", "2025-04-01")
    page.fill("#end_date", "2027-03-31")
    accessible_at_both_widths(page, axe_check, csp_violations)
    page.get_by_role("button", name="Save agreement").click()

    page.get_by_text("Agreement 'Leeds community equipment pool' created").wait_for()
    partners = page.locator("#terms ~ dl").first.inner_text()
    for name in ("Leeds City Council", "NHS West Yorkshire", "Leeds Voluntary Sector"):
        assert name in partners
    assert "External Audit One" in partners
    accessible_at_both_widths(page, axe_check, csp_violations)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_money_pages_reflow_at_320_px_while_adding_and_varying_a_contribution(
    flushable_audit: None,
    live_server: Any,
    page: Any,
    axe_check: Any,
    csp_violations: Any,
    world: World,
) -> None:
    log_in(page, live_server, "finance")
    page.goto(f"{live_server.url}/agreements/{world.agreement.pk}/")
    accessible_at_both_widths(page, axe_check, csp_violations)
    page.get_by_role("button", name="Add a contribution").click()
    page.get_by_role("heading", level=1, name="Add a contribution").wait_for()
    accessible_at_both_widths(page, axe_check, csp_violations)
    page.select_option("#year", "2024-25")
    page.select_option("#partner", "E08000035")
    page.select_option("#funding_stream", "dfg")
    page.check("#mandated")
    page.fill("#amount", "250000.00")
    page.select_option("#frequency", "quarterly")
    page.get_by_role("button", name="Add contribution").click()
    page.get_by_text("Contribution added").wait_for()
    accessible_at_both_widths(page, axe_check, csp_violations)  # the contribution page
    page.get_by_role("button", name="Vary the amount").click()
    page.fill("#effective_date", "2024-10-01")
    page.fill("#new_amount", "300000.00")
    page.fill("#reason", "More adaptations")
    accessible_at_both_widths(page, axe_check, csp_violations)
    page.get_by_role("button", name="Record variation").click()
    page.get_by_text("Variation recorded").wait_for()
    accessible_at_both_widths(page, axe_check, csp_violations)

    # On a phone the money stays on screen: each row is a block of labelled cells.
    page.set_viewport_size({"width": NARROW, "height": 900})
    page.goto(f"{live_server.url}/agreements/{world.agreement.pk}/")
    total = page.locator('[data-total="2024-25"]')
    box = total.bounding_box()
    assert box is not None and box["x"] + box["width"] <= NARROW
    assert total.inner_text().endswith("£95,300,000.01")
    share = page.locator('[data-share="Leeds City Council"]')
    assert share.inner_text() == "37.0%"  # 35,300,000.01 of 95,300,000.01
    page.goto(f"{live_server.url}/organisations/{world.council.code}/")
    accessible_at_both_widths(page, axe_check, csp_violations)
    page.goto(f"{live_server.url}/agreements/{world.agreement.pk}/history/")
    accessible_at_both_widths(page, axe_check, csp_violations)
    page.goto(f"{live_server.url}/agreements/")
    accessible_at_both_widths(page, axe_check, csp_violations)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_signatory_approves_the_agreement(
    flushable_audit: None,
    live_server: Any,
    page: Any,
    axe_check: Any,
    csp_violations: Any,
    world: World,
) -> None:
    log_in(page, live_server, "signatory")
    page.get_by_role("link", name=world.agreement.title).click()
    page.get_by_role("heading", level=1, name=world.agreement.title).wait_for()
    accessible_at_both_widths(page, axe_check, csp_violations)
    page.get_by_role("button", name="Approve for Leeds City Council").click()
    page.locator(".nhsuk-notification-banner--success").get_by_text(
        "Leeds City Council approved the agreement"
    ).wait_for()
    approvals = page.locator("#approvals ~ table").first.inner_text()
    assert "Leeds City Council" in approvals
    accessible_at_both_widths(page, axe_check, csp_violations)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_viewer_is_offered_no_create_or_delete_and_is_refused_the_create_form(
    flushable_audit: None,
    live_server: Any,
    page: Any,
    axe_check: Any,
    csp_violations: Any,
    world: World,
) -> None:
    log_in(page, live_server, "viewer")
    for path in ("/", "/agreements/", f"/agreements/{world.agreement.pk}/", "/organisations/"):
        page.goto(live_server.url + path)
        for name in ("Create an agreement", "Add an organisation", "Add a contribution"):
            assert page.get_by_role("button", name=name).count() == 0, (path, name)
            assert page.get_by_role("link", name=name).count() == 0, (path, name)
        assert page.get_by_text(re.compile(r"^Delete ")).count() == 0, path
    response = page.goto(live_server.url + "/agreements/new/")
    assert response is not None and response.status == 403
    assert page.locator("#title").count() == 0  # no form
    accessible_at_both_widths(page, axe_check, csp_violations)
