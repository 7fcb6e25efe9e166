"""Every refusal the issue names, made through the web forms: the field's message shows beside
the field and in the error summary, the user's input is kept, and nothing changes."""

from __future__ import annotations

import itertools
import re
from typing import Any

import pytest
from django.urls import reverse

from carepool.agreements.services import add_risk_share_provision
from carepool.audit.models import Interface
from carepool.audit.services import Actor
from carepool.web.presenters.agreements import agreement_form_values
from tests.factories import World
from tests.web.helpers import assert_refused, state, text

pytestmark = pytest.mark.django_db


def agreement_form(world: World, **overrides: Any) -> dict[str, Any]:
    """What the edit form posts when the user changes only ``overrides``."""
    data = agreement_form_values(world.agreement)
    data.update(overrides)
    return data


def contribution_form(**overrides: Any) -> dict[str, Any]:
    data = {
        "year": "2024-25",
        "partner": "E08000035",
        "funding_stream": "dfg",
        "mandated": "yes",
        "amount": "1500000.00",
        "frequency": "quarterly",
    }
    data.update(overrides)
    return data


# --- contributions ------------------------------------------------------------------------


def test_a_negative_contribution_is_refused(login, world):
    before = state(world)
    url = reverse("web:contribution_add", args=[world.agreement.pk])
    response = login("finance").post(url, contribution_form(amount="-250.00"))
    page = assert_refused(response, "amount", "Amount cannot be negative")
    assert 'value="-250.00"' in page  # the input is kept to correct
    assert state(world) == before


def test_a_non_numeric_contribution_is_refused(login, world):
    before = state(world)
    url = reverse("web:contribution_add", args=[world.agreement.pk])
    response = login("finance").post(url, contribution_form(amount="lots"))
    assert_refused(response, "amount", "'lots' is not an amount of money")
    assert state(world) == before


def test_an_unknown_funding_stream_is_refused(login, world):
    before = state(world)
    url = reverse("web:contribution_add", args=[world.agreement.pk])
    response = login("finance").post(url, contribution_form(funding_stream="made_up"))
    assert_refused(response, "funding_stream", "'made_up' is not a funding stream in 2024-25")
    assert state(world) == before


def test_a_financial_year_in_the_wrong_form_is_refused(login, world):
    before = state(world)
    url = reverse("web:contribution_add", args=[world.agreement.pk])
    response = login("finance").post(url, contribution_form(year="2024"))
    assert_refused(response, "year", "'2024' is not a financial year; write it like 2024-25")
    assert state(world) == before


def test_a_partner_that_may_not_pay_into_a_stream_is_refused(login, world):
    before = state(world)
    url = reverse("web:contribution_add", args=[world.agreement.pk])
    response = login("finance").post(url, contribution_form(partner="QWO", funding_stream="dfg"))
    assert_refused(response, "partner", "Disabled Facilities Grant in 2024-25 can only come from")
    assert state(world) == before


def test_every_problem_is_listed_at_once(login, world):
    url = reverse("web:contribution_add", args=[world.agreement.pk])
    response = login("finance").post(url, contribution_form(amount="-1", year="24/25", partner=""))
    page = text(response)
    for field_id in ("amount", "year", "partner"):
        assert f'href="#{field_id}"' in page


def test_a_variation_without_a_reason_or_with_both_amounts_is_refused(login, world):
    before = state(world)
    url = reverse("web:contribution_vary", args=[world.nhs_min.pk])
    response = login("finance").post(
        url, {"effective_date": "2024-10-01", "change": "100", "new_amount": "200", "reason": ""}
    )
    page = assert_refused(response, "change", "not both")
    assert state(world) == before
    assert 'value="2024-10-01"' in page


def test_a_variation_below_zero_is_refused(login, world):
    before = state(world)
    url = reverse("web:contribution_vary", args=[world.nhs_min.pk])
    response = login("finance").post(
        url, {"effective_date": "2024-10-01", "change": "-70000000", "reason": "Error"}
    )
    assert_refused(response, "change", "below £0")
    assert state(world) == before


def test_a_variation_dated_outside_the_year_is_refused(login, world):
    before = state(world)
    url = reverse("web:contribution_vary", args=[world.nhs_min.pk])
    response = login("finance").post(
        url, {"effective_date": "2025-06-01", "new_amount": "1", "reason": "Late"}
    )
    assert_refused(response, "effective_date", "The effective date must fall in 2024-25")
    assert state(world) == before


