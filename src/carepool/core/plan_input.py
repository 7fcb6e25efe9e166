"""Reading a plan's schemes from raw input, and writing them back as plain data.

``parse_scheme`` is the one typed command every interface (web form, API, CLI) and every
importer (CSV, Excel) uses to turn a scheme as written into a ``Scheme``. It checks each value
against the plan's year (its taxonomy, funding streams and metric ids) and the agreement's
partners, and refuses with a plain-English message naming the field, such as
``funding[2].amount`` or ``commissioners[1].percent``, every problem at once.

``scheme_to_dict`` and ``content_to_dict`` write the plain JSON form that ``parse_scheme`` and
``parse_content`` read back (a round trip). In that form:

- money is whole pence, as ``amount_pence`` (an integer). On input ``amount`` in pounds
  (``"1250000.00"``, a whole number of pounds, or a JSON number) is read too, through
  ``carepool.core.parse.money``, which reads a float by its shortest text form (as it does for
  contributions) and refuses fractions of a penny;
- percentages, quantities and metric changes are text, like ``"33.5"``, written without
  exponent or trailing zeros (``Decimal("50.0")`` is ``"50"``), so equal values have one form.
  On input they may be text or an integer, never a float: a float is not exact;
- lists keep the order the plan gives them.

The content hash (``carepool.core.plan_hash``) is taken over this form.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any, ParamSpec, TypeVar

from carepool.core import parse
from carepool.core.errors import ErrorCollector, ValidationFailed, shown
from carepool.core.money import MAX_INPUT_PENCE, Money
from carepool.core.plan_rules import Named, PlanRules
from carepool.core.plans import (
    CommissionerShare,
    Funding,
    MetricEffect,
    Partner,
    PlanContent,
    PlannedOutput,
    Scheme,
)
from carepool.core.rules import YearRules

T = TypeVar("T")
P = ParamSpec("P")

NAME_MAX_LENGTH = 200
DESCRIPTION_MAX_LENGTH = 4000
CODE_MAX_LENGTH = 40
HUNDRED = Decimal(100)
# Larger quantities or changes than this are typing mistakes (the national templates limit
# numeric cells to 0 to 100,000,000).
MAX_QUANTITY = Decimal(100_000_000)


def plan_rules_of(year_rules: YearRules, plan_rules: PlanRules | None = None) -> PlanRules | None:
    """The plan part of a year's rules: ``plan_rules`` when given, else ``year_rules.plan``."""
    if plan_rules is not None:
        return plan_rules
    found = getattr(year_rules, "plan", None)
    return found if isinstance(found, PlanRules) else None


def decimal_text(value: Decimal) -> str:
    """One text form for each value: no exponent, no trailing zeros, ``0`` for zero."""
    if value == 0:
        return "0"
    text = format(value.normalize(), "f")
    return text


# --- small readers ----------------------------------------------------------------------------


def _attempt(
    errors: ErrorCollector, read: Callable[P, T], *args: P.args, **kwargs: P.kwargs
) -> T | None:
    try:
        return read(*args, **kwargs)
    except ValidationFailed as exc:
        errors.extend(exc)
        return None


def _exact_number(value: Any, field: str, example: str) -> Decimal:
    """A number written as text or an integer, exactly; never a float."""
    if parse.is_blank(value):
        raise ValidationFailed.single(field, f"Enter a number, like {example}")
    if isinstance(value, bool):
        raise ValidationFailed.single(field, f"must be a number, like {example}")
    if isinstance(value, float):
        raise ValidationFailed.single(
            field,
            f'must be written exactly, as text like "{example}" or a whole number; '
            f"{value!r} is a floating-point number, which is not exact",
        )
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, Decimal):
        number = value
    elif isinstance(value, str):
        written = value.strip().replace(",", "")
        try:
            number = Decimal(written)
        except InvalidOperation:
            raise ValidationFailed.single(
                field, f"'{shown(value)}' is not a number; write it like {example}"
            ) from None
        if "e" in written.lower():
            raise ValidationFailed.single(
                field, f"'{shown(value)}' is not a number; write it like {example}"
            )
    else:
        raise ValidationFailed.single(field, f"must be a number, like {example}")
    if not number.is_finite():
        raise ValidationFailed.single(
            field, f"'{shown(value)}' is not a number; write it like {example}"
        )
    if abs(number) > MAX_QUANTITY:
        raise ValidationFailed.single(field, f"is more than {MAX_QUANTITY:,}; check the number")
    # Beyond 6 decimal places is not a quantity anyone plans; it also keeps values bounded.
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -6 and number != number.quantize(Decimal(10) ** -6):
        raise ValidationFailed.single(field, "can have at most 6 decimal places")
    return number


