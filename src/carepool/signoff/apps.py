from django.apps import AppConfig


class SignOffConfig(AppConfig):
    name = "carepool.signoff"
    label = "signoff"
    verbose_name = "Sign-offs"
