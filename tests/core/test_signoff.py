"""The one sign-off mechanism's rules: stages in order, exactly the version and content read."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carepool.core.errors import ValidationFailed
from carepool.core.signoff import (
    Outcome,
    SignOffRecord,
    Stage,
    Subject,
    check_sign,
    current,
    status,
)

PLAN = Subject(
    "plan",
    "the 2024-25 plan for Leeds",
    2,
    "b" * 64,
    ("ICB", "LCC"),
    (Stage.PARTNER, Stage.BOARD, Stage.NATIONAL),
)


def signed(stage: Stage, org: str, version: int = 2, hash_: str = "b" * 64, **kw) -> SignOffRecord:
    return SignOffRecord(stage, org, version, hash_, kw.pop("outcome", Outcome.APPROVED), **kw)


BOTH = [signed(Stage.PARTNER, "ICB"), signed(Stage.PARTNER, "LCC")]
BOARD = [*BOTH, signed(Stage.BOARD, "LCC")]


@pytest.mark.parametrize(
    ("records", "stage", "org", "version", "hash_", "outcome", "message"),
    [
        (
            [],
            Stage.PARTNER,
            "ICB",
            1,
            None,
            Outcome.APPROVED,
            "Version 1 of the 2024-25 plan for Leeds has been superseded by version 2",
        ),
        ([], Stage.PARTNER, "ICB", 2, "a" * 64, Outcome.APPROVED, "changed after you read it"),
        ([], Stage.PARTNER, "POLICE", 2, None, Outcome.APPROVED, "POLICE name is not a partner"),
        (
            [signed(Stage.PARTNER, "ICB")],
            Stage.PARTNER,
            "ICB",
            2,
            None,
            Outcome.APPROVED,
            "ICB name has already approved version 2",
        ),
        ([], Stage.PARTNER, "ICB", 2, None, Outcome.NOT_APPROVED, "either approves"),
        (
            [signed(Stage.PARTNER, "ICB")],
            Stage.BOARD,
            "LCC",
            2,
            None,
            Outcome.APPROVED,
            "waiting for 1 partner(s)",
        ),
        (
            BOTH,
            Stage.NATIONAL,
            "NHSE",
            2,
            None,
            Outcome.APPROVED,
            "board's approval of version 2 must be recorded first",
        ),
        (BOARD, Stage.BOARD, "LCC", 2, None, Outcome.APPROVED, "already recorded"),
        (BOTH, Stage.BOARD, "LCC", 2, None, Outcome.NOT_APPROVED, "Record the board's approval"),
        (
            [*BOARD, signed(Stage.NATIONAL, "NHSE", outcome=Outcome.NOT_APPROVED)],
            Stage.NATIONAL,
            "NHSE",
            2,
            None,
            Outcome.APPROVED,
            "already recorded (not approved)",
        ),
    ],
)
def test_refusals_name_what_is_wrong(records, stage, org, version, hash_, outcome, message):
    with pytest.raises(ValidationFailed) as refused:
        check_sign(PLAN, records, stage, org, f"{org} name", version, hash_, outcome)
    assert message in str(refused.value)


@pytest.mark.parametrize(
    ("records", "stage", "org", "outcome"),
    [
        ([], Stage.PARTNER, "ICB", Outcome.APPROVED),
        ([signed(Stage.PARTNER, "ICB")], Stage.PARTNER, "LCC", Outcome.APPROVED),
        (BOTH, Stage.BOARD, "LCC", Outcome.APPROVED),
        (BOARD, Stage.NATIONAL, "NHSE", Outcome.APPROVED_WITH_CONDITIONS),
        # an approval of an earlier version, or one withdrawn, does not count for this one
        ([signed(Stage.PARTNER, "ICB", version=1)], Stage.PARTNER, "ICB", Outcome.APPROVED),
        ([signed(Stage.PARTNER, "ICB", withdrawn=True)], Stage.PARTNER, "ICB", Outcome.APPROVED),
    ],
)
def test_allowed_in_order(records, stage, org, outcome):
    check_sign(PLAN, records, stage, org, org, 2, "b" * 64, outcome)


def test_a_subject_not_open_for_signing_says_why():
    closed = Subject(
        "plan",
        "the plan",
        1,
        "c" * 64,
        ("ICB",),
        open_for_signing=False,
        closed_reason="Version 1 has not been submitted for sign-off",
    )
    with pytest.raises(ValidationFailed, match="not been submitted"):
        check_sign(closed, [], Stage.PARTNER, "ICB", "ICB", 1)


def test_an_agreement_has_only_the_partner_stage():
    agreement = Subject("agreement", "the agreement", 3, "d" * 64, ("ICB",))
    with pytest.raises(ValidationFailed, match="has no board approval stage"):
        check_sign(
            agreement, [signed(Stage.PARTNER, "ICB", 3, "d" * 64)], Stage.BOARD, "ICB", "ICB", 3
        )


records_strategy = st.lists(
    st.builds(
        SignOffRecord,
        st.sampled_from(list(Stage)),
        st.sampled_from(["ICB", "LCC", "NHSE"]),
        st.integers(1, 3),
        st.sampled_from(["a" * 64, "b" * 64]),
        st.sampled_from(list(Outcome)),
        st.booleans(),
    ),
    max_size=12,
)


@given(records_strategy)
def test_status_counts_only_standing_sign_offs_of_exactly_the_current_content(records):
    standing = current(PLAN, records)
    assert all(
        r.version == PLAN.version and r.content_hash == PLAN.content_hash and not r.withdrawn
        for r in standing
    )
    state = status(PLAN, records)
    assert state.approved_by <= {r.organisation for r in standing}
    assert set(state.waiting_for) | state.approved_by >= set(PLAN.partners)
    assert not set(state.waiting_for) & state.approved_by


def test_a_label_starting_a_sentence_keeps_its_capitals() -> None:
    # str.capitalize() would have said "The 2024-25 plan for leeds".
    with pytest.raises(ValidationFailed) as raised:
        check_sign(PLAN, [], Stage.PARTNER, "ICB", "The ICB", 2, "c" * 64)
    assert raised.value.errors[0].message.startswith("The 2024-25 plan for Leeds changed")
    agreement = Subject("agreement", "the agreement", 1, "a" * 64, ("ICB",))
    with pytest.raises(ValidationFailed) as raised:
        check_sign(agreement, [], Stage.BOARD, "ICB", "The ICB", 1)
    assert raised.value.errors[0].message == "The agreement has no board approval stage"
