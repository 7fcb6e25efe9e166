from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "carepool.audit"
    label = "audit"
    verbose_name = "Audit trail"
