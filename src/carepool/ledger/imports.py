"""Importing a partner's monthly actuals into an agreement's ledger (docs/ledger-imports.md,
docs/adr/0020-ledger-imports.md).

``import_actuals`` takes one file (CSV or .xlsx) for one calendar month from one partner's
ledger and posts every line, or nothing:

- **atomic**: the whole file is checked first (every line's values, scheme, partner, date in
  the month, references unique in the file); one bad line and nothing is written, and the
  refusal lists every bad line (up to ``MAX_ERRORS``, then how many more) by file, line and
  field;
- **idempotent**: the same file again (same SHA-256 for the same agreement, month and source)
  adds nothing and says so; a different file for a month and source that already has an
  import is refused unless ``replace`` is given, which reverses every transfer of the old
  batch and posts the new, in one transaction;
- **streaming**: the file is read once, a line at a time, and checked; the checked lines go
  to a temporary file as compact typed tuples, a chunk at a time, and are posted from there
  in the Poster's chunks; what is held in memory besides a chunk is an 8-byte hash of each
  reference (to refuse duplicates);
- **audited once**: one audit event per file (who, interface, file name, SHA-256, rows,
  total, period, the batch replaced); every transfer carries its batch id and line;
- **releasing commitments**: an actual whose ``order`` names a commitment of the agreement
  also posts a release of what remains of it, up to the actual's amount.
"""

from __future__ import annotations

import hashlib
import marshal
import tempfile
from array import array
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import date
from itertools import pairwise
from typing import Any, BinaryIO

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from carepool.agreements.models import Agreement
from carepool.agreements.services._loading import _load_agreement, require_editor
from carepool.audit.models import Action
from carepool.audit.services import Actor, Change, record
from carepool.core import ledger as core
from carepool.core import parse
from carepool.core.actuals import parse_line
from carepool.core.errors import FieldError, ValidationFailed, shown
from carepool.core.money import Money
from carepool.core.periods import FinancialYear
from carepool.io.actuals import ActualsReader, open_actuals
from carepool.io.results import Progress, no_progress
from carepool.ledger.commitments import OpenCommitment, open_commitments
from carepool.ledger.models import ImportBatch, Transfer
from carepool.ledger.posting import Poster, closed_months, partner_ids
from carepool.ledger.schemes import known_schemes

MAX_ERRORS = 100
DEFAULT_MAX_BYTES = 200 * 1024 * 1024
PROGRESS_EVERY = 10_000
SPILL_CHUNK = 20_000
_REVERSE_PAGE = 5_000


