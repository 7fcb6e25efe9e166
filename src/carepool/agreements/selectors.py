"""Reading agreements and contributions, always scoped to the user.

Every read path (web, API, CLI, exports) goes through ``visible_agreements`` or a getter built
on it, so a user whose organisation is not party to an agreement cannot reach it anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Prefetch, Q, QuerySet

from carepool.accounts.models import Role
from carepool.accounts.permissions import PARTNER_READ_ROLES, NotFound, is_active, reads_everything
from carepool.agreements import signing
from carepool.agreements.models import (
    Agreement,
    AgreementPartner,
    Contribution,
    ContributionVariation,
    PartnerStatus,
)
from carepool.audit.models import AuditEvent
from carepool.audit.selectors import history_for_agreement
from carepool.core.agreements import (
    AgreementTerms,
    ArrangementType,
    CompletenessReport,
    ReportingFrequency,
    completeness,
)
from carepool.core.contributions import Contribution as CoreContribution
from carepool.core.contributions import (
    ContributionTotals,
    Instalment,
    InstalmentFrequency,
    Variation,
    instalment_schedule,
    summarise,
)
from carepool.core.errors import ValidationFailed
from carepool.core.money import Money
from carepool.core.periods import FinancialYear
from carepool.core.risk_share import StoredProvisions, read_stored_provisions
from carepool.core.rules import Programme, load_rules
from carepool.core.signoff import Stage
from carepool.signoff.models import SignOff
from carepool.signoff.services import sign_offs_of

if TYPE_CHECKING:
    from carepool.accounts.models import User
    from carepool.organisations.models import Organisation


def visible_agreements(user: User | None) -> QuerySet[Agreement]:
    if user is None or not is_active(user):
        return Agreement.objects.none()
    qs = Agreement.objects.select_related("area", "host")
    if reads_everything(user):
        return qs.all()
    scope = Q(pk__in=[])
    if user.roles & PARTNER_READ_ROLES:
        # One Q, so both conditions hold for the same partnership row. An invited partner
        # sees only its invitation (``invitations_for``) until it accepts.
        scope |= Q(
            partnerships__organisation_id=user.organisation_id,
            partnerships__status=PartnerStatus.ACCEPTED,
        )
    if user.has_role(Role.AUDITOR):
        scope |= Q(auditors__id=user.organisation_id)
    return qs.filter(pk__in=Agreement.objects.filter(scope).values("pk"))


def is_partner(user: User, agreement: Agreement) -> bool:
    """The user's organisation is a partner that has accepted (not merely been invited)."""
    return agreement.partnerships.filter(
        organisation_id=user.organisation_id, status=PartnerStatus.ACCEPTED
    ).exists()


def may_edit(user: User, agreement: Agreement) -> bool:
    """Finance officers of a partner organisation change an agreement's terms."""
    return user.has_role(Role.FINANCE_OFFICER) and is_partner(user, agreement)


def may_edit_money(user: User, agreement: Agreement, partner: Organisation) -> bool:
    """A partner's contributions are changed by its own finance officers or the host's."""
    return may_edit(user, agreement) and user.organisation_id in (partner.pk, agreement.host_id)


def invitations_for(user: User | None) -> QuerySet[AgreementPartner]:
    """Invitations to the user's organisation that no signatory has answered yet."""
    if user is None or not is_active(user) or not user.roles & PARTNER_READ_ROLES:
        return AgreementPartner.objects.none()
    return (
        AgreementPartner.objects.filter(
            organisation_id=user.organisation_id, status=PartnerStatus.INVITED
        )
        .select_related("agreement__area", "agreement__host", "organisation", "invited_by")
        .select_related("invited_by__organisation")
        .order_by("-invited_at", "pk")
    )


def get_invitation(user: User | None, agreement_id: int | str) -> AgreementPartner:
    try:
        pk = int(agreement_id)
    except (TypeError, ValueError):
        raise NotFound("No such invitation") from None
    try:
        return invitations_for(user).get(agreement_id=pk)
    except AgreementPartner.DoesNotExist:
        raise NotFound("No such invitation") from None


def may_approve(user: User, agreement: Agreement) -> bool:
    """A partner's signatory approves a version once; a change withdraws the approvals."""
    return (
        user.has_role(Role.SIGNATORY)
        and is_partner(user, agreement)
        and not approvals_of(agreement).filter(organisation_id=user.organisation_id).exists()
    )


def visible_agreements_with_partner(user: User | None, organisation_id: int) -> QuerySet[Agreement]:
    """The agreements this user may see in which the organisation is a partner."""
    return visible_agreements(user).filter(
        partnerships__organisation_id=organisation_id,
        partnerships__status=PartnerStatus.ACCEPTED,
    )


