"""The pure domain: money, periods, agreements, contributions and year-keyed rules.

Nothing here imports Django, a database driver or does I/O beyond reading the packaged
rules files through ``importlib.resources``; the import-linter contracts in pyproject.toml and
``tests/test_architecture.py`` hold that line.
"""
