"""Writing agreements, contributions, variations and approvals.

Every function here: checks who is asking, validates the whole input through the core (all
problems reported at once, each naming its field), writes inside one transaction, and records
what changed in the audit trail. Views, the API, the CLI and importers call these and nothing
else, so they cannot disagree.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from carepool.accounts.models import Role
from carepool.accounts.permissions import Forbidden, NotFound, require_role
from carepool.agreements.models import (
    Agreement,
    AgreementPartner,
    Approval,
    Contribution,
    ContributionVariation,
    PartnerStatus,
)
from carepool.agreements.selectors import (
    contribution_years,
    get_agreement,
    get_contribution,
    get_invitation,
    is_partner,
    may_edit,
    may_edit_money,
    to_core_contribution,
)
from carepool.audit.models import Action
from carepool.audit.services import Actor, Change, diff, record, record_many
from carepool.concurrency import bump, changed_fields, field_values, locked, require_version
from carepool.core import parse
from carepool.core.agreements import (
    AgreementTerms,
    ArrangementType,
    ReportingFrequency,
    validate_terms,
)
from carepool.core.contributions import (
    InstalmentFrequency,
    Variation,
    validate_contribution,
    validate_variation,
)
from carepool.core.errors import ErrorCollector, FieldError, ValidationFailed
from carepool.core.money import Money
from carepool.core.risk_share import parse_provisions
from carepool.core.rules import Programme, load_rules
from carepool.organisations.models import Area, Organisation

TEXT_FIELDS = (
    "governing_board",
    "aims",
    "functions_covered",
    "services_in_scope",
    "staff_goods_accommodation",
    "charges_to_people",
    "overspend_protocol",
    "exit_terms",
    "audit_arrangements",
    "variation_procedure",
    "review_arrangements",
)
AGREEMENT_FIELDS = (
    "title",
    "area",
    "programme",
    "arrangement_type",
    "partners",
    "host",
    "auditors",
    "start_date",
    "end_date",
    "break_clause_date",
    "outcomes",
    "reporting_frequency",
    "risk_share",
    *TEXT_FIELDS,
)


# agreements ---------------------------------------------------------------------------


def _load_agreement(
    actor: Actor, agreement_id: int | str, expected_version: Any = None
) -> Agreement:
    """The agreement as this actor may see it (the system: imports, demo, sees all), locked
    for the rest of the transaction and checked against the version the writer last read."""
    expected = parse.version(expected_version)
    if actor.user is not None:
        pk = get_agreement(actor.user, agreement_id).pk
    else:
        try:
            pk = int(agreement_id)
        except (TypeError, ValueError):
            raise NotFound("No such agreement") from None
    try:
        agreement = locked(Agreement.objects.select_related("area", "host"), pk)
    except Agreement.DoesNotExist:
        raise NotFound("No such agreement") from None
    require_version(agreement, expected, "agreement")
    return agreement


def _load_contribution(
    actor: Actor, contribution_id: int | str, expected_version: Any = None
) -> Contribution:
    """The contribution, with its agreement, both locked (agreement first, as everywhere)."""
    expected = parse.version(expected_version)
    if actor.user is not None:
        found = get_contribution(actor.user, contribution_id)
        pk, agreement_id = found.pk, found.agreement_id
    else:
        try:
            pk = int(contribution_id)
            agreement_id = Contribution.objects.values_list("agreement_id", flat=True).get(pk=pk)
        except (Contribution.DoesNotExist, TypeError, ValueError):
            raise NotFound("No such contribution") from None
    agreement = locked(Agreement.objects.select_related("area", "host"), agreement_id)
    contribution = locked(
        Contribution.objects.select_related("partner").prefetch_related("variations"), pk
    )
    contribution.agreement = agreement
    require_version(contribution, expected, "contribution")
    return contribution


def agreement_snapshot(agreement: Agreement) -> dict[str, Any]:
    """The agreement as plain values, the form the audit trail and the API compare."""
    return {
        "title": agreement.title,
        "area": agreement.area.code,
        "programme": agreement.programme,
        "arrangement_type": agreement.arrangement_type,
        "partners": sorted(agreement.partnerships.values_list("organisation__code", flat=True)),
        "host": agreement.host.code,
        "auditors": sorted(agreement.auditors.values_list("code", flat=True)),
        "start_date": agreement.start_date,
        "end_date": agreement.end_date,
        "break_clause_date": agreement.break_clause_date,
        "outcomes": list(agreement.outcomes),
        "reporting_frequency": agreement.reporting_frequency,
        "risk_share": agreement.risk_share,
        **{f: getattr(agreement, f) for f in TEXT_FIELDS},
    }


def _organisations(
    codes: tuple[str, ...], field: str, errors: ErrorCollector
) -> dict[str, Organisation]:
    found = {o.code: o for o in Organisation.objects.filter(code__in=codes)}
    for code in codes:
        if code not in found:
            errors.add(field, f"'{code}' is not a known organisation code")
    return found


def _risk_share_input(value: Any) -> Any:
    if isinstance(value, str):
        if not value.strip():
            return []
        try:
            return json.loads(value)
        except json.JSONDecodeError as exc:
            raise ValidationFailed.single(
                "risk_share", f"is not valid JSON: {exc.msg} at character {exc.pos}"
            ) from None
    return value


def _text_field(data: Mapping[str, Any], field: str) -> str:
    # The column's own limit (governing_board is 200 characters), which PostgreSQL enforces.
    limit = Agreement._meta.get_field(field).max_length
    return parse.text(data.get(field), field, max_length=limit)


def _clean_agreement(data: Mapping[str, Any]) -> tuple[AgreementTerms, dict[str, Any]]:
    """Validate a whole agreement. Returns the core terms and the model values to store."""
    parse.check_storable(data)
    errors = ErrorCollector()
    values: dict[str, Any] = {}

    def attempt(field: str, fn: Any) -> Any:
        try:
            return fn()
        except ValidationFailed as exc:
            errors.extend(exc)
            return None

    values["title"] = attempt(
        "title", lambda: parse.text(data.get("title"), "title", required=True, max_length=200)
    )
    arrangement = attempt(
        "arrangement_type",
        lambda: parse.choice(data.get("arrangement_type"), ArrangementType, "arrangement_type"),
    )
    # Most agreements are Better Care Fund pools; others say so.
    programme = attempt(
        "programme",
        lambda: parse.choice(data.get("programme") or Programme.BCF.value, Programme, "programme"),
    )
    area_code = str(data.get("area") or "").strip().upper()
    area = Area.objects.filter(code=area_code).first() if area_code else None
    if area is None:
        errors.add(
            "area",
            f"'{area_code}' is not a known area code"
            if area_code
            else "Choose the area the agreement serves",
        )
    partner_codes = (
        attempt("partners", lambda: parse.code_list(data.get("partners"), "partners")) or ()
    )
    auditor_codes = (
        attempt("auditors", lambda: parse.code_list(data.get("auditors"), "auditors")) or ()
    )
    host_code = str(data.get("host") or "").strip().upper()
    partners = _organisations(partner_codes, "partners", errors)
    auditors = _organisations(auditor_codes, "auditors", errors)
    host = Organisation.objects.filter(code=host_code).first() if host_code else None
    if host is None:
        errors.add(
            "host",
            f"'{host_code}' is not a known organisation code"
            if host_code
            else "Choose the host partner",
        )
    start = attempt("start_date", lambda: parse.required_day(data.get("start_date"), "start_date"))
    end = attempt("end_date", lambda: parse.required_day(data.get("end_date"), "end_date"))
    break_clause = attempt(
        "break_clause_date",
        lambda: parse.day(data.get("break_clause_date"), "break_clause_date", required=False),
    )
    outcomes = attempt("outcomes", lambda: parse.lines(data.get("outcomes"), "outcomes")) or ()
    reporting_raw = data.get("reporting_frequency")
    reporting = None
    if not parse.is_blank(reporting_raw):
        reporting = attempt(
            "reporting_frequency",
            lambda: parse.choice(reporting_raw, ReportingFrequency, "reporting_frequency"),
        )
    texts = {f: attempt(f, lambda f=f: _text_field(data, f)) or "" for f in TEXT_FIELDS}
    provisions = (
        attempt("risk_share", lambda: parse_provisions(_risk_share_input(data.get("risk_share"))))
        or ()
    )
    if start is None or end is None:
        errors.raise_if_any()  # the term's rules cannot be checked without both dates
    # Check the agreement's rules even when some fields were unreadable, so the person sees
    # every problem at once; a field already in error is not reported twice.
    terms = AgreementTerms(
        title=values["title"] or "",
        area_code=area_code,
        arrangement_type=arrangement or ArrangementType.POOLED_FUND,
        partner_codes=partner_codes,
        host_code=host_code,
        start_date=start,
        end_date=end,
        break_clause_date=break_clause,
        outcomes=outcomes,
        reporting_frequency=reporting,
        risk_share=provisions,
        **texts,
    )
    already = errors.fields
    for rule_error in validate_terms(terms).errors:
        if rule_error.field not in already:
            errors.add(rule_error.field, rule_error.message)
    errors.raise_if_any()
    values.update(
        area=area,
        programme=programme.value,
        arrangement_type=arrangement.value,
        host=host,
        start_date=start,
        end_date=end,
        break_clause_date=break_clause,
        outcomes=list(outcomes),
        reporting_frequency=reporting.value if reporting else "",
        risk_share=[p.to_dict() for p in provisions],
        **texts,
    )
    return terms, {"fields": values, "partners": partners, "auditors": auditors}


def require_editor(actor: Actor, agreement: Agreement) -> None:
    """Finance officers of a partner organisation edit; everyone else is refused (Forbidden).

    Public so that a page can refuse to show a form nobody could submit, with the same words.
    """
    user = actor.user
    if user is None or may_edit(user, agreement):
        return
    require_role(user, Role.FINANCE_OFFICER, "change agreements")
    raise Forbidden("Only finance officers of a partner organisation can change this agreement")


def require_money_editor(actor: Actor, agreement: Agreement, partner: Organisation) -> None:
    """A partner's contributions are changed by its own finance officers or the host's."""
    user = actor.user
    if user is None or may_edit_money(user, agreement, partner):
        return
    require_editor(actor, agreement)
    raise Forbidden(
        f"Only finance officers of {partner.name} or of the host, {agreement.host.name}, "
        f"can change {partner.name}'s contributions"
    )


def _require_own_organisation_among(actor: Actor, partner_codes: tuple[str, ...]) -> None:
    # Otherwise a finance officer could create or edit an agreement out of their own sight.
    if actor.user is not None and actor.user.organisation.code not in partner_codes:
        raise ValidationFailed.single(
            "partners",
            f"Your organisation ({actor.user.organisation.code}) must be one of the partners",
        )


def _withdraw_approvals(actor: Actor, agreement: Agreement, because: str) -> None:
    approvals = list(agreement.approvals.select_related("organisation"))
    if not approvals:
        return
    record_many(
        actor,
        [
            Change(
                Action.WITHDRAW_APPROVAL,
                "approval",
                a.pk,
                f"Approval by {a.organisation.name}",
                {"approved_by": [a.approved_by.display_name, None]},
                agreement.pk,
                summary=f"Approval withdrawn because {because}",
            )
            for a in approvals
        ],
    )
    agreement.approvals.all().delete()


def _set_partners(
    actor: Actor,
    agreement: Agreement,
    partners: dict[str, Organisation],
    auditors: dict[str, Organisation],
) -> bool:
    """Make the partners and auditors those given; True when anything changed.

    A new partner is invited, and sees nothing of the agreement until one of its signatories
    accepts; the organisation of the person making the change, and partners loaded by the
    system (imports, the demo), are partners at once.
    """
    current = set(agreement.partnerships.values_list("organisation__code", flat=True))
    leaving = current - set(partners)
    with_money = set(
        agreement.contributions.filter(partner__code__in=leaving).values_list(
            "partner__code", flat=True
        )
    )
    if with_money:
        raise ValidationFailed.single(
            "partners",
            "These partners have contributions recorded and cannot be removed: "
            + ", ".join(sorted(with_money)),
        )
    agreement.partnerships.filter(organisation__code__in=leaving).delete()
    now = timezone.now()
    own = actor.user.organisation_id if actor.user is not None else None
    joining = [partners[c] for c in sorted(set(partners) - current)]
    AgreementPartner.objects.bulk_create(
        [
            AgreementPartner(
                agreement=agreement,
                organisation=org,
                status=PartnerStatus.INVITED
                if actor.user is not None and org.pk != own
                else PartnerStatus.ACCEPTED,
                invited_by=actor.user,
                invited_at=now,
                accepted_by=actor.user if org.pk == own else None,
                accepted_at=now if actor.user is None or org.pk == own else None,
            )
            for org in joining
        ]
    )
    auditors_before = set(agreement.auditors.values_list("pk", flat=True))
    auditors_after = {o.pk for o in auditors.values()}
    if auditors_before != auditors_after:
        agreement.auditors.set(list(auditors.values()))
    return bool(leaving or joining or auditors_before != auditors_after)


@transaction.atomic
def create_agreement(actor: Actor, data: Mapping[str, Any]) -> Agreement:
    if actor.user is not None:
        require_role(actor.user, Role.FINANCE_OFFICER, "create agreements")
    terms, cleaned = _clean_agreement(data)
    _require_own_organisation_among(actor, terms.partner_codes)
    agreement = Agreement.objects.create(**cleaned["fields"])
    _set_partners(actor, agreement, cleaned["partners"], cleaned["auditors"])
    record(
        actor,
        Change(
            Action.CREATE,
            "agreement",
            agreement.pk,
            agreement.title,
            diff({}, agreement_snapshot(agreement)),
            agreement.pk,
        ),
    )
    return agreement


def _refuse_term_leaving_money_behind(agreement: Agreement, terms: AgreementTerms) -> None:
    errors = ErrorCollector()
    for year in contribution_years(agreement):
        if year.end < terms.start_date:
            errors.add(
                "start_date",
                f"Contributions are recorded for {year.label}, which would end before the term starts",
            )
        elif year.start > terms.end_date:
            errors.add(
                "end_date",
                f"Contributions are recorded for {year.label}, which would start after the term ends",
            )
    errors.raise_if_any()


@transaction.atomic
def update_agreement(
    actor: Actor,
    agreement_id: int | str,
    data: Mapping[str, Any],
    expected_version: Any = None,
    *,
    confirm_area_change: bool = False,
) -> Agreement:
    """Change some or all of an agreement's terms. Fields not given keep their values.

    Only the fields that changed are written. ``expected_version``: the version the writer
    last read; when given and the agreement has changed since, ``Conflict`` and nothing saved.
    """
    agreement = _load_agreement(actor, agreement_id, expected_version)
    require_editor(actor, agreement)
    unknown = sorted(set(data) - set(AGREEMENT_FIELDS))
    if unknown:
        raise ValidationFailed.single(unknown[0], "is not a field of an agreement")
    before = agreement_snapshot(agreement)
    merged = {**before, **data}
    terms, cleaned = _clean_agreement(merged)
    _require_own_organisation_among(actor, terms.partner_codes)
    _refuse_term_leaving_money_behind(agreement, terms)
    new_area = cleaned["fields"]["area"]
    if new_area.pk != agreement.area_id and not confirm_area_change:
        raise ValidationFailed.single(
            "area",
            f"Moving this agreement from {agreement.area.name} to {new_area.name} changes "
            "whose plan and pooled fund it is: confirm the move to save it",
        )
    if cleaned["fields"]["programme"] != agreement.programme and agreement.contributions.exists():
        raise ValidationFailed.single(
            "programme",
            f"Contributions are recorded against the {Programme(agreement.programme).label}'s "
            "funding streams, so the programme cannot change while they are there",
        )
    stored = field_values(agreement, cleaned["fields"])
    for key, value in cleaned["fields"].items():
        setattr(agreement, key, value)
    written = changed_fields(agreement, stored)
    partners_changed = _set_partners(actor, agreement, cleaned["partners"], cleaned["auditors"])
    if written or partners_changed:
        bump(agreement, "agreement", {name: getattr(agreement, name) for name in written})
    changes = diff(before, agreement_snapshot(agreement))
    if changes:
        record(
            actor,
            Change(
                Action.UPDATE, "agreement", agreement.pk, agreement.title, changes, agreement.pk
            ),
        )
        _withdraw_approvals(actor, agreement, "the agreement's terms changed")
    return agreement


@transaction.atomic
def add_risk_share_provision(
    actor: Actor,
    agreement_id: int | str,
    provision: Mapping[str, Any],
    expected_version: Any = None,
) -> Agreement:
    """Append one provision to the agreement's risk share.

    Errors name the provision's own fields (``cap``, ``shares.QWO``), not its place in the
    list, so a form for a single provision can show them beside its inputs.
    """
    agreement = _load_agreement(actor, agreement_id, expected_version)
    require_editor(actor, agreement)
    if not isinstance(provision, Mapping):
        raise ValidationFailed.single("kind", "Describe the provision")
    position = len(agreement.risk_share) + 1
    prefix = f"risk_share[{position}]."
    try:
        return update_agreement(
            actor, agreement.pk, {"risk_share": [*agreement.risk_share, dict(provision)]}
        )
    except ValidationFailed as exc:
        raise ValidationFailed(
            FieldError(
                e.field.removeprefix(prefix) if e.field.startswith(prefix) else e.field, e.message
            )
            for e in exc.errors
        ) from None


@transaction.atomic
def remove_risk_share_provision(
    actor: Actor, agreement_id: int | str, position: int, expected_version: Any = None
) -> Agreement:
    """Remove the provision at ``position`` (1 = the first).

    Give ``expected_version``: without it, a provision added or removed by someone else in
    the meantime could shift the positions.
    """
    agreement = _load_agreement(actor, agreement_id, expected_version)
    require_editor(actor, agreement)
    provisions = list(agreement.risk_share)
    if not 1 <= position <= len(provisions):
        raise ValidationFailed.single("position", f"There is no provision {position} to remove")
    del provisions[position - 1]
    return update_agreement(actor, agreement.pk, {"risk_share": provisions})


@transaction.atomic
def delete_agreement(actor: Actor, agreement_id: int | str, expected_version: Any = None) -> None:
    agreement = _load_agreement(actor, agreement_id, expected_version)
    require_editor(actor, agreement)
    if agreement.contributions.exists():
        raise ValidationFailed.single(
            "agreement", "An agreement with contributions cannot be deleted"
        )
    if agreement.approvals.exists():
        raise ValidationFailed.single(
            "agreement",
            "A partner has approved this agreement, so one partner alone cannot delete it",
        )
    before = agreement_snapshot(agreement)
    pk = agreement.pk
    agreement.delete()
    record(actor, Change(Action.DELETE, "agreement", pk, before["title"], diff(before, {}), pk))


# approvals ----------------------------------------------------------------------------


@transaction.atomic
def approve_agreement(
    actor: Actor, agreement_id: int | str, expected_version: Any = None
) -> Approval:
    """Approve the agreement as it stands. With ``expected_version`` (the version the
    signatory read), an agreement changed in the meantime is refused with ``Conflict``."""
    user = actor.user
    if user is None:
        raise Forbidden("Approvals are given by a named signatory, not by the system")
    agreement = _load_agreement(actor, agreement_id, expected_version)
    require_role(user, Role.SIGNATORY, "approve agreements")
    if not is_partner(user, agreement):
        raise Forbidden("Only a signatory of a partner organisation can approve this agreement")
    if agreement.approvals.filter(organisation_id=user.organisation_id).exists():
        raise ValidationFailed.single(
            "agreement", f"{user.organisation.name} has already approved this agreement"
        )
    try:
        with transaction.atomic():
            approval = Approval.objects.create(
                agreement=agreement, organisation=user.organisation, approved_by=user
            )
    except IntegrityError:  # the same partner approved a moment ago, in another request
        raise ValidationFailed.single(
            "agreement", f"{user.organisation.name} has already approved this agreement"
        ) from None
    record(
        actor,
        Change(
            Action.APPROVE,
            "approval",
            approval.pk,
            f"Approval by {user.organisation.name}",
            {"approved_by": [None, user.display_name]},
            agreement.pk,
            summary=f"{user.organisation.name} approved the agreement",
        ),
    )
    return approval


# contributions ------------------------------------------------------------------------


def contribution_snapshot(c: Contribution) -> dict[str, Any]:
    return {
        "year": c.year,
        "partner": c.partner.code,
        "funding_stream": c.stream_code,
        "mandated": c.mandated,
        "original_amount": Money(c.original_amount_pence),
        "frequency": c.frequency,
    }


@transaction.atomic
def add_contribution(
    actor: Actor, agreement_id: int | str, data: Mapping[str, Any], expected_version: Any = None
) -> Contribution:
    """Record what a partner puts in for a year from a stream. The partner must have accepted
    its invitation; its own finance officers or the host's record it."""
    agreement = _load_agreement(actor, agreement_id, expected_version)
    require_editor(actor, agreement)
    parse.check_storable(data)
    errors = ErrorCollector()

    def attempt(fn: Any) -> Any:
        try:
            return fn()
        except ValidationFailed as exc:
            errors.extend(exc)
            return None

    year = attempt(lambda: parse.year(data.get("year")))
    amount = attempt(lambda: parse.money(data.get("amount"), "amount"))
    mandated = None
    if parse.is_blank(data.get("mandated")):
        errors.add(
            "mandated", "Say whether the contribution is mandated (national minimum) or additional"
        )
    else:
        mandated = attempt(lambda: parse.boolean(data.get("mandated"), "mandated"))
    frequency = attempt(
        lambda: parse.choice(data.get("frequency") or "quarterly", InstalmentFrequency, "frequency")
    )
    stream_code = str(data.get("funding_stream") or "").strip()
    if not stream_code:
        errors.add("funding_stream", "Choose the funding stream")
    partner_code = str(data.get("partner") or "").strip().upper()
    partnership = (
        agreement.partnerships.select_related("organisation")
        .filter(organisation__code=partner_code)
        .first()
    )
    partner = partnership.organisation if partnership else None
    if partnership is None:
        errors.add(
            "partner",
            f"'{partner_code}' is not a partner in this agreement"
            if partner_code
            else "Choose the partner",
        )
    elif partnership.status != PartnerStatus.ACCEPTED:
        errors.add(
            "partner",
            f"{partnership.organisation.name} has not yet accepted the invitation to this "
            "agreement; its contributions can be recorded once one of its signatories accepts",
        )
        partner = None
    if partner is not None:
        require_money_editor(actor, agreement, partner)
    programme = Programme(agreement.programme)
    rules = attempt(lambda: load_rules().for_year(year, programme)) if year else None
    if year and (year.end < agreement.start_date or year.start > agreement.end_date):
        errors.add(
            "year",
            f"{year.label} is outside the agreement's term ({agreement.start_date} to {agreement.end_date})",
        )
    if rules and partner and stream_code and amount is not None and mandated is not None:
        attempt(lambda: validate_contribution(rules, partner.type, stream_code, mandated, amount))
    errors.raise_if_any()
    if agreement.contributions.filter(
        year=year.label, partner=partner, stream_code=stream_code, mandated=mandated
    ).exists():
        raise ValidationFailed.single(
            "funding_stream",
            f"{partner.name} already has {'a mandated' if mandated else 'an additional'} "
            f"contribution from the {rules.stream(stream_code).name if rules else stream_code} "
            f"in {year.label}; vary that one instead",
        )
    try:
        with transaction.atomic():
            contribution = Contribution.objects.create(
                agreement=agreement,
                year=year.label,
                partner=partner,
                stream_code=stream_code,
                mandated=mandated,
                original_amount_pence=amount.pence,
                frequency=frequency.value,
            )
    except IntegrityError:  # a concurrent duplicate slipped past the check above
        raise ValidationFailed.single(
            "funding_stream", "This contribution has just been recorded by someone else"
        ) from None
    bump(agreement, "agreement")
    record(
        actor,
        Change(
            Action.CREATE,
            "contribution",
            contribution.pk,
            str(contribution),
            diff({}, contribution_snapshot(contribution)),
            agreement.pk,
        ),
    )
    _withdraw_approvals(actor, agreement, "a contribution was added")
    return contribution


