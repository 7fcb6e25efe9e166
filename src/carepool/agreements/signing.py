"""An agreement as a sign-off subject: what its partners' signatories approve, and its hash.

An approval names the agreement's version and the SHA-256 hash of the content below, so it
can never stand for anything its signatory did not read (docs/adr/0017).

What the hash covers (scheme ``CONTENT_SCHEME``): the agreement's id; its title, area,
programme, type of arrangement, host, dates; every term (``TERM_FIELDS``, the risk-share
provisions as stored); its partners and auditors (organisation codes, sorted; whether a
partner has yet accepted is not content, so accepting an invitation leaves approvals
standing); and every contribution (year, partner, funding stream, whether it counts towards
the minimum, original amount in pence, instalment frequency) with its variations (effective
date, change in pence, reason), in a fixed order. Money is integer pence, dates ISO 8601.

Terms added after scheme 1 was fixed (``LATER_TERM_FIELDS``: the overspend thresholds) are
covered only when set, so an agreement that does not use them hashes exactly as its partners
approved it before they existed, and one that does has them in what its partners approve.

Left out, because they are not what partners agree to: ids and versions of rows, the times
rows were written and by whom, names of organisations (codes stand for them), and the
approvals themselves.

The canonical text is JSON with sorted keys, no spaces, UTF-8. Changing what is covered
changes every hash, so it takes a new ``CONTENT_SCHEME`` and a migration; the frozen copy of
scheme 1 in ``migrations/0005_approvals_to_sign_offs`` must keep giving the same hash (a test
holds the two together).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.db.models import Prefetch, QuerySet

from carepool.agreements.models import Agreement, ContributionVariation
from carepool.core.signoff import Stage, Subject
from carepool.signoff.models import SignOff
from carepool.signoff.services import SubjectRef

KIND = "agreement"
CONTENT_SCHEME = "carepool.agreement/1"

# Every term of an agreement besides those named in ``content_document`` itself.
TERM_FIELDS = (
    "governing_board",
    "aims",
    "outcomes",
    "functions_covered",
    "services_in_scope",
    "staff_goods_accommodation",
    "charges_to_people",
    "reporting_frequency",
    "risk_share",
    "overspend_protocol",
    "exit_terms",
    "audit_arrangements",
    "variation_procedure",
    "review_arrangements",
)

# Terms added later, in the hashed "terms" only when set (see the module's docstring).
LATER_TERM_FIELDS = ("overspend_threshold_pence", "overspend_threshold_percent")


def _later_terms(agreement: Agreement) -> dict[str, Any]:
    values = {name: getattr(agreement, name) for name in LATER_TERM_FIELDS}
    return {name: str(value) for name, value in values.items() if value is not None}


def _day(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def content_document(agreement: Agreement) -> dict[str, Any]:
    """What the partners approve, as plain JSON values (see the module's docstring)."""
    contributions = []
    for c in (
        agreement.contributions.select_related("partner")
        .prefetch_related(
            Prefetch(
                "variations",
                queryset=ContributionVariation.objects.order_by("effective_date", "id"),
            )
        )
        .order_by("year", "partner__code", "stream_code", "mandated")
    ):
        contributions.append(
            {
                "year": c.year,
                "partner": c.partner.code,
                "funding_stream": c.stream_code,
                "mandated": c.mandated,
                "original_amount_pence": c.original_amount_pence,
                "frequency": c.frequency,
                "variations": [
                    {
                        "effective_date": _day(v.effective_date),
                        "change_pence": v.change_pence,
                        "reason": v.reason,
                    }
                    for v in c.variations.all()
                ],
            }
        )
    return {
        "scheme": CONTENT_SCHEME,
        "agreement": agreement.pk,
        "title": agreement.title,
        "area": agreement.area.code,
        "programme": agreement.programme,
        "arrangement_type": agreement.arrangement_type,
        "host": agreement.host.code,
        "start_date": _day(agreement.start_date),
        "end_date": _day(agreement.end_date),
        "break_clause_date": _day(agreement.break_clause_date),
        "terms": {
            **{name: getattr(agreement, name) for name in TERM_FIELDS},
            **_later_terms(agreement),
        },
        "partners": sorted(agreement.partnerships.values_list("organisation__code", flat=True)),
        "auditors": sorted(agreement.auditors.values_list("code", flat=True)),
        "contributions": contributions,
    }


def canonical(document: dict[str, Any]) -> bytes:
    return json.dumps(
        document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def content_hash(agreement: Agreement) -> str:
    """SHA-256 (hex) of the canonical JSON of what the partners approve."""
    return hashlib.sha256(canonical(content_document(agreement))).hexdigest()


def partner_codes(agreement: Agreement) -> tuple[str, ...]:
    """Every partner, invited or accepted, by name: each one's signatory must approve (an
    invited partner can approve once it has accepted)."""
    return tuple(
        agreement.partnerships.order_by("organisation__name").values_list(
            "organisation__code", flat=True
        )
    )


def subject(agreement: Agreement) -> Subject:
    return Subject(
        kind=KIND,
        label="the agreement",
        version=agreement.version,
        content_hash=content_hash(agreement),
        partners=partner_codes(agreement),
        stages=(Stage.PARTNER,),
    )


def subject_ref(agreement: Agreement) -> SubjectRef:
    return SubjectRef(KIND, agreement.pk, agreement.pk, subject(agreement))


def standing(agreement: Agreement) -> QuerySet[SignOff]:
    """The agreement's sign-offs not withdrawn (of any version)."""
    return SignOff.objects.filter(
        subject_kind=KIND, subject_id=agreement.pk, withdrawn_at__isnull=True
    )
