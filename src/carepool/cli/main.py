"""Entry point of the ``carepool`` command (``[project.scripts]`` in pyproject.toml)."""

from __future__ import annotations

from carepool.cli.bootstrap import ensure_database_folder, setup_django

setup_django()

from carepool.cli.app import app  # noqa: E402  (models need Django set up first)


def run() -> None:
    ensure_database_folder()
    app()


if __name__ == "__main__":
    run()
