from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "aduan.web"
    verbose_name = "Shared web pieces"
