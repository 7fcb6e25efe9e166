"""One sign-off mechanism for everything that is approved: agreements, plans, and later
settlement statements and returns.

A sign-off names exactly what it approved: the subject (kind and id), its version number and
the SHA-256 hash of that version's content. Stages follow in order: every partner's signatory
(``partner``), then the board (``board``), then the national assurer (``national``), each
subject kind using the stages it needs (an agreement: partners only). A change after a first
approval makes a new version; the approvals of the old one are withdrawn, still naming the
version they approved, so no approval ever stands for content it did not see.

Pure rules over plain values; storage and audit are in ``carepool.signoff``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from carepool.core.errors import ValidationFailed


class Stage(StrEnum):
    PARTNER = "partner"
    BOARD = "board"
    NATIONAL = "national"

    @property
    def label(self) -> str:
        return {
            "partner": "Partner approval",
            "board": "Board approval",
            "national": "National assurance",
        }[self.value]


class Outcome(StrEnum):
    APPROVED = "approved"
    APPROVED_WITH_CONDITIONS = "approved_with_conditions"
    NOT_APPROVED = "not_approved"

    @property
    def label(self) -> str:
        return {
            "approved": "Approved",
            "approved_with_conditions": "Approved with conditions",
            "not_approved": "Not approved",
        }[self.value]


@dataclass(frozen=True, slots=True)
class Subject:
    """What is being signed off, as it stands now."""

    kind: str  # "agreement", "plan"
    label: str  # for messages: "the 2024-25 plan for Leeds"
    version: int  # the current version
    content_hash: str  # of the current version's content
    partners: tuple[str, ...]  # organisation codes whose signatories must approve
    stages: tuple[Stage, ...] = (Stage.PARTNER,)
    # Whether the current version may be signed at all (a plan must be submitted first).
    open_for_signing: bool = True
    closed_reason: str = ""


@dataclass(frozen=True, slots=True)
class SignOffRecord:
    stage: Stage
    organisation: str  # the signing organisation's code ("" for none)
    version: int
    content_hash: str
    outcome: Outcome
    withdrawn: bool = False


@dataclass(frozen=True, slots=True)
class Status:
    """Where the current version's sign-off stands."""

    approved_by: frozenset[str]  # partner codes that approved the current version
    waiting_for: tuple[str, ...]  # partner codes still to approve, in the subject's order
    board: SignOffRecord | None
    national: SignOffRecord | None

    @property
    def partners_done(self) -> bool:
        return not self.waiting_for

    @property
    def started(self) -> bool:
        return bool(self.approved_by) or self.board is not None or self.national is not None


def _sentence(label: str) -> str:
    """The label starting a sentence: only its first letter raised ("The 2024-25 plan for
    Leeds"; ``str.capitalize`` would lower the rest, "leeds")."""
    return label[:1].upper() + label[1:]


def current(subject: Subject, records: Iterable[SignOffRecord]) -> list[SignOffRecord]:
    """The sign-offs standing for the subject's current version and content."""
    return [
        r
        for r in records
        if not r.withdrawn
        and r.version == subject.version
        and r.content_hash == subject.content_hash
    ]


def status(subject: Subject, records: Iterable[SignOffRecord]) -> Status:
    standing = current(subject, records)
    approved = frozenset(
        r.organisation
        for r in standing
        if r.stage is Stage.PARTNER and r.outcome is not Outcome.NOT_APPROVED
    )
    board = next((r for r in standing if r.stage is Stage.BOARD), None)
    national = next((r for r in standing if r.stage is Stage.NATIONAL), None)
    waiting = tuple(code for code in subject.partners if code not in approved)
    return Status(approved, waiting, board, national)


def check_sign(
    subject: Subject,
    records: Iterable[SignOffRecord],
    stage: Stage,
    organisation: str,
    organisation_name: str,
    version: int,
    content_hash: str | None = None,
    outcome: Outcome = Outcome.APPROVED,
) -> None:
    """Refuse, in plain English, a sign-off that would not stand; return if it may be made.

    ``version`` (and ``content_hash`` when the signer's page carried it) is what the signer
    read: a sign-off of anything but the current version is refused.
    """
    field = "version"
    if stage not in subject.stages:
        raise ValidationFailed.single(
            "stage", f"{_sentence(subject.label)} has no {stage.label.lower()} stage"
        )
    if version != subject.version:
        raise ValidationFailed.single(
            field,
            f"Version {version} of {subject.label} has been superseded by version "
            f"{subject.version}; read version {subject.version} and approve that",
        )
    if content_hash is not None and content_hash != subject.content_hash:
        raise ValidationFailed.single(
            field,
            f"{_sentence(subject.label)} changed after you read it; read it again and approve "
            "what it says now",
        )
    if not subject.open_for_signing:
        raise ValidationFailed.single(field, subject.closed_reason or "Not open for sign-off")
    state = status(subject, records)
    if stage is Stage.PARTNER:
        if organisation not in subject.partners:
            raise ValidationFailed.single(
                "organisation", f"{organisation_name} is not a partner of {subject.label}"
            )
        if outcome is not Outcome.APPROVED:
            raise ValidationFailed.single("outcome", "A partner either approves or does not sign")
        if organisation in state.approved_by:
            raise ValidationFailed.single(
                field, f"{organisation_name} has already approved version {version}"
            )
        return
    if not state.partners_done:
        raise ValidationFailed.single(
            field,
            f"Every partner must approve version {version} first; waiting for "
            f"{len(state.waiting_for)} partner(s)",
        )
    if stage is Stage.BOARD:
        if outcome is not Outcome.APPROVED:
            raise ValidationFailed.single(
                "outcome", "Record the board's approval; a board that did not approve signs nothing"
            )
        if state.board is not None:
            raise ValidationFailed.single(
                field, f"The board's approval of version {version} is already recorded"
            )
        return
    if Stage.BOARD in subject.stages and state.board is None:
        raise ValidationFailed.single(
            field, f"The board's approval of version {version} must be recorded first"
        )
    if state.national is not None:
        raise ValidationFailed.single(
            field,
            f"The national assurance outcome for version {version} is already recorded "
            f"({state.national.outcome.label.lower()})",
        )
