"""A realistic demonstration: reference data, the Leeds pooled fund, a Kent outsider, log-ins."""

from carepool.demo.loader import (
    DEMO_PASSWORD,
    DemoLogin,
    DemoNotPossible,
    DemoSummary,
    load_demo,
    require_demo_allowed,
)

__all__ = [
    "DEMO_PASSWORD",
    "DemoLogin",
    "DemoNotPossible",
    "DemoSummary",
    "load_demo",
    "require_demo_allowed",
]