def test_an_unknown_instalment_frequency_is_refused(login, world):
    before = state(world)
    url = reverse("web:contribution_edit", args=[world.nhs_min.pk])
    response = login("finance").post(url, {"frequency": "fortnightly"})
    assert_refused(response, "frequency", "'fortnightly' is not how the contribution is paid")
    assert state(world) == before


def test_a_varied_contribution_cannot_be_deleted(login, world):
    client = login("finance")
    client.post(
        reverse("web:contribution_vary", args=[world.nhs_min.pk]),
        {"effective_date": "2024-10-01", "change": "100", "reason": "Uplift"},
    )
    before = state(world)
    response = client.post(reverse("web:contribution_delete", args=[world.nhs_min.pk]))
    assert response.status_code == 400
    assert "keeps its history" in text(response)
    assert state(world) == before


# --- agreements ---------------------------------------------------------------------------


def test_a_host_that_is_not_a_partner_is_refused(login, world):
    before = state(world)
    url = reverse("web:agreement_edit", args=[world.agreement.pk])
    response = login("finance").post(url, agreement_form(world, host="AUDIT-ONE"))
    assert_refused(response, "host", "The host must be one of the partners")
    assert state(world) == before


def test_a_break_clause_after_the_end_date_is_refused(login, world):
    before = state(world)
    url = reverse("web:agreement_edit", args=[world.agreement.pk])
    response = login("finance").post(url, agreement_form(world, break_clause_date="2028-01-01"))
    page = assert_refused(
        response, "break_clause_date", "The break clause must fall inside the term"
    )
    assert 'value="2028-01-01"' in page
    assert state(world) == before


def test_an_unknown_organisation_code_is_refused(login, world):
    before = state(world)
    url = reverse("web:agreement_edit", args=[world.agreement.pk])
    partners = ["E08000035", "QWO", "LEEDS-VCS", "NOPE"]
    response = login("finance").post(url, agreement_form(world, partners=partners))
    assert_refused(response, "partners", "'NOPE' is not a known organisation code")
    assert state(world) == before


def test_an_unknown_area_is_refused_when_creating(login, world):
    before = state(world)
    data = agreement_form(world, area="E99999999", title="New pool")
    response = login("finance").post(reverse("web:agreement_create"), data)
    page = assert_refused(response, "area", "'E99999999' is not a known area code")
    assert 'value="New pool"' in page
    # the partners chosen stay chosen
    assert '<option value="QWO" selected>' in page.split('id="partners"', 1)[1]
    assert state(world) == before


def test_a_partner_named_in_a_risk_share_provision_cannot_be_removed(login, world):
    provision = {"kind": "agreed_ratio", "shares": {"E08000035": "50", "LEEDS-VCS": "50"}}
    add_risk_share_provision(Actor(world.finance, Interface.WEB), world.agreement.pk, provision)
    before = state(world)
    url = reverse("web:agreement_edit", args=[world.agreement.pk])
    response = login("finance").post(url, agreement_form(world, partners=["E08000035", "QWO"]))
    page = assert_refused(response, "risk_share", "'LEEDS-VCS' is not a partner in this agreement")
    assert "Risk share provisions (item 1): 'LEEDS-VCS' is not a partner" in page
    assert state(world) == before


def test_an_agreement_with_contributions_cannot_be_deleted(login, world):
    before = state(world)
    response = login("finance").post(reverse("web:agreement_delete", args=[world.agreement.pk]))
    assert response.status_code == 400
    assert "An agreement with contributions cannot be deleted" in text(response)
    assert state(world) == before


# --- edits by a user without the role -----------------------------------------------------


@pytest.mark.parametrize(
    ("name", "whose", "data"),
    [
        ("web:agreement_edit", "agreement", {"title": "Renamed"}),
        ("web:contribution_add", "agreement", contribution_form()),
        (
            "web:contribution_vary",
            "contribution",
            {"effective_date": "2024-10-01", "change": "1", "reason": "x"},
        ),
        ("web:contribution_edit", "contribution", {"frequency": "monthly"}),
    ],
)
def test_an_edit_by_a_user_without_the_role_is_refused(login, world, name, whose, data):
    before = state(world)
    pk = world.agreement.pk if whose == "agreement" else world.nhs_min.pk
    response = login("signatory").post(reverse(name, args=[pk]), data)
    assert response.status_code == 403
    assert "You need the finance officer role" in text(response)
    assert state(world) == before