def get_agreement(user: User | None, agreement_id: int | str) -> Agreement:
    try:
        pk = int(agreement_id)
    except (TypeError, ValueError):
        raise NotFound("No such agreement") from None
    try:
        return visible_agreements(user).get(pk=pk)
    except Agreement.DoesNotExist:
        raise NotFound("No such agreement") from None


def visible_contributions(user: User | None) -> QuerySet[Contribution]:
    return Contribution.objects.filter(agreement__in=visible_agreements(user).values("pk"))


def get_contribution(user: User | None, contribution_id: int | str) -> Contribution:
    try:
        pk = int(contribution_id)
    except (TypeError, ValueError):
        raise NotFound("No such contribution") from None
    try:
        return (
            visible_contributions(user)
            .select_related("agreement", "partner")
            .prefetch_related("variations")
            .get(pk=pk)
        )
    except Contribution.DoesNotExist:
        raise NotFound("No such contribution") from None


def contributions_of(
    agreement: Agreement, year: FinancialYear | None = None
) -> QuerySet[Contribution]:
    qs = agreement.contributions.select_related("partner").prefetch_related(
        Prefetch(
            "variations", queryset=ContributionVariation.objects.order_by("effective_date", "id")
        )
    )
    if year is not None:
        qs = qs.filter(year=year.label)
    return qs


def partnerships_of(agreement: Agreement) -> list[AgreementPartner]:
    """Every partner, accepted or invited, by name."""
    return list(
        agreement.partnerships.select_related("organisation").order_by("organisation__name")
    )


def partner_organisations(agreement: Agreement) -> list:  # type: ignore[type-arg]
    return [
        p.organisation
        for p in agreement.partnerships.select_related("organisation").order_by(
            "organisation__name"
        )
    ]


# conversion to the pure core -----------------------------------------------------------


def to_core_contribution(c: Contribution) -> CoreContribution:
    return CoreContribution(
        year=FinancialYear.parse(c.year),
        partner_code=c.partner.code,
        stream_code=c.stream_code,
        mandated=c.mandated,
        original_amount=Money(c.original_amount_pence),
        frequency=InstalmentFrequency(c.frequency),
        variations=tuple(
            Variation(v.effective_date, Money(v.change_pence), v.reason) for v in c.variations.all()
        ),
    )


def to_terms(agreement: Agreement, partner_codes: tuple[str, ...] | None = None) -> AgreementTerms:
    """The agreement's pure terms. ``partner_codes``: already read (lists of agreements read
    them for all at once); otherwise read here."""
    if partner_codes is None:
        partner_codes = tuple(
            agreement.partnerships.order_by("organisation__name").values_list(
                "organisation__code", flat=True
            )
        )
    stored = read_risk_share(agreement)
    return AgreementTerms(
        title=agreement.title,
        area_code=agreement.area.code,
        arrangement_type=ArrangementType(agreement.arrangement_type),
        partner_codes=partner_codes,
        host_code=agreement.host.code,
        start_date=agreement.start_date,
        end_date=agreement.end_date,
        break_clause_date=agreement.break_clause_date,
        governing_board=agreement.governing_board,
        aims=agreement.aims,
        outcomes=tuple(agreement.outcomes),
        functions_covered=agreement.functions_covered,
        services_in_scope=agreement.services_in_scope,
        staff_goods_accommodation=agreement.staff_goods_accommodation,
        charges_to_people=agreement.charges_to_people,
        reporting_frequency=ReportingFrequency(agreement.reporting_frequency)
        if agreement.reporting_frequency
        else None,
        risk_share=stored.readable,
        unreadable_risk_share=tuple(p.message for p in stored.unreadable),
        overspend_protocol=agreement.overspend_protocol,
        exit_terms=agreement.exit_terms,
        audit_arrangements=agreement.audit_arrangements,
        variation_procedure=agreement.variation_procedure,
        review_arrangements=agreement.review_arrangements,
    )


def read_risk_share(agreement: Agreement) -> StoredProvisions:
    """The agreement's provisions as stored, each readable or saying why not; never raises.

    Stored provisions are in the current schema (migrations upgrade older ones, see
    ``carepool.core.risk_share.upgrade_provisions``); one that still cannot be read is shown
    as unreadable and flagged in completeness, not hidden and not an error page.
    """
    return read_stored_provisions(agreement.risk_share)


