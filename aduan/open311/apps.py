from django.apps import AppConfig


class Open311Config(AppConfig):
    name = "aduan.open311"
    label = "open311"
    verbose_name = "Open311 GeoReport v2"

    def ready(self):
        from aduan.web.openapi import openapi_part_register

        from .openapi import openapi_part

        openapi_part_register(openapi_part)
