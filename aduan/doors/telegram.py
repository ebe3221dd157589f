"""Telegram bot: updates by webhook, replies with ``sendMessage``.

Telegram sends each ``Update`` as JSON to ``POST /channels/telegram`` with the
secret given to ``setWebhook`` in ``X-Telegram-Bot-Api-Secret-Token``. Text,
location and photo messages are read (the largest photo size is fetched with
``getFile`` and ``/file/bot<token>/<file_path>``); other updates are acknowledged
and left alone. ``update_id`` identifies the delivery.
"""

import hmac
from decimal import Decimal, InvalidOperation
from urllib.parse import quote

from django.conf import settings
from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt

from aduan.channels.inbound import inbound_store
from aduan.channels.models import OutboundChannel, OutboundMessage, Provider
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


@csrf_exempt
def webhook(request):
    config = door_settings("telegram", "BOT_TOKEN", "SECRET_TOKEN")
    if request.method != "POST":
        return HttpResponse(status=405)
    body = raw_body(request)
    if body is None:
        return too_big()
    given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
    if not given or not hmac.compare_digest(given, config["SECRET_TOKEN"]):
        return refused()
    update = json_body(body)
    if not isinstance(update, dict) or not isinstance(update.get("update_id"), int):
        store_unreadable(Provider.TELEGRAM, body)
        return accepted()
    message = update.get("message")
    chat = (message or {}).get("chat") if isinstance(message, dict) else None
    if isinstance(chat, dict) and chat.get("id") is not None:
        inbound_store(provider=Provider.TELEGRAM, provider_message_id=str(update["update_id"]),
                      sender=str(chat["id"]), payload=message)
    return accepted()


def parse(message: dict) -> Incoming:
    if message.get("chat", {}).get("type", "private") != "private":
        return Incoming(ignore="not a private chat")
    text = str(message.get("text") or message.get("caption") or "")
    if isinstance(message.get("location"), dict):
        place = message["location"]
        try:
            lat, lng = Decimal(str(place["latitude"])), Decimal(str(place["longitude"]))
        except (KeyError, InvalidOperation):
            raise Unreadable("location without coordinates") from None
        return Incoming(text=text, latitude=lat.quantize(Decimal("0.000001")),
                        longitude=lng.quantize(Decimal("0.000001")))
    uploads = []
    photos = message.get("photo")
    if isinstance(photos, list) and photos:
        largest = max(photos, key=lambda p: p.get("file_size") or p.get("width", 0))
        uploads.append(Upload("telegram-photo", file_fetch(str(largest["file_id"]))))
    if not text and not uploads:
        raise Unreadable("no text, location or photo")
    return Incoming(text=text, uploads=uploads)


def _api(method: str) -> str:
    config = settings.CHANNEL_DOORS["telegram"]
    return f"{config['API_BASE'].rstrip('/')}/bot{config['BOT_TOKEN']}/{method}"


def file_fetch(file_id: str) -> bytes:
    found = json_body(http_call(_api(f"getFile?file_id={quote(file_id)}"))) or {}
    path = (found.get("result") or {}).get("file_path")
    if not path:
        raise Unreadable("getFile gave no file_path")
    config = settings.CHANNEL_DOORS["telegram"]
    return http_call(f"{config['API_BASE'].rstrip('/')}/file/bot{config['BOT_TOKEN']}/{path}")


def send(message: OutboundMessage) -> str:
    if not settings.CHANNEL_DOORS["telegram"]["BOT_TOKEN"]:
        raise PermanentFailure("Telegram is not configured")
    answer = http_json(_api("sendMessage"), {"chat_id": message.recipient,
                                             "text": message.body[:4096]})
    return str((answer.get("result") or {}).get("message_id", ""))[:120]


parser_register(Provider.TELEGRAM, parse)
transport_register(OutboundChannel.TELEGRAM, send)