def test_approval_by_a_user_without_the_signatory_role_is_refused(login, world):
    before = state(world)
    response = login("finance").post(reverse("web:agreement_approve", args=[world.agreement.pk]))
    assert response.status_code == 403
    assert "You need the signatory role to approve agreements" in text(response)
    assert state(world) == before


# --- organisations ------------------------------------------------------------------------


def test_an_organisation_code_in_the_wrong_form_is_refused(login, world):
    before = state(world)
    data = {
        "name": "Leeds Teaching Hospitals",
        "org_type": "nhs_trust",
        "code_system": "ods",
        "code": "R",
    }
    response = login("finance").post(reverse("web:organisation_create"), data)
    page = assert_refused(response, "code", "'R' is not a valid ODS code")
    assert 'value="Leeds Teaching Hospitals"' in page
    assert state(world) == before


def test_an_organisation_in_an_agreement_cannot_be_deleted(login, world):
    from carepool.agreements import services as agreement_services
    from carepool.audit.models import Interface
    from carepool.audit.services import Actor
    from carepool.organisations import services as organisation_services

    finance = Actor(world.finance, Interface.WEB)
    organisation_services.create_organisation(
        finance,
        {
            "code": "RR8",
            "code_system": "ods",
            "name": "Leeds Teaching Hospitals",
            "org_type": "nhs_trust",
        },
    )
    agreement_services.update_agreement(
        finance, world.agreement.pk, {"partners": ["E08000035", "QWO", "LEEDS-VCS", "RR8"]}
    )
    before = state(world)
    response = login("finance").post(reverse("web:organisation_delete", args=["RR8"]))
    assert response.status_code == 400
    assert "cannot be deleted" in text(response)
    assert state(world) == before


def test_a_viewer_cannot_add_an_organisation(login, world):
    before = state(world)
    data = {
        "name": "Leeds Teaching Hospitals",
        "org_type": "nhs_trust",
        "code_system": "ods",
        "code": "RR8",
    }
    response = login("viewer").post(reverse("web:organisation_create"), data)
    assert response.status_code == 403
    assert "You need the finance officer role to add organisations" in text(response)
    assert state(world) == before


def test_the_error_summary_follows_the_order_of_the_fields(login, world):
    url = reverse("web:contribution_add", args=[world.agreement.pk])
    response = login("finance").post(
        url, contribution_form(amount="lots", partner="", year="2024/25")
    )
    page = response.content.decode()
    summary = page[
        page.index("nhsuk-error-summary") : page.index("</ul>", page.index("nhsuk-error-summary"))
    ]
    hrefs = re.findall(r'href="#(\w+)"', summary)
    assert hrefs == ["year", "partner", "amount"]


def test_choosing_no_kind_of_provision_says_so(login, world):
    url = reverse("web:risk_share_add", args=[world.agreement.pk])
    client = login("finance")
    assert "Error:" not in client.get(url).content.decode()  # first visit: no error yet
    response = client.get(url, {"step": "kind"})  # Continue with nothing chosen
    assert response.status_code == 400
    assert "nhsuk-error-summary" in response.content.decode()


@pytest.mark.parametrize(
    "name", ["web:agreement_delete", "web:organisation_delete", "web:contribution_delete"]
)
def test_delete_pages_have_no_skipped_heading_levels(login, world, name):
    client = login("finance")
    arg = {
        "web:agreement_delete": world.agreement.pk,
        "web:organisation_delete": "E08000035",
        "web:contribution_delete": world.ibcf.pk,
    }[name]
    page = client.get(reverse(name, args=[arg])).content.decode()
    levels = [int(n) for n in re.findall(r"<h([1-6])", page)]
    assert levels[0] == 1
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels)), levels


def test_a_variation_with_neither_amount_asks_for_one(login, world):
    before = state(world)
    url = reverse("web:contribution_vary", args=[world.nhs_min.pk])
    response = login("finance").post(
        url, {"effective_date": "2024-10-01", "change": "", "new_amount": "", "reason": "Why"}
    )
    assert_refused(response, "change", "Give the change in pounds, or the new amount")
    assert state(world) == before
