"""Carepool: pooled health and social care budgets."""

__version__ = "0.1.0"