def _amount(raw: Mapping[str, Any], field: str) -> Money:
    """``amount_pence`` (whole pence) or ``amount`` (pounds); more than nothing."""
    has_pence = "amount_pence" in raw and raw["amount_pence"] is not None
    if has_pence:
        pence = raw["amount_pence"]
        name = f"{field}.amount_pence"
        if isinstance(pence, bool) or not isinstance(pence, int):
            if isinstance(pence, str) and pence.strip().lstrip("-").isdigit():
                pence = int(pence.strip())
            else:
                raise ValidationFailed.single(
                    name, f"'{shown(pence)}' is not a whole number of pence, like 125000000"
                )
        if abs(pence) > MAX_INPUT_PENCE:
            raise ValidationFailed.single(
                name, f"is more than {Money(MAX_INPUT_PENCE)}; check the amount"
            )
        amount = Money(pence)
    else:
        name = f"{field}.amount"
        # A float (a JSON number read without ``parse_float=Decimal``, a spreadsheet cell) is
        # read by its shortest text form, as contributions read it (``parse.money``): 12.5 is
        # £12.50, and 0.1 + 0.2 is refused as a fraction of a penny.
        amount = parse.money(raw.get("amount"), name, allow_negative=True)
    if amount.is_negative:
        raise ValidationFailed.single(name, "cannot be negative")
    if not amount:
        raise ValidationFailed.single(
            name, "must be more than £0.00; leave out a stream the scheme spends nothing from"
        )
    return amount


def _pick(entries: Sequence[Named], value: Any, field: str, what: str, year: str) -> str:
    """The code of the entry ``value`` names, by code or by name (any case)."""
    given = parse.text(value, field, required=True, max_length=NAME_MAX_LENGTH)
    wanted = given.casefold()
    for entry in entries:
        if entry.code.casefold() == wanted or entry.name.casefold() == wanted:
            return entry.code
    names = "; ".join(e.name for e in entries)
    raise ValidationFailed.single(
        field, f"'{shown(given)}' is not {what} in {year}; choose one of: {names}"
    )


def _list(value: Any, field: str) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    raise ValidationFailed.single(field, "must be a list")


def _mapping(value: Any, field: str, what: str) -> Mapping[str, Any]:
    if isinstance(value, Mapping):
        return value
    raise ValidationFailed.single(field, f"must be {what}")


# --- a scheme ---------------------------------------------------------------------------------


def parse_scheme(
    raw: Mapping[str, Any],
    year_rules: YearRules,
    partners: Sequence[Partner],
    where: str = "",
    *,
    plan_rules: PlanRules | None = None,
) -> Scheme:
    """A scheme of a plan for ``year_rules``' year, or ``ValidationFailed`` naming every field.

    ``partners`` are the agreement's partners (the possible commissioners). ``where`` is put
    before every field name (``schemes[3] (S03)``). ``plan_rules`` defaults to
    ``year_rules.plan``; without plan rules the taxonomy and metric ids cannot be checked, so
    the scheme is refused with a message saying so.
    """
    try:
        return _parse_scheme(raw, year_rules, partners, plan_rules_of(year_rules, plan_rules))
    except ValidationFailed as exc:
        raise exc.prefixed(where) if where else exc from None


