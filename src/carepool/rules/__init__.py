"""Year-keyed policy data (TOML), validated on load by ``carepool.core.rules``."""
