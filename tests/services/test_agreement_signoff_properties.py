"""Property: no sequence of changes and approvals (read at any moment) leaves an approval
standing for content its signatory did not read, or changes what an approval names."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from carepool.agreements import selectors, services, signing
from carepool.agreements.models import Agreement
from carepool.audit.models import Interface
from carepool.audit.services import Actor
from carepool.core.errors import ValidationFailed
from carepool.signoff.models import SignOff
from tests.factories import World

SIGNATORIES = ("signatory", "icb_signatory")
STEPS = st.lists(
    st.one_of(
        st.tuples(st.just("read"), st.sampled_from(SIGNATORIES)),
        st.tuples(st.just("approve"), st.sampled_from(SIGNATORIES)),
        st.tuples(st.just("aims"), st.text("abc ", min_size=1, max_size=5)),
        st.tuples(st.just("vary"), st.integers(min_value=1, max_value=9)),
    ),
    max_size=12,
)


class _Rollback(Exception):
    pass


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=STEPS)
def test_approvals_only_ever_stand_for_what_was_read(world: World, steps: list[Any]) -> None:
    try:
        with transaction.atomic():
            _run(world, steps)
            raise _Rollback  # each example starts from the same world
    except _Rollback:
        pass


def _run(world: World, steps: list[Any]) -> None:
    pk = world.agreement.pk
    finance = Actor(world.finance, Interface.WEB)
    hashes: dict[int, str] = {}  # every version seen, and its content's hash

    def now() -> Agreement:
        agreement = Agreement.objects.select_related("area", "host").get(pk=pk)
        hashes.setdefault(agreement.version, signing.content_hash(agreement))
        assert hashes[agreement.version] == signing.content_hash(agreement)
        return agreement

    read: dict[str, tuple[int, str]] = {}
    for action, arg in steps:
        if action == "read":
            agreement = now()
            read[arg] = (agreement.version, signing.content_hash(agreement))
        elif action == "approve":
            person = getattr(world, arg)
            version, digest = read.get(arg, (1, ""))
            current = now()
            try:
                with transaction.atomic():
                    row = services.approve_agreement(
                        Actor(person, Interface.WEB), pk, version, digest or None
                    )
            except ValidationFailed:
                pass
            else:
                assert (row.version, row.content_hash) == (version, hashes[version])
                assert version == current.version
        elif action == "aims":
            services.update_agreement(finance, pk, {"aims": f"Aims {arg}"})
        else:
            services.vary_contribution(
                finance,
                world.ibcf.pk,
                {"effective_date": "2024-10-01", "change": str(arg), "reason": "r"},
            )
        agreement = now()
        for row in SignOff.objects.filter(subject_kind="agreement", subject_id=pk):
            # What an approval names is what was current at that version, and never changes.
            assert row.content_hash == hashes[row.version]
            if row.withdrawn_at is None:
                assert (row.version, row.content_hash) == (
                    agreement.version,
                    signing.content_hash(agreement),
                )
        standing = {a.organisation_id for a in selectors.approvals_of(agreement)}
        assert len(standing) == selectors.approvals_of(agreement).count()
