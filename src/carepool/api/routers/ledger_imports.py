"""The ledger in the API: Importing partners' monthly actuals (CSV, xlsx): docs/ledger-imports.md."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from carepool.agreements.selectors import get_agreement
from carepool.api.context import actor_of, user_of
from carepool.api.pagination import Records, paginated
from carepool.api.responses import READ, WRITE, responses
from carepool.ledger.imports import batch_record, import_actuals, imports_of

router = Router(tags=["Ledger"])


class ImportOut(Schema):
    batch_id: int
    agreement_id: int
    month: str
    period: str
    source: str
    file_name: str
    sha256: str
    rows: int
    total: str
    total_pence: int
    unchanged: bool
    replaced_batch_id: int | None
    reversed_transfers: int
    releases: int
    released: str
    released_pence: int


class BatchOut(Schema):
    id: int
    agreement_id: int
    month: str
    period: str
    source: str
    source_name: str
    file_name: str
    sha256: str
    rows: int
    total: str
    total_pence: int
    interface: str
    imported_by: str
    imported_at: str
    active: bool
    replaced_by: int | None
    replaced_at: str | None


@router.post(
    "/agreements/{agreement_id}/ledger/imports",
    response=responses({200: ImportOut, 201: ImportOut}, WRITE),
    summary="Import a partner's monthly actuals",
)
def import_file(
    request: HttpRequest,
    agreement_id: int,
    file: File[UploadedFile],
    month: Form[str],
    source: Form[str],
    replace: Form[bool] = False,
) -> Status:
    """Post a partner's actuals for one month from a CSV (UTF-8) or .xlsx file (multipart
    upload; layout in docs/ledger-imports.md): every line or none (422 lists every bad line
    by file, line and field). ``month`` is like ``2024-10``, ``source`` the organisation code
    of the partner whose ledger the file is from. The same file again answers 200 with
    ``unchanged: true``; a different file for a month and source already imported needs
    ``replace=true``, which reverses the old lines and posts the new."""
    outcome = import_actuals(
        actor_of(request),
        agreement_id,
        month=month,
        source=source,
        file_name=file.name or "upload",
        data=file.file,
        replace=replace,
    )
    return Status(200 if outcome.unchanged else 201, outcome.to_dict())


@router.get(
    "/agreements/{agreement_id}/ledger/imports",
    response=responses({200: list[BatchOut]}, READ),
    summary="The agreement's imports of actuals",
)
@paginated
def list_imports(request: HttpRequest, agreement_id: int) -> Records[dict[str, Any]]:
    """Every file of actuals imported into the agreement's ledger, newest first, with the
    ones replaced by a later file marked ``active: false``. A page at a time."""
    agreement = get_agreement(user_of(request), agreement_id)
    return Records(imports_of(agreement), batch_record)
