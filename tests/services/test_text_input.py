"""Any text at all, through every text field of every writing service.

Whatever a person, a script or a broken client sends (NUL, lone UTF-16 surrogates, control
characters, line separators, very long strings), a service either stores it, so that it reads
back as sent (trimmed), or refuses it with ``ValidationFailed`` naming the field. Nothing else:
no database error, no encoding error. Run on PostgreSQL as well, where NUL and surrogates fail
differently from SQLite (``scripts/with-postgres .venv/bin/pytest tests/services/...``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from carepool.agreements import services as agreements
from carepool.agreements.models import Agreement, ContributionVariation
from carepool.agreements.services import TEXT_FIELDS
from carepool.audit.models import Interface
from carepool.audit.services import Actor
from carepool.core.errors import ValidationFailed
from carepool.organisations import services as organisations
from carepool.organisations.models import Organisation
from tests.factories import World, agreement_data

# Every code point, lone surrogates (category Cs) included, and the awkward ones more often.
ANY_CHARACTER = st.characters(exclude_categories=())
AWKWARD = st.sampled_from(
    ["\x00", "\ud800", "\udfff", "\udcff", "\r", "\n", "\t", "\x1f", "\x85", "\u2028", "\ufeff"]
)
TEXTS = st.one_of(
    st.text(st.one_of(ANY_CHARACTER, AWKWARD)),
    # Long: around and far beyond every length limit (200, 2000).
    st.builds(
        lambda part, times: part * times,
        st.text(st.one_of(ANY_CHARACTER, AWKWARD), min_size=1, max_size=3),
        st.integers(min_value=60, max_value=3000),
    ),
)
EXAMPLES = [
    "\ud800",
    "Pooled budget \udcff",
    "a\x00b",
    "  \u2028  ",
    "x" * 201,
    "x" * 2001,
    "\x1b[31mred\x1b[0m",
    "Better Care Fund 2024\u201325 \U0001f3e5",
]


class _RolledBack(Exception):
    """Raised to undo one example's writes, so every example starts from the same world."""


@dataclass(frozen=True)
class Case:
    """One text field of one service: how to send a value, and how to read it back."""

    field: str
    send: Callable[[World, Any], Any]
    read_back: Callable[[World, Any], Any]
    expected: Callable[[str], Any] = str.strip


def _finance(world: World) -> Actor:
    return Actor(world.finance, Interface.API)


def _agreement_field(field: str, expected: Callable[[str], Any] = str.strip) -> list[Case]:
    return [
        Case(
            field,
            lambda w, v: agreements.create_agreement(_finance(w), agreement_data(**{field: v})),
            lambda w, created: getattr(Agreement.objects.get(pk=created.pk), field),
            expected,
        ),
        Case(
            field,
            lambda w, v: agreements.update_agreement(_finance(w), w.agreement.pk, {field: v}),
            lambda w, _: getattr(Agreement.objects.get(pk=w.agreement.pk), field),
            expected,
        ),
    ]


def _outcomes(value: str) -> list[str]:
    return [value.strip()] if value.strip() else []


CASES = [
    *_agreement_field("title"),
    *[case for field in TEXT_FIELDS for case in _agreement_field(field)],
    Case(
        "outcomes",
        lambda w, v: agreements.update_agreement(
            _finance(w), w.agreement.pk, {"outcomes": ["Fewer falls", v]}
        ),
        lambda w, _: Agreement.objects.get(pk=w.agreement.pk).outcomes,
        lambda v: ["Fewer falls", *_outcomes(v)],
    ),
    Case(
        "description",
        lambda w, v: agreements.add_risk_share_provision(
            _finance(w),
            w.agreement.pk,
            {"kind": "proportional", "applies_to": "both", "description": v},
        ),
        lambda w, _: Agreement.objects.get(pk=w.agreement.pk).risk_share[-1].get("description", ""),
    ),
    Case(
        "reason",
        lambda w, v: agreements.vary_contribution(
            _finance(w), w.ibcf.pk, {"effective_date": "2024-06-01", "change": "1", "reason": v}
        ),
        lambda w, variation: ContributionVariation.objects.get(pk=variation.pk).reason,
    ),
    Case(
        "name",
        lambda w, v: organisations.create_organisation(
            _finance(w),
            {"code": "LEEDS-CARERS", "code_system": "local", "org_type": "voluntary", "name": v},
        ),
        lambda w, org: Organisation.objects.get(pk=org.pk).name,
    ),
    Case(
        "name",
        lambda w, v: organisations.update_organisation(_finance(w), "E08000035", {"name": v}),
        lambda w, _: Organisation.objects.get(code="E08000035").name,
    ),
    # Codes: almost any text is refused; what is accepted is stored trimmed and in capitals.
    Case(
        "code",
        lambda w, v: organisations.create_organisation(
            _finance(w),
            {"code": v, "code_system": "local", "org_type": "voluntary", "name": "Carers Leeds"},
        ),
        lambda w, org: Organisation.objects.get(pk=org.pk).code,
        lambda v: v.strip().upper(),
    ),
    Case(
        "area",
        lambda w, v: agreements.update_agreement(_finance(w), w.agreement.pk, {"area": v}),
        lambda w, _: Agreement.objects.get(pk=w.agreement.pk).area.code,
        lambda v: v.strip().upper(),
    ),
    Case(
        "host",
        lambda w, v: agreements.update_agreement(_finance(w), w.agreement.pk, {"host": v}),
        lambda w, _: Agreement.objects.get(pk=w.agreement.pk).host.code,
        lambda v: v.strip().upper(),
    ),
    Case(
        "auditors",
        lambda w, v: agreements.update_agreement(_finance(w), w.agreement.pk, {"auditors": [v]}),
        lambda w, _: list(
            Agreement.objects.get(pk=w.agreement.pk).auditors.values_list("code", flat=True)
        ),
        lambda v: [v.strip().upper()] if v.strip() else [],
    ),
    Case(
        "partner",
        lambda w, v: agreements.add_contribution(
            _finance(w),
            w.agreement.pk,
            {
                "year": "2024-25",
                "partner": v,
                "funding_stream": "dfg",
                "mandated": True,
                "amount": "1000.00",
            },
        ),
        lambda w, contribution: contribution.partner.code,
        lambda v: v.strip().upper(),
    ),
]


def attempt(case: Case, world: World, value: str) -> tuple[Any, ValidationFailed | None]:
    """What the service returned, or its refusal; any other exception fails the test."""
    try:
        return case.send(world, value), None
    except ValidationFailed as refused:
        return None, refused


def names(error_field: str, field: str) -> bool:
    return error_field == field or error_field.startswith((f"{field}[", f"{field}."))


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.field}-{CASES.index(c)}")
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(value=TEXTS)
def test_any_text_is_stored_as_sent_or_refused_naming_the_field(
    world: World, case: Case, value: str
) -> None:
    try:
        with transaction.atomic():
            result, refused = attempt(case, world, value)
            if refused is None:
                assert case.read_back(world, result) == case.expected(value)
            else:
                assert any(names(e.field, case.field) for e in refused.errors), refused.errors
                for error in refused.errors:
                    error.message.encode("utf-8")  # printable on any page or terminal
            raise _RolledBack
    except _RolledBack:
        pass


# The values that broke things are always tried, before the generated ones.
for _value in EXAMPLES:
    test_any_text_is_stored_as_sent_or_refused_naming_the_field = example(value=_value)(
        test_any_text_is_stored_as_sent_or_refused_naming_the_field
    )
