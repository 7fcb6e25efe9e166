"""Writing plans: create, change schemes and declarations, justify, submit and sign.

Every write locks the plan row (so two editors take turns), checks the version the writer
read, validates through the core, and records audit events. The content of a version that
anyone has signed is never changed: the change goes into a new version, and the standing
sign-offs are withdrawn (they still name the version and content hash they approved).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from carepool.accounts.permissions import NotFound
from carepool.agreements.models import Agreement
from carepool.agreements.services._loading import _load_agreement, require_editor
from carepool.audit.models import Action
from carepool.audit.services import Actor, Change, record
from carepool.concurrency import bump, locked, require_version
from carepool.core import parse
from carepool.core.errors import ErrorCollector, ValidationFailed
from carepool.core.periods import FinancialYear
from carepool.core.plan_hash import content_hash
from carepool.core.plan_input import parse_plan, parse_scheme
from carepool.core.plans import PlanContent
from carepool.core.rules import Programme, load_rules
from carepool.core.signoff import Outcome, Stage
from carepool.core.stored_plans import content_to_stored
from carepool.plans.models import Plan, PlanVersion
from carepool.plans.selectors import (
    checklist_of,
    content_of,
    current_version,
    get_plan,
    partners_of,
    plan_rules_of,
    subject_of,
    year_rules_of,
)
from carepool.signoff import services as signoff
from carepool.signoff.models import SignOff


def _load_plan(actor: Actor, plan_id: int | str, expected_version: Any = None) -> Plan:
    """The plan as the actor may see it, locked for the transaction, version-checked."""
    expected = parse.version(expected_version)
    pk = get_plan(actor.user, plan_id).pk if actor.user is not None else int(plan_id)
    try:
        plan = locked(Plan.objects.select_related("area", "agreement__host"), pk)
    except Plan.DoesNotExist:
        raise NotFound("No such plan") from None
    require_version(plan, expected, "plan")
    return plan


def _editor(actor: Actor, plan: Plan) -> None:
    require_editor(actor, plan.agreement)


@transaction.atomic
def create_plan(
    actor: Actor,
    agreement_id: int | str,
    year: Any,
    schemes: Sequence[Mapping[str, Any]] = (),
    declarations: Sequence[Mapping[str, Any]] = (),
) -> Plan:
    """Start the area's plan for a year under the agreement, as version 1 (a draft)."""
    agreement: Agreement = _load_agreement(actor, agreement_id)
    require_editor(actor, agreement)
    fy: FinancialYear = parse.year(year)
    if not (agreement.start_date <= fy.end and fy.start <= agreement.end_date):
        raise ValidationFailed.single(
            "year",
            f"The agreement runs from {agreement.start_date:%-d %B %Y} to "
            f"{agreement.end_date:%-d %B %Y}, so it cannot fund a plan for {fy.label}",
        )
    year_rules = load_rules().for_year(fy, Programme(agreement.programme))
    if year_rules.plan is None:
        raise ValidationFailed.single("year", f"Carepool has no plan rules for {fy.label}")
    if Plan.objects.filter(
        programme=agreement.programme, area_id=agreement.area_id, year=fy.label
    ).exists():
        raise ValidationFailed.single(
            "year", f"{agreement.area.name} already has a plan for {fy.label}"
        )
    content = parse_plan(schemes, declarations, year_rules, partners_of(agreement))
    try:
        with transaction.atomic():
            plan = Plan.objects.create(
                agreement=agreement,
                area=agreement.area,
                programme=agreement.programme,
                year=fy.label,
            )
    except IntegrityError:  # another request created it a moment ago
        raise ValidationFailed.single(
            "year", f"{agreement.area.name} already has a plan for {fy.label}"
        ) from None
    PlanVersion.objects.create(
        plan=plan,
        number=1,
        content=content_to_stored(content),
        content_hash=content_hash(content),
        created_by=actor.name,
        change_note="Plan started",
    )
    record(
        actor,
        Change(
            Action.CREATE,
            "plan",
            plan.pk,
            str(plan),
            {"year": [None, fy.label], "schemes": [None, len(content.schemes)]},
            agreement.pk,
            summary=f"Started the {fy.label} plan with {len(content.schemes)} scheme(s)",
        ),
    )
    return plan


