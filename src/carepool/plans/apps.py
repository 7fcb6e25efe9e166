from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "carepool.plans"
    label = "plans"
    verbose_name = "Yearly plans and minimum allocations"
