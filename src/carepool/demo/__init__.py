"""A realistic demonstration: reference data, the Leeds pooled fund, a Kent outsider, log-ins."""

from carepool.demo.loader import DEMO_PASSWORD, DemoLogin, DemoSummary, load_demo

__all__ = ["DEMO_PASSWORD", "DemoLogin", "DemoSummary", "load_demo"]
