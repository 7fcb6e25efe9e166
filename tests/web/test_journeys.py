"""What people do through the web: each write goes through the service, is audited as "Web",
and the pages show the result (totals, schedules, completeness, history)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from carepool.agreements import services as agreement_services
from carepool.agreements import signing
from carepool.agreements.models import Agreement, Contribution
from carepool.agreements.services import add_risk_share_provision
from carepool.audit.models import AuditEvent, Interface
from carepool.audit.services import Actor
from carepool.organisations.models import Organisation
from carepool.web.presenters.agreements import agreement_form_values
from tests.factories import populations, standing_approvals
from tests.web.helpers import text

pytestmark = pytest.mark.django_db


def visible_text(html: str) -> str:
    """The words a sighted reader sees: no tags, no visually hidden text, single spaces."""
    html = re.sub(r'<span class="nhsuk-u-visually-hidden">.*?</span>', "", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace(" :", ":")


def history_section(page: str) -> str:
    return visible_text(page[page.index('id="history"') :])


def success_banner(page: str) -> str:
    match = re.search(r"nhsuk-notification-banner--success.*?</div>\s*</div>", page, re.S)
    assert match, "no success banner"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(0)))


# --- agreements ---------------------------------------------------------------------------


def test_create_an_agreement_then_see_it_with_its_history(login, world):
    client = login("finance")
    form = client.get(reverse("web:agreement_create"))
    # own organisation chosen in the partners picker (a multiple select without JavaScript)
    partners = form.content.decode().split('id="partners"', 1)[1].split("</select>")[0]
    assert '<option value="E08000035" selected>' in partners
    data = {
        "title": "Leeds intermediate care pool",
        "area": "E08000035",
        "arrangement_type": "pooled_fund",
        "partners": ["E08000035", "QWO"],
        "host": "QWO",
        "auditors": ["AUDIT-ONE"],
        "start_date": "2025-04-01",
        "end_date": "2030-03-31",
        "break_clause_date": "2027-03-31",
        "outcomes": "Fewer delayed discharges\nMore people at home 91 days after discharge",
        "reporting_frequency": "monthly",
        "aims": "Get people home from hospital sooner",
    }
    response = client.post(reverse("web:agreement_create"), data, follow=True)
    agreement = Agreement.objects.get(title="Leeds intermediate care pool")
    assert response.redirect_chain[-1][0] == reverse("web:agreement", args=[agreement.pk])
    page = text(response)
    assert "Agreement 'Leeds intermediate care pool' created" in success_banner(page)
    assert agreement.host.code == "QWO"
    assert agreement.outcomes == [
        "Fewer delayed discharges",
        "More people at home 91 days after discharge",
    ]
    # risk-share provisions are added one at a time afterwards (tests/web/test_risk_share.py)
    assert "No risk share provisions are recorded" in page
    assert reverse("web:risk_share_add", args=[agreement.pk]) in page
    # the history says who, through which interface, and what
    history = history_section(page)
    assert "Finance" in history
    assert "Web" in history
    assert "Created" in history
    assert "Title: (none) → Leeds intermediate care pool" in history
    # codes, dates and values in words (the API keeps the raw values)
    assert "Partners: (none) → Leeds City Council (E08000035), " in history
    assert "Start date: (none) → 1 April 2025" in history
    assert "Type of arrangement: (none) → Pooled fund" in history
    assert (
        AuditEvent.objects.filter(agreement_id=agreement.pk, interface=Interface.WEB).count() == 1
    )


def test_change_an_agreement_shows_before_and_after_in_the_history(login, world):
    client = login("finance")
    url = reverse("web:agreement_edit", args=[world.agreement.pk])
    form = text(client.get(url))
    assert 'value="Leeds Better Care Fund pooled budget"' in form
    assert "Fewer emergency admissions of people aged 65+</textarea>" in form

    data = agreement_form_values(world.agreement)
    data.update(
        governing_board="Leeds Health and Care Partnership Board", reporting_frequency="quarterly"
    )
    response = client.post(url, data, follow=True)
    page = text(response)
    assert "Agreement updated" in success_banner(page)
    history = history_section(page)
    assert (
        "Governing board: Leeds Health and Wellbeing Board → Leeds Health and Care Partnership Board"
        in history
    )
    assert "Reporting frequency: (none) → Quarterly" in history
    event = AuditEvent.objects.filter(agreement_id=world.agreement.pk).first()
    assert event.interface == Interface.WEB
    assert event.actor == world.finance


def test_the_agreement_page_shows_terms_completeness_and_totals(login, world):
    page = text(login("viewer").get(reverse("web:agreement", args=[world.agreement.pk])))
    assert "Leeds Health and Wellbeing Board" in page
    assert "1 April 2024" in page and "31 March 2027" in page and "31 March 2025" in page
    assert "Host" in page
    assert "External Audit One" in page
    # completeness: every status has words, not only a colour
    completeness = page[page.index('id="completeness"') : page.index('id="contributions"')]
    assert "Shared aims" in completeness
    assert re.search(r"Shared aims.*?Present", completeness, re.S)
    assert re.search(r"Overspend protocol.*?Missing", completeness, re.S)
    assert re.search(
        r"Each partner's contribution.*?Missing", completeness, re.S
    )  # VCS pays nothing
    # contributions: stream names from the year's rules, totals per partner, stream and overall
    money = page[page.index('id="contributions"') : page.index('id="approvals"')]
    assert money.count('id="contributions-2024-25"') == 1
    assert "Minimum NHS (CCG/ICB) contribution" in money
    assert "Improved Better Care Fund grant" in money
    assert "£60,000,000.00" in money and "£35,000,000.01" in money
    assert "£95,000,000.01" in money
    assert "2024-25 totals by partner" in money
    assert "2024-25 totals by funding stream" in money


def test_a_not_applicable_item_is_tagged_so(login, world):
    client = login("finance")
    data = agreement_form_values(world.kent_agreement)
    client.force_login(world.outsider)
    data.update(arrangement_type="aligned_budgets")
    client.post(reverse("web:agreement_edit", args=[world.kent_agreement.pk]), data)
    page = text(client.get(reverse("web:agreement", args=[world.kent_agreement.pk])))
    assert re.search(r"Risk share for overspends and underspends.*?Not applicable", page, re.S)


def test_delete_an_agreement_after_confirming(login, world):
    client = login("outsider")
    url = reverse("web:agreement_delete", args=[world.kent_agreement.pk])
    confirm = text(client.get(url))
    assert "Yes, delete this agreement" in confirm
    assert Agreement.objects.filter(pk=world.kent_agreement.pk).exists()  # a GET deletes nothing
    response = client.post(url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("web:agreements")
    assert "Agreement 'Kent Better Care Fund' deleted" in success_banner(text(response))
    assert not Agreement.objects.filter(pk=world.kent_agreement.pk).exists()
    event = AuditEvent.objects.filter(agreement_id=world.kent_agreement.pk, action="delete").get()
    assert event.interface == Interface.WEB


def test_signatories_approve_once_and_the_button_goes(login, world):
    client = login("signatory")
    url = reverse("web:agreement", args=[world.agreement.pk])
    approve = reverse("web:agreement_approve", args=[world.agreement.pk])
    shown = client.get(url).content.decode()
    assert approve in shown
    form = _hidden_fields(shown, approve)
    agreement = Agreement.objects.get(pk=world.agreement.pk)
    assert form == {
        "version": str(agreement.version),
        "content_hash": signing.content_hash(agreement),
    }
    response = client.post(approve, form, follow=True)
    page = text(response)
    assert (
        f"Leeds City Council approved the agreement (version {agreement.version})"
        in success_banner(page)
    )
    assert approve not in page
    approvals = page[page.index('id="approvals"') : page.index('id="history"')]
    assert "Signatory" in approvals
    assert f"this is version {agreement.version}" in approvals
    assert "Waiting for approval from:" in approvals
    assert "NHS West Yorkshire Integrated Care Board" in approvals
    assert standing_approvals(world.agreement.pk) == 1
    # approving twice is refused by the service and said plainly
    again = text(client.post(approve, form, follow=True))
    assert f"Leeds City Council has already approved version {agreement.version}" in again
    assert standing_approvals(world.agreement.pk) == 1
    assert client.get(approve).status_code == 405


def test_an_approval_of_a_page_read_before_a_change_is_refused_and_the_old_one_is_listed(
    login, world
):
    client = login("signatory")
    url = reverse("web:agreement", args=[world.agreement.pk])
    approve = reverse("web:agreement_approve", args=[world.agreement.pk])
    client.post(approve, _hidden_fields(client.get(url).content.decode(), approve))
    icb = login("icb_signatory")  # the ICB's signatory reads the page ...
    form = _hidden_fields(icb.get(url).content.decode(), approve)
    agreement_services.update_agreement(  # ... and the agreement changes meanwhile
        Actor(world.finance, Interface.WEB), world.agreement.pk, {"aims": "Changed meanwhile"}
    )
    page = text(icb.post(approve, form, follow=True))
    version = int(form["version"])
    assert (
        f"Version {version} of the agreement has been superseded by version {version + 1}" in page
    )
    assert standing_approvals(world.agreement.pk) == 0
    # The withdrawn approval stays on the page, naming the version it approved.
    assert f"Leeds City Council (Signatory) approved version {version}" in page
    assert "because the agreement's terms changed" in page


def _hidden_fields(page: str, action: str) -> dict[str, str]:
    form = page[page.index(f'action="{action}"') :]
    form = form[: form.index("</form>")]
    return {
        name: value
        for name, value in re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form)
        if name != "csrfmiddlewaretoken"
    }


# --- contributions ------------------------------------------------------------------------


def test_add_a_contribution_and_see_the_new_total(login, world):
    client = login("finance")
    url = reverse("web:contribution_add", args=[world.agreement.pk])
    form = text(client.get(url))
    assert "Disabled Facilities Grant" in form  # 2024-25's streams, by name
    assert "Leeds Voluntary Sector Partnership (LEEDS-VCS)" in form  # partners only
    assert "Kent County Council" not in form
    data = {
        "year": "2024-25",
        "partner": "E08000035",
        "funding_stream": "dfg",
        "mandated": "yes",
        "amount": "4,500,000.00",
        "frequency": "monthly",
    }
    response = client.post(url, data, follow=True)
    contribution = Contribution.objects.get(stream_code="dfg")
    assert response.redirect_chain[-1][0] == reverse("web:contribution", args=[contribution.pk])
    page = text(response)
    assert "Contribution added" in success_banner(page)
    assert "£4,500,000.00" in page
    assert page.count("£375,000.00") == 12  # twelve monthly instalments
    agreement_page = text(client.get(reverse("web:agreement", args=[world.agreement.pk])))
    assert "£99,500,000.01" in agreement_page  # 95,000,000.01 + 4,500,000.00
    assert "Disabled Facilities Grant" in agreement_page
    assert "Web" in history_section(agreement_page)


def test_the_add_form_lists_another_years_streams(login, world):
    url = reverse("web:contribution_add", args=[world.agreement.pk])
    page = text(login("finance").get(url + "?year=2025-26"))
    assert re.search(r'value="2025-26"\s+selected', page)
    assert "Local Authority Better Care Grant" in page
    assert "Provisional rules" not in page
    # Every year of the term is offered, including one whose rules are not yet published.
    assert 'value="2026-27"' in page
    later = text(login("finance").get(url + "?year=2026-27"))
    assert "Provisional rules" in later
    assert "no Better Care Fund rules are published for 2026-27 yet" in later


def test_vary_a_contribution_and_see_its_history_and_schedule(login, world):
    client = login("finance")
    url = reverse("web:contribution_vary", args=[world.ibcf.pk])
    assert "£35,000,000.01 now" in text(client.get(url))
    response = client.post(
        url,
        {
            "effective_date": "2024-10-01",
            "new_amount": "36000000.01",
            "change": "",
            "reason": "Winter uplift",
        },
        follow=True,
    )
    page = text(response)
    assert response.redirect_chain[-1][0] == reverse("web:contribution", args=[world.ibcf.pk])
    assert "Variation recorded" in success_banner(page)
    variations = page[page.index('id="variations"') : page.index('id="schedule"')]
    assert "1 October 2024" in variations
    assert "+£1,000,000.00" in variations
    assert "£36,000,000.01" in variations
    assert "Winter uplift" in variations
    schedule = page[page.index('id="schedule"') :]
    # the uplift is spread over the two instalments not yet due on 1 October
    assert "£8,750,000.01" in schedule  # 1 April: the odd penny goes first
    assert schedule.count("£9,250,000.00") == 2
    total = re.search(r'data-total="schedule"><strong>(.*?)</strong>', schedule).group(1)
    assert total == "£36,000,000.01"
    # the agreement's history shows the variation, through the web
    agreement_page = text(client.get(reverse("web:agreement", args=[world.agreement.pk])))
    history = history_section(agreement_page)
    assert "Amount: £35,000,000.01 → £36,000,000.01" in history
    assert "Effective date: (none) → 1 October 2024" in history
    assert "varied by £1,000,000.00 from 01 October 2024" in history


def test_change_the_instalments(login, world):
    client = login("finance")
    url = reverse("web:contribution_edit", args=[world.nhs_min.pk])
    assert re.search(r'value="quarterly"\s+checked', client.get(url).content.decode())
    page = text(client.post(url, {"frequency": "half_yearly"}, follow=True))
    assert "Instalments changed" in success_banner(page)
    assert "Two half-yearly instalments" in page
    assert page.count("£30,000,000.00") == 2


def test_remove_a_contribution_after_confirming(login, world):
    client = login("finance")
    url = reverse("web:contribution_delete", args=[world.ibcf.pk])
    assert "Yes, remove it" in text(client.get(url))
    response = client.post(url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("web:agreement", args=[world.agreement.pk])
    assert "Contribution removed" in success_banner(text(response))
    assert not Contribution.objects.filter(pk=world.ibcf.pk).exists()
    assert "£60,000,000.00" in text(response)


# --- organisations ------------------------------------------------------------------------


def test_organisations_can_be_searched_and_filtered(login, world):
    client = login("viewer")
    page = text(client.get(reverse("web:organisations") + "?q=leeds"))
    assert "Leeds City Council" in page and "Kent County Council" not in page
    page = text(client.get(reverse("web:organisations") + "?q=qks"))
    assert "NHS Kent and Medway Integrated Care Board" in page
    assert "1 organisation found" in page
    page = text(client.get(reverse("web:organisations") + "?type=nhs_commissioner"))
    assert "NHS West Yorkshire Integrated Care Board" in page and "Leeds City Council" not in page


def test_organisations_come_a_page_at_a_time_keeping_the_search(login, world):
    for n in range(60):
        Organisation.objects.create(
            code=f"LOCAL-{n:03d}",
            code_system="local",
            name=f"Leeds group {n:03d}",
            org_type="voluntary",
        )
    client = login("viewer")
    page = text(client.get(reverse("web:organisations") + "?q=leeds"))
    assert "62 organisations found, showing 1 to 50" in page
    html = client.get(reverse("web:organisations") + "?q=leeds").content.decode()
    assert 'href="/organisations/?q=leeds&amp;page=2"' in html
    second = text(client.get(reverse("web:organisations") + "?q=leeds&page=2"))
    assert "showing 51 to 62" in second and "Leeds group 059" in second


def test_add_change_and_delete_an_organisation(login, world):
    client = login("finance")
    data = {
        "name": "Leeds Teaching Hospitals",
        "org_type": "nhs_trust",
        "code_system": "ods",
        "code": "rr8",
    }
    page = text(client.post(reverse("web:organisation_create"), data, follow=True))
    assert "Leeds Teaching Hospitals added" in success_banner(page)
    assert Organisation.objects.filter(code="RR8").exists()

    # What the change form sends: it has no code field (a code never changes), and saving
    # it once failed because the code went missing.
    form = text(client.get(reverse("web:organisation_edit", args=["RR8"])))
    assert 'name="code"' not in form
    data = {
        "name": "Leeds Teaching Hospitals NHS Trust",
        "org_type": "nhs_trust",
        "code_system": "ods",
        "version": "1",
    }
    response = client.post(reverse("web:organisation_edit", args=["RR8"]), data, follow=True)
    page = text(response)
    assert "Leeds Teaching Hospitals NHS Trust updated" in success_banner(page)
    history = history_section(page)
    assert "Name: Leeds Teaching Hospitals → Leeds Teaching Hospitals NHS Trust" in history
    assert "Web" in history

    url = reverse("web:organisation_delete", args=["RR8"])
    assert "Yes, delete this organisation" in text(client.get(url))
    page = text(client.post(url, follow=True))
    assert "Leeds Teaching Hospitals NHS Trust deleted" in success_banner(page)
    assert not Organisation.objects.filter(code="RR8").exists()


def test_an_organisation_lists_the_agreements_the_user_may_see(login, world):
    page = text(login("assurer").get(reverse("web:organisation", args=["E08000035"])))
    assert "Leeds Better Care Fund pooled budget" in page
    assert "Kent Better Care Fund" not in page  # Leeds council is not a Kent partner


# --- areas --------------------------------------------------------------------------------


def test_areas_can_be_searched(login, world):
    page = text(login("viewer").get(reverse("web:areas") + "?q=kent"))
    assert "Kent" in page and ">Leeds<" not in page


def test_an_area_shows_its_population_by_age_with_the_estimate_used(login, world):
    populations("E08000035", 2023, per_age=100)
    page = text(login("viewer").get(reverse("web:area", args=["E08000035"]) + "?year=2024-25"))
    assert "Yorkshire and The Humber" in page
    table = page[page.index("People in Leeds by age band, 2024-25") :]
    assert re.search(r"Aged 0 to 17</th>\s*<td[^>]*>1,800</td>", table)
    assert re.search(r"Aged 18 to 64</th>\s*<td[^>]*>4,700</td>", table)
    assert re.search(r"Aged 65 and over</th>\s*<td[^>]*>2,600</td>", table)
    assert re.search(r"Aged 85 and over</th>\s*<td[^>]*>600</td>", table)
    assert re.search(r"All ages</th>\s*<td[^>]*>9,100</td>", table)
    assert "ONS mid-2023 estimate, the latest loaded on or before mid-2024" in page
    assert 'class="app-chart__svg"' in page  # the chart, with the table as its text


def test_an_area_without_an_estimate_says_so(login, world):
    response = login("viewer").get(reverse("web:area", args=["E10000016"]) + "?year=2024-25")
    assert response.status_code == 200
    page = text(response)
    assert "No population estimate for E10000016 on or before mid-2024" in page
    assert "app-chart" not in page


def test_an_area_year_in_the_wrong_form_is_refused(login, world):
    populations("E08000035", 2023)
    response = login("viewer").get(reverse("web:area", args=["E08000035"]) + "?year=2024")
    assert response.status_code == 400
    page = text(response)
    assert 'href="#year"' in page
    assert "'2024' is not a financial year" in page


def test_saving_the_edit_form_unchanged_records_no_change(login, world):
    client = login("finance")
    url = reverse("web:agreement_edit", args=[world.agreement.pk])
    web = Actor(world.finance, Interface.WEB)
    tiered = {
        "kind": "tiered",
        "applies_to": "overspend",
        "tiers": [
            {"up_to": "500000", "shares": {"E08000035": "1"}},
            {"up_to": None, "shares": {"E08000035": "50", "QWO": "50"}},
        ],
    }
    order = {"kind": "order_of_application", "steps": ["offset_underspends", "risk_pool"]}
    add_risk_share_provision(web, world.agreement.pk, tiered)
    add_risk_share_provision(web, world.agreement.pk, order)
    events = AuditEvent.objects.count()
    world.agreement.refresh_from_db()
    provisions = world.agreement.risk_share
    page = text(client.get(url))
    assert '"kind": "tiered"' not in page  # no JSON to edit: provisions have their own pages
    assert "Risk-share provisions are added one at a time on the agreement page" in page
    client.post(url, agreement_form_values(world.agreement))
    assert AuditEvent.objects.count() == events
    world.agreement.refresh_from_db()
    assert world.agreement.risk_share == provisions  # saving the form keeps them
    shown = text(client.get(reverse("web:agreement", args=[world.agreement.pk])))
    assert "Tiered shares above thresholds" in shown
    assert "Tier 1 (up to £500,000.00)" in shown
    assert "Order of application for overspends" in shown
    assert "offset underspends, then risk pool" in shown


def test_a_contribution_shows_its_own_history(login, world):
    client = login("finance")
    client.post(
        reverse("web:contribution_vary", args=[world.ibcf.pk]),
        {"effective_date": "2024-10-01", "change": "10.00", "new_amount": "", "reason": "Uplift"},
    )
    page = text(client.get(reverse("web:contribution", args=[world.ibcf.pk])))
    history = history_section(page)
    assert "varied by £10.00" in history
    assert "nhs_minimum" not in history  # the other contribution's events are not here
