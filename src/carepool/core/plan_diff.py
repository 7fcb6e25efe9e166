"""What changed between two versions of a plan, scheme by scheme.

Schemes are matched by ``scheme_id`` (stable across versions). A scheme in the new version
only is *added*, in the old only *removed*; one in both with any difference is *changed*, with
each changed field (old and new as shown) and each funding stream whose amount changed (old,
new and the difference, new minus old; a stream missing on one side counts as £0.00).
Reordering schemes is not a change. Declarations are compared by requirement id.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from carepool.core.money import Money
from carepool.core.plan_input import decimal_text
from carepool.core.plan_rules import PlanRules
from carepool.core.plans import Partner, PlanContent, Scheme


@dataclass(frozen=True, slots=True)
class FieldChange:
    field: str  # as in the scheme's plain form, like "area_of_spend"
    label: str  # as people read it, like "Area of spend"
    old: str
    new: str


@dataclass(frozen=True, slots=True)
class FundingChange:
    stream: str
    old: Money
    new: Money

    @property
    def difference(self) -> Money:
        return self.new - self.old


@dataclass(frozen=True, slots=True)
class SchemeChange:
    scheme_id: str
    name: str  # the new version's name
    fields: tuple[FieldChange, ...]
    funding: tuple[FundingChange, ...]
    old_total: Money
    new_total: Money

    @property
    def difference(self) -> Money:
        return self.new_total - self.old_total


@dataclass(frozen=True, slots=True)
class DeclarationChange:
    requirement_id: str
    old: tuple[bool, str] | None  # (answer, comment); None when not answered
    new: tuple[bool, str] | None


@dataclass(frozen=True, slots=True)
class PlanDiff:
    added: tuple[Scheme, ...]
    removed: tuple[Scheme, ...]
    changed: tuple[SchemeChange, ...]
    declarations: tuple[DeclarationChange, ...]
    old_total: Money
    new_total: Money
    # per stream, every stream whose total changed: (stream, old, new)
    streams: tuple[FundingChange, ...]

    @property
    def difference(self) -> Money:
        return self.new_total - self.old_total

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.declarations)

    def lines(self) -> list[str]:
        """The diff as sentences, one per line, for a terminal or a plain-text page."""
        if self.empty:
            return ["No change."]
        out = [f"Added {s.scheme_id}: {s.name} ({s.total})" for s in self.added]
        out += [f"Removed {s.scheme_id}: {s.name} ({s.total})" for s in self.removed]
        for c in self.changed:
            out.append(f"Changed {c.scheme_id}: {c.name}")
            out += [f"  {f.label}: {f.old or '(none)'} → {f.new or '(none)'}" for f in c.fields]
            out += [f"  {f.stream}: {f.old} → {f.new} ({_signed(f.difference)})" for f in c.funding]
        for d in self.declarations:
            old = "not answered" if d.old is None else ("yes" if d.old[0] else "no")
            new = "not answered" if d.new is None else ("yes" if d.new[0] else "no")
            out.append(f"Declaration {d.requirement_id}: {old} → {new}")
        out.append(f"Total: {self.old_total} → {self.new_total} ({_signed(self.difference)})")
        return out

    def to_dict(self) -> dict[str, Any]:
        def funding(change: FundingChange) -> dict[str, Any]:
            return {
                "stream": change.stream,
                "old_pence": change.old.pence,
                "new_pence": change.new.pence,
                "difference_pence": change.difference.pence,
            }

        def answer(value: tuple[bool, str] | None) -> dict[str, Any] | None:
            return None if value is None else {"answer": value[0], "comment": value[1]}

        return {
            "added": [s.scheme_id for s in self.added],
            "removed": [s.scheme_id for s in self.removed],
            "changed": [
                {
                    "scheme_id": c.scheme_id,
                    "name": c.name,
                    "fields": [
                        {"field": f.field, "label": f.label, "old": f.old, "new": f.new}
                        for f in c.fields
                    ],
                    "funding": [funding(f) for f in c.funding],
                    "old_total_pence": c.old_total.pence,
                    "new_total_pence": c.new_total.pence,
                    "difference_pence": c.difference.pence,
                }
                for c in self.changed
            ],
            "declarations": [
                {"id": d.requirement_id, "old": answer(d.old), "new": answer(d.new)}
                for d in self.declarations
            ],
            "old_total_pence": self.old_total.pence,
            "new_total_pence": self.new_total.pence,
            "difference_pence": self.difference.pence,
            "streams": [funding(s) for s in self.streams],
        }


def _signed(amount: Money) -> str:
    return f"+{amount}" if amount.pence > 0 else str(amount)


@dataclass(frozen=True, slots=True)
class Names:
    """How codes are shown in a diff: the year's names for its taxonomy, the partners' names.
    A code with no name is shown as it is."""

    scheme_types: Mapping[str, str] = field(default_factory=dict)
    sub_types: Mapping[tuple[str, str], str] = field(default_factory=dict)
    areas_of_spend: Mapping[str, str] = field(default_factory=dict)
    provider_types: Mapping[str, str] = field(default_factory=dict)
    partners: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, plan_rules: PlanRules | None, partners: Sequence[Partner] = ()) -> Names:
        if plan_rules is None:
            return cls(partners={p.code: p.name for p in partners})
        taxonomy = plan_rules.taxonomy
        return cls(
            scheme_types={t.code: t.name for t in taxonomy.scheme_types},
            sub_types={
                (t.code, sub.code): sub.name for t in taxonomy.scheme_types for sub in t.sub_types
            },
            areas_of_spend={a.code: a.name for a in taxonomy.areas_of_spend},
            provider_types={p.code: p.name for p in taxonomy.provider_types},
            partners={p.code: p.name for p in partners},
        )

    def commissioners(self, s: Scheme) -> str:
        return ", ".join(
            f"{self.partners.get(c.organisation, c.organisation)} {decimal_text(c.percent)}%"
            for c in s.commissioners
        )


def _outputs(s: Scheme) -> str:
    return "; ".join(f"{o.description}: {decimal_text(o.quantity)} {o.unit}" for o in s.outputs)


def _metrics(s: Scheme) -> str:
    return "; ".join(
        f"{m.metric} {'+' if m.change > 0 else ''}{decimal_text(m.change)}"
        + (f" ({m.note})" if m.note else "")
        for m in s.metrics
    )


def _fields(names: Names) -> tuple[tuple[str, str, Callable[[Scheme], str]], ...]:
    """The fields compared, besides the money: (field, label, how it is shown)."""
    return (
        ("name", "Name", lambda s: s.name),
        ("description", "Description", lambda s: s.description),
        (
            "scheme_type",
            "Scheme type",
            lambda s: names.scheme_types.get(s.scheme_type, s.scheme_type),
        ),
        (
            "sub_type",
            "Sub-type",
            lambda s: names.sub_types.get((s.scheme_type, s.sub_type), s.sub_type),
        ),
        (
            "area_of_spend",
            "Area of spend",
            lambda s: names.areas_of_spend.get(s.area_of_spend, s.area_of_spend),
        ),
        ("commissioners", "Commissioners", names.commissioners),
        (
            "provider_type",
            "Provider type",
            lambda s: names.provider_types.get(s.provider_type, s.provider_type),
        ),
        ("new", "New or existing", lambda s: "new" if s.new else "existing"),
        ("outputs", "Planned outputs", _outputs),
        ("metrics", "Metrics", _metrics),
    )


def _by_stream(schemes: tuple[Scheme, ...]) -> dict[str, Money]:
    totals: dict[str, Money] = {}
    for scheme in schemes:
        for line in scheme.funding:
            totals[line.stream] = totals.get(line.stream, Money.zero()) + line.amount
    return totals


def _funding_changes(old: dict[str, Money], new: dict[str, Money]) -> tuple[FundingChange, ...]:
    streams = list(old) + [code for code in new if code not in old]
    changes = [
        FundingChange(code, old.get(code, Money.zero()), new.get(code, Money.zero()))
        for code in streams
    ]
    return tuple(c for c in changes if c.difference)


def scheme_change(old: Scheme, new: Scheme, names: Names | None = None) -> SchemeChange | None:
    """How ``new`` differs from ``old`` (the same scheme id), or None when it does not."""
    # Compared by code (two codes may share a name), shown by name.
    by_code = _fields(Names())
    shown_by = _fields(names or Names())
    fields = tuple(
        FieldChange(name, label, show(old), show(new))
        for (name, label, show), (_, _, code) in zip(shown_by, by_code, strict=True)
        if code(old) != code(new)
    )
    funding = _funding_changes(
        {f.stream: f.amount for f in old.funding}, {f.stream: f.amount for f in new.funding}
    )
    # Reordering a scheme's funding lines changes nothing a person reads, but is a change of
    # content (the hash covers the order); show it so the diff is never empty for a change.
    order_only = not funding and [f.stream for f in old.funding] != [f.stream for f in new.funding]
    if order_only:
        fields += (
            FieldChange(
                "funding",
                "Order of funding lines",
                ", ".join(f.stream for f in old.funding),
                ", ".join(f.stream for f in new.funding),
            ),
        )
    if not fields and not funding:
        return None
    return SchemeChange(old.scheme_id, new.name, fields, funding, old.total, new.total)


def diff(old: PlanContent, new: PlanContent, names: Names | None = None) -> PlanDiff:
    """What changed from ``old`` to ``new``; schemes in the order of the new version (removed
    ones in the order of the old). ``names`` (``Names.of(plan_rules, partners)``) shows the
    year's names and the partners' names instead of codes."""
    old_by_id = {s.scheme_id: s for s in old.schemes}
    new_ids = {s.scheme_id for s in new.schemes}
    added = tuple(s for s in new.schemes if s.scheme_id not in old_by_id)
    removed = tuple(s for s in old.schemes if s.scheme_id not in new_ids)
    changed = tuple(
        change
        for s in new.schemes
        if s.scheme_id in old_by_id and (change := scheme_change(old_by_id[s.scheme_id], s, names))
    )
    old_answers = {i: (a, c) for i, a, c in old.declarations}
    new_answers = {i: (a, c) for i, a, c in new.declarations}
    ids = list(old_answers) + [i for i in new_answers if i not in old_answers]
    declarations = tuple(
        DeclarationChange(i, old_answers.get(i), new_answers.get(i))
        for i in ids
        if old_answers.get(i) != new_answers.get(i)
    )
    old_total = sum((s.total for s in old.schemes), Money.zero())
    new_total = sum((s.total for s in new.schemes), Money.zero())
    streams = _funding_changes(_by_stream(old.schemes), _by_stream(new.schemes))
    return PlanDiff(added, removed, changed, declarations, old_total, new_total, streams)
