"""The ledger's parts together: a commitment recorded by hand, released by an import, the
import replaced; every reader of "what remains" agrees, and the integrity check passes."""

from __future__ import annotations

import pytest

from carepool.audit.models import Interface
from carepool.audit.services import Actor
from carepool.ledger import services
from carepool.ledger.commitments import remaining_pence
from carepool.ledger.entry_selectors import commitments_of
from carepool.ledger.integrity import check_ledger
from tests.factories import World
from tests.fixtures import world  # noqa: F401
from tests.ledger.helpers import COUNCIL, csv_bytes, line, run, schemes

pytestmark = pytest.mark.django_db


def test_replacing_an_import_gives_its_releases_back(world: World) -> None:  # noqa: F811
    schemes(world)
    finance = Actor(world.finance, Interface.WEB)
    services.record_commitment(
        finance,
        world.agreement.pk,
        {
            "date": "2024-10-01",
            "scheme": "S01",
            "partner": COUNCIL,
            "amount": "1000.00",
            "reference": "PO-1",
        },
    )
    run(world, csv_bytes([line(reference="INV-1", amount="600.00", order="PO-1")]))
    assert remaining_pence(world.agreement.pk, "PO-1") == 400_00
    assert [c.remaining_pence for c in commitments_of(world.agreement.pk)] == [400_00]

    # The partner re-sends October without the order: the release is reversed with the line.
    run(world, csv_bytes([line(reference="INV-1", amount="600.00")]), replace=True)

    assert remaining_pence(world.agreement.pk, "PO-1") == 1000_00
    assert [c.remaining_pence for c in commitments_of(world.agreement.pk)] == [1000_00]
    assert check_ledger(world.agreement.pk).ok
