from datetime import timedelta

from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "aduan.partners"
    label = "partners"
    verbose_name = "Partner systems"

    def ready(self):
        from aduan.channels.models import OutboundChannel
        from aduan.channels.transports import transport_register
        from aduan.reports.events import events_hook_register

        from .deliveries import webhook_send
        from .hooks import events_written

        transport_register(OutboundChannel.WEBHOOK, webhook_send, retry_for=timedelta(hours=24))
        events_hook_register(events_written)