def _write_content(actor: Actor, plan: Plan, content: PlanContent, note: str) -> PlanVersion:
    """Put new content into the plan: in place while nobody has signed the current version,
    else as a new version with the standing sign-offs withdrawn. Returns the version written.
    """
    version = current_version(plan)
    new_hash = content_hash(content)
    if new_hash == version.content_hash:
        raise ValidationFailed.single("schemes", "Nothing changed")
    if version.frozen:
        ref = subject_of(plan, version)
        signoff.withdraw_standing(
            actor, ref, f"version {version.number + 1} changed the plan ({note})"
        )
        written = PlanVersion.objects.create(
            plan=plan,
            number=version.number + 1,
            content=content_to_stored(content),
            content_hash=new_hash,
            justifications={},
            created_by=actor.name,
            change_note=note[:300],
        )
        record(
            actor,
            Change(
                Action.CREATE,
                "plan_version",
                written.pk,
                f"{plan} version {written.number}",
                {"content_hash": [version.content_hash, new_hash]},
                plan.agreement_id,
                summary=f"Version {written.number} made because version {version.number} was "
                f"signed: {note}",
            ),
        )
    else:
        before_hash = version.content_hash
        version.content = content_to_stored(content)
        version.content_hash = new_hash
        fields = ["content", "content_hash"]
        if version.submitted_at is not None:
            # A submitted version that changes goes back to draft: check and submit again.
            version.submitted_at = None
            version.submitted_by = None
            fields += ["submitted_at", "submitted_by"]
        version.save(update_fields=fields)
        written = version
        record(
            actor,
            Change(
                Action.UPDATE,
                "plan_version",
                version.pk,
                f"{plan} version {version.number}",
                {"content_hash": [before_hash, new_hash]},
                plan.agreement_id,
                summary=note,
            ),
        )
    bump(plan, "plan")
    return written


def _changed(
    actor: Actor,
    plan_id: int | str,
    expected_version: Any,
    change: Any,
    note: str,
) -> PlanVersion:
    plan = _load_plan(actor, plan_id, expected_version)
    _editor(actor, plan)
    content = content_of(current_version(plan))
    return _write_content(actor, plan, change(plan, content), note)


@transaction.atomic
def put_scheme(
    actor: Actor, plan_id: int | str, raw: Mapping[str, Any], expected_version: Any = None
) -> PlanVersion:
    """Add a scheme, or replace the scheme with the same id."""

    def change(plan: Plan, content: PlanContent) -> PlanContent:
        scheme = parse_scheme(raw, year_rules_of(plan), partners_of(plan.agreement))
        kept = [s for s in content.schemes if s.scheme_id != scheme.scheme_id]
        position = next(
            (i for i, s in enumerate(content.schemes) if s.scheme_id == scheme.scheme_id),
            len(kept),
        )
        kept.insert(position, scheme)
        return PlanContent(tuple(kept), content.declarations)

    scheme_id = str(raw.get("scheme_id", "")).strip()
    return _changed(actor, plan_id, expected_version, change, f"Scheme {scheme_id} saved")


@transaction.atomic
def remove_scheme(
    actor: Actor, plan_id: int | str, scheme_id: str, expected_version: Any = None
) -> PlanVersion:
    def change(plan: Plan, content: PlanContent) -> PlanContent:
        kept = tuple(s for s in content.schemes if s.scheme_id != scheme_id)
        if len(kept) == len(content.schemes):
            raise ValidationFailed.single("scheme_id", f"The plan has no scheme {scheme_id}")
        return PlanContent(kept, content.declarations)

    return _changed(actor, plan_id, expected_version, change, f"Scheme {scheme_id} removed")


@transaction.atomic
def replace_content(
    actor: Actor,
    plan_id: int | str,
    schemes: Sequence[Mapping[str, Any]],
    declarations: Sequence[Mapping[str, Any]] = (),
    expected_version: Any = None,
    note: str = "Plan imported",
    keep_declarations: bool = False,
) -> PlanVersion:
    """Replace every scheme (and, unless ``keep_declarations``, every declaration) at once,
    all validated first."""

    def change(plan: Plan, content: PlanContent) -> PlanContent:
        declarations_raw: list[Mapping[str, Any]]
        if keep_declarations:
            declarations_raw = [
                {"id": r, "answer": yes, "comment": c} for r, yes, c in content.declarations
            ]
        else:
            declarations_raw = list(declarations)
        return parse_plan(
            schemes,
            declarations_raw,
            year_rules_of(plan),
            partners_of(plan.agreement),
        )

    return _changed(actor, plan_id, expected_version, change, note)


