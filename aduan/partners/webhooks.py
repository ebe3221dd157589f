"""Webhook endpoints of API clients: add, list, remove, resume; failures and pauses.

The secret is made here, shown once, and kept to sign deliveries (an HMAC key
cannot be stored hashed). A URL must point at the public internet unless the
site allows private addresses (``ADUAN["WEBHOOKS_ALLOW_PRIVATE"]``); the same
check runs again before every delivery, against the address actually dialled.
An endpoint that failed ``PAUSE_AFTER_FAILURES`` times in a row, or has not
succeeded for ``PAUSE_AFTER``, is paused with the reason; staff resume it.
"""

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aduan.accounts.models import AuditEntry
from aduan.channels.models import (OutboundChannel, OutboundMessage, OutboundStatus,
                                   recipient_digest)
from aduan.errors import InvalidInput, NotFound
from aduan.lib.netguard import UnsafeAddress, resolve_checked, url_parts

from .models import ApiClient, EventType, WebhookEndpoint

SECRET_PREFIX = "whsec_"
PAUSE_AFTER_FAILURES = 20
PAUSE_AFTER = timedelta(hours=24)
MAX_ENDPOINTS = 10


def private_allowed() -> bool:
    return bool(settings.ADUAN.get("WEBHOOKS_ALLOW_PRIVATE"))


def webhook_url_check(url: str) -> str:
    """The URL if our worker may call it; a clear ``invalid_url`` error otherwise."""
    url = (url or "").strip()
    try:
        if len(url) > 500:
            raise UnsafeAddress("longer than 500 characters")
        scheme, host, port, _path = url_parts(url)
        if scheme != "https" and not private_allowed():
            raise UnsafeAddress("deliveries go over https only")
        resolve_checked(host, port, allow_private=private_allowed())
    except UnsafeAddress as exc:
        raise InvalidInput(_("This webhook URL cannot be used (%(reason)s). Give an https URL "
                             "on the public internet.") % {"reason": exc},
                           code="invalid_url", field="url") from None
    return url


def event_types_parse(text: str | list[str]) -> list[str]:
    items = text.split(",") if isinstance(text, str) else list(text)
    chosen = sorted({item.strip() for item in items if item.strip()})
    unknown = [item for item in chosen if item not in EventType.values]
    if unknown or not chosen:
        raise InvalidInput(_("Unknown or missing event types: %(types)s. Choose from "
                             "%(known)s.") % {"types": ", ".join(unknown) or "-",
                                              "known": ", ".join(EventType.values)},
                           code="invalid_event_types", field="events")
    return chosen


def _audit(actor, client: ApiClient, change: str, endpoint: WebhookEndpoint) -> None:
    AuditEntry.objects.create(actor=actor, action=AuditEntry.Action.CLIENT_CHANGED,
                              target=f"client:{client.pk}",
                              detail={"client": client.name, "change": change,
                                      "webhook": endpoint.pk})


def webhook_add(*, client: ApiClient, url: str, event_types, actor=None
                ) -> tuple[WebhookEndpoint, str]:
    """Register an endpoint; returns it and its signing secret (shown only once)."""
    if client.revoked_at is not None:
        raise InvalidInput(_("This client is revoked; create a new one."), code="revoked")
    url, chosen = webhook_url_check(url), event_types_parse(event_types)
    with transaction.atomic():
        if client.webhooks.count() >= MAX_ENDPOINTS:
            raise InvalidInput(_("A client may have at most %(n)d webhooks.")
                               % {"n": MAX_ENDPOINTS}, code="too_many_webhooks")
        secret = SECRET_PREFIX + secrets.token_urlsafe(32)
        endpoint = WebhookEndpoint.objects.create(client=client, url=url, secret=secret,
                                                  event_types=chosen)
        _audit(actor, client, "webhook_added", endpoint)
    return endpoint, secret


def webhook_get(*, client: ApiClient, endpoint_id: int) -> WebhookEndpoint:
    endpoint = client.webhooks.filter(pk=endpoint_id).first()
    if endpoint is None:
        raise NotFound(_("No webhook %(id)s for this client.") % {"id": endpoint_id})
    return endpoint


def webhook_remove(*, endpoint: WebhookEndpoint, actor=None) -> None:
    """Delete the endpoint; what still waits for it is not sent."""
    with transaction.atomic():
        deliveries(endpoint.pk).filter(status=OutboundStatus.PENDING).update(
            status=OutboundStatus.FAILED, claimed_until=None,
            last_error=_("The webhook was removed."))
        _audit(actor, endpoint.client, "webhook_removed", endpoint)
        endpoint.delete()


def webhook_resume(*, endpoint: WebhookEndpoint, actor=None) -> None:
    """Unpause an endpoint (the partner fixed it); failed deliveries can then be redelivered."""
    with transaction.atomic():
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
            paused_at=None, pause_reason="", failures=0, failing_since=None)
        _audit(actor, endpoint.client, "webhook_resumed", endpoint)


def recipient(endpoint_id: int) -> str:
    return f"webhook:{endpoint_id}"


def deliveries(endpoint_id: int):
    return OutboundMessage.objects.filter(channel=OutboundChannel.WEBHOOK,
                                          recipient_digest=recipient_digest(recipient(endpoint_id)))


def webhook_redeliver(*, endpoint: WebhookEndpoint, message_id: int, actor=None) -> bool:
    """Send a delivery again, sent or failed, with a fresh 24-hour retry window."""
    now = timezone.now()
    with transaction.atomic():
        changed = deliveries(endpoint.pk).filter(pk=message_id).exclude(
            status=OutboundStatus.PENDING).update(
            status=OutboundStatus.PENDING, attempts=0, claimed_until=None, next_attempt_at=now,
            created_at=now, last_error="")
        if changed:
            _audit(actor, endpoint.client, "webhook_redelivered", endpoint)
            from aduan.channels.tasks import kick_after_commit

            kick_after_commit()
    return bool(changed)


def endpoint_succeeded(endpoint: WebhookEndpoint) -> None:
    if endpoint.failures or endpoint.failing_since:
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(failures=0, failing_since=None)


def endpoint_failed(endpoint: WebhookEndpoint, error: str, now: datetime) -> None:
    """Count a failure; pause the endpoint after too many in a row or too long failing."""
    with transaction.atomic():
        current = (WebhookEndpoint.objects.select_for_update()
                   .filter(pk=endpoint.pk, paused_at__isnull=True).first())
        if current is None:
            return
        current.failures += 1
        current.failing_since = current.failing_since or now
        fields = ["failures", "failing_since"]
        if current.failures >= PAUSE_AFTER_FAILURES or now - current.failing_since >= PAUSE_AFTER:
            current.paused_at = now
            current.pause_reason = _(
                "Paused after %(n)d failed deliveries in a row since %(since)s; last error: "
                "%(error)s") % {"n": current.failures,
                                "since": current.failing_since.strftime("%Y-%m-%d %H:%M UTC"),
                                "error": error[:200]}
            fields += ["paused_at", "pause_reason"]
        current.save(update_fields=fields)
