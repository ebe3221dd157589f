from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "aduan.partners"
    label = "partners"
    verbose_name = "Partner systems"
