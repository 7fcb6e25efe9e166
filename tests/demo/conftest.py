import pytest

from tests.fixtures import world  # noqa: F401


@pytest.fixture(autouse=True)
def _development_machine(settings) -> None:
    """The demo loads only with debug on (tests/cli/test_setup.py checks the refusal)."""
    settings.DEBUG = True
