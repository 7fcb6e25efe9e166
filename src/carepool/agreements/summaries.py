"""Agreements at a glance: money pooled each year and where each agreement stands.

Read-only, and built for lists: a fixed handful of queries whatever the number of agreements
(partners, contributions, variations and approvals are each read once for all of them, with
the sums done by the database), never a query per row. Amounts are integer pence.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from django.db.models import QuerySet, Sum

from carepool.agreements import signing
from carepool.agreements.models import (
    Agreement,
    AgreementPartner,
    Contribution,
    ContributionVariation,
)
from carepool.agreements.selectors import to_terms
from carepool.core.agreements import (
    completeness,
)
from carepool.core.money import Money, total
from carepool.core.periods import FinancialYear
from carepool.core.signoff import Stage
from carepool.signoff.models import SignOff


class Status(StrEnum):
    APPROVED = "approved"
    AWAITING = "awaiting"
    INCOMPLETE = "incomplete"

    @property
    def label(self) -> str:
        return {
            Status.APPROVED: "Approved by all partners",
            Status.AWAITING: "Awaiting approvals",
            Status.INCOMPLETE: "Incomplete",
        }[self]


@dataclass(frozen=True)
class AgreementSummary:
    agreement: Agreement
    pooled: dict[FinancialYear, Money]  # current amounts (variations applied), by year
    partners: int
    approvals: int
    missing: int  # items a complete agreement must state that this one does not
    status: Status

    def pooled_in(self, year: FinancialYear | None) -> tuple[FinancialYear | None, Money]:
        """The money pooled in ``year``, or in the latest year with money when none is given."""
        if year is None:
            year = max(self.pooled, default=None)
        return year, self.pooled.get(year, Money.zero()) if year else Money.zero()


def summarise_agreements(agreements: QuerySet[Agreement]) -> list[AgreementSummary]:
    """Each agreement with its money by year, approvals and status, in the queryset's order.

    Six queries in all: the agreements, their partners, the original amounts and the
    variations summed by agreement and year, who contributed in which year, and approvals.
    """
    rows = list(agreements.select_related("area", "host"))
    ids = [a.pk for a in rows]
    partner_codes: dict[int, list[str]] = defaultdict(list)
    for agreement_id, code in (
        AgreementPartner.objects.filter(agreement_id__in=ids)
        .order_by("organisation__name")
        .values_list("agreement_id", "organisation__code")
    ):
        partner_codes[agreement_id].append(code)
    pence: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for agreement_id, year, amount in (
        Contribution.objects.filter(agreement_id__in=ids)
        .order_by()
        .values("agreement_id", "year")
        .annotate(amount=Sum("original_amount_pence"))
        .values_list("agreement_id", "year", "amount")
    ):
        pence[agreement_id][year] += amount or 0
    for agreement_id, year, change in (
        ContributionVariation.objects.filter(contribution__agreement_id__in=ids)
        .order_by()
        .values("contribution__agreement_id", "contribution__year")
        .annotate(change=Sum("change_pence"))
        .values_list("contribution__agreement_id", "contribution__year", "change")
    ):
        pence[agreement_id][year] += change or 0
    contributed: dict[int, dict[FinancialYear, set[str]]] = defaultdict(dict)
    for agreement_id, year, code in (
        Contribution.objects.filter(agreement_id__in=ids)
        .order_by()
        .values_list("agreement_id", "year", "partner__code")
        .distinct()
    ):
        contributed[agreement_id].setdefault(FinancialYear.parse(year), set()).add(code)
    # Standing partner approvals of each agreement's current version. Every change withdraws
    # the standing ones, so for a list the version stands for the content (the agreement's
    # page also checks the content hash, see ``selectors.approvals_of``).
    versions = {a.pk: a.version for a in rows}
    approvals: dict[int, int] = defaultdict(int)
    for agreement_id, version in (
        SignOff.objects.filter(
            subject_kind=signing.KIND,
            subject_id__in=ids,
            stage=Stage.PARTNER.value,
            withdrawn_at__isnull=True,
        )
        .order_by()
        .values_list("subject_id", "version")
    ):
        if versions.get(agreement_id) == version:
            approvals[agreement_id] += 1
    summaries = []
    for agreement in rows:
        codes = tuple(partner_codes.get(agreement.pk, ()))
        terms = to_terms(agreement, codes)
        missing = len(completeness(terms, contributed.get(agreement.pk, {})).missing)
        approved = approvals.get(agreement.pk, 0)
        if missing:
            status = Status.INCOMPLETE
        elif codes and approved >= len(codes):
            status = Status.APPROVED
        else:
            status = Status.AWAITING
        summaries.append(
            AgreementSummary(
                agreement,
                {
                    FinancialYear.parse(y): Money(p)
                    for y, p in sorted(pence.get(agreement.pk, {}).items())
                },
                len(codes),
                approved,
                missing,
                status,
            )
        )
    return summaries


def pooled_by_year(summaries: Iterable[AgreementSummary]) -> dict[FinancialYear, Money]:
    """Money pooled each year across the given agreements, years in order."""
    by_year: dict[FinancialYear, list[Money]] = defaultdict(list)
    for s in summaries:
        for year, amount in s.pooled.items():
            by_year[year].append(amount)
    return {year: total(by_year[year]) for year in sorted(by_year)}


def years_of(summaries: Iterable[AgreementSummary]) -> list[FinancialYear]:
    """Every financial year any of the agreements' terms covers, in order (for a filter)."""
    years: set[FinancialYear] = set()
    for s in summaries:
        years.update(FinancialYear.spanning(s.agreement.start_date, s.agreement.end_date))
    return sorted(years)


def filter_summaries(
    summaries: Iterable[AgreementSummary], filters: Mapping[str, str]
) -> list[AgreementSummary]:
    """Narrow by ``q`` (words in the title), ``area`` (code), ``year`` (a term covering that
    financial year, as "2025-26") and ``status``. Blank or unknown values do not filter."""
    found = list(summaries)
    words = (filters.get("q") or "").casefold().split()
    if words:
        found = [s for s in found if all(w in s.agreement.title.casefold() for w in words)]
    if area := (filters.get("area") or "").strip():
        found = [s for s in found if s.agreement.area.code == area]
    if year_text := (filters.get("year") or "").strip():
        try:
            year = FinancialYear.parse(year_text)
        except ValueError:
            year = None
        if year is not None:
            found = [
                s
                for s in found
                if s.agreement.start_date <= year.end and s.agreement.end_date >= year.start
            ]
    status = (filters.get("status") or "").strip()
    if status in {s.value for s in Status}:
        found = [s for s in found if s.status == status]
    return found