@transaction.atomic
def update_contribution(
    actor: Actor, contribution_id: int | str, data: Mapping[str, Any], expected_version: Any = None
) -> Contribution:
    """Only the instalment frequency is edited in place; amounts change through variations.

    A change withdraws the partners' approvals, as any change to the money does.
    """
    contribution = _load_contribution(actor, contribution_id, expected_version)
    require_money_editor(actor, contribution.agreement, contribution.partner)
    parse.check_storable(data)
    for key in data:
        if key != "frequency":
            raise ValidationFailed.single(
                key,
                "cannot be edited; record a variation to change the amount, or remove the contribution and add it again"
                if key in ("amount", "original_amount")
                else "cannot be edited once recorded",
            )
    before = contribution_snapshot(contribution)
    stored = field_values(contribution, ["frequency"])
    contribution.frequency = parse.choice(
        data.get("frequency"), InstalmentFrequency, "frequency"
    ).value
    written = changed_fields(contribution, stored)
    if written:
        bump(contribution, "contribution", {"frequency": contribution.frequency})
        bump(contribution.agreement, "agreement")
    changes = diff(before, contribution_snapshot(contribution))
    if changes:
        record(
            actor,
            Change(
                Action.UPDATE,
                "contribution",
                contribution.pk,
                str(contribution),
                changes,
                contribution.agreement_id,
            ),
        )
        _withdraw_approvals(actor, contribution.agreement, "a contribution's instalments changed")
    return contribution


