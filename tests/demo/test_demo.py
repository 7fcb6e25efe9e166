"""The demo loader: realistic, idempotent, and every log-in sees what its role allows."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth import authenticate
from django.db import transaction
from django.test import RequestFactory, override_settings

from carepool.accounts.models import RoleGrant, User
from carepool.agreements.models import Agreement, Contribution, ContributionVariation
from carepool.agreements.selectors import completeness_of, visible_agreements
from carepool.agreements.signing import content_hash
from carepool.audit.models import AuditEvent
from carepool.demo import DEMO_PASSWORD, DemoSummary, load_demo
from carepool.ledger.integrity import check_ledger
from carepool.ledger.models import ClosedMonth, ImportBatch, Transfer
from carepool.ledger.monitoring import monitoring_of
from carepool.organisations.models import Area, Organisation, PopulationEstimate
from carepool.signoff.models import SignOff
from tests.reference_data import POPULATION_2019, POPULATION_2020

LEEDS = "Leeds Better Care Fund pooled budget 2024 to 2027"
KENT = "Kent Better Care Fund pooled budget 2024-25"
MODELS = (
    Area,
    Organisation,
    PopulationEstimate,
    User,
    RoleGrant,
    Agreement,
    Contribution,
    ContributionVariation,
    SignOff,
    AuditEvent,
    Transfer,
    ImportBatch,
    ClosedMonth,
)


@pytest.fixture(scope="module")
def _demo_loaded(django_db_setup: None, django_db_blocker: Any) -> Iterator[DemoSummary]:
    """The demo, loaded once for this module in a transaction rolled back when it ends.

    Loading takes seconds; each test runs in a savepoint inside that transaction (the ``db``
    fixture), so what one test writes is undone before the next. Every test in this module
    therefore sees the demo: a test that needs an empty database belongs in another module.
    """
    # The real hasher is deliberately slow; these tests check who can log in, not hashing.
    # The demo loads only with debug on, and reads the repository's data/ folder when
    # nothing says otherwise.
    with (
        django_db_blocker.unblock(),
        override_settings(
            DEBUG=True, PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
        ),
        pytest.MonkeyPatch.context() as monkeypatch,
    ):
        monkeypatch.delenv("CAREPOOL_DATA_DIR", raising=False)
        with transaction.atomic():
            yield load_demo()
            transaction.set_rollback(True)


@pytest.fixture
def demo(_demo_loaded: DemoSummary, db: None, monkeypatch: pytest.MonkeyPatch) -> DemoSummary:
    monkeypatch.delenv("CAREPOOL_DATA_DIR", raising=False)
    return _demo_loaded


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def test_loads_the_reference_data_and_a_complete_leeds_agreement(demo) -> None:
    assert demo.agreements_created == [LEEDS, KENT]
    assert [r.source for r in demo.reference] == [
        "utla_all_codes.csv",
        POPULATION_2019.name,
        POPULATION_2020.name,
    ]
    leeds = Agreement.objects.get(title=LEEDS)
    assert completeness_of(leeds).complete
    assert leeds.area.code == "E08000035"
    assert set(leeds.partnerships.values_list("organisation__code", flat=True)) == {
        "E08000035",
        "QWO",
        "LEEDS-FORUM-CENTRAL",
    }
    assert list(leeds.auditors.values_list("code", flat=True)) == ["EXT-AUDIT-LEEDS"]
    # Every year of the term: 2024-25 and 2025-26 under their rules, 2026-27 provisionally.
    assert leeds.contributions.count() == 8 + 6 + 6
    assert set(
        leeds.contributions.filter(year="2024-25").values_list("stream_code", flat=True)
    ) == {
        "nhs_minimum",
        "ibcf",
        "dfg",
        "discharge_fund_la",
        "discharge_fund_icb",
        "additional_la",
        "additional_nhs",
        "other_partner",
    }
    variation = ContributionVariation.objects.get(contribution__agreement=leeds)
    assert (variation.contribution.stream_code, str(variation.effective_date)) == (
        "dfg",
        "2024-10-01",
    )
    approval = SignOff.objects.get(agreement=leeds, subject_kind="agreement")
    assert (approval.organisation.code, approval.signed_by.username) == ("QWO", "icb-signatory")
    assert (approval.version, approval.content_hash) == (leeds.version, content_hash(leeds))
    assert approval.withdrawn_at is None
    assert Organisation.objects.get(code="E08000035").name == "Leeds City Council"
    assert Agreement.objects.get(title=KENT).contributions.count() == 2


def test_the_leeds_ledger_runs_a_year_and_a_half_with_a_closed_month_corrected(demo) -> None:
    leeds = demo.agreements[LEEDS]
    # 36 monthly exports (two partners, 2024-25 whole and 2025-26 to September), 1,709 lines.
    assert demo.ledger_lines == 1709
    assert ImportBatch.objects.filter(agreement_id=leeds).count() == 36
    closed = set(ClosedMonth.objects.filter(agreement_id=leeds).values_list("month", flat=True))
    assert closed == {202404 + m for m in range(9)} | {202501, 202502, 202503} | {
        202504 + m for m in range(5)
    }
    # June's miscoded invoice is corrected in October, off S01 and onto S02, linked to it.
    fixes = Transfer.objects.filter(agreement_id=leeds, kind="adjustment").select_related(
        "corrects", "debit", "credit"
    )
    assert len(fixes) == 2
    assert {f.corrects.month for f in fixes} == {202406}
    assert {f.month for f in fixes} == {202410}
    assert {f.amount_pence for f in fixes} == {fixes[0].corrects.amount_pence}
    # Every adaptations order was committed and released by its invoices, up to what remains.
    assert Transfer.objects.filter(agreement_id=leeds, kind="commitment").count() == 12
    assert Transfer.objects.filter(agreement_id=leeds, kind="release").count() >= 12
    report = check_ledger(leeds)
    assert report.ok, report
    # 2025-26 mid-year: seasonal forecasts from 2024-25, one override, a forecast overspend
    # that flags the pool and asks for an action plan.
    finance = User.objects.get(username="finance")
    mid_year = monitoring_of(finance, leeds, "2025-26")
    assert mid_year.as_at == 202509
    assert mid_year.result.flagged and mid_year.action_plan_required
    methods = {line.key: {m.value for m in line.methods} for line in mid_year.result.schemes}
    assert methods["S18"] == {"override"}
    assert set().union(*methods.values()) == {"override", "seasonal"}
    assert set(mid_year.notes) == {"S11", "S03"}


def test_a_second_run_changes_nothing(demo) -> None:
    before = counts()

    again = load_demo()

    assert counts() == before
    assert not again.changed_anything
    assert again.agreements_created == again.users_created == again.organisations_created == []
    assert again.agreements == demo.agreements


# Loading the demo takes a couple of seconds, so one test checks every log-in.
EXPECTED_VIEW = {
    "finance": {LEEDS},
    "signatory": {LEEDS},
    "icb-signatory": {LEEDS},
    "forum-signatory": {LEEDS},
    "board": {LEEDS},
    "viewer": {LEEDS},
    "auditor": {LEEDS},
    "assurer": {LEEDS, KENT},
    "outsider": {KENT},
}


def test_every_demo_user_logs_in_and_sees_what_their_role_allows(demo) -> None:
    seen = {}
    for username in EXPECTED_VIEW:
        # The log-in throttle (django-axes) needs to know where a log-in comes from.
        request = RequestFactory().post("/login/")
        user = authenticate(request, username=username, password=DEMO_PASSWORD)
        assert user is not None, f"{username} cannot log in"
        seen[username] = set(visible_agreements(user).values_list("title", flat=True))

    assert seen == EXPECTED_VIEW


def test_the_log_ins_are_listed_for_printing(demo) -> None:
    logins = {login.username: login for login in demo.logins}
    assert list(logins) == [
        "finance",
        "signatory",
        "icb-signatory",
        "forum-signatory",
        "board",
        "viewer",
        "auditor",
        "assurer",
        "outsider",
    ]
    assert all(login.password == DEMO_PASSWORD for login in logins.values())
    assert logins["outsider"].organisation == "Kent County Council"
    assert logins["outsider"].roles == ("Finance officer", "Viewer")
    assert logins["assurer"].roles == ("National assurer",)
