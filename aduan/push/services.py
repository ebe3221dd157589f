"""Subscribe a device to push notifications, and queue them through the outbox."""

from collections import defaultdict
from typing import NamedTuple
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from aduan.channels.models import OutboundChannel, OutboundMessage
from aduan.channels.tasks import kick_after_commit
from aduan.errors import InvalidInput

from .models import PushSubscription
from .vapid import b64url_decode

# A push message carries at most 4096 bytes once encrypted (RFC 8291 §4).
MAX_TEXT = 1500


def _checked(endpoint: str, p256dh: str, auth: str) -> None:
    parts = urlsplit(endpoint)
    local = settings.DEBUG or parts.hostname in ("127.0.0.1", "localhost")
    if parts.scheme != "https" and not (parts.scheme == "http" and local):
        raise InvalidInput(_("The push endpoint must be an https:// address."), field="endpoint")
    try:
        key, secret = b64url_decode(p256dh), b64url_decode(auth)
    except ValueError:
        key = secret = b""
    if len(key) != 65 or key[0] != 4 or len(secret) != 16:
        raise InvalidInput(_("The subscription keys are not a P-256 key and a 16-byte auth "
                             "secret in base64url."), field="keys")


def push_subscribe(*, endpoint: str, p256dh: str, auth: str, user=None,
                   report=None) -> PushSubscription:
    """Register (or refresh the keys of) a device for an account or for one report."""
    _checked(endpoint, p256dh, auth)
    owner = {"user": user} if user is not None else {"report": report}
    subscription, _created = PushSubscription.objects.update_or_create(
        endpoint=endpoint, **owner, defaults={"p256dh": p256dh, "auth": auth})
    return subscription


def push_unsubscribe(*, endpoint: str, user=None, report=None) -> int:
    owner = {"user": user} if user is not None else {"report": report}
    return PushSubscription.objects.filter(endpoint=endpoint, **owner).delete()[0]


class PushNote(NamedTuple):
    report_id: int
    reporter_id: int | None
    subject: str
    body: str
    purpose: str
    event_id: int | None
    url: str


def _devices(notes: list[PushNote]) -> tuple[dict, dict]:
    """Subscription ids by report and by account, in two indexed look-ups per chunk."""
    by_report, by_user = defaultdict(set), defaultdict(set)
    report_ids = [n.report_id for n in notes]
    user_ids = list({n.reporter_id for n in notes if n.reporter_id})
    for start in range(0, len(report_ids), 5000):
        for pk, report_id in PushSubscription.objects.filter(
                report_id__in=report_ids[start:start + 5000]).values_list("pk", "report_id"):
            by_report[report_id].add(pk)
    for start in range(0, len(user_ids), 5000):
        for pk, user_id in PushSubscription.objects.filter(
                user_id__in=user_ids[start:start + 5000]).values_list("pk", "user_id"):
            by_user[user_id].add(pk)
    return by_report, by_user


def push_queue(notes: list[PushNote]) -> int:
    """Queue one notification per device of each note's reporter; runs in the caller's transaction.

    Devices of the reporter's account and devices that subscribed with the
    report's PIN; a message is unique per (event, device), so a repeat of the
    same event queues nothing.
    """
    if not notes:
        return 0
    by_report, by_user = _devices(notes)
    now = timezone.now()
    rows = [OutboundMessage(channel=OutboundChannel.WEBPUSH, recipient=f"push:{pk}",
                            subject=note.subject[:250], body=note.body[:MAX_TEXT],
                            purpose=note.purpose, event_id=note.event_id, next_attempt_at=now,
                            payload={"subscription": pk, "url": note.url})
            for note in notes
            for pk in sorted(by_report[note.report_id] | by_user[note.reporter_id])]
    OutboundMessage.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    if rows:
        kick_after_commit()
    return len(rows)
