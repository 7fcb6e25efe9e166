from tests.fixtures import _audit_triggers_restored, flushable_audit, world  # noqa: F401
