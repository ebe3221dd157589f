"""The outbox's sender for web push: RFC 8291 encryption (aes128gcm) and a VAPID signature.

The push service answers 201 when it has taken the message; 404 and 410 mean
the browser dropped the subscription (it is deleted and the message is a dead
letter), other 4xx refusals are permanent, and 429 or 5xx are worth a retry.
"""

import json
import os
import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit

import http_ece
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings

from aduan.channels.models import OutboundMessage
from aduan.channels.transports import PermanentFailure

from .models import PushSubscription
from .vapid import b64url_decode, vapid_key

TTL_SECONDS = 4 * 24 * 3600
TIMEOUT_SECONDS = 10


def encrypt(plaintext: bytes, subscription: PushSubscription) -> bytes:
    """The message body for one device: a fresh sender key and salt every time."""
    return http_ece.encrypt(
        plaintext, salt=os.urandom(16), private_key=ec.generate_private_key(ec.SECP256R1()),
        dh=b64url_decode(subscription.p256dh), auth_secret=b64url_decode(subscription.auth),
        version="aes128gcm")


def vapid_headers(endpoint: str) -> dict[str, str]:
    parts = urlsplit(endpoint)
    claims = {"aud": f"{parts.scheme}://{parts.netloc}", "exp": int(time.time()) + 12 * 3600,
              "sub": settings.ADUAN["VAPID_SUBJECT"]}
    return vapid_key().sign(claims)


def _request(subscription: PushSubscription, body: bytes) -> urllib.request.Request:
    headers = {"Content-Encoding": "aes128gcm", "Content-Type": "application/octet-stream",
               "TTL": str(TTL_SECONDS), "Urgency": "normal",
               **vapid_headers(subscription.endpoint)}
    return urllib.request.Request(subscription.endpoint, data=body, headers=headers,
                                  method="POST")


def webpush_send(message: OutboundMessage) -> str:
    subscription = PushSubscription.objects.filter(pk=message.payload.get("subscription")).first()
    if subscription is None:
        raise PermanentFailure("the push subscription was withdrawn")
    content = json.dumps({"title": message.subject, "body": message.body,
                          "url": message.payload.get("url", "/")}).encode("utf-8")
    try:
        with urllib.request.urlopen(_request(subscription, encrypt(content, subscription)),
                                    timeout=TIMEOUT_SECONDS) as response:
            return response.headers.get("Location", "")
    except urllib.error.HTTPError as exc:
        if exc.code in (404, 410):
            subscription.delete()
            raise PermanentFailure(f"push service: subscription gone ({exc.code})") from None
        if exc.code == 429 or exc.code >= 500:
            raise
        raise PermanentFailure(f"push service refused the message ({exc.code})") from None
