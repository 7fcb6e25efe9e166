from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "carepool.organisations"
    label = "organisations"
    verbose_name = "Organisations and areas"
