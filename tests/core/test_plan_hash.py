"""The content hash: fixed by the content, not by the order of schemes or how numbers are written."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from carepool.core.money import Money
from carepool.core.plan_hash import canonical_content, content_hash
from carepool.core.plans import CommissionerShare, Funding, MetricEffect, PlanContent, PlannedOutput
from tests.core.plan_examples import plan

BASE = plan()


def test_the_hash_is_sha256_of_the_documented_canonical_json():
    text = canonical_content(BASE)
    document = json.loads(text)
    assert list(document) == ["declarations", "format", "schemes"]
    assert document["format"] == 1
    assert document["schemes"][1]["funding"] == [{"amount_pence": 500000, "stream": "nhs_minimum"}]
    assert text.startswith(b'{"declarations":[{"answer":true,"comment":"Protects social care')
    assert content_hash(BASE) == hashlib.sha256(text).hexdigest()
    assert len(content_hash(BASE)) == 64


def test_the_same_value_written_differently_hashes_the_same():
    s = BASE.schemes[1]
    written_otherwise = replace(
        s,
        commissioners=tuple(
            CommissionerShare(c.organisation, c.percent.quantize(Decimal("0.000")))
            for c in s.commissioners
        ),
    )
    assert written_otherwise == s
    other = replace(BASE, schemes=(BASE.schemes[0], written_otherwise, BASE.schemes[2]))
    assert content_hash(other) == content_hash(BASE)


@given(st.permutations(range(len(BASE.schemes))), st.permutations(range(len(BASE.declarations))))
def test_reordering_schemes_or_declarations_is_not_a_change(order, answers):
    shuffled = PlanContent(
        tuple(BASE.schemes[i] for i in order), tuple(BASE.declarations[i] for i in answers)
    )
    assert content_hash(shuffled) == content_hash(BASE)


def _edits() -> list[PlanContent]:
    s = BASE.schemes[0]
    edited = [
        replace(s, name=s.name + "!"),
        replace(s, description=""),
        replace(s, scheme_type="carers"),
        replace(s, sub_type="night"),
        replace(s, area_of_spend="acute"),
        replace(s, provider_type="nhs_community"),
        replace(s, new=not s.new),
        replace(s, commissioners=(CommissionerShare("QWO", Decimal(100)),)),
        replace(s, funding=(Funding("nhs_minimum", Money(6_000_01)), s.funding[1])),
        replace(s, funding=(s.funding[1], s.funding[0])),
        replace(s, funding=s.funding[:1]),
        replace(s, outputs=(PlannedOutput("Hours of home care", Decimal(5001), "hours"),)),
        replace(s, outputs=()),
        replace(s, metrics=(MetricEffect("avoidable_admissions", Decimal("-10"), "note"),)),
        replace(s, metrics=(MetricEffect("avoidable_admissions", Decimal("-11")),)),
        replace(s, scheme_id="S09"),
    ]
    contents = [replace(BASE, schemes=(e, *BASE.schemes[1:])) for e in edited]
    contents += [
        replace(BASE, schemes=BASE.schemes[1:]),
        replace(BASE, declarations=BASE.declarations[1:]),
        replace(
            BASE,
            declarations=(("nc2", False, "Protects social care services"), BASE.declarations[1]),
        ),
        replace(BASE, declarations=(("nc2", True, "Changed"), BASE.declarations[1])),
    ]
    return contents


def test_every_kind_of_content_change_changes_the_hash():
    hashes = {content_hash(c) for c in _edits()}
    assert len(hashes) == len(_edits())
    assert content_hash(BASE) not in hashes


@given(st.integers(1, 10**12), st.integers(1, 10**12))
def test_any_change_of_an_amount_changes_the_hash(old, new):
    s = BASE.schemes[2]
    a = replace(
        BASE, schemes=(*BASE.schemes[:2], replace(s, funding=(Funding("dfg", Money(old)),)))
    )
    b = replace(
        BASE, schemes=(*BASE.schemes[:2], replace(s, funding=(Funding("dfg", Money(new)),)))
    )
    assert (content_hash(a) == content_hash(b)) == (old == new)


UTF8 = st.text(st.characters(codec="utf-8"), max_size=20)


@given(UTF8, UTF8)
def test_any_change_of_a_text_changes_the_hash(old, new):
    s = BASE.schemes[0]
    a = replace(BASE, schemes=(replace(s, description=old), *BASE.schemes[1:]))
    b = replace(BASE, schemes=(replace(s, description=new), *BASE.schemes[1:]))
    assert (content_hash(a) == content_hash(b)) == (old == new)
