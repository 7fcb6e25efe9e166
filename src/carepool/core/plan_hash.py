"""The content hash of a plan version: what an approval names, so it can be shown later that
the approved content is the content stored.

``content_hash`` is the SHA-256 (lower-case hex) of the UTF-8 bytes of one JSON document::

    {"declarations": [...], "format": 1, "schemes": [...]}

where ``schemes`` and ``declarations`` are ``content_to_dict``'s (money as whole pence,
decimals as exact text), with the schemes sorted by ``scheme_id`` and the declarations by
``id``, so listing the same schemes in another order is not a change. Everything inside a
scheme (funding lines, commissioners, outputs, metrics) keeps its order. Members are ordered
by ``carepool.core.audit_chain.canonical_value`` (RFC 8785 order), written with no whitespace
and without ASCII escaping. There are no floats in the document.
"""

from __future__ import annotations

import hashlib
import json

from carepool.core.audit_chain import canonical_value
from carepool.core.plan_input import content_to_dict
from carepool.core.plans import PlanContent

FORMAT = 1


def canonical_content(content: PlanContent) -> bytes:
    """The exact bytes the content hash is taken over."""
    plain = content_to_dict(content)
    document = {
        "declarations": sorted(plain["declarations"], key=lambda d: d["id"]),
        "format": FORMAT,
        "schemes": sorted(plain["schemes"], key=lambda s: s["scheme_id"]),
    }
    text = json.dumps(
        canonical_value(document, "plan"),
        ensure_ascii=False,
        separators=(",", ":"),
        allow_nan=False,
    )
    return text.encode("utf-8")


def content_hash(content: PlanContent) -> str:
    return hashlib.sha256(canonical_content(content)).hexdigest()
