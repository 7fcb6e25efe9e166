"""Reading plans: who may see them, their versions as core values, their checklists and
sign-off state, and the national list of every area's plan status for a year."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from django.db.models import QuerySet

from carepool.accounts.models import Role, User
from carepool.accounts.permissions import Forbidden, NotFound
from carepool.agreements.models import Agreement, AgreementPartner, PartnerStatus
from carepool.agreements.selectors import visible_agreements, year_summary
from carepool.core.money import Money
from carepool.core.organisations import OrganisationType
from carepool.core.periods import FinancialYear
from carepool.core.plan_check import Approvals, Checklist, PlanContext, check_plan
from carepool.core.plan_diff import Names, PlanDiff, diff
from carepool.core.plan_rules import PlanRules
from carepool.core.plans import Partner, PlanContent
from carepool.core.rules import Programme, YearRules, load_rules
from carepool.core.signoff import Stage, Status, Subject, status
from carepool.core.stored_plans import content_from_stored
from carepool.organisations.models import Area
from carepool.plans.models import MinimumAllocation, Plan, PlanVersion
from carepool.signoff.models import SignOff
from carepool.signoff.services import SubjectRef, as_records, sign_offs_of

PLAN_STAGES = (Stage.PARTNER, Stage.BOARD, Stage.NATIONAL)


class PlanState(StrEnum):
    NONE = "none"
    DRAFT = "draft"
    AWAITING = "awaiting_sign_off"
    AGREED = "agreed"
    ASSURED = "assured"

    @property
    def label(self) -> str:
        return {
            "none": "No plan",
            "draft": "Draft",
            "awaiting_sign_off": "Awaiting sign-off",
            "agreed": "Agreed",
            "assured": "Assured",
        }[self.value]


def visible_plans(user: User | None) -> QuerySet[Plan]:
    """Plans under the agreements the user may see (the national assurer sees all)."""
    return Plan.objects.filter(agreement__in=visible_agreements(user).values("pk")).select_related(
        "area", "agreement"
    )


def get_plan(user: User | None, plan_id: int | str) -> Plan:
    try:
        pk = int(plan_id)
    except (TypeError, ValueError):
        raise NotFound("No such plan") from None
    try:
        return visible_plans(user).get(pk=pk)
    except Plan.DoesNotExist:
        raise NotFound("No such plan") from None


def current_version(plan: Plan) -> PlanVersion:
    return plan.versions.order_by("-number").first()  # type: ignore[return-value]


def version_shown(plan: Plan, number: int | str | None = None) -> PlanVersion:
    """The version asked for, or the current one when none is."""
    return get_version(plan, number) if number else current_version(plan)


def get_version(plan: Plan, number: int | str) -> PlanVersion:
    try:
        return plan.versions.get(number=int(number))
    except (PlanVersion.DoesNotExist, TypeError, ValueError):
        raise NotFound(f"The plan has no version {number}") from None


def year_rules_of(plan: Plan) -> YearRules:
    return load_rules().for_year(FinancialYear.parse(plan.year), Programme(plan.programme))


def plan_rules_of(plan: Plan) -> PlanRules:
    rules = year_rules_of(plan).plan
    if rules is None:  # every shipped year has plan rules; a test holds them to it
        raise NotFound(f"Carepool has no plan rules for {plan.year}")
    return rules


def partners_of(agreement: Agreement) -> tuple[Partner, ...]:
    """The accepted partners, by name: the organisations whose signatories must approve."""
    return tuple(
        Partner(p.organisation.code, p.organisation.name, OrganisationType(p.organisation.type))
        for p in agreement.partnerships.filter(status=PartnerStatus.ACCEPTED)
        .select_related("organisation")
        .order_by("organisation__name")
    )


def content_of(version: PlanVersion) -> PlanContent:
    return content_from_stored(version.content)


def diff_of(plan: Plan, old: int | str, new: int | str) -> PlanDiff:
    """What changed from version ``old`` to ``new``, with the year's and partners' names."""
    names = Names.of(plan_rules_of(plan), partners_of(plan.agreement))
    return diff(content_of(get_version(plan, old)), content_of(get_version(plan, new)), names)


def allocations_for(plan: Plan) -> dict[str, Money]:
    return {
        line: Money(pence)
        for line, pence in MinimumAllocation.objects.filter(
            programme=plan.programme, year=plan.year, area_id=plan.area_id
        ).values_list("line_code", "amount_pence")
    }


def subject_of(plan: Plan, version: PlanVersion | None = None) -> SubjectRef:
    version = version or current_version(plan)
    return _subject(plan, version, partners_of(plan.agreement))


def _subject(plan: Plan, version: PlanVersion, partners: tuple[Partner, ...]) -> SubjectRef:
    submitted = version.submitted_at is not None
    return SubjectRef(
        "plan",
        plan.pk,
        plan.agreement_id,
        Subject(
            "plan",
            f"the {plan.year} plan for {plan.area.name}",
            version.number,
            version.content_hash,
            tuple(p.code for p in partners),
            PLAN_STAGES,
            open_for_signing=submitted,
            closed_reason=(
                "" if submitted else f"Version {version.number} has not been submitted for sign-off"
            ),
        ),
    )


def sign_off_status(plan: Plan, version: PlanVersion | None = None) -> Status:
    ref = subject_of(plan, version)
    return status(ref.subject, as_records(sign_offs_of("plan", plan.pk)))


def checklist_of(plan: Plan, version: PlanVersion | None = None) -> Checklist:
    version = version or current_version(plan)
    state = sign_off_status(plan, version)
    context = PlanContext(
        year_rules=year_rules_of(plan),
        plan_rules=plan_rules_of(plan),
        partners=partners_of(plan.agreement),
        income=dict(year_summary(plan.agreement, FinancialYear.parse(plan.year)).totals.by_stream),
        allocations=allocations_for(plan),
        approvals=Approvals(state.approved_by, state.board is not None),
    )
    return check_plan(content_of(version), context)


def state_of(plan: Plan | None) -> PlanState:
    if plan is None:
        return PlanState.NONE
    version = current_version(plan)
    return _state(version, sign_off_status(plan, version))


def _state(version: PlanVersion, state: Status) -> PlanState:
    if state.national is not None:
        return PlanState.ASSURED
    if state.partners_done and state.board is not None:
        return PlanState.AGREED
    if version.submitted_at is not None:
        return PlanState.AWAITING
    return PlanState.DRAFT


def _statuses(plans: list[Plan]) -> dict[int, tuple[PlanVersion, Status]]:
    """Each plan's current version and its sign-off status, read in a few queries whatever
    the number of plans (a national list has every area of the country)."""
    latest: dict[int, PlanVersion] = {}
    for version in PlanVersion.objects.filter(plan__in=plans).order_by("number"):
        latest[version.plan_id] = version
    records: dict[int, list[SignOff]] = {}
    for row in SignOff.objects.filter(
        subject_kind="plan", subject_id__in=[p.pk for p in plans]
    ).select_related("organisation"):
        records.setdefault(row.subject_id, []).append(row)
    partners: dict[int, list[Partner]] = {}
    for p in (
        AgreementPartner.objects.filter(
            agreement_id__in={plan.agreement_id for plan in plans},
            status=PartnerStatus.ACCEPTED,
        )
        .select_related("organisation")
        .order_by("organisation__name")
    ):
        partners.setdefault(p.agreement_id, []).append(
            Partner(p.organisation.code, p.organisation.name, OrganisationType(p.organisation.type))
        )
    result = {}
    for plan in plans:
        version = latest[plan.pk]
        ref = _subject(plan, version, tuple(partners.get(plan.agreement_id, ())))
        result[plan.pk] = (version, status(ref.subject, as_records(records.get(plan.pk, []))))
    return result


def states_of(plans: list[Plan]) -> dict[int, PlanState]:
    """``state_of`` for many plans at once (by plan id), in a few queries."""
    return {pk: _state(version, signed) for pk, (version, signed) in _statuses(plans).items()}


@dataclass(frozen=True)
class AreaPlanStatus:
    area: Area
    plan: Plan | None
    state: PlanState
    outcome: str  # the national outcome's label when assured
    overdue: bool  # no agreed plan and the year's deadline has passed


def may_see_national(user: User) -> bool:
    """National assurers, and auditors (who read everything), see every area's plan."""
    return user.has_role(Role.NATIONAL_ASSURER) or user.has_role(Role.AUDITOR)


