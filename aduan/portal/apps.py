from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "aduan.portal"
    verbose_name = "Public portal"
