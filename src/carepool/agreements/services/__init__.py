"""Writing agreements, contributions, variations and approvals.

Every function here: checks who is asking, validates the whole input through the core (all
problems reported at once, each naming its field), writes inside one transaction, and records
what changed in the audit trail. Views, the API, the CLI and importers call these and nothing
else, so they cannot disagree.

One module per context; callers use ``from carepool.agreements import services`` and the
names below, so where a function lives can change without them changing.
"""

from carepool.agreements.services._loading import require_editor, require_money_editor
from carepool.agreements.services._snapshots import (
    AGREEMENT_FIELDS,
    TEXT_FIELDS,
    agreement_snapshot,
    contribution_snapshot,
)
from carepool.agreements.services.agreements import (
    create_agreement,
    delete_agreement,
    update_agreement,
)
from carepool.agreements.services.approvals import approve_agreement
from carepool.agreements.services.contributions import (
    add_contribution,
    delete_contribution,
    update_contribution,
    vary_contribution,
)
from carepool.agreements.services.partners import accept_invitation, decline_invitation
from carepool.agreements.services.risk_share import (
    add_risk_share_provision,
    remove_risk_share_provision,
)

__all__ = [
    "AGREEMENT_FIELDS",
    "TEXT_FIELDS",
    "accept_invitation",
    "add_contribution",
    "add_risk_share_provision",
    "agreement_snapshot",
    "approve_agreement",
    "contribution_snapshot",
    "create_agreement",
    "decline_invitation",
    "delete_agreement",
    "delete_contribution",
    "remove_risk_share_provision",
    "require_editor",
    "require_money_editor",
    "update_agreement",
    "update_contribution",
    "vary_contribution",
]
