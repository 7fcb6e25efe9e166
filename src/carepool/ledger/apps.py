from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "carepool.ledger"
    label = "ledger"
    verbose_name = "The pool's ledger: actual spend, commitments, monitoring and period close"
