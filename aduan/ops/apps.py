from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "aduan.ops"
    label = "ops"
    verbose_name = "Operations: health, metrics, request ids"
