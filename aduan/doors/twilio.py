"""SMS in Twilio's webhook format, and out through Twilio's REST API.

In: ``POST /channels/twilio/sms`` with the form fields Twilio sends
(``MessageSid``, ``From``, ``To``, ``Body``, ``NumMedia``, ``MediaUrl0``...).
``X-Twilio-Signature`` is checked as Twilio documents it: the full URL Twilio
called (``ADUAN_SITE_URL`` + path and query), then every POST parameter sorted
by name with its name and value appended without separators, HMAC-SHA1 with the
auth token, base64. Answered with empty TwiML (replies go through the outbox).
"""

import base64
import hashlib
import hmac
import json
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponseNotAllowed
from django.views.decorators.csrf import csrf_exempt

from aduan.channels.inbound import inbound_store
from aduan.channels.models import OutboundMessage, Provider
from aduan.channels.parsers import Incoming, Unreadable, parser_register
from aduan.channels.transports import PermanentFailure
from aduan.reports.attachments import Upload

from .common import door_settings, empty_twiml, http_call, raw_body, refused, too_big

MAX_MEDIA = 5


def configured() -> bool:
    config = settings.CHANNEL_DOORS["twilio"]
    return bool(config["ACCOUNT_SID"] and config["AUTH_TOKEN"])


def signature(token: str, url: str, params: dict[str, list[str]]) -> str:
    """Twilio's X-Twilio-Signature for a POST to ``url`` with form ``params``."""
    data = url + "".join(name + value for name in sorted(params)
                         for value in sorted(params[name]))
    mac = hmac.new(token.encode(), data.encode("utf-8"), hashlib.sha1)
    return base64.b64encode(mac.digest()).decode()


@csrf_exempt
def inbound(request):
    config = door_settings("twilio", "ACCOUNT_SID", "AUTH_TOKEN")
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if raw_body(request) is None:
        return too_big()
    params = {name: request.POST.getlist(name) for name in request.POST}
    url = settings.SITE_URL.rstrip("/") + request.get_full_path()
    given = request.headers.get("X-Twilio-Signature", "")
    if not given or not hmac.compare_digest(signature(config["AUTH_TOKEN"], url, params), given):
        return refused(403)
    fields = {name: values[-1] for name, values in params.items()}
    sid, sender = fields.get("MessageSid") or fields.get("SmsSid"), fields.get("From", "")
    if sid and sender:
        inbound_store(provider=Provider.TWILIO, provider_message_id=sid, sender=sender,
                      payload=fields)
    else:
        inbound_store(provider=Provider.TWILIO, provider_message_id="raw:" + hashlib.sha256(
            json.dumps(fields, sort_keys=True).encode()).hexdigest(), sender="",
            payload={"unreadable": fields})
    return empty_twiml()


def parse(payload: dict) -> Incoming:
    if "unreadable" in payload or not isinstance(payload.get("Body", ""), str):
        raise Unreadable("not a Twilio message")
    try:
        count = min(int(payload.get("NumMedia") or 0), MAX_MEDIA)
    except ValueError:
        raise Unreadable("NumMedia is not a number") from None
    uploads = [Upload(f"media{i}", _media(payload.get(f"MediaUrl{i}", "")))
               for i in range(count) if payload.get(f"MediaUrl{i}")]
    return Incoming(text=payload.get("Body", ""), uploads=uploads)


def _auth() -> dict:
    config = settings.CHANNEL_DOORS["twilio"]
    pair = f"{config['ACCOUNT_SID']}:{config['AUTH_TOKEN']}".encode()
    return {"Authorization": "Basic " + base64.b64encode(pair).decode()}


def _media(url: str) -> bytes:
    # Twilio media may require HTTP basic auth with the account's credentials.
    return http_call(url, headers=_auth())


def send(message: OutboundMessage) -> str:
    config = settings.CHANNEL_DOORS["twilio"]
    if not (configured() and config["FROM"]):
        raise PermanentFailure("Twilio is not configured")
    url = (f"{config['API_BASE'].rstrip('/')}/2010-04-01/Accounts/{config['ACCOUNT_SID']}"
           "/Messages.json")
    body = urlencode({"To": message.recipient, "From": config["FROM"],
                      "Body": message.body}).encode()
    answer = http_call(url, data=body, headers={
        **_auth(), "Content-Type": "application/x-www-form-urlencoded"})
    try:
        return str(json.loads(answer).get("sid", ""))[:120]
    except (ValueError, AttributeError):
        return ""


parser_register(Provider.TWILIO, parse)
