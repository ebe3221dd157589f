"""SMS through a generic gateway (Indonesian aggregators), signed with the house scheme.

In: ``POST /channels/sms`` with JSON ``{"id", "from", "to", "text"}`` and the
``X-Aduan-Timestamp`` / ``X-Aduan-Signature`` headers (``aduan.lib.signing``).
Out: ``POST $ADUAN_SMS_GATEWAY_URL`` with JSON ``{"to", "text", "reference"}``
signed the same way. Both SMS doors share the outbound SMS channel: a reply goes
back through the door its conversation came in by.
"""

import json

from django.conf import settings
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from aduan.channels.inbound import inbound_store
from aduan.channels.models import OutboundChannel, OutboundMessage, Provider
from aduan.channels.parsers import parser_register, text_parser
from aduan.channels.transports import PermanentFailure, transport_register
from aduan.lib import signing

from . import twilio
from .common import (
    accepted,
    door_settings,
    http_call,
    json_body,
    raw_body,
    refused,
    store_unreadable,
    too_big,
)


@csrf_exempt
@require_POST
def inbound(request):
    config = door_settings("sms", "SECRET")
    body = raw_body(request)
    if body is None:
        return too_big()
    try:
        signing.verify(config["SECRET"], body, request.headers)
    except signing.SignatureError:
        return refused()
    data = json_body(body)
    if not (isinstance(data, dict) and isinstance(data.get("id"), (str, int))
            and isinstance(data.get("from"), str) and data["from"].strip()):
        store_unreadable(Provider.SMS_GATEWAY, body)
        return accepted()
    inbound_store(provider=Provider.SMS_GATEWAY, provider_message_id=str(data["id"]),
                  sender=data["from"], payload={"text": data.get("text"), "to": data.get("to")})
    return accepted()


def gateway_send(message: OutboundMessage) -> str:
    """Hand one SMS to the gateway; its answer's ``id`` (if any) is the provider reference."""
    config = settings.CHANNEL_DOORS["sms"]
    if not (config["SECRET"] and config["URL"]):
        raise PermanentFailure("the SMS gateway is not configured")
    body = json.dumps({"to": message.recipient, "text": message.body,
                       "reference": f"aduan-{message.pk}"}).encode()
    headers = {"Content-Type": "application/json", **signing.sign(config["SECRET"], body)}
    answer = json_body(http_call(config["URL"], data=body, headers=headers))
    return str(answer.get("id", ""))[:120] if isinstance(answer, dict) else ""


def sms_send(message: OutboundMessage) -> str:
    """Send by the door the conversation came in by (Twilio or the gateway)."""
    door = message.payload.get("door")
    if door == Provider.TWILIO or (door != Provider.SMS_GATEWAY and twilio.configured()
                                   and not settings.CHANNEL_DOORS["sms"]["URL"]):
        return twilio.send(message)
    return gateway_send(message)


parser_register(Provider.SMS_GATEWAY, text_parser)
transport_register(OutboundChannel.SMS, sms_send)
