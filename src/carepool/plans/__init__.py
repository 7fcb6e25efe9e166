"""Yearly plans of pooled funds: versions of schemes, checked against the year's rules and
signed off by partners, the board and the national assurer (issue 7)."""
