from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "aduan.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from django.db.models.signals import post_migrate

        from .dbobjects import on_post_migrate

        # Schema upkeep after migrate, not a domain side effect (see dbobjects.py).
        post_migrate.connect(on_post_migrate, sender=self)
        from . import chain  # noqa: F401  registers the events stream