@transaction.atomic
def vary_contribution(
    actor: Actor, contribution_id: int | str, data: Mapping[str, Any], expected_version: Any = None
) -> ContributionVariation:
    """Record a change to a contribution from a date. Give ``change`` (+/- pounds) or ``new_amount``."""
    # Locked, and its variations read under the lock, so that two reductions at once cannot
    # both pass the "not below £0" check.
    contribution = _load_contribution(actor, contribution_id, expected_version)
    require_money_editor(actor, contribution.agreement, contribution.partner)
    parse.check_storable(data)
    errors = ErrorCollector()
    effective = None
    try:
        effective = parse.required_day(data.get("effective_date"), "effective_date")
    except ValidationFailed as exc:
        errors.extend(exc)
    reason = ""
    try:
        reason = parse.text(data.get("reason"), "reason", max_length=2000)
    except ValidationFailed as exc:
        errors.extend(exc)
    core = to_core_contribution(contribution)
    has_change = not parse.is_blank(data.get("change"))
    has_new = not parse.is_blank(data.get("new_amount"))
    change = None
    if has_change and has_new:
        errors.add("change", "Give either the change in pounds or the new amount, not both")
    elif not has_change and not has_new:
        errors.add("change", "Give the change in pounds, or the new amount from that date")
    elif has_change:
        try:
            change = parse.money(data.get("change"), "change", allow_negative=True)
        except ValidationFailed as exc:
            errors.extend(exc)
    else:
        try:
            new_amount = parse.money(data.get("new_amount"), "new_amount")
            if effective is not None:
                change = new_amount - core.amount_at(effective)
        except ValidationFailed as exc:
            errors.extend(exc)
    if effective is not None and change is not None:
        try:
            validate_variation(core, Variation(effective, change, reason))
        except ValidationFailed as exc:
            for problem in exc.errors:
                if problem.field not in errors.fields:
                    errors.add(problem.field, problem.message)
    elif not reason and "reason" not in errors.fields:
        errors.add("reason", "Give the reason for the variation")
    errors.raise_if_any()
    variation = ContributionVariation.objects.create(
        contribution=contribution,
        effective_date=effective,
        change_pence=change.pence,
        reason=reason,
        created_by=actor.user,
    )
    bump(contribution, "contribution")
    bump(contribution.agreement, "agreement")
    record(
        actor,
        Change(
            Action.CREATE,
            "contribution_variation",
            variation.pk,
            f"Variation to {contribution}",
            {
                "amount": [core.amount.plain(), (core.amount + change).plain()],
                "effective_date": [None, effective.isoformat()],
                "reason": [None, reason],
            },
            contribution.agreement_id,
            summary=f"{contribution} varied by {change} from {effective:%d %B %Y}",
        ),
    )
    _withdraw_approvals(actor, contribution.agreement, "a contribution was varied")
    return variation