def national_statuses(
    user: User | None, year: FinancialYear, today: date, programme: Programme = Programme.BCF
) -> tuple[list[AreaPlanStatus], date | None]:
    """Every area's plan status for the year, and the year's deadline (None when the rules
    do not give one). For national assurers (and auditors, who read everything)."""
    if user is None or not may_see_national(user):
        raise Forbidden("Only national assurers and auditors see every area's plan")
    rules = load_rules().for_year(year, programme).plan
    deadline = rules.deadline if rules is not None else None
    plans = {
        p.area_id: p
        for p in Plan.objects.filter(year=year.label, programme=programme.value).select_related(
            "area", "agreement"
        )
    }
    signed_states = _statuses(list(plans.values()))
    rows = []
    for area in Area.objects.order_by("name"):
        plan = plans.get(area.pk)
        state = PlanState.NONE
        outcome = ""
        if plan is not None:
            version, signed = signed_states[plan.pk]
            state = _state(version, signed)
            if state is PlanState.ASSURED and signed.national is not None:
                outcome = signed.national.outcome.label
        agreed = state in (PlanState.AGREED, PlanState.ASSURED)
        overdue = deadline is not None and today > deadline and not agreed
        rows.append(AreaPlanStatus(area, plan, state, outcome, overdue))
    return rows, deadline