def completeness_of(agreement: Agreement) -> CompletenessReport:
    contributed: dict[FinancialYear, set[str]] = {}
    for year, code in (
        agreement.contributions.order_by().values_list("year", "partner__code").distinct()
    ):
        contributed.setdefault(FinancialYear.parse(year), set()).add(code)
    return completeness(to_terms(agreement), contributed)


@dataclass(frozen=True)
class YearSummary:
    year: FinancialYear
    contributions: list[tuple[Contribution, CoreContribution]]
    totals: ContributionTotals
    rules_note: str = ""  # set when the year's rules are provisional (not yet published)


def contribution_years(agreement: Agreement) -> list[FinancialYear]:
    # order_by first: the model's default ordering would otherwise defeat distinct()
    labels = agreement.contributions.order_by("year").values_list("year", flat=True).distinct()
    return sorted(FinancialYear.parse(y) for y in labels)


def year_summary(agreement: Agreement, year: FinancialYear) -> YearSummary:
    return year_summaries(agreement, [year])[0]


def year_summaries(
    agreement: Agreement, years: list[FinancialYear] | None = None
) -> list[YearSummary]:
    """Each year's contributions and totals, from one query (and one for the variations),
    however many years there are. Without ``years``: every year with contributions, in order.
    """
    qs = contributions_of(agreement)
    if years is not None:
        qs = qs.filter(year__in=[y.label for y in years])
    by_year: dict[str, list[tuple[Contribution, CoreContribution]]] = {}
    for c in qs:
        by_year.setdefault(c.year, []).append((c, to_core_contribution(c)))
    if years is None:
        years = sorted(FinancialYear.parse(label) for label in by_year)
    return [
        YearSummary(
            year,
            rows := by_year.get(year.label, []),
            summarise(core for _, core in rows),
            rules_note_for(agreement, year),
        )
        for year in years
    ]


def rules_note_for(agreement: Agreement, year: FinancialYear) -> str:
    """What to say beside the year's money when its rules are provisional; "" otherwise."""
    try:
        return load_rules().for_year(year, Programme(agreement.programme)).provisional_note
    except ValidationFailed:
        return ""


def schedule_of(contribution: Contribution) -> tuple[Instalment, ...]:
    return instalment_schedule(to_core_contribution(contribution))


def approvals_of(agreement: Agreement) -> QuerySet[SignOff]:
    """The partners' approvals standing for the agreement as it is now: of its current
    version and content hash, not withdrawn; oldest first."""
    return sign_offs_of(signing.KIND, agreement.pk).filter(
        stage=Stage.PARTNER.value,
        withdrawn_at__isnull=True,
        version=agreement.version,
        content_hash=signing.content_hash(agreement),
    )


def earlier_approvals_of(agreement: Agreement) -> QuerySet[SignOff]:
    """Approvals withdrawn by later changes, newest first: each names the version it approved."""
    return (
        sign_offs_of(signing.KIND, agreement.pk)
        .filter(stage=Stage.PARTNER.value, withdrawn_at__isnull=False)
        .order_by("-signed_at", "-id")
    )


def history(user: User | None, agreement_id: int | str) -> QuerySet[AuditEvent]:
    """An agreement's trail. It outlives the agreement: after deletion it stays readable by
    those who could read the agreement just before (judged from the deletion's record)."""
    try:
        return history_for_agreement(get_agreement(user, agreement_id).pk)
    except NotFound:
        deletion = _deletion_of(agreement_id)
        if deletion is None or not _could_read_when_deleted(user, deletion):
            raise
        return history_for_agreement(int(deletion.object_id))


def _deletion_of(agreement_id: int | str) -> AuditEvent | None:
    return AuditEvent.objects.filter(
        object_type="agreement", object_id=str(agreement_id), action="delete"
    ).first()


def _could_read_when_deleted(user: User | None, deletion: AuditEvent) -> bool:
    if user is None or not is_active(user):
        return False
    if reads_everything(user):
        return True
    code = user.organisation.code
    partners = (deletion.changes.get("partners") or [[]])[0] or []
    auditors = (deletion.changes.get("auditors") or [[]])[0] or []
    return bool(
        (user.roles & PARTNER_READ_ROLES and code in partners)
        or (user.has_role(Role.AUDITOR) and code in auditors)
    )


def contribution_history(user: User | None, contribution_id: int | str) -> QuerySet[AuditEvent]:
    """The contribution's own events and those of its variations, newest first."""
    contribution = get_contribution(user, contribution_id)
    variation_ids = [str(pk) for pk in contribution.variations.values_list("pk", flat=True)]
    return history_for_agreement(contribution.agreement_id).filter(
        Q(object_type="contribution", object_id=str(contribution.pk))
        | Q(object_type="contribution_variation", object_id__in=variation_ids)
    )
