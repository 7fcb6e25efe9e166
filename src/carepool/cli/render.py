"""Rich tables for people. The values are those of the --json shapes (the apps' ``records``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from rich.console import Group
from rich.table import Table
from rich.text import Text

from carepool.audit.readable import ReadableChange, ReadableEvent
from carepool.core.money import Money
from carepool.io import ImportResult

STATUS_MARKS = {
    "present": "[green]✓ present[/]",
    "missing": "[red]✗ missing[/]",
    "not_applicable": "[dim]- not applicable[/]",
}


def money(pounds: str) -> str:
    """A JSON pounds string ("1234.50") shown to people ("£1,234.50")."""
    return str(Money.from_pounds(pounds))


def _literal(title: str | None) -> Text | None:
    # Titles carry names people typed ("NHS [North] ICB"); never read them as Rich markup.
    return None if title is None else Text(title)


def table(
    title: str | None,
    headings: Iterable[str],
    rows: Iterable[Iterable[Any]],
    right: Iterable[str] = (),
) -> Table:
    aligned = set(right)
    t = Table(title=_literal(title), title_justify="left", title_style="bold")
    for heading in headings:
        t.add_column(heading, justify="right" if heading in aligned else "left", overflow="fold")
    for row in rows:
        # Cells are literal text (names and terms are typed by people); only Text carries styling.
        t.add_row(*(c if isinstance(c, Text) else Text(str(c)) for c in row))
    return t


def import_summary(results: list[ImportResult], title: str = "Imported") -> Table:
    return table(
        title,
        ("File", "What", "Created", "Updated", "Unchanged", "Skipped", "Audit events"),
        (
            (
                r.source,
                r.what
                + (f" (mid-{r.details['estimate_year']})" if "estimate_year" in r.details else ""),
                f"{r.created:,}",
                f"{r.updated:,}",
                f"{r.unchanged:,}",
                f"{r.skipped:,}",
                f"{r.audit_events:,}",
            )
            for r in results
        ),
        right=("Created", "Updated", "Unchanged", "Skipped", "Audit events"),
    )


def key_values(title: str | None, pairs: Iterable[tuple[str, Any]]) -> Table:
    t = Table(
        title=_literal(title), title_justify="left", title_style="bold", show_header=False, box=None
    )
    t.add_column("Field", style="bold", no_wrap=True)
    t.add_column("Value", overflow="fold")
    for key, value in pairs:
        t.add_row(key, Text("" if value is None else str(value)))
    return t


def completeness(data: Mapping[str, Any]) -> Group:
    missing = len(data["missing"])
    verdict = (
        "[green]Complete: the agreement states everything it must.[/]"
        if data["complete"]
        else f"[red]Incomplete: {missing} item{'s' if missing != 1 else ''} missing.[/]"
    )
    t = table(
        "Completeness",
        ("Item", "Status", "Why it is needed"),
        (
            (
                i["label"],
                Text.from_markup(STATUS_MARKS[i["status"]]),
                i["why"] + (f"\n{i['detail']}" if i.get("detail") else ""),
            )
            for i in data["items"]
        ),
    )
    return Group(t, Text.from_markup(verdict))


def totals(data: Mapping[str, Any], partner_names: Mapping[str, str], year: str) -> Table:
    rows: list[tuple[str, str]] = []
    rows += [
        (f"Partner: {partner_names.get(code, code)}", money(v))
        for code, v in data["by_partner"].items()
    ]
    rows += [(f"Stream: {code}", money(v)) for code, v in data["by_stream"].items()]
    rows += [
        ("Mandated (national minimum)", money(data["mandated"])),
        ("Additional", money(data["additional"])),
        ("Overall", money(data["overall"])),
    ]
    return table(f"Totals {year}", ("", "Amount"), rows, right=("Amount",))


def history(title: str, events: list[ReadableEvent]) -> Table:
    """Audit events in the same words as the web's history, newest first."""
    return table(
        title,
        ("When", "Who", "Via", "What", "Changes"),
        (
            (
                e.at,
                e.who + (f"\n{e.organisation}" if e.organisation else ""),
                e.interface,
                f"{e.action}: {e.subject}" + (f"\n{e.summary}" if e.summary else ""),
                _changes(e.changes),
            )
            for e in events
        ),
    )


def _changes(changes: list[ReadableChange], limit: int = 8) -> str:
    lines = [f"{c.field}: {_short(c.before)} → {_short(c.after)}" for c in changes[:limit]]
    if len(changes) > limit:
        lines.append(f"... and {len(changes) - limit} more (see --json)")
    return "\n".join(lines)


def _short(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
