import pytest

from carepool.core import parse
from carepool.core.errors import ValidationFailed
from carepool.core.organisations import CodeSystem, OrganisationType, validate_code
from carepool.core.periods import FinancialYear
from carepool.core.population import persons_in_band
from carepool.core.rules import Programme, load_rules, parse_rule_book


def test_packaged_rules_load_and_are_keyed_by_programme_and_year():
    book = load_rules()
    assert FinancialYear(2024) in book.years(Programme.BCF)
    assert book.years(Programme.WALES) == []
    streams_2025 = {s.code for s in book.for_year(FinancialYear(2025)).funding_streams}
    streams_2024 = {s.code for s in book.for_year(FinancialYear(2024)).funding_streams}
    assert "labcg" in streams_2025 and "ibcf" not in streams_2025
    assert "ibcf" in streams_2024


def test_a_year_after_the_latest_uses_its_rules_provisionally():
    later = load_rules().for_year(FinancialYear(2040))
    latest = load_rules().for_year(FinancialYear(2025))
    assert later.provisional and not latest.provisional
    assert (later.year, later.published_year) == (FinancialYear(2040), FinancialYear(2025))
    assert later.funding_streams == latest.funding_streams
    assert later.provisional_note == (
        "Provisional: no Better Care Fund rules are published for 2040-41 yet, so the "
        "2025-26 rules are used until they are"
    )


@pytest.mark.parametrize(
    ("year", "programme", "message"),
    [
        (2014, Programme.BCF, "Carepool has no Better Care Fund rules for 2014-15; the earliest"),
        (2024, Programme.WALES, "No Welsh regional pooled fund rules are in Carepool yet"),
    ],
)
def test_years_and_programmes_without_rules_are_refused_clearly(year, programme, message):
    with pytest.raises(ValidationFailed, match=message):
        load_rules().for_year(FinancialYear(year), programme)


def test_a_second_programme_is_data_not_a_fork():
    wales = {
        "year": "2024-25",
        "programme": "Welsh regional pooled fund",
        "source": "a test",
        "funding_streams": [
            {
                "code": "care_homes",
                "name": "Care homes",
                "nature": "either",
                "contributors": ["council"],
            }
        ],
    }
    book = parse_rule_book(
        {
            "wales/2024-25.toml": wales,
            "bcf/2024-25.toml": {**wales, "programme": "Better Care Fund"},
        }
    )
    assert book.for_year(FinancialYear(2024), Programme.WALES).programme is Programme.WALES
    assert book.for_year(FinancialYear(2024), Programme.BCF).programme is Programme.BCF
    with pytest.raises(ValidationFailed) as exc:
        parse_rule_book(
            {
                "wales/2024-25.toml": {**wales, "programme": "Better Care Fund"},
                "nowhere/2024-25.toml": wales,
            }
        )
    messages = [str(e) for e in exc.value.errors]
    assert (
        "wales/2024-25.toml: programme: must be 'Welsh regional pooled fund', the programme of the folder the file is in"
        in messages
    )
    assert any(
        m.startswith("nowhere/2024-25.toml: programme: 'nowhere' is not a programme folder")
        for m in messages
    )


def test_bad_rules_file_refused_naming_file_and_field():
    good = {
        "year": "2024-25",
        "programme": "Better Care Fund",
        "source": "x",
        "funding_streams": [
            {"code": "a", "name": "A", "nature": "mandated", "contributors": ["council"]}
        ],
    }
    bad = {
        **good,
        "year": "2025-26",
        "funding_streams": [
            {"code": "a", "name": "A", "nature": "sometimes", "contributors": ["council"]}
        ],
    }
    with pytest.raises(ValidationFailed) as exc:
        parse_rule_book(
            {"bcf/2024-25.toml": good, "bcf/2025-26.toml": bad, "bcf/2026-27.toml": good}
        )
    messages = [str(e) for e in exc.value.errors]
    assert (
        "bcf/2025-26.toml: funding_streams[1].nature: must be mandated, additional or either"
        in messages
    )
    assert any(m.startswith("bcf/2026-27.toml: year: says 2024-25") for m in messages)


@pytest.mark.parametrize(
    ("org_type", "system", "code", "ok"),
    [
        (OrganisationType.COUNCIL, CodeSystem.GSS, "e08000035", True),
        (OrganisationType.COUNCIL, CodeSystem.GSS, "E07000026", False),
        (OrganisationType.DISTRICT_COUNCIL, CodeSystem.GSS, "E07000026", True),
        (OrganisationType.COUNCIL, CodeSystem.ODS, "QWO", False),
        (OrganisationType.NHS_COMMISSIONER, CodeSystem.ODS, "QWO", True),
        (OrganisationType.NHS_TRUST, CodeSystem.ODS, "R", False),
        (OrganisationType.VOLUNTARY, CodeSystem.CHARITY, "1104163", True),
        (OrganisationType.VOLUNTARY, CodeSystem.LOCAL, "LEEDS-VCS", True),
        (OrganisationType.OTHER, CodeSystem.GSS, "X1", False),
    ],
)
def test_codes(org_type, system, code, ok):
    if ok:
        assert validate_code(org_type, system, code) == code.upper()
    else:
        with pytest.raises(ValidationFailed):
            validate_code(org_type, system, code)


def test_population_bands():
    by_age = dict.fromkeys(range(91), 10)
    assert persons_in_band(by_age, 65, None) == 260
    assert persons_in_band(by_age, 0, 17) == 180
    with pytest.raises(ValueError, match="90 and over"):
        persons_in_band(by_age, 85, 95)
    with pytest.raises(ValueError):
        persons_in_band(by_age, 70, 60)


def test_parse_helpers_name_fields():
    with pytest.raises(ValidationFailed, match="amount: cannot be negative"):
        parse.money("-1", "amount")
    with pytest.raises(ValidationFailed, match="amount: 'ten' is not an amount"):
        parse.money("ten", "amount")
    assert parse.money(12.5, "amount").pence == 1250
    with pytest.raises(ValidationFailed, match="year: '2024/25' is not a financial year"):
        parse.year("2024/25")
    with pytest.raises(ValidationFailed, match="start_date: '31/03/2024' is not a date"):
        parse.day("31/03/2024", "start_date")
    assert parse.code_list("qwo, e08000035", "partners") == ("QWO", "E08000035")
    assert parse.boolean("yes", "mandated") is True
