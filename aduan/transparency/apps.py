from django.apps import AppConfig


class TransparencyConfig(AppConfig):
    name = "aduan.transparency"
    label = "transparency"
