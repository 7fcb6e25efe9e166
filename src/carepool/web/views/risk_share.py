"""Risk-share provisions: add one through a two-step form, remove one after confirming.

Step 1 asks which kind of provision it is; step 2 (``?kind=...``) shows only the inputs that
kind needs. The post becomes the plain provision mapping ``add_risk_share_provision`` reads;
the service validates it and decides who may change the agreement. Its errors name the
provision's own fields (``cap``, ``shares.QWO``, ``tiers[2].up_to``) and are shown beside the
input they belong to.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from carepool.accounts.permissions import NotFound
from carepool.agreements import selectors, services
from carepool.agreements.models import Agreement
from carepool.core.errors import Conflict, ValidationFailed
from carepool.core.risk_share import ProvisionKind
from carepool.web.forms import FormErrors, form_values
from carepool.web.pages import actor, offer_form_only_to_editors, page, posted_version
from carepool.web.presenters import agreements as agreements_presenters
from carepool.web.presenters import risk_share as words

CHOOSE_KIND = "Choose the kind of provision"
_TIER = re.compile(r"^tiers\[(\d+)\](?:\.(up_to|shares)(?:\.(.+))?)?$")


def _agreement_page(agreement: Agreement) -> str:
    return reverse("web:agreement", args=[agreement.pk]) + "#risk-share"


# reading the post -------------------------------------------------------------------------


def _shares(post: Mapping[str, str], prefix: str, codes: Sequence[str]) -> dict[str, str]:
    """Each partner's weight as typed; partners left blank are not given a share."""
    return {c: v for c in codes if (v := post.get(f"{prefix}-{c}", "").strip())}


def _typed(post: Mapping[str, str], *names: str) -> dict[str, str]:
    """Alternative inputs (a cap in pounds or as a percentage): whichever were filled in.

    The service says when neither or both were given.
    """
    return {name: typed for name in names if (typed := post.get(name, "").strip())}


def provision_input(
    post: Mapping[str, str], kind: ProvisionKind | None, kind_value: str, codes: Sequence[str]
) -> dict[str, Any]:
    """The provision mapping the service reads, with only the keys this kind uses."""
    data: dict[str, Any] = {"kind": kind_value}
    if kind is None:
        return data
    form = words.kind_form(kind)
    if form.direction is None:
        data["applies_to"] = post.get("applies_to", "")
    if description := post.get("description", "").strip():
        data["description"] = description
    if form.basis and post.get("basis"):
        data["basis"] = post.get("basis")
    if form.capped_partner:
        data["partner_code"] = post.get("partner_code", "")
        data.update(_typed(post, "cap", "cap_percent"))
    if form.shares:
        data["shares"] = _shares(post, "shares", codes)
    if form.tiers:
        rows = [
            (post.get(f"tier-{i}-up_to", "").strip(), _shares(post, f"tier-{i}-shares", codes))
            for i in range(1, words.TIER_ROWS + 1)
        ]
        while rows and not rows[-1][0] and not rows[-1][1]:  # unused rows at the end
            rows.pop()
        data["tiers"] = [{"up_to": up_to or None, "shares": shares} for up_to, shares in rows]
    if form.amount_only:
        data["amount"] = post.get("amount", "").strip()
    if form.amount_or_percent:
        data.update(_typed(post, "amount", "percent"))
    if form.steps:
        steps = (post.get(f"step-{i}", "").strip() for i in range(1, words.STEP_ROWS + 1))
        data["steps"] = [s for s in steps if s]
    return data


# showing the service's refusal ------------------------------------------------------------


@dataclass(frozen=True)
class _Place:
    slot: str | None  # the part of the page that shows the message
    target: str | None  # the input the error summary links to
    label: str
    specific: bool = False  # the label names a row or a partner: keep it in the message


def _place(field: str, form: words.KindForm, partners: Sequence[Any]) -> _Place:
    names = {p.code: f"{p.name} ({p.code})" for p in partners}
    first = partners[0].code if partners else ""
    simple = {
        "kind": "Kind of provision",
        "applies_to": "What it applies to",
        "basis": "Basis",
        "partner_code": "Partner whose share is capped",
        "cap_percent": "Cap as a percentage of the partner's contribution",
        "percent": "Percentage of the fund",
        "description": "Description",
    }
    if field in simple:
        return _Place(field, field, simple[field])
    if field == "cap":
        return _Place("cap", "cap", "Cap in pounds")
    if field == "amount":
        return _Place("amount", "amount", "Size of the risk pool" if form.amount_only else "Amount")
    if field == "steps":
        return _Place("steps", "step-1", "Order of application")
    if field == "shares":
        return _Place("shares", f"shares-{first}", "Shares")
    if field.startswith("shares.") and field[7:] in names:
        code = field[7:]
        return _Place(f"shares-{code}", f"shares-{code}", f"Share for {names[code]}", True)
    if field == "tiers":
        return _Place("tiers", "tier-1-up_to", "Tiers")
    match = _TIER.match(field)
    if match and 1 <= int(match.group(1)) <= words.TIER_ROWS:
        n, part, code = match.groups()
        row = f"tier-{n}"
        if part is None:
            return _Place(row, f"{row}-up_to", f"Tier {n}", True)
        if part == "up_to":
            return _Place(f"{row}-up_to", f"{row}-up_to", f"Tier {n} upper limit", True)
        if code is None:
            return _Place(f"{row}-shares", f"{row}-shares-{first}", f"Tier {n} shares", True)
        if code in names:
            slot = f"{row}-shares-{code}"
            return _Place(slot, slot, f"Tier {n} share for {names[code]}", True)
    # The provision as a whole (e.g. a partner code that is not a partner) or another term of
    # the agreement: said in the summary, with nothing on the form to link to.
    return _Place(None, None, field.replace("_", " ").capitalize(), True)


