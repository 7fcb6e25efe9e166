"""Reading form posts into service input, and showing the service's refusals beside the fields.

No validation happens here: the services validate. This module only moves values between
the HTML form and the plain mapping the services read, and maps each ``FieldError`` to the
form field it belongs to (``risk_share[1].cap`` belongs to the ``risk_share`` box).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.http import QueryDict
from django.utils.datastructures import MultiValueDict

from carepool.core.errors import ValidationFailed

_TOP_LEVEL = re.compile(r"^[^\[.]*")
_PATH_PART = re.compile(r"\[(\d+)\]|([^.\[\]]+)")


def top_level(field_name: str) -> str:
    """``risk_share[1].cap`` -> ``risk_share``; ``outcomes[2]`` -> ``outcomes``."""
    match = _TOP_LEVEL.match(field_name)
    return match.group(0) if match else field_name


def readable_path(path: str) -> str:
    """``[1].tiers[2].up_to`` -> ``item 1, tiers, item 2, up to``."""
    parts = [
        f"item {index}" if index else name.replace("_", " ")
        for index, name in _PATH_PART.findall(path)
    ]
    return ", ".join(parts)


def _sentence(label: str, detail: str, message: str) -> str:
    """Messages from the core either are sentences or continue the field's name."""
    message = message.strip()
    if detail:
        return f"{label} ({detail}): {message}"
    if message[:1].islower():
        return f"{label} {message}"
    return message


@dataclass
class FormErrors:
    """The refusal, arranged for an NHS.UK error summary and per-field error messages."""

    by_field: dict[str, list[str]] = field(default_factory=dict)
    summary: list[dict[str, str]] = field(default_factory=list)

    @classmethod
    def from_failure(
        cls,
        failure: ValidationFailed,
        labels: Mapping[str, str],
        field_ids: Mapping[str, str] | None = None,
    ) -> FormErrors:
        """``labels``: the form's fields (name -> label). Errors for other fields have no link."""
        field_ids = field_ids or {}
        errors = cls()
        # The summary lists problems in the order of the fields on the page, whatever order
        # the service found them in; problems with no field of their own come first.
        order = {name: i for i, name in enumerate(labels)}
        in_page_order = sorted(
            failure.errors, key=lambda e: order.get(top_level(e.field), -1) if e.field else -1
        )
        for error in in_page_order:
            name = top_level(error.field)
            detail = error.field[len(name) :]
            label = labels.get(name) or name.replace("_", " ").capitalize() or "This form"
            text = _sentence(label, readable_path(detail), error.message)
            item = {"text": text}
            if name in labels:
                errors.by_field.setdefault(name, []).append(text)
                item["href"] = "#" + field_ids.get(name, name)
            errors.summary.append(item)
        return errors

    def __bool__(self) -> bool:
        return bool(self.summary)

    def message(self, name: str) -> str | None:
        """The text shown above the field, or None when the field is fine."""
        messages = self.by_field.get(name)
        return " ".join(messages) if messages else None

    def has(self, name: str) -> bool:
        return name in self.by_field


def form_values(initial: Mapping[str, Any] | None = None) -> MultiValueDict[str, Any]:
    """Values for a form shown for the first time; lists become multiple values."""
    values: MultiValueDict[str, Any] = MultiValueDict()
    for key, value in (initial or {}).items():
        if isinstance(value, (list, tuple)):
            values.setlist(key, [str(v) for v in value])
        else:
            values[key] = "" if value is None else str(value)
    return values


def service_input(
    post: QueryDict, fields: Iterable[str], lists: Iterable[str] = ()
) -> dict[str, Any]:
    """The plain mapping a service reads: text fields as given, list fields via ``getlist``."""
    list_fields = set(lists)
    data: dict[str, Any] = {}
    for name in fields:
        if name in list_fields:
            data[name] = post.getlist(name)
        else:
            data[name] = post.get(name, "")
    return data
