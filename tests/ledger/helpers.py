"""Building actuals files and importing them, for the ledger import tests."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from carepool.audit.models import Interface
from carepool.audit.services import Actor
from carepool.ledger.imports import ImportOutcome, import_actuals
from carepool.ledger.models import Scheme
from carepool.ledger.schemes import register_scheme
from tests.factories import World

COUNCIL, ICB, VCS = "E08000035", "QWO", "LEEDS-VCS"
HEADINGS = "date,scheme,partner,provider,amount,description,reference,order"


def csv_bytes(lines: Sequence[str], headings: str = HEADINGS, bom: bool = False) -> bytes:
    text = "\n".join([headings, *lines]) + "\n"
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")


def line(
    day: str = "2024-10-03",
    scheme: str = "S01",
    partner: str = COUNCIL,
    amount: str = "100.00",
    reference: str = "INV-1",
    order: str = "",
    provider: str = "Acme Care Ltd",
    description: str = "Home care hours",
) -> str:
    return f"{day},{scheme},{partner},{provider},{amount},{description},{reference},{order}"


def schemes(world: World) -> None:
    for code, name in (("S01", "Home care"), ("S02", "Reablement")):
        if not Scheme.objects.filter(agreement=world.agreement, code=code).exists():
            register_scheme(world.agreement, code, name)


def run(
    world: World,
    data: bytes,
    *,
    name: str = "october.csv",
    month: str = "2024-10",
    source: str = COUNCIL,
    replace: bool = False,
    actor: Actor | None = None,
    **kwargs: Any,
) -> ImportOutcome:
    return import_actuals(
        actor or Actor(world.finance, Interface.CLI),
        world.agreement.pk,
        month=month,
        source=source,
        file_name=name,
        data=io.BytesIO(data),
        replace=replace,
        **kwargs,
    )