def _sentence(place: _Place, message: str) -> str:
    """Core messages either continue the field's name ("must be ...") or stand alone."""
    message = message.strip()
    if message.startswith(("must ", "is ", "cannot ")):
        return f"{place.label} {message}"
    if place.specific or message.startswith("'"):
        return f"{place.label}: {message}"
    return message[:1].upper() + message[1:]


def provision_errors(
    failure: ValidationFailed, kind: ProvisionKind, partners: Sequence[Any]
) -> FormErrors:
    form = words.kind_form(kind)
    errors = FormErrors()
    for error in failure.errors:
        place = _place(error.field, form, partners)
        text = _sentence(place, error.message)
        item = {"text": text}
        if place.slot:
            errors.by_field.setdefault(place.slot, []).append(text)
        if place.target:
            item["href"] = f"#{place.target}"
        errors.summary.append(item)
    return errors


# pages ------------------------------------------------------------------------------------


def _choose_kind(
    request: HttpRequest, agreement: Agreement, chosen: str = "", error: bool = False
) -> HttpResponse:
    errors = FormErrors()
    if error:
        errors.by_field["kind"] = [CHOOSE_KIND]
        errors.summary.append({"text": CHOOSE_KIND, "href": "#kind"})
    return render(
        request,
        "web/agreements/risk_share_kind.jinja",
        {
            "agreement": agreement,
            "kind_items": words.kind_items(),
            "chosen": chosen,
            "errors": errors,
        },
        status=400 if error else 200,
    )


def _provision_form(
    request: HttpRequest,
    agreement: Agreement,
    kind: ProvisionKind,
    partners: Sequence[Any],
    values: Any,
    errors: FormErrors | None = None,
) -> HttpResponse:
    return render(
        request,
        "web/agreements/risk_share_form.jinja",
        {
            "agreement": agreement,
            "form": words.kind_form(kind),
            "partners": partners,
            "values": values,
            "errors": errors or FormErrors(),
            "direction_items": words.direction_items(),
            "basis_items": words.basis_items(),
            "step_items": words.step_items(),
            "tier_rows": range(1, words.TIER_ROWS + 1),
            "step_rows": range(1, words.STEP_ROWS + 1),
        },
        status=400 if errors else 200,
    )


@page
def risk_share_add(request: HttpRequest, agreement_id: int) -> HttpResponse:
    agreement = selectors.get_agreement(request.user, agreement_id)  # type: ignore[arg-type]
    partners = selectors.partner_organisations(agreement)
    if request.method == "POST":
        kind_value = request.POST.get("kind") or request.GET.get("kind") or ""
        kind = words.kind_of(kind_value)
        data = provision_input(request.POST, kind, kind_value, [p.code for p in partners])
        try:
            services.add_risk_share_provision(actor(request), agreement.pk, data)
        except ValidationFailed as exc:
            if kind is None:
                return _choose_kind(request, agreement, error=True)
            errors = provision_errors(exc, kind, partners)
            return _provision_form(request, agreement, kind, partners, request.POST, errors)
        messages.success(
            request, f"Risk-share provision added: {kind.label if kind else kind_value}"
        )
        return redirect(_agreement_page(agreement))

    offer_form_only_to_editors(request, agreement)
    if "kind" not in request.GET:
        # "step" is there when the choice form itself was sent with no kind chosen.
        chose_nothing = request.GET.get("step") == "kind"
        return _choose_kind(request, agreement, request.GET.get("change", ""), error=chose_nothing)
    kind = words.kind_of(request.GET["kind"])
    if kind is None:
        return _choose_kind(request, agreement, error=True)
    initial = form_values({"applies_to": "both", "basis": "contributions"})
    return _provision_form(request, agreement, kind, partners, initial)


@page
def risk_share_remove(request: HttpRequest, agreement_id: int, position: int) -> HttpResponse:
    agreement = selectors.get_agreement(request.user, agreement_id)  # type: ignore[arg-type]
    names = {o.code: o.name for o in selectors.partner_organisations(agreement)}
    shown = {p.number: p for p in agreements_presenters.risk_share_view(agreement, names)}
    provision = shown.get(position)
    if request.method == "POST":
        try:
            services.remove_risk_share_provision(
                actor(request), agreement.pk, position, posted_version(request)
            )
        except ValidationFailed as exc:
            for error in exc.errors:
                messages.error(request, error.message)
        except Conflict as exc:
            # The positions may have moved: show the agreement as it is now.
            messages.error(request, str(exc))
        else:
            title = f": {provision.title}" if provision else ""
            messages.success(request, f"Risk-share provision {position} removed{title}")
        return redirect(_agreement_page(agreement))

    offer_form_only_to_editors(request, agreement)
    if not 1 <= position <= len(agreement.risk_share):
        raise NotFound("No such provision")
    return render(
        request,
        "web/agreements/risk_share_remove.jinja",
        {
            "agreement": agreement,
            "position": position,
            "provision": provision,
            "version": agreement.version,
        },
    )
