from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeadlinesConfig(AppConfig):
    name = "aduan.deadlines"
    label = "deadlines"
    verbose_name = _("Deadlines")

    def ready(self):
        from aduan.lib.versions import bump_on_change

        from .models import EscalationStep, Holiday, SlaPolicy

        # Processes keep these in memory: an edit tells every process to reload its copy.
        bump_on_change("deadlines", Holiday, SlaPolicy, EscalationStep)
