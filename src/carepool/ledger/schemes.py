"""Which schemes an agreement's ledger may spend on in a year.

The year's plan names them (its scheme ids, stable across versions): they are copied into the
ledger's scheme register the first time they are needed, so spend recorded against a scheme
keeps its name even if a later plan version drops it. A pool with no yearly plan names its
schemes in the register directly (``register_scheme``).
"""

from __future__ import annotations

from django.db import IntegrityError, transaction

from carepool.agreements.models import Agreement
from carepool.core.errors import ErrorCollector, ValidationFailed
from carepool.ledger.models import Scheme
from carepool.plans.models import Plan
from carepool.plans.selectors import content_of, current_version


def plan_for(agreement: Agreement, year: str) -> Plan | None:
    return Plan.objects.filter(agreement=agreement, year=year).select_related("area").first()


# Plans (by id, row version and creation time) whose schemes are in the register, committed. A plan's
# ``version`` goes up with every write to it or its current version, so a changed plan is
# synced again; an entry is added only once the transaction that synced it has committed, so
# a rolled-back import never leaves the cache believing in rows that are not there.
_synced: set[tuple[int, int, str]] = set()


def sync_from_plan(agreement: Agreement, year: str) -> None:
    """Add the year's plan schemes that the register does not have yet (names kept as first
    seen; a scheme renamed in a later version keeps its first name in the ledger)."""
    plan = plan_for(agreement, year)
    if plan is None:
        return
    # The creation time too: a test database flushed and refilled can give a new plan an
    # old plan's id and version.
    key = (plan.pk, plan.version, plan.created_at.isoformat())
    if key in _synced:
        return
    known = set(Scheme.objects.filter(agreement=agreement).values_list("code", flat=True))
    new = [
        Scheme(agreement=agreement, code=s.scheme_id, name=s.name[:200])
        for s in content_of(current_version(plan)).schemes
        if s.scheme_id not in known
    ]
    if new:
        try:
            with transaction.atomic():
                Scheme.objects.bulk_create(new)
        except IntegrityError:
            # Another writer registered them first: theirs is the same scheme.
            pass
    transaction.on_commit(lambda: _synced.add(key))


def known_schemes(agreement: Agreement, year: str) -> dict[str, str]:
    """Scheme code -> name that spend in ``year`` may name (register, filled from the plan)."""
    sync_from_plan(agreement, year)
    return dict(Scheme.objects.filter(agreement=agreement).values_list("code", "name"))


def register_scheme(agreement: Agreement, code: str, name: str) -> Scheme:
    """Name a scheme directly (a pool without a yearly plan). Caller audits and locks."""
    code, name = code.strip(), name.strip()
    errors = ErrorCollector()
    if not code or len(code) > 20:
        errors.add("code", "Give the scheme a code of 1 to 20 characters, like S01")
    if not name or len(name) > 200:
        errors.add("name", "Give the scheme a name of 1 to 200 characters")
    errors.raise_if_any()
    if Scheme.objects.filter(agreement=agreement, code=code).exists():
        raise ValidationFailed.single("code", f"This agreement already has a scheme {code}")
    return Scheme.objects.create(agreement=agreement, code=code, name=name)
