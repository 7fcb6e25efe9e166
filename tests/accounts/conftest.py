from tests.fixtures import world  # noqa: F401