def _parse_scheme(
    raw: Mapping[str, Any],
    year_rules: YearRules,
    partners: Sequence[Partner],
    rules: PlanRules | None,
) -> Scheme:
    if not isinstance(raw, Mapping):
        raise ValidationFailed.single("", "must be an object holding the scheme's fields")
    parse.check_storable(raw)
    year = year_rules.year.label
    if rules is None:
        raise ValidationFailed.single(
            "",
            f"Carepool has no plan rules for {year} (scheme types, areas of spend, metrics), "
            "so no scheme can be checked or saved for that year yet",
        )
    taxonomy = rules.taxonomy
    errors = ErrorCollector()

    scheme_id = (
        _attempt(
            errors,
            parse.text,
            raw.get("scheme_id"),
            "scheme_id",
            required=True,
            max_length=CODE_MAX_LENGTH,
        )
        or ""
    )
    name = (
        _attempt(
            errors,
            parse.text,
            raw.get("name"),
            "name",
            required=True,
            max_length=NAME_MAX_LENGTH,
        )
        or ""
    )
    description = (
        _attempt(
            errors,
            parse.text,
            raw.get("description"),
            "description",
            max_length=DESCRIPTION_MAX_LENGTH,
        )
        or ""
    )
    types = [Named(t.code, t.name) for t in taxonomy.scheme_types]
    scheme_type = _attempt(
        errors, _pick, types, raw.get("scheme_type"), "scheme_type", "a scheme type", year
    )
    sub_type = ""
    chosen = taxonomy.scheme_type(scheme_type) if scheme_type else None
    if chosen is not None:
        raw_sub = raw.get("sub_type")
        if chosen.sub_types:
            if not parse.is_blank(raw_sub):
                sub_type = (
                    _attempt(
                        errors,
                        _pick,
                        chosen.sub_types,
                        raw_sub,
                        "sub_type",
                        f"a sub-type of '{chosen.name}'",
                        year,
                    )
                    or ""
                )
        else:
            sub_type = (
                _attempt(
                    errors,
                    parse.text,
                    raw_sub,
                    "sub_type",
                    max_length=NAME_MAX_LENGTH,
                )
                or ""
            )
    area_of_spend = _attempt(
        errors,
        _pick,
        taxonomy.areas_of_spend,
        raw.get("area_of_spend"),
        "area_of_spend",
        "an area of spend",
        year,
    )
    provider_type = _attempt(
        errors,
        _pick,
        taxonomy.provider_types,
        raw.get("provider_type"),
        "provider_type",
        "a provider type",
        year,
    )
    new: bool | None = None
    if parse.is_blank(raw.get("new")):
        errors.add("new", "Say whether the scheme is new this year (yes) or existing (no)")
    else:
        new = _attempt(errors, parse.boolean, raw.get("new"), "new")

    commissioners = _commissioners(raw.get("commissioners"), partners, errors)
    funding = _funding(raw.get("funding"), year_rules, errors)
    outputs = _outputs(raw.get("outputs"), errors)
    metrics = _metrics(raw.get("metrics"), rules, year, errors)

    errors.raise_if_any()
    assert scheme_type is not None
    assert area_of_spend is not None
    assert provider_type is not None
    assert new is not None
    return Scheme(
        scheme_id=scheme_id,
        name=name,
        description=description,
        scheme_type=scheme_type,
        sub_type=sub_type,
        area_of_spend=area_of_spend,
        commissioners=commissioners,
        provider_type=provider_type,
        funding=funding,
        new=new,
        outputs=outputs,
        metrics=metrics,
    )


