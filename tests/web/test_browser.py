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
    assert page.evaluate("document.activeElement.classList.contains('nhsuk-error-summary')")
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