@transaction.atomic
def delete_contribution(
    actor: Actor, contribution_id: int | str, expected_version: Any = None
) -> None:
    contribution = _load_contribution(actor, contribution_id, expected_version)
    agreement = contribution.agreement
    require_money_editor(actor, agreement, contribution.partner)
    if contribution.variations.exists():
        raise ValidationFailed.single(
            "contribution",
            "A contribution with variations keeps its history; vary it to £0 instead of deleting it",
        )
    before = contribution_snapshot(contribution)
    pk, label = contribution.pk, str(contribution)
    contribution.delete()
    bump(agreement, "agreement")
    record(actor, Change(Action.DELETE, "contribution", pk, label, diff(before, {}), agreement.pk))
    _withdraw_approvals(actor, agreement, "a contribution was removed")


# invitations --------------------------------------------------------------------------


def _answer_invitation(actor: Actor, agreement_id: int | str, verb: str) -> AgreementPartner:
    user = actor.user
    if user is None:
        raise Forbidden("Invitations are answered by a named signatory, not by the system")
    invitation = get_invitation(user, agreement_id)
    require_role(user, Role.SIGNATORY, f"{verb} invitations")
    # Lock the agreement, then read the invitation again under the lock: a second answer
    # given at the same moment finds it already answered.
    locked(Agreement.objects.all(), invitation.agreement_id)
    return get_invitation(user, agreement_id)


