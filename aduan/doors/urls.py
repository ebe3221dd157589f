from django.urls import path

from . import sms_gateway, telegram, twilio, whatsapp, x

app_name = "doors"

# Fixed paths: providers are pointed at these (see README, "Channels").
urlpatterns = [
    path("sms", sms_gateway.inbound, name="sms"),
    path("twilio/sms", twilio.inbound, name="twilio_sms"),
    path("whatsapp", whatsapp.webhook, name="whatsapp"),
    path("telegram", telegram.webhook, name="telegram"),
    path("x", x.webhook, name="x"),
]