def _commissioners(
    value: Any, partners: Sequence[Partner], errors: ErrorCollector
) -> tuple[CommissionerShare, ...]:
    items = _attempt(errors, _list, value, "commissioners")
    if items is None:
        return ()
    if not items:
        errors.add(
            "commissioners",
            "Name the commissioner: one partner, or partners commissioning jointly with "
            "percentage shares that sum to 100",
        )
        return ()
    by_code = {p.code.upper(): p for p in partners}
    known = "; ".join(f"{p.code} ({p.name})" for p in partners) or "none"
    shares: list[CommissionerShare] = []
    seen: set[str] = set()
    complete = True
    for position, item in enumerate(items, start=1):
        field = f"commissioners[{position}]"
        entry = _attempt(errors, _mapping, item, field, "an object with organisation and percent")
        if entry is None:
            complete = False
            continue
        code = (
            _attempt(
                errors,
                parse.text,
                entry.get("organisation"),
                f"{field}.organisation",
                required=True,
                max_length=CODE_MAX_LENGTH,
            )
            or ""
        ).upper()
        if code and code not in by_code:
            errors.add(
                f"{field}.organisation",
                f"'{shown(code)}' is not a partner in the agreement; the partners are: {known}",
            )
            code = ""
        elif code in seen:
            errors.add(
                f"{field}.organisation",
                f"'{shown(code)}' is named twice; give each commissioner once with its share",
            )
            code = ""
        if code:
            seen.add(code)
        raw_percent = entry.get("percent")
        if isinstance(raw_percent, str) and raw_percent.strip().endswith("%"):
            raw_percent = raw_percent.strip()[:-1]  # "60%" is 60, as a spreadsheet shows it
        percent: Decimal | None
        if parse.is_blank(raw_percent) and len(items) == 1:
            percent = HUNDRED
        else:
            percent = _attempt(errors, _exact_number, raw_percent, f"{field}.percent", "60 or 33.5")
            if percent is not None and not (0 < percent <= HUNDRED):
                errors.add(f"{field}.percent", "must be more than 0 and at most 100")
                percent = None
        if not code or percent is None:
            complete = False
            continue
        shares.append(CommissionerShare(code, percent))
    if complete and shares:
        total = sum((s.percent for s in shares), Decimal(0))
        if total != HUNDRED:
            errors.add(
                "commissioners",
                f"the commissioners' shares sum to {decimal_text(total)}%; they must sum to "
                "exactly 100%",
            )
    return tuple(shares)


def _funding(value: Any, year_rules: YearRules, errors: ErrorCollector) -> tuple[Funding, ...]:
    items = _attempt(errors, _list, value, "funding")
    if items is None:
        return ()
    if not items:
        errors.add("funding", "Give at least one funding stream and the amount planned from it")
        return ()
    year = year_rules.year.label
    streams = year_rules.funding_streams
    lines: list[Funding] = []
    seen: dict[str, int] = {}
    for position, item in enumerate(items, start=1):
        field = f"funding[{position}]"
        entry = _attempt(errors, _mapping, item, field, "an object with stream and amount")
        if entry is None:
            continue
        stream = _attempt(
            errors,
            _pick,
            [Named(s.code, s.name) for s in streams],
            entry.get("stream"),
            f"{field}.stream",
            "a funding stream",
            year,
        )
        if stream is not None and stream in seen:
            errors.add(
                f"{field}.stream",
                f"'{stream}' is already listed at funding[{seen[stream]}]; put the scheme's "
                "whole spend from a stream on one line",
            )
            stream = None
        elif stream is not None:
            seen[stream] = position
        amount = _attempt(errors, _amount, entry, field)
        if stream is not None and amount is not None:
            lines.append(Funding(stream, amount))
    return tuple(lines)