@transaction.atomic
def accept_invitation(actor: Actor, agreement_id: int | str) -> AgreementPartner:
    """A signatory of an invited organisation accepts: it becomes a partner and sees the
    agreement. Nothing in the agreement's terms changes, so approvals stand."""
    invitation = _answer_invitation(actor, agreement_id, "accept")
    assert actor.user is not None
    invitation.status = PartnerStatus.ACCEPTED
    invitation.accepted_by = actor.user
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["status", "accepted_by", "accepted_at"])
    name = invitation.organisation.name
    record(
        actor,
        Change(
            Action.UPDATE,
            "agreement_partner",
            invitation.pk,
            f"{name} in {invitation.agreement.title}",
            {"status": [PartnerStatus.INVITED.value, PartnerStatus.ACCEPTED.value]},
            invitation.agreement_id,
            summary=f"{name} accepted the invitation to join the agreement",
        ),
    )
    return invitation


@transaction.atomic
def decline_invitation(actor: Actor, agreement_id: int | str) -> None:
    """A signatory of an invited organisation declines: it is no longer a partner. The
    partners listed change, so the agreement's version goes up and approvals are withdrawn."""
    invitation = _answer_invitation(actor, agreement_id, "decline")
    agreement = Agreement.objects.select_related("area", "host").get(pk=invitation.agreement_id)
    name = invitation.organisation.name
    if agreement.host_id == invitation.organisation_id:
        raise ValidationFailed.single(
            "agreement",
            f"{name} is named as the host of this agreement; ask the partners to choose "
            "another host before declining",
        )
    before = agreement_snapshot(agreement)
    invitation.delete()
    bump(agreement, "agreement")
    record(
        actor,
        Change(
            Action.UPDATE,
            "agreement",
            agreement.pk,
            agreement.title,
            diff(before, agreement_snapshot(agreement)),
            agreement.pk,
            summary=f"{name} declined the invitation to join the agreement",
        ),
    )
    _withdraw_approvals(actor, agreement, f"{name} declined to join")
