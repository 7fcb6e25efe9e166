"""Move partners' approvals of agreements onto the one sign-off mechanism (docs/adr/0017).

Each ``Approval`` becomes a standing partner ``SignOff`` of the agreement, naming the
agreement's version now and the SHA-256 hash of its content now: an approval stood for the
agreement as it stood (every change deleted the approvals), so that is what it approved. The
signatory, organisation and time are kept.

The hash is computed here by a frozen copy of content scheme 1
(``carepool.agreements.signing``) over the historical models, not by importing app code, so
this migration gives the same result however that code changes later;
tests/agreements/test_signoff_migration.py holds the two together.

Backwards, each standing partner sign-off of an agreement's current version becomes an
``Approval`` again and every agreement sign-off is removed (withdrawn ones had no place in
the old model).
"""

import hashlib
import json

from django.db import migrations

KIND = "agreement"
CONTENT_SCHEME = "carepool.agreement/1"
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


def _day(value):
    return value.isoformat() if value is not None else None


def content_hash_v1(apps, agreement):
    """Scheme 1 of ``carepool.agreements.signing.content_hash``, frozen."""
    Contribution = apps.get_model("agreements", "Contribution")
    ContributionVariation = apps.get_model("agreements", "ContributionVariation")
    AgreementPartner = apps.get_model("agreements", "AgreementPartner")
    contributions = []
    for c in (
        Contribution.objects.filter(agreement_id=agreement.pk)
        .select_related("partner")
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
                    for v in ContributionVariation.objects.filter(contribution_id=c.pk).order_by(
                        "effective_date", "id"
                    )
                ],
            }
        )
    document = {
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
        "terms": {name: getattr(agreement, name) for name in TERM_FIELDS},
        "partners": sorted(
            AgreementPartner.objects.filter(agreement_id=agreement.pk).values_list(
                "organisation__code", flat=True
            )
        ),
        "auditors": sorted(agreement.auditors.values_list("code", flat=True)),
        "contributions": contributions,
    }
    text = json.dumps(
        document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def forwards(apps, schema_editor):
    Agreement = apps.get_model("agreements", "Agreement")
    Approval = apps.get_model("agreements", "Approval")
    SignOff = apps.get_model("signoff", "SignOff")
    agreement_ids = Approval.objects.order_by().values_list("agreement_id", flat=True).distinct()
    for agreement in Agreement.objects.filter(pk__in=list(agreement_ids)).select_related(
        "area", "host"
    ):
        digest = content_hash_v1(apps, agreement)
        for approval in Approval.objects.filter(agreement_id=agreement.pk).order_by(
            "approved_at", "pk"
        ):
            row = SignOff.objects.create(
                subject_kind=KIND,
                subject_id=agreement.pk,
                agreement_id=agreement.pk,
                version=agreement.version,
                content_hash=digest,
                stage="partner",
                organisation_id=approval.organisation_id,
                signed_by_id=approval.approved_by_id,
                outcome="approved",
            )
            # signed_at is set on creation; keep when the signatory actually approved.
            SignOff.objects.filter(pk=row.pk).update(signed_at=approval.approved_at)
        Approval.objects.filter(agreement_id=agreement.pk).delete()


def backwards(apps, schema_editor):
    Agreement = apps.get_model("agreements", "Agreement")
    Approval = apps.get_model("agreements", "Approval")
    SignOff = apps.get_model("signoff", "SignOff")
    versions = dict(Agreement.objects.values_list("pk", "version"))
    for row in SignOff.objects.filter(
        subject_kind=KIND, stage="partner", withdrawn_at__isnull=True
    ).order_by("signed_at", "pk"):
        if versions.get(row.subject_id) == row.version:
            approval = Approval.objects.create(
                agreement_id=row.subject_id,
                organisation_id=row.organisation_id,
                approved_by_id=row.signed_by_id,
            )
            Approval.objects.filter(pk=approval.pk).update(approved_at=row.signed_at)
    SignOff.objects.filter(subject_kind=KIND).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0004_risk_share_schema"),
        ("signoff", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