def max_bytes() -> int:
    """The largest file accepted (setting ``CAREPOOL_LEDGER_IMPORT_MAX_BYTES``)."""
    return int(getattr(settings, "CAREPOOL_LEDGER_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


@dataclass(frozen=True)
class ImportOutcome:
    batch_id: int
    agreement_id: int
    month: int  # yyyymm
    source: str
    file_name: str
    sha256: str
    rows: int
    total_pence: int  # the lines' amounts added up (refunds negative)
    unchanged: bool  # the same file was already imported: nothing was added
    replaced_batch_id: int | None = None
    reversed_transfers: int = 0
    releases: int = 0
    released_pence: int = 0

    @property
    def period(self) -> str:
        return core.month_name(self.month)

    @property
    def total(self) -> Money:
        return Money(self.total_pence)

    def to_dict(self) -> dict[str, Any]:
        return {
            **asdict(self),
            "month": f"{self.month // 100}-{self.month % 100:02d}",
            "period": self.period,
            "total": self.total.plain(),
            "released": Money(self.released_pence).plain(),
        }


parse_month = core.parse_month


def _measure(data: BinaryIO, file_name: str) -> tuple[int, str]:
    """The file's size and SHA-256, refusing an empty file or one over the size limit."""
    limit = max_bytes()
    data.seek(0)
    digest = hashlib.sha256()
    size = 0
    while chunk := data.read(1 << 20):
        size += len(chunk)
        if size > limit:
            raise ValidationFailed.single(
                file_name,
                f"The file is larger than the {limit / 1024 / 1024:,.0f} MB Carepool takes in "
                "one import; split it (one file per month and partner), or ask an administrator "
                "to raise CAREPOOL_LEDGER_IMPORT_MAX_BYTES",
            )
        digest.update(chunk)
    data.seek(0)
    if size == 0:
        raise ValidationFailed.single(
            file_name, "The file is empty: give the headings, then one line per actual"
        )
    return size, digest.hexdigest()


class _Errors:
    """Every problem in the file, up to ``MAX_ERRORS``, then a count of the rest."""

    def __init__(self, reader: ActualsReader) -> None:
        self.reader = reader
        self.errors: list[FieldError] = []
        self.more = 0

    def add(self, line: int, column: str, message: str) -> None:
        if len(self.errors) >= MAX_ERRORS:
            self.more += 1
        elif column.startswith(self.reader.file_name):  # placed by the reader already
            self.errors.append(FieldError(column, message))
        else:
            self.errors.append(FieldError(self.reader.where(line, column), message))

    def raise_if_any(self) -> None:
        if self.more:
            self.errors.append(
                FieldError(
                    self.reader.where(),
                    f"and {self.more:,} more problems not listed (only the first {MAX_ERRORS} "
                    "are shown); nothing was imported",
                )
            )
        if self.errors:
            raise ValidationFailed(self.errors)


class _Spill:
    """The checked lines as compact typed tuples in a temporary file, a chunk at a time
    (``marshal``), so the posting pass neither re-reads and re-parses the file nor holds it."""

    def __init__(self) -> None:
        self.file = tempfile.TemporaryFile()  # noqa: SIM115 - closed by the import
        self.buffer: list[tuple[Any, ...]] = []

    def add(self, row: tuple[Any, ...]) -> None:
        self.buffer.append(row)
        if len(self.buffer) >= SPILL_CHUNK:
            self._dump()

    def _dump(self) -> None:
        marshal.dump(self.buffer, self.file)
        self.buffer = []

    def rows(self) -> Iterator[tuple[Any, ...]]:
        if self.buffer:
            self._dump()
        self.file.seek(0)
        while True:
            try:
                # Safe: the file is this import's own, written above by this process.
                chunk = marshal.load(self.file)  # noqa: S302
            except EOFError:
                return
            yield from chunk

    def close(self) -> None:
        self.file.close()


@dataclass
class _Checked:
    rows: int
    total_pence: int
    orders: set[str]
    spill: _Spill


class _Context:
    """What every line is checked against: loaded once per import, no query per line."""

    def __init__(
        self,
        agreement: Agreement,
        month: int,
        schemes: dict[str, str],
        partners: dict[str, int],
        closed: frozenset[int],
    ) -> None:
        self.agreement = agreement
        self.month = month
        self.month_name = core.month_name(month)
        self.year = FinancialYear.containing(core.month_start(month)).label
        self.schemes = schemes
        self.partners = partners
        self.closed = closed


def _check(reader: ActualsReader, ctx: _Context, progress: Progress) -> _Checked:
    """The first pass: every line checked, nothing written."""
    errors = _Errors(reader)
    spill = _Spill()
    keep = spill.add
    # References seen, as 8-byte hashes (not a set of strings: a million lines would hold
    # over 100 MB); equal hashes are confirmed against the spilled lines afterwards.
    hashes = array("q")
    orders: set[str] = set()
    rows = total = 0
    schemes, partners, month = ctx.schemes, ctx.partners, ctx.month
    for line, cells in reader.rows():
        parsed = cells if isinstance(cells, list) else parse_line(cells)
        rows += 1
        if rows % PROGRESS_EVERY == 0:
            progress(rows, 0, "checking")
        if isinstance(parsed, list):
            for e in parsed:
                errors.add(line, e.field, e.message)
            continue
        if parsed.scheme not in schemes:
            errors.add(
                line,
                "scheme",
                f"'{shown(parsed.scheme)}' is not a scheme of this agreement in {ctx.year}; "
                f"use one of: {', '.join(sorted(schemes)[:20]) or '(none registered)'}",
            )
        if parsed.partner not in partners:
            errors.add(
                line,
                "partner",
                f"'{shown(parsed.partner)}' is not a partner in this agreement; give the "
                "responsible partner's organisation code, one of: " + ", ".join(sorted(partners)),
            )
        key = parsed.day.year * 100 + parsed.day.month
        if key != month:
            closed = " (a closed month)" if key in ctx.closed else ""
            errors.add(
                line,
                "date",
                f"{parsed.day.isoformat()} is in {core.month_name(key)}{closed}, not "
                f"{ctx.month_name}, the month this file is for",
            )
        if parsed.reference:
            hashes.append(_key(parsed.reference))
        if parsed.order:
            orders.add(parsed.order)
        total += parsed.pence
        keep((line, parsed.day.toordinal(), *parsed[1:]))
    _duplicates(hashes, spill, errors)
    try:
        errors.raise_if_any()
        if rows == 0:
            raise reader.refuse(
                "The file has no lines of actuals: give the headings, then one line per actual"
            )
    except ValidationFailed:
        spill.close()
        raise
    return _Checked(rows, total, orders, spill)


_key = hash  # a reference's 8-byte key; equal keys are confirmed by comparing the text


def _duplicates(hashes: array[int], spill: _Spill, errors: _Errors) -> None:
    """Refuse every line whose reference an earlier line of the file has, naming both."""
    ordered = sorted(hashes)
    del hashes[:]
    suspects = {a for a, b in pairwise(ordered) if a == b}
    del ordered
    if not suspects:
        return
    first: dict[str, int] = {}
    for row in spill.rows():
        line, reference = row[0], row[6]
        if reference and _key(reference) in suspects:
            earlier = first.setdefault(reference, line)
            if earlier != line:
                errors.add(
                    line,
                    "reference",
                    f"'{shown(reference)}' is also the reference on line {earlier}; a "
                    "reference appears once in a file",
                )


def _reverse(poster: Poster, old: ImportBatch) -> int:
    """Post the reversal of every line (actuals and releases) of ``old``, linked to each; the
    reversals carry the old batch's id and line, so a replaced batch nets to nothing."""
    by_id = {pk: account for account, pk in poster.accounts.items()}
    count = 0
    last = 0
    while True:
        page = list(
            Transfer.objects.filter(batch=old, id__gt=last)
            .exclude(kind=core.EntryKind.REVERSAL)
            .order_by("id")
            .values_list(
                "id",
                "debit_id",
                "credit_id",
                "amount_pence",
                "day",
                "kind",
                "line",
                "provider",
                "description",
                "reference",
                "order_ref",
            )[:_REVERSE_PAGE]
        )
        if not page:
            return count
        for pk, debit, credit, pence, day, kind, line, provider, description, ref, order in page:
            original = core.Transfer(
                by_id[debit],
                by_id[credit],
                Money(pence),
                day,
                core.EntryKind(kind),
                core.LineDetail(provider, description, ref, "", order),
            )
            poster.add(core.reversal(original, day), batch_id=old.pk, line=line, reverses=pk)
            count += 1
        last = page[-1][0]


def _post(
    poster: Poster,
    batch_id: int,
    checked: _Checked,
    commitments: dict[str, OpenCommitment],
    progress: Progress,
) -> tuple[int, int]:
    """The second pass: every checked line posted, and the commitments they name released.
    Returns the releases' count and pence."""
    remaining = {ref: c.remaining_pence for ref, c in commitments.items()}
    releases = released = done = 0
    actual, detail_of, add = core.actual, core.LineDetail, poster.add
    days: dict[int, date] = {}
    for (
        line,
        ordinal,
        scheme,
        partner,
        provider,
        description,
        reference,
        order,
        pence,
    ) in checked.spill.rows():
        day = days.get(ordinal)
        if day is None:
            day = days[ordinal] = date.fromordinal(ordinal)
        detail = detail_of(provider, description, reference, "", order)
        add(actual(scheme, partner, Money(pence), day, detail), batch_id=batch_id, line=line)
        if order and pence > 0 and remaining.get(order, 0) > 0:
            c = commitments[order]
            amount = min(pence, remaining[order])
            remaining[order] -= amount
            add(
                core.release(c.scheme, c.partner, Money(amount), day, detail),
                batch_id=batch_id,
                line=line,
            )
            releases += 1
            released += amount
        done += 1
        if done % PROGRESS_EVERY == 0:
            progress(done, checked.rows, "posting")
    poster.flush()
    progress(done, checked.rows, "posted")
    return releases, released


def _outcome(batch: ImportBatch, source: str, unchanged: bool, **more: Any) -> ImportOutcome:
    return ImportOutcome(
        batch_id=batch.pk,
        agreement_id=batch.agreement_id,
        month=batch.month,
        source=source,
        file_name=batch.file_name,
        sha256=batch.sha256,
        rows=batch.rows,
        total_pence=batch.total_pence,
        unchanged=unchanged,
        **more,
    )


def _check_month(agreement: Agreement, month: int, closed: frozenset[int]) -> None:
    first = core.month_start(month)
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    if first > agreement.end_date or following <= agreement.start_date:
        raise ValidationFailed.single(
            "month",
            f"{core.month_name(month)} is outside the agreement, which runs from "
            f"{agreement.start_date.isoformat()} to {agreement.end_date.isoformat()}",
        )
    if month in closed:
        raise ValidationFailed.single(
            "month",
            f"{core.month_name(month)} is closed: nothing more can be imported into it; post a "
            "correction in an open month instead",
        )


def import_actuals(
    actor: Actor,
    agreement_id: int | str,
    *,
    month: str,
    source: str,
    file_name: str,
    data: BinaryIO,
    replace: bool = False,
    progress: Progress = no_progress,
) -> ImportOutcome:
    """Post a partner's actuals for one month from one file, or refuse it whole (see the
    module's docstring). ``data`` must be seekable (an open file, an upload)."""
    name = parse.text(str(file_name).replace("\\", "/").rsplit("/", 1)[-1], "file_name")
    name = name[-300:] or "upload"
    key = parse_month(month)
    code = parse.text(source, "source", required=True, max_length=30).upper()
    _size, sha256 = _measure(data, name)
    reader = open_actuals(name, data)
    with transaction.atomic():
        agreement = _load_agreement(actor, agreement_id)
        require_editor(actor, agreement)
        partners = partner_ids(agreement)
        if code not in partners:
            raise ValidationFailed.single(
                "source",
                f"{shown(code)} is not a partner in this agreement; the file must come from one "
                "of: " + ", ".join(sorted(partners)),
            )
        active = (
            ImportBatch.objects.filter(
                agreement=agreement, month=key, source_id=partners[code], replaced_by__isnull=True
            )
            .select_related("source")
            .first()
        )
        if active is not None and active.sha256 == sha256:
            return _outcome(active, code, unchanged=True)
        closed = closed_months(agreement.pk)
        _check_month(agreement, key, closed)
        if active is not None and not replace:
            raise ValidationFailed.single(
                "replace",
                f"{core.month_name(key)} from {code} was already imported from a different file "
                f"({active.file_name}, batch {active.pk}, {active.rows:,} lines, by "
                f"{active.imported_by_name}); to replace it, import again asking to replace "
                "(its lines are reversed and the new file's posted)",
            )
        schemes = known_schemes(agreement, FinancialYear.containing(core.month_start(key)).label)
        ctx = _Context(agreement, key, schemes, partners, closed)
        checked = _check(reader, ctx, progress)
        now = timezone.now()
        if active is not None:
            # One active batch per month and source (a unique constraint, checked at once on
            # PostgreSQL): the old one is marked replaced (by itself for this instant) before
            # the new one exists, then pointed at the new one below.
            active.replaced_by = active
            active.replaced_at = now
            active.save(update_fields=["replaced_by", "replaced_at"])
        batch = ImportBatch.objects.create(
            agreement=agreement,
            month=key,
            source_id=partners[code],
            file_name=name,
            sha256=sha256,
            rows=checked.rows,
            total_pence=checked.total_pence,
            interface=actor.interface,
            imported_by=actor.user,
            imported_by_name=actor.name[:200],
            imported_at=now,
        )
        poster = Poster(agreement, posted_at=now, partners=partners, closed=closed)
        reversed_count = 0
        if active is not None:
            reversed_count = _reverse(poster, active)
            poster.flush()
            active.replaced_by = batch
            active.save(update_fields=["replaced_by"])
        # What remains of each order named, once the old batch's releases are given back.
        commitments = open_commitments(agreement.pk, checked.orders) if checked.orders else {}
        try:
            releases, released = _post(poster, batch.pk, checked, commitments, progress)
        finally:
            checked.spill.close()
        outcome = _outcome(
            batch,
            code,
            unchanged=False,
            replaced_batch_id=active.pk if active is not None else None,
            reversed_transfers=reversed_count,
            releases=releases,
            released_pence=released,
        )
        record(
            actor,
            Change(
                Action.CREATE,
                "ledger import",
                batch.pk,
                f"{name} ({outcome.period}, {code})",
                {
                    "file_name": [None, name],
                    "sha256": [None, sha256],
                    "rows": [None, checked.rows],
                    "total": [None, outcome.total.plain()],
                    "period": [None, outcome.period],
                    "source": [None, code],
                    "replaces_batch": [None, outcome.replaced_batch_id],
                    "releases": [None, releases],
                },
                agreement_id=agreement.pk,
                summary=(
                    f"Imported {checked.rows:,} lines of {outcome.period} actuals from {code} "
                    f"({outcome.total})"
                    + (f", replacing batch {active.pk}" if active is not None else "")
                ),
            ),
        )
        return outcome


# Reading: the imports of an agreement -------------------------------------------------------


def imports_of(agreement: Agreement) -> QuerySet[ImportBatch]:
    """The agreement's import batches, newest first (the caller has checked who may see
    the agreement: ``carepool.agreements.selectors.get_agreement``)."""
    return (
        ImportBatch.objects.filter(agreement=agreement)
        .select_related("source")
        .order_by("-imported_at", "-pk")
    )


def batch_record(batch: ImportBatch) -> dict[str, Any]:
    """An import batch as the API and the CLI show it."""
    return {
        "id": batch.pk,
        "agreement_id": batch.agreement_id,
        "month": f"{batch.month // 100}-{batch.month % 100:02d}",
        "period": core.month_name(batch.month),
        "source": batch.source.code,
        "source_name": batch.source.name,
        "file_name": batch.file_name,
        "sha256": batch.sha256,
        "rows": batch.rows,
        "total": Money(batch.total_pence).plain(),
        "total_pence": batch.total_pence,
        "interface": batch.interface,
        "imported_by": batch.imported_by_name,
        "imported_at": batch.imported_at.isoformat(),
        "active": batch.replaced_by_id is None,
        "replaced_by": batch.replaced_by_id,
        "replaced_at": batch.replaced_at.isoformat() if batch.replaced_at else None,
    }