def _outputs(value: Any, errors: ErrorCollector) -> tuple[PlannedOutput, ...]:
    items = _attempt(errors, _list, value, "outputs") or []
    outputs: list[PlannedOutput] = []
    for position, item in enumerate(items, start=1):
        field = f"outputs[{position}]"
        entry = _attempt(
            errors, _mapping, item, field, "an object with description, quantity and unit"
        )
        if entry is None:
            continue
        description = _attempt(
            errors,
            parse.text,
            entry.get("description"),
            f"{field}.description",
            required=True,
            max_length=NAME_MAX_LENGTH,
        )
        quantity = _attempt(
            errors, _exact_number, entry.get("quantity"), f"{field}.quantity", "1200"
        )
        if quantity is not None and quantity < 0:
            errors.add(f"{field}.quantity", "cannot be negative")
            quantity = None
        unit = _attempt(
            errors,
            parse.text,
            entry.get("unit"),
            f"{field}.unit",
            required=True,
            max_length=CODE_MAX_LENGTH,
        )
        if description and quantity is not None and unit:
            outputs.append(PlannedOutput(description, quantity, unit))
    return tuple(outputs)


def _metrics(
    value: Any, rules: PlanRules, year: str, errors: ErrorCollector
) -> tuple[MetricEffect, ...]:
    items = _attempt(errors, _list, value, "metrics") or []
    effects: list[MetricEffect] = []
    seen: set[str] = set()
    for position, item in enumerate(items, start=1):
        field = f"metrics[{position}]"
        entry = _attempt(errors, _mapping, item, field, "an object with metric and change")
        if entry is None:
            continue
        metric = _attempt(
            errors,
            parse.text,
            entry.get("metric"),
            f"{field}.metric",
            required=True,
            max_length=CODE_MAX_LENGTH,
        )
        if metric and metric not in rules.metric_ids:
            ids = ", ".join(rules.metric_ids) or "none"
            errors.add(
                f"{field}.metric",
                f"'{shown(metric)}' is not a metric in {year}; the year's metrics are: {ids}",
            )
            metric = None
        elif metric and metric in seen:
            errors.add(f"{field}.metric", f"'{metric}' is named twice; give each metric once")
            metric = None
        if metric:
            seen.add(metric)
        change = _attempt(errors, _exact_number, entry.get("change"), f"{field}.change", "-2.5")
        note = _attempt(
            errors,
            parse.text,
            entry.get("note"),
            f"{field}.note",
            max_length=NAME_MAX_LENGTH,
        )
        if metric and change is not None and note is not None:
            effects.append(MetricEffect(metric, change, note))
    return tuple(effects)


# --- a whole plan -----------------------------------------------------------------------------


def _scheme_label(position: int, raw: Any) -> str:
    scheme_id = raw.get("scheme_id") if isinstance(raw, Mapping) else None
    if isinstance(scheme_id, str) and scheme_id.strip():
        return f"schemes[{position}] ({shown(scheme_id.strip())})"
    return f"schemes[{position}]"


def parse_plan(
    raw_schemes: Any,
    declarations: Any,
    year_rules: YearRules,
    partners: Sequence[Partner],
    *,
    plan_rules: PlanRules | None = None,
) -> PlanContent:
    """A plan's content from its schemes and its answers to the year's declarations.

    Every problem is reported at once, each field under its scheme, like
    ``schemes[3] (S03).funding[1].stream``. Two schemes with the same id are refused.
    ``declarations`` is a list of ``{"id", "answer", "comment"}`` (``answer`` yes or no).
    """
    rules = plan_rules_of(year_rules, plan_rules)
    errors = ErrorCollector()
    items = _attempt(errors, _list, raw_schemes, "schemes") or []
    schemes: list[Scheme] = []
    first_at: dict[str, int] = {}
    for position, raw in enumerate(items, start=1):
        label = _scheme_label(position, raw)
        scheme = _attempt(
            errors,
            parse_scheme,
            raw,
            year_rules,
            partners,
            label,
            plan_rules=rules,
        )
        if scheme is None:
            continue
        if scheme.scheme_id in first_at:
            errors.add(
                f"{label}.scheme_id",
                f"'{shown(scheme.scheme_id)}' is already the id of schemes"
                f"[{first_at[scheme.scheme_id]}]; each scheme needs its own id",
            )
            continue
        first_at[scheme.scheme_id] = position
        schemes.append(scheme)
    answers = _declarations(declarations, rules, year_rules.year.label, errors)
    errors.raise_if_any()
    return PlanContent(tuple(schemes), answers)


