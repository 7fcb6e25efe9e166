from dataclasses import replace
from datetime import date

import pytest

from carepool.core.agreements import (
    CHECKLIST_ITEMS,
    AgreementTerms,
    ArrangementType,
    ReportingFrequency,
    completeness,
    validate_terms,
)
from carepool.core.periods import FinancialYear
from carepool.core.risk_share import parse_provisions

BASE = AgreementTerms(
    title="Pool",
    area_code="E08000035",
    arrangement_type=ArrangementType.POOLED_FUND,
    partner_codes=("E08000035", "QWO"),
    host_code="E08000035",
    start_date=date(2024, 4, 1),
    end_date=date(2027, 3, 31),
    break_clause_date=date(2025, 3, 31),
)


def errors_of(terms):
    return validate_terms(terms)


def test_valid_terms_have_no_errors():
    assert not errors_of(BASE)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"host_code": "E10000016"}, "host", "The host must be one of the partners"),
        ({"break_clause_date": date(2027, 6, 1)}, "break_clause_date", "inside the term"),
        ({"break_clause_date": date(2024, 4, 1)}, "break_clause_date", "inside the term"),
        (
            {"end_date": date(2024, 1, 1), "break_clause_date": None},
            "end_date",
            "after the start date",
        ),
        ({"partner_codes": ("QWO",), "host_code": "QWO"}, "partners", "at least two partners"),
        ({"partner_codes": ("QWO", "QWO"), "host_code": "QWO"}, "partners", "more than once"),
        ({"title": " "}, "title", "Enter a title"),
    ],
)
def test_rules_refuse_with_field_and_message(change, field, message):
    collector = errors_of(replace(BASE, **change))
    with pytest.raises(Exception) as exc:
        collector.raise_if_any()
    assert any(e.field == field and message in e.message for e in exc.value.errors)


Y24, Y25, Y26 = FinancialYear(2024), FinancialYear(2025), FinancialYear(2026)
EVERY_YEAR = {y: ["E08000035", "QWO"] for y in (Y24, Y25, Y26)}


def test_completeness_lists_every_missing_item():
    report = completeness(BASE, {Y24: ["E08000035"]})
    missing = {i.key for i in report.missing}
    assert "contributions" in missing  # QWO has not contributed
    assert "aims" in missing and "risk_share" in missing and "exit" in missing
    assert "partners_and_host" not in missing and "term" not in missing
    assert not report.complete


def test_complete_agreement():
    full = replace(
        BASE,
        governing_board="HWB",
        aims="a",
        outcomes=("o",),
        functions_covered="f",
        services_in_scope="s",
        staff_goods_accommodation="g",
        charges_to_people="c",
        reporting_frequency=ReportingFrequency.MONTHLY,
        risk_share=parse_provisions([{"kind": "proportional", "applies_to": "both"}]),
        overspend_protocol="p",
        exit_terms="e",
        audit_arrangements="a",
        variation_procedure="v",
        review_arrangements="r",
    )
    report = completeness(full, EVERY_YEAR)
    assert report.complete, report.missing
    assert len(report.results) == len(CHECKLIST_ITEMS)
    # An agreement to March 2027 needs money for 2026-27 too, though its rules are not out.
    later = completeness(full, {Y24: ["E08000035", "QWO"], Y25: ["QWO"]})
    [contributions] = [r for r in later.results if r.item.key == "contributions"]
    assert contributions.status == "missing"
    assert contributions.detail == "2025-26: none from E08000035; 2026-27: none recorded"


def test_pool_only_items_do_not_apply_to_grant_transfers():
    report = completeness(replace(BASE, arrangement_type=ArrangementType.GRANT_TRANSFER), {})
    statuses = {r.item.key: r.status for r in report.results}
    assert statuses["risk_share"] == "not_applicable"
    assert statuses["contributions"] == "not_applicable"
    assert statuses["aims"] == "missing"


def test_risk_share_needs_both_directions():
    one_way = replace(
        BASE,
        risk_share=parse_provisions(
            [{"kind": "risk_pool", "applies_to": "overspend", "amount": "500000"}]
        ),
    )
    assert "risk_share" in {i.key for i in completeness(one_way, {}).missing}


def test_risk_share_partner_must_be_a_partner():
    terms = replace(
        BASE, risk_share=parse_provisions([{"kind": "agreed_ratio", "shares": {"X99": "1"}}])
    )
    with pytest.raises(Exception, match="'X99' is not a partner"):
        validate_terms(terms).raise_if_any()
