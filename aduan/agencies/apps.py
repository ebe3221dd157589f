from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgenciesConfig(AppConfig):
    name = "aduan.agencies"
    label = "agencies"
    verbose_name = _("Agencies and reference data")

    def ready(self):
        from aduan.lib.versions import bump_on_change

        from .models import Category, Region

        # Processes keep these in memory: an edit tells every process to reload its copy.
        bump_on_change("agencies", Category, Region)