def _declarations(
    value: Any, rules: PlanRules | None, year: str, errors: ErrorCollector
) -> tuple[tuple[str, bool, str], ...]:
    items = _attempt(errors, _list, value, "declarations") or []
    declarable = (
        {r.id: r for r in rules.requirements if r.is_declaration} if rules is not None else {}
    )
    answers: list[tuple[str, bool, str]] = []
    seen: set[str] = set()
    for position, item in enumerate(items, start=1):
        field = f"declarations[{position}]"
        entry = _attempt(errors, _mapping, item, field, "an object with id and answer")
        if entry is None:
            continue
        ident = _attempt(
            errors,
            parse.text,
            entry.get("id"),
            f"{field}.id",
            required=True,
            max_length=CODE_MAX_LENGTH,
        )
        if ident and ident not in declarable:
            ids = ", ".join(declarable) or "none"
            errors.add(
                f"{field}.id",
                f"'{shown(ident)}' is not a declaration in {year}; its declarations are: {ids}",
            )
            ident = None
        elif ident and ident in seen:
            errors.add(f"{field}.id", f"'{ident}' is answered twice; answer each declaration once")
            ident = None
        if ident:
            seen.add(ident)
        answer: bool | None = None
        if parse.is_blank(entry.get("answer")):
            errors.add(f"{field}.answer", "Answer yes or no")
        else:
            answer = _attempt(errors, parse.boolean, entry.get("answer"), f"{field}.answer")
        comment = _attempt(
            errors,
            parse.text,
            entry.get("comment"),
            f"{field}.comment",
            max_length=DESCRIPTION_MAX_LENGTH,
        )
        if ident and answer is not None and comment is not None:
            answers.append((ident, answer, comment))
    return tuple(answers)


def parse_content(
    raw: Mapping[str, Any],
    year_rules: YearRules,
    partners: Sequence[Partner],
    *,
    plan_rules: PlanRules | None = None,
) -> PlanContent:
    """A plan's content from ``{"schemes": [...], "declarations": [...]}`` (``content_to_dict``)."""
    if not isinstance(raw, Mapping):
        raise ValidationFailed.single("", "must be an object with schemes and declarations")
    return parse_plan(
        raw.get("schemes"),
        raw.get("declarations"),
        year_rules,
        partners,
        plan_rules=plan_rules,
    )


# --- writing back -----------------------------------------------------------------------------


def scheme_to_dict(scheme: Scheme) -> dict[str, Any]:
    """The scheme as plain JSON data, which ``parse_scheme`` reads back to an equal scheme."""
    return {
        "scheme_id": scheme.scheme_id,
        "name": scheme.name,
        "description": scheme.description,
        "scheme_type": scheme.scheme_type,
        "sub_type": scheme.sub_type,
        "area_of_spend": scheme.area_of_spend,
        "commissioners": [
            {"organisation": c.organisation, "percent": decimal_text(c.percent)}
            for c in scheme.commissioners
        ],
        "provider_type": scheme.provider_type,
        "funding": [{"stream": f.stream, "amount_pence": f.amount.pence} for f in scheme.funding],
        "new": scheme.new,
        "outputs": [
            {"description": o.description, "quantity": decimal_text(o.quantity), "unit": o.unit}
            for o in scheme.outputs
        ],
        "metrics": [
            {"metric": m.metric, "change": decimal_text(m.change), "note": m.note}
            for m in scheme.metrics
        ],
    }


def declarations_to_list(content: PlanContent) -> list[dict[str, Any]]:
    return [
        {"id": ident, "answer": answer, "comment": comment}
        for ident, answer, comment in content.declarations
    ]


def content_to_dict(content: PlanContent) -> dict[str, Any]:
    """The plan's content as plain JSON data, which ``parse_content`` reads back."""
    return {
        "schemes": [scheme_to_dict(s) for s in content.schemes],
        "declarations": declarations_to_list(content),
    }
