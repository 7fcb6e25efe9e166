"""Validation errors that name the field and say what is wrong.

Every interface (web form, API, CLI, importer) renders the same ``FieldError`` list, so a
refusal reads the same wherever it happens.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


def shown(value: object, limit: int = 40) -> str:
    """``value`` as it may be quoted in an error message: printable, encodable and short.

    Characters that cannot be printed (control characters, NUL, lone surrogates) are written
    as Python escapes such as ``\\x00`` or ``\\ud800``, and a long value is cut to ``limit``
    characters, so quoting what someone typed can never break the page, the JSON or the
    terminal that shows the message.
    """
    text = "".join(
        ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in str(value)
    )
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


@dataclass(frozen=True, slots=True)
class FieldError:
    field: str
    message: str

    def __post_init__(self) -> None:
        # A refusal is shown on web pages, in JSON and on terminals, so it must be encodable
        # even when it quotes input holding half a character (a lone surrogate).
        for name in ("field", "message"):
            text = getattr(self, name)
            if isinstance(text, str) and not _encodable(text):
                object.__setattr__(self, name, text.encode("utf-8", "backslashreplace").decode())

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


class ValidationFailed(Exception):
    """Raised when input is refused. Nothing has been changed when this is raised."""

    def __init__(self, errors: Iterable[FieldError]) -> None:
        self.errors: tuple[FieldError, ...] = tuple(errors)
        if not self.errors:
            raise ValueError("ValidationFailed needs at least one error")
        super().__init__("; ".join(str(e) for e in self.errors))

    @classmethod
    def single(cls, field: str, message: str) -> ValidationFailed:
        return cls([FieldError(field, message)])

    def prefixed(self, prefix: str) -> ValidationFailed:
        """The same errors with their field names placed under ``prefix`` (e.g. a row)."""
        return ValidationFailed(
            FieldError(f"{prefix}.{e.field}" if e.field else prefix, e.message) for e in self.errors
        )

    def as_dict(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for e in self.errors:
            out.setdefault(e.field, []).append(e.message)
        return out


class ErrorCollector:
    """Collects every problem with an input before refusing it, so users fix all at once."""

    def __init__(self) -> None:
        self._errors: list[FieldError] = []

    def add(self, field: str, message: str) -> None:
        self._errors.append(FieldError(field, message))

    def extend(self, failure: ValidationFailed, prefix: str | None = None) -> None:
        self._errors.extend((failure.prefixed(prefix) if prefix else failure).errors)

    @property
    def errors(self) -> tuple[FieldError, ...]:
        return tuple(self._errors)

    @property
    def fields(self) -> frozenset[str]:
        return frozenset(e.field for e in self._errors)

    def __len__(self) -> int:
        return len(self._errors)

    def raise_if_any(self) -> None:
        if self._errors:
            raise ValidationFailed(self._errors)


class Conflict(Exception):
    """A write was based on a version of a record that someone else has since changed.

    Nothing has been saved. ``current_version`` is the version the record has now, so an
    interface can offer to show it; ``expected_version`` the one the writer had read.
    """

    def __init__(self, what: str, expected_version: int, current_version: int) -> None:
        self.what = what
        self.expected_version = expected_version
        self.current_version = current_version
        super().__init__(
            f"Someone else changed this {what} after you opened it (you had version "
            f"{expected_version}; it is now version {current_version}). Nothing was saved: "
            f"look at the {what} as it is now and make your change again."
        )
