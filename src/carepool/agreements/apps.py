from django.apps import AppConfig


class AgreementsConfig(AppConfig):
    name = "carepool.agreements"
    label = "agreements"
    verbose_name = "Partnership agreements and contributions"
