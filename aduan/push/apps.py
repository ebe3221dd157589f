from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PushConfig(AppConfig):
    name = "aduan.push"
    label = "push"
    verbose_name = _("Web push notifications")

    def ready(self) -> None:
        from aduan.channels.models import OutboundChannel
        from aduan.channels.transports import transport_register

        from .transport import webpush_send

        transport_register(OutboundChannel.WEBPUSH, webpush_send)
