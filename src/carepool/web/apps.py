from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "carepool.web"
    label = "web"
    verbose_name = "Web interface"
