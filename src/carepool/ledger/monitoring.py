"""Reading monthly monitoring: budget, actual, commitments, forecast outturn and variance per
scheme and per partner, the national report, and the lines behind any figure
(docs/monitoring.md, ADR 0021).

Figures come from ``Balance`` rows only (an account's debits and credits per month), never
from summing ``Transfer`` rows: an area is a few thousand balance rows, the country a few
hundred thousand, whatever the number of spend lines. Each read takes a fixed number of
queries, however many schemes, partners, months or agreements there are.

Which month a report is "as at": the month asked for; by default the later of the latest
month of the year with spend or commitments recorded and the latest closed month of the year.
Before either exists no month has elapsed and each forecast is the budget.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Case, F, IntegerField, Max, Q, QuerySet, Sum, When

from carepool.accounts.models import User
from carepool.accounts.permissions import reads_everything
from carepool.agreements.models import Agreement, AgreementPartner, Contribution, PartnerStatus
from carepool.agreements.selectors import get_agreement, to_core_contribution, visible_agreements
from carepool.core import ledger as core_ledger
from carepool.core.errors import ValidationFailed
from carepool.core.forecast import Forecast
from carepool.core.money import Money
from carepool.core.monitoring import (
    Result,
    SchemeInput,
    Threshold,
    cumulative_path,
    monitor,
    scheme_forecast,
)
from carepool.core.periods import FinancialYear, PeriodError
from carepool.core.signoff import Outcome, Stage
from carepool.ledger.models import (
    ActionPlan,
    Balance,
    ClosedMonth,
    ForecastOverride,
    Scheme,
    Transfer,
    VarianceNote,
)
from carepool.plans.models import Plan, PlanVersion
from carepool.signoff.models import SignOff

SPEND = core_ledger.AccountKind.SPEND.value
COMMITMENT = core_ledger.AccountKind.COMMITMENT.value


# input --------------------------------------------------------------------------------------


def parse_year(value: Any, field_name: str = "year") -> FinancialYear:
    try:
        return FinancialYear.parse(str(value or ""))
    except PeriodError as exc:
        raise ValidationFailed.single(field_name, str(exc)) from None


def parse_month(value: Any, year: FinancialYear | None = None, field_name: str = "as_at") -> int:
    """A month as ``2024-10`` or ``202410`` (the key the ledger uses), in ``year`` if given."""
    return core_ledger.parse_month(value, field_name, year)


def threshold_of(agreement: Agreement) -> Threshold:
    return Threshold(agreement.overspend_threshold_pence, agreement.overspend_threshold_percent)


# budgets -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BudgetSource:
    kind: str  # "approved_plan", "draft_plan", "contributions"
    label: str
    plan_id: int | None = None
    version: int | None = None

    @property
    def approved(self) -> bool:
        return self.kind == "approved_plan"


@dataclass(frozen=True)
class PlannedScheme:
    code: str
    name: str
    total: int  # pence
    shares: tuple[tuple[str, Decimal], ...]


def _signed_off(
    version: PlanVersion, current: bool, records: Iterable[SignOff], partners: set[str]
) -> bool:
    """Every stage of a plan's sign-off stands for this version: each partner, the board and
    national assurance (not "not approved"). Approvals of an older version were withdrawn only
    because a later version was made, so they still count for the version they approved."""
    approved: set[str] = set()
    board = national = False
    for r in records:
        if r.version != version.number or r.content_hash != version.content_hash:
            continue
        if r.withdrawn_at is not None and current:
            continue
        if r.outcome == Outcome.NOT_APPROVED.value:
            continue
        if r.stage == Stage.PARTNER.value:
            approved.add(r.organisation.code)
        elif r.stage == Stage.BOARD.value:
            board = True
        elif r.stage == Stage.NATIONAL.value:
            national = True
    return bool(partners) and partners <= approved and board and national


def _plan_budgets(
    plans: list[Plan], accepted: dict[int, set[str]] | None = None
) -> dict[int, tuple[BudgetSource, list[PlannedScheme]]]:
    """By agreement id: which version of its plan is the budget, and its schemes. At most
    four queries whatever the number of plans (``accepted``: each agreement's accepted
    partners' codes, when the caller has read them already)."""
    if not plans:
        return {}
    versions: dict[int, list[PlanVersion]] = defaultdict(list)
    for v in (
        PlanVersion.objects.filter(plan__in=plans)
        .only("id", "plan_id", "number", "content_hash", "submitted_at")
        .order_by("number")
    ):
        versions[v.plan_id].append(v)
    records: dict[int, list[SignOff]] = defaultdict(list)
    for s in SignOff.objects.filter(
        subject_kind="plan", subject_id__in=[p.pk for p in plans]
    ).select_related("organisation"):
        records[s.subject_id].append(s)
    partners: dict[int, set[str]] = defaultdict(set)
    if accepted is not None:
        partners.update(accepted)
    else:
        for agreement_id, code in AgreementPartner.objects.filter(
            agreement_id__in={p.agreement_id for p in plans}, status=PartnerStatus.ACCEPTED
        ).values_list("agreement_id", "organisation__code"):
            partners[agreement_id].add(code)
    chosen: dict[int, tuple[Plan, PlanVersion, bool]] = {}
    for plan in plans:
        plan_versions = versions.get(plan.pk, [])
        if not plan_versions:
            continue
        latest = plan_versions[-1]
        pick, approved = latest, False
        for v in reversed(plan_versions):
            if _signed_off(v, v is latest, records[plan.pk], partners[plan.agreement_id]):
                pick, approved = v, True
                break
        chosen[plan.pk] = (plan, pick, approved)
    missing = [v.pk for _, v, _ in chosen.values() if (v.pk, v.content_hash) not in _SCHEMES]
    if missing:
        for pk, content_hash, content in PlanVersion.objects.filter(pk__in=missing).values_list(
            "pk", "content_hash", "content"
        ):
            _remember((pk, content_hash), _planned(content))
    out: dict[int, tuple[BudgetSource, list[PlannedScheme]]] = {}
    for plan, version, approved in chosen.values():
        if approved:
            source = BudgetSource(
                "approved_plan",
                f"Approved plan: version {version.number} of the {plan.year} plan, signed off "
                "by every partner, the board and national assurance",
                plan.pk,
                version.number,
            )
        else:
            source = BudgetSource(
                "draft_plan",
                f"Draft plan, not yet approved: version {version.number} of the {plan.year} "
                "plan (no version is signed off by every partner, the board and national "
                "assurance)",
                plan.pk,
                version.number,
            )
        out.setdefault(plan.agreement_id, (source, _SCHEMES[(version.pk, version.content_hash)]))
    return out


# A version's schemes as budgets, by (version id, content hash): the hash names the content,
# so an entry can never stand for other content. Saves reading and parsing a national
# year's plans (150 x 40 schemes) on every report.
_SCHEMES: dict[tuple[int, str], list[PlannedScheme]] = {}
_SCHEMES_KEPT = 4_096


def _remember(key: tuple[int, str], schemes: list[PlannedScheme]) -> None:
    if len(_SCHEMES) >= _SCHEMES_KEPT:
        _SCHEMES.pop(next(iter(_SCHEMES)))
    _SCHEMES[key] = schemes


def _planned(content: dict[str, Any]) -> list[PlannedScheme]:
    return [
        PlannedScheme(
            s["scheme_id"],
            s["name"],
            sum(int(f["amount_pence"]) for f in s["funding"]),
            tuple((c["organisation"], Decimal(c["percent"])) for c in s["commissioners"]),
        )
        for s in content["schemes"]
    ]


def _contribution_budgets(
    agreement_ids: list[int], year: FinancialYear
) -> dict[int, dict[str, Money]]:
    """By agreement: each partner's contributions for the year (current amounts). Two queries."""
    out: dict[int, dict[str, Money]] = defaultdict(dict)
    for c in (
        Contribution.objects.filter(agreement_id__in=agreement_ids, year=year.label)
        .select_related("partner")
        .prefetch_related("variations")
    ):
        core = to_core_contribution(c)
        partners = out[c.agreement_id]
        partners[core.partner_code] = partners.get(core.partner_code, Money(0)) + core.amount
    return out


CONTRIBUTIONS_SOURCE = BudgetSource(
    "contributions",
    "The partners' contributions for the year (there is no plan for the year): budgets are "
    "by partner only",
)


# one agreement -------------------------------------------------------------------------------


@dataclass(frozen=True)
class MonthFigures:
    month: int  # yyyymm
    name: str  # "October 2024"
    budget_to_date: Money
    actual_in_month: Money | None  # None after the month shown
    actual_to_date: Money | None
    forecast_to_date: Money


@dataclass(frozen=True)
class OverrideShown:
    amount: Money
    reason: str
    set_by: str
    set_at: Any


@dataclass(frozen=True)
class Monitoring:
    agreement: Agreement
    year: FinancialYear
    as_at: int | None  # the month shown (yyyymm); None before any month has actuals
    budget_source: BudgetSource
    result: Result
    months: tuple[MonthFigures, ...]
    overrides: dict[str, OverrideShown]
    notes: dict[str, str]  # scheme code -> variance explanation for the month shown
    action_plan: ActionPlan | None  # the latest for the month shown
    closed: frozenset[int] = field(default_factory=frozenset)

    @property
    def as_at_name(self) -> str:
        return core_ledger.month_name(self.as_at) if self.as_at else "no month yet"

    @property
    def action_plan_required(self) -> bool:
        return self.result.flagged and self.action_plan is None


def _partners(agreement: Agreement) -> list[tuple[str, str]]:
    return list(
        agreement.partnerships.filter(status=PartnerStatus.ACCEPTED)
        .order_by("organisation__name")
        .values_list("organisation__code", "organisation__name")
    )


def monitoring_of(
    user: User, agreement_id: int | str, year: str, as_at: int | None = None
) -> Monitoring:
    """The agreement's monitoring for the year as at a month (see the module's docstring)."""
    agreement = get_agreement(user, agreement_id)
    fy = parse_year(year)
    months = core_ledger.months_of(fy)
    if as_at is not None:
        as_at = parse_month(as_at, fy)
    previous = core_ledger.months_of(fy.previous())
    rows = list(
        Balance.objects.filter(
            account__agreement_id=agreement.pk,
            account__kind__in=(SPEND, COMMITMENT),
            month__lte=months[-1],
        )
        .filter(Q(account__kind=COMMITMENT) | Q(month__gte=previous[0]))
        # No ordering: the models' default (by account, hence agreement, area and names)
        # joins and sorts by text for nothing (15 ms of 17 on PostgreSQL).
        .order_by()
        .values_list(
            "account__kind",
            "account__scheme_code",
            "account__partner__code",
            "month",
            "debit_pence",
            "credit_pence",
        )
    )
    closed = frozenset(
        ClosedMonth.objects.filter(agreement=agreement).values_list("month", flat=True)
    )
    if as_at is None:
        in_year = [row[3] for row in rows if months[0] <= row[3] <= months[-1]]
        in_year += [m for m in closed if months[0] <= m <= months[-1]]
        as_at = max(in_year) if in_year else None
    elapsed = months.index(as_at) + 1 if as_at else 0
    same = set(previous[:elapsed])
    position = {m: i for i, m in enumerate(months)}
    actual: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    committed: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    prev_same: dict[str, int] = defaultdict(int)
    prev_full: dict[str, int] = defaultdict(int)
    by_month = [0] * 12
    for kind, scheme, partner, month, debit, credit in rows:
        net = debit - credit
        if kind == COMMITMENT:
            if as_at is None or month <= as_at:
                committed[scheme][partner] += net
        elif month >= months[0]:
            if as_at is not None and month <= as_at:
                actual[scheme][partner] += net
                by_month[position[month]] += net
        else:
            prev_full[scheme] += net
            if month in same:
                prev_same[scheme] += net

    partners = _partners(agreement)
    plans = list(Plan.objects.filter(agreement=agreement, year=fy.label).order_by("pk")[:1])
    planned = _plan_budgets(plans, {agreement.pk: {code for code, _ in partners}}).get(agreement.pk)
    overrides = {
        o.scheme_code: OverrideShown(
            Money(o.amount_pence), o.reason, o.set_by.display_name if o.set_by else "", o.set_at
        )
        for o in ForecastOverride.objects.filter(agreement=agreement, year=fy.label).select_related(
            "set_by"
        )
    }
    names = dict(Scheme.objects.filter(agreement=agreement).values_list("code", "name"))
    partner_budgets = None
    if planned is None:
        source = CONTRIBUTIONS_SOURCE
        partner_budgets = _contribution_budgets([agreement.pk], fy).get(agreement.pk, {})
        planned_schemes: list[PlannedScheme] = []
    else:
        source, planned_schemes = planned
    inputs = _scheme_inputs(
        planned_schemes,
        names,
        actual,
        committed,
        prev_same,
        prev_full,
        {k: (o.amount, o.reason) for k, o in overrides.items()},
        with_budget=planned is not None,
    )
    result = monitor(
        inputs,
        partners,
        elapsed,
        threshold_of(agreement),
        host=agreement.host.code,
        partner_budgets=partner_budgets,
    )
    assert result.total.budget is not None
    path = cumulative_path(result.total.budget, by_month, elapsed, result.total.forecast)
    figures = tuple(
        MonthFigures(
            months[n - 1],
            core_ledger.month_name(months[n - 1]),
            Money(budget_to),
            Money(by_month[n - 1]) if actual_to is not None else None,
            None if actual_to is None else Money(actual_to),
            Money(forecast_to),
        )
        for n, budget_to, actual_to, forecast_to in path
    )
    notes: dict[str, str] = {}
    plan = None
    if as_at is not None:
        notes = dict(
            VarianceNote.objects.filter(agreement=agreement, month=as_at).values_list(
                "scheme_code", "text"
            )
        )
        plan = (
            ActionPlan.objects.filter(agreement=agreement, month=as_at)
            .select_related("written_by")
            .order_by("-written_at", "-pk")
            .first()
        )
    return Monitoring(agreement, fy, as_at, source, result, figures, overrides, notes, plan, closed)


def _scheme_inputs(
    planned: list[PlannedScheme],
    names: dict[str, str],
    actual: dict[str, dict[str, int]],
    committed: dict[str, dict[str, int]],
    prev_same: dict[str, int],
    prev_full: dict[str, int],
    overrides: dict[str, tuple[Money, str]],
    *,
    with_budget: bool,
) -> list[SchemeInput]:
    """The plan's schemes in its order, then any other scheme with spend, commitments or an
    override (budget nil under a plan, none without one)."""
    out = []
    seen = set()
    for p in planned:
        seen.add(p.code)
        out.append(
            SchemeInput(
                p.code,
                p.name,
                Money(p.total),
                p.shares,
                dict(actual.get(p.code, {})),
                dict(committed.get(p.code, {})),
                prev_same.get(p.code, 0) if p.code in prev_full else None,
                prev_full.get(p.code),
                overrides.get(p.code),
            )
        )
    extra = (set(actual) | set(committed) | set(overrides)) - seen
    for code in sorted(extra):
        out.append(
            SchemeInput(
                code,
                names.get(code, ""),
                Money(0) if with_budget else None,
                (),
                dict(actual.get(code, {})),
                dict(committed.get(code, {})),
                prev_same.get(code, 0) if code in prev_full else None,
                prev_full.get(code),
                overrides.get(code),
            )
        )
    return out


# the national report -------------------------------------------------------------------------


@dataclass(frozen=True)
class NationalScheme:
    code: str
    name: str
    budget: Money | None
    actual: Money
    forecast: Forecast

    @property
    def variance(self) -> Money | None:
        return None if self.budget is None else self.budget - self.forecast.amount


@dataclass(frozen=True)
class NationalArea:
    agreement: Agreement
    budget_source: BudgetSource
    budget: Money
    actual: Money
    forecast: Money
    schemes: tuple[NationalScheme, ...]

    @property
    def variance(self) -> Money:
        return self.budget - self.forecast


@dataclass(frozen=True)
class NationalReport:
    year: FinancialYear
    as_at: int | None
    areas: tuple[NationalArea, ...]
    budget: Money
    actual: Money
    forecast: Money

    @property
    def variance(self) -> Money:
        return self.budget - self.forecast

    @property
    def as_at_name(self) -> str:
        return core_ledger.month_name(self.as_at) if self.as_at else "no month yet"


def national_report(user: User, year: str, as_at: int | None = None) -> NationalReport:
    """Every agreement the user may see (national assurers and auditors: all): budget, actual
    and forecast by scheme, as at one month for all (by default the latest month of the year
    with spend in any of them). The database sums the balances per agreement and scheme, so
    the report reads one row per scheme, not per line or month."""
    fy = parse_year(year)
    months = core_ledger.months_of(fy)
    previous = core_ledger.months_of(fy.previous())
    if as_at is not None:
        as_at = parse_month(as_at, fy)
    agreements = list(visible_agreements(user).order_by("area__name", "title"))
    ids = [a.pk for a in agreements]
    spend = Balance.objects.filter(account__kind=SPEND)
    if not reads_everything(user):  # a national assurer's "every agreement" needs no list
        spend = spend.filter(account__agreement_id__in=ids)
    if as_at is None:
        as_at = spend.filter(month__gte=months[0], month__lte=months[-1]).aggregate(
            last=Max("month")
        )["last"]
    elapsed = months.index(as_at) + 1 if as_at else 0
    last = as_at or months[0] - 1

    def total_when(condition: Q) -> Sum:
        return Sum(
            Case(
                When(condition, then=F("debit_pence") - F("credit_pence")),
                default=0,
                output_field=IntegerField(),
            )
        )

    figures = (
        spend.filter(month__gte=previous[0], month__lte=last)
        .values("account__agreement_id", "account__scheme_code")
        .order_by()
        .annotate(
            actual=total_when(Q(month__gte=months[0])),
            prev_full=total_when(Q(month__lte=previous[-1])),
            prev_same=total_when(Q(month__lte=previous[max(elapsed, 1) - 1])),
            prev_rows=Sum(Case(When(month__lte=previous[-1], then=1), default=0)),
        )
        .values_list(
            "account__agreement_id",
            "account__scheme_code",
            "actual",
            "prev_full",
            "prev_same",
            "prev_rows",
        )
    )
    cells: dict[int, dict[str, tuple[int, int | None, int | None]]] = defaultdict(dict)
    for agreement_id, scheme, actual, prev_full, prev_same, prev_rows in figures:
        has_previous = bool(prev_rows)
        cells[agreement_id][scheme] = (
            int(actual or 0),
            int(prev_same or 0) if has_previous else None,
            int(prev_full or 0) if has_previous else None,
        )
    plans = list(
        Plan.objects.filter(agreement_id__in=ids, year=fy.label).order_by("agreement_id", "pk")
    )
    budgets = _plan_budgets(plans)
    unplanned = [pk for pk in ids if pk not in budgets]
    contributions = _contribution_budgets(unplanned, fy) if unplanned else {}
    overrides: dict[int, dict[str, tuple[Money, str]]] = defaultdict(dict)
    for agreement_id, code, pence, reason in ForecastOverride.objects.filter(
        agreement_id__in=ids, year=fy.label
    ).values_list("agreement_id", "scheme_code", "amount_pence", "reason"):
        overrides[agreement_id][code] = (Money(pence), reason)
    names: dict[int, dict[str, str]] = defaultdict(dict)
    for agreement_id, code, name in Scheme.objects.filter(agreement_id__in=ids).values_list(
        "agreement_id", "code", "name"
    ):
        names[agreement_id][code] = name

    areas = []
    for agreement in agreements:
        here = cells.get(agreement.pk, {})
        planned = budgets.get(agreement.pk)
        source, planned_schemes = planned if planned else (CONTRIBUTIONS_SOURCE, [])
        inputs = _scheme_inputs(
            planned_schemes,
            names[agreement.pk],
            {code: {"": c[0]} for code, c in here.items()},
            {},
            {code: c[1] for code, c in here.items() if c[1] is not None},
            {code: c[2] for code, c in here.items() if c[2] is not None},
            overrides.get(agreement.pk, {}),
            with_budget=planned is not None,
        )
        schemes = []
        for s in inputs:
            result = scheme_forecast(s, elapsed)
            schemes.append(
                NationalScheme(s.code, s.name, s.budget, Money(sum(s.actual.values())), result)
            )
        if planned is None:
            budget = Money(sum(m.pence for m in contributions.get(agreement.pk, {}).values()))
        else:
            budget = Money(sum(s.budget.pence for s in schemes if s.budget is not None))
        areas.append(
            NationalArea(
                agreement,
                source,
                budget,
                Money(sum(s.actual.pence for s in schemes)),
                Money(sum(s.forecast.amount.pence for s in schemes)),
                tuple(schemes),
            )
        )
    return NationalReport(
        fy,
        as_at,
        tuple(areas),
        Money(sum(a.budget.pence for a in areas)),
        Money(sum(a.actual.pence for a in areas)),
        Money(sum(a.forecast.pence for a in areas)),
    )


# drill-down ----------------------------------------------------------------------------------

FIGURES = ("actual", "commitments")


def lines_of(
    user: User,
    agreement_id: int | str,
    *,
    scheme: str | None = None,
    partner: str | None = None,
    month: int | str | None = None,
    year: str,
    figure: str = "actual",
) -> QuerySet[Transfer]:
    """The ledger rows behind a figure, newest first: the transfers into or out of the
    agreement's spend accounts (``figure="commitments"``: its commitment accounts) for the
    year, or one month of it, narrowed to a scheme and/or the partner responsible. Each row
    has ``signed_pence``: what it adds to the figure (a refund or release is negative).
    Paginate it (the interfaces read one page)."""
    agreement = get_agreement(user, agreement_id)
    fy = parse_year(year)
    if figure not in FIGURES:
        raise ValidationFailed.single("figure", "Choose actual or commitments")
    kind = SPEND if figure == "actual" else COMMITMENT
    months = core_ledger.months_of(fy)
    accounts = agreement.ledger_accounts.filter(kind=kind)
    if scheme:
        accounts = accounts.filter(scheme_code=scheme)
    if partner:
        accounts = accounts.filter(partner__code=partner)
    ids = list(accounts.values_list("pk", flat=True))
    rows = Transfer.objects.filter(agreement_id=agreement.pk).filter(
        Q(debit_id__in=ids) | Q(credit_id__in=ids)
    )
    if month:
        rows = rows.filter(month=parse_month(month, fy, "month"))
    else:
        rows = rows.filter(month__gte=months[0], month__lte=months[-1])
    return (
        rows.select_related("debit__partner", "credit__partner")
        .annotate(
            signed_pence=Case(
                When(debit_id__in=ids, then=F("amount_pence")),
                default=-F("amount_pence"),
                output_field=IntegerField(),
            )
        )
        .order_by("-day", "-id")
    )
