from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "carepool.accounts"
    label = "accounts"
    verbose_name = "People, roles and log-in"
