from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DoorsConfig(AppConfig):
    name = "aduan.doors"
    label = "doors"
    verbose_name = _("Channel doors")

    def ready(self):
        # Each door registers its parser and its outbound transport on import.
        from . import email_in, sms_gateway, telegram, twilio, whatsapp, x  # noqa: F401
