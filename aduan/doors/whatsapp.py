"""WhatsApp Cloud API: webhook verification, signed notifications, messages out.

``GET /channels/whatsapp`` answers Meta's verification request (``hub.mode`` =
subscribe, ``hub.verify_token``, echo ``hub.challenge``). ``POST`` carries
``X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret, raw body)>`` and a body
``{"object": "whatsapp_business_account", "entry": [{"changes": [{"value":
{"messages": [...], "statuses": [...]}}]}]}``; each message is stored on its own
(``id`` = its wamid), statuses are ignored. Images are fetched through the media
API (``GET /{media-id}`` gives a URL, read with the same bearer token).
Outbound replies respect the 24-hour customer-service window: outside it only
the configured template is sent.
"""

import hashlib
import hmac
from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.http import HttpResponse, HttpResponseForbidden
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from aduan.channels.inbound import inbound_store
from aduan.channels.models import Contact, OutboundChannel, OutboundMessage, Provider
from aduan.channels.parsers import Incoming, Unreadable, parser_register
from aduan.channels.transports import PermanentFailure, transport_register
from aduan.reports.attachments import Upload

from .common import (
    accepted,
    door_settings,
    http_call,
    http_json,
    json_body,
    raw_body,
    refused,
    store_unreadable,
    too_big,
)

WINDOW = timedelta(hours=24)


@csrf_exempt
def webhook(request):
    config = door_settings("whatsapp", "VERIFY_TOKEN", "APP_SECRET")
    if request.method == "GET":
        return _verify(request, config)
    if request.method != "POST":
        return HttpResponse(status=405)
    body = raw_body(request)
    if body is None:
        return too_big()
    expected = "sha256=" + hmac.new(config["APP_SECRET"].encode(), body,
                                    hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, request.headers.get("X-Hub-Signature-256", "")):
        return refused()
    data = json_body(body)
    messages = _messages(data)
    if messages is None:
        store_unreadable(Provider.WHATSAPP, body)
    for message in messages or []:
        inbound_store(provider=Provider.WHATSAPP, provider_message_id=str(message["id"]),
                      sender=str(message["from"]), payload=message)
    return accepted()


def _verify(request, config: dict):
    token = request.GET.get("hub.verify_token", "")
    if request.GET.get("hub.mode") == "subscribe" and token and hmac.compare_digest(
            token, config["VERIFY_TOKEN"]):
        return HttpResponse(request.GET.get("hub.challenge", ""), content_type="text/plain")
    return HttpResponseForbidden("verification failed")


def _messages(data) -> list[dict] | None:
    """Every message in a notification; None when the body is not a notification at all."""
    if not isinstance(data, dict) or not isinstance(data.get("entry"), list):
        return None
    found = []
    for entry in data["entry"]:
        for change in (entry.get("changes") or []) if isinstance(entry, dict) else []:
            value = change.get("value") if isinstance(change, dict) else None
            for message in (value or {}).get("messages") or []:
                if isinstance(message, dict) and message.get("id") and message.get("from"):
                    found.append(message)
    return found


def parse(message: dict) -> Incoming:
    kind = message.get("type")
    if kind == "text":
        return Incoming(text=str((message.get("text") or {}).get("body", "")))
    if kind == "location":
        place = message.get("location") or {}
        try:
            lat, lng = Decimal(str(place["latitude"])), Decimal(str(place["longitude"]))
        except (KeyError, InvalidOperation):
            raise Unreadable("location without coordinates") from None
        words = " ".join(str(place.get(k, "")) for k in ("name", "address")).strip()
        return Incoming(text=words, latitude=lat.quantize(Decimal("0.000001")),
                        longitude=lng.quantize(Decimal("0.000001")))
    if kind == "image":
        image = message.get("image") or {}
        if not image.get("id"):
            raise Unreadable("image without a media id")
        return Incoming(text=str(image.get("caption", "")),
                        uploads=[Upload("whatsapp-image", media_fetch(str(image["id"])))])
    raise Unreadable(f"unsupported WhatsApp message type {str(kind)[:30]!r}")


def _bearer() -> dict:
    return {"Authorization": f"Bearer {settings.CHANNEL_DOORS['whatsapp']['TOKEN']}"}


def media_fetch(media_id: str) -> bytes:
    base = settings.CHANNEL_DOORS["whatsapp"]["API_BASE"].rstrip("/")
    meta = json_body(http_call(f"{base}/{media_id}", headers=_bearer())) or {}
    if not meta.get("url"):
        raise Unreadable("the media API gave no URL")
    return http_call(meta["url"], headers=_bearer())


def send(message: OutboundMessage) -> str:
    config = settings.CHANNEL_DOORS["whatsapp"]
    if not (config["TOKEN"] and config["PHONE_NUMBER_ID"]):
        raise PermanentFailure("WhatsApp is not configured")
    url = f"{config['API_BASE'].rstrip('/')}/{config['PHONE_NUMBER_ID']}/messages"
    to = message.recipient.lstrip("+")
    if in_window(message.payload.get("contact")):
        body = {"type": "text", "text": {"body": message.body[:4096], "preview_url": True}}
    else:
        body = {"type": "template", "template": {
            "name": config["TEMPLATE"], "language": {"code": config["TEMPLATE_LANGUAGE"]}}}
    answer = http_json(url, {"messaging_product": "whatsapp", "recipient_type": "individual",
                             "to": to, **body}, _bearer())
    ids = answer.get("messages") or [{}]
    return str(ids[0].get("id", ""))[:120] if isinstance(ids[0], dict) else ""


def in_window(contact_id) -> bool:
    """Whether the contact wrote within 24 hours (free-form messages allowed)."""
    last = Contact.objects.filter(pk=contact_id).values_list("last_inbound_at", flat=True).first()
    return last is not None and timezone.now() - last < WINDOW


parser_register(Provider.WHATSAPP, parse)
transport_register(OutboundChannel.WHATSAPP, send)