@transaction.atomic
def declare(
    actor: Actor,
    plan_id: int | str,
    requirement_id: str,
    answer: Any,
    comment: Any = "",
    expected_version: Any = None,
) -> PlanVersion:
    """Answer one of the year's declarations (a condition no machine can check)."""

    def change(plan: Plan, content: PlanContent) -> PlanContent:
        rules = plan_rules_of(plan)
        requirement = next((r for r in rules.requirements if r.id == requirement_id), None)
        if requirement is None or not requirement.is_declaration:
            raise ValidationFailed.single(
                "requirement", f"'{requirement_id}' is not a declaration of {plan.year}"
            )
        yes = parse.boolean(answer, "answer")
        text = parse.text(comment, "comment", required=True, max_length=2000)
        kept = tuple(d for d in content.declarations if d[0] != requirement_id)
        return PlanContent(content.schemes, (*kept, (requirement_id, yes, text)))

    return _changed(
        actor, plan_id, expected_version, change, f"Declaration {requirement_id} answered"
    )


@transaction.atomic
def justify(
    actor: Actor,
    plan_id: int | str,
    requirement_id: str,
    justification: Any,
    expected_version: Any = None,
) -> PlanVersion:
    """Record why a failed check may go to sign-off, where the year's rules allow that."""
    plan = _load_plan(actor, plan_id, expected_version)
    _editor(actor, plan)
    version = current_version(plan)
    if version.frozen:
        raise ValidationFailed.single(
            "requirement",
            f"Version {version.number} has been signed; change the plan to make a new version "
            "and justify that",
        )
    requirement = next(
        (r for r in plan_rules_of(plan).requirements if r.id == requirement_id), None
    )
    if requirement is None:
        raise ValidationFailed.single(
            "requirement", f"'{requirement_id}' is not a requirement of {plan.year}"
        )
    if not requirement.justification_allowed:
        raise ValidationFailed.single(
            "requirement",
            f"The {plan.year} rules do not allow a plan to go to sign-off with "
            f"'{requirement.text}' failed; the plan must meet it",
        )
    text = parse.text(justification, "justification", required=True, max_length=2000)
    before = dict(version.justifications)
    version.justifications = {**before, requirement_id: text}
    version.save(update_fields=["justifications"])
    bump(plan, "plan")
    record(
        actor,
        Change(
            Action.UPDATE,
            "plan_version",
            version.pk,
            f"{plan} version {version.number}",
            {f"justification {requirement_id}": [before.get(requirement_id), text]},
            plan.agreement_id,
            summary=f"Justified the failed check '{requirement.text}'",
        ),
    )
    return version


@transaction.atomic
def submit(actor: Actor, plan_id: int | str, expected_version: Any = None) -> PlanVersion:
    """Send the current version for sign-off: only with no failures, or failures justified."""
    plan = _load_plan(actor, plan_id, expected_version)
    _editor(actor, plan)
    version = current_version(plan)
    if version.submitted_at is not None:
        raise ValidationFailed.single(
            "version", f"Version {version.number} is already waiting for sign-off"
        )
    checklist = checklist_of(plan, version)
    justified = frozenset(version.justifications)
    if not checklist.ready_for_sign_off(justified):
        errors = ErrorCollector()
        for item in checklist.failures:
            if item.justification_allowed and item.requirement_id in justified:
                continue
            fix = f" {item.fix}" if item.fix else ""
            errors.add(item.requirement_id or "checklist", f"{item.title}: {item.explanation}{fix}")
        errors.raise_if_any()
    version.submitted_at = timezone.now()
    version.submitted_by = actor.user
    version.save(update_fields=["submitted_at", "submitted_by"])
    bump(plan, "plan")
    record(
        actor,
        Change(
            Action.UPDATE,
            "plan_version",
            version.pk,
            f"{plan} version {version.number}",
            {"submitted": [None, f"version {version.number}"]},
            plan.agreement_id,
            summary=f"Submitted version {version.number} for sign-off",
        ),
    )
    return version


@transaction.atomic
def sign_plan(
    actor: Actor,
    plan_id: int | str,
    stage: Any,
    version: Any,
    content_hash_read: str | None = None,
    outcome: Any = Outcome.APPROVED.value,
    reasons: Any = "",
) -> SignOff:
    """A partner's approval, the board's, or the national assurance outcome, of exactly the
    version (and content hash) the signer read."""
    plan = _load_plan(actor, plan_id)
    chosen_stage = parse.choice(stage, Stage, "stage")
    chosen_outcome = parse.choice(outcome, Outcome, "outcome")
    number = parse.version(version, "version")
    if number is None:
        raise ValidationFailed.single("version", "Say which version you are signing")
    current = current_version(plan)
    row = signoff.sign(
        actor,
        subject_of(plan, current),
        chosen_stage,
        number,
        content_hash_read or None,
        chosen_outcome,
        parse.text(reasons, "reasons", max_length=4000),
    )
    if not current.frozen:
        current.frozen = True
        current.save(update_fields=["frozen"])
    bump(plan, "plan")
    return row
