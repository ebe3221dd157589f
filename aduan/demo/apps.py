from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "aduan.demo"
    verbose_name = "Demo and training data"
