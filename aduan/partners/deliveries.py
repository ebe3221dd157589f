"""Webhook deliveries: queued with the events that cause them, sent by the outbox worker.

``webhooks_queue`` is called (through ``reports.events``) in the transaction
that writes a batch of events, so a delivery exists exactly when its event
does. It runs a fixed handful of queries per batch, whatever the batch size
(the sweep escalates thousands of reports in one statement). Each delivery is
an outbox row, unique per (event, endpoint); its body is fixed when queued and
signed afresh at every attempt, so the timestamp is always current.
"""

import http.client
import json
import time
from collections import defaultdict

from django.db import connection
from django.utils import timezone

from aduan.channels.models import OutboundChannel, OutboundMessage
from aduan.channels.transports import PermanentFailure
from aduan.lib import outbound_http
from aduan.lib.netguard import UnsafeAddress
from aduan.lib.signing import sign
from aduan.reports.access import partner_view
from aduan.reports.models import ReportAccess, ReportEvent

from .models import ClientReport, EventType, WebhookEndpoint
from .payloads import ACTION_TYPES, event_body
from .webhooks import endpoint_failed, endpoint_succeeded, private_allowed, recipient

EVENT_ID_HEADER = "X-Aduan-Event-Id"
EVENT_TYPE_HEADER = "X-Aduan-Event-Type"
USER_AGENT = "Aduan-Webhooks/1"
PURPOSE = "webhook"
_HELD = frozenset({EventType.RESPONDED, EventType.CLOSED, EventType.ESCALATED})


class DeliveryFailed(Exception):
    """The receiver answered, but not with 2xx: worth retrying."""


def _concerns(endpoint: WebhookEndpoint, event: ReportEvent, submitter: int | None) -> bool:
    """Whether the event is the client's business (and of a type it asked for)."""
    kind = ACTION_TYPES[event.action]
    if kind not in endpoint.event_types:
        return False
    if submitter == endpoint.client_id:
        return True
    path = endpoint.client.agency.path
    if kind == EventType.DISPATCHED:
        return event.to_agency_id is not None and event.to_agency.path.startswith(path)
    holder = event.report.holder if event.report.holder_id else None
    return kind in _HELD and holder is not None and holder.path.startswith(path)


def _any_endpoint_listening() -> bool:
    """Whether any endpoint is unpaused: one bare statement, since most event writes (every
    submission) find none, and building the ORM's joined query cost more than running it."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {WebhookEndpoint._meta.db_table} "
                       "WHERE paused_at IS NULL LIMIT 1")
        return cursor.fetchone() is not None


def webhooks_queue(event_ids) -> int:
    """Queue one delivery per (event, endpoint it concerns); return how many."""
    if not _any_endpoint_listening():
        return 0
    endpoints = list(WebhookEndpoint.objects.filter(paused_at__isnull=True,
                                                    client__revoked_at__isnull=True)
                     .select_related("client__agency"))
    if not endpoints:
        return 0
    events = list(ReportEvent.objects.filter(pk__in=list(event_ids),
                                             action__in=list(ACTION_TYPES))
                  .select_related("report__holder", "to_agency"))
    if not events:
        return 0
    links = {row[0]: row[1:] for row in ClientReport.objects.filter(
        report_id__in={e.report_id for e in events}).values_list(
        "report_id", "client_id", "external_id")}
    pairs = [(endpoint, event) for event in events for endpoint in endpoints
             if _concerns(endpoint, event, links.get(event.report_id, (None,))[0])]
    if not pairs:
        return 0
    untils = defaultdict(list)
    for report_id, agency_id, until in ReportAccess.objects.filter(
            report_id__in={event.report_id for _e, event in pairs},
            agency_id__in={endpoint.client.agency_id for endpoint, _e in pairs}
    ).values_list("report_id", "agency_id", "until"):
        untils[report_id, agency_id].append(until)
    rows = [row for endpoint, event in pairs
            if (row := _delivery(endpoint, event, links, untils)) is not None]
    OutboundMessage.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)
    if rows:
        from aduan.channels.tasks import kick_after_commit

        kick_after_commit()
    return len(rows)


def _delivery(endpoint, event, links, untils) -> OutboundMessage | None:
    client = endpoint.client
    submitter, external_id = links.get(event.report_id, (None, ""))
    submitted = submitter == client.pk
    view = partner_view(scopes=client.scopes, untils=untils[event.report_id, client.agency_id],
                        submitted=submitted, report=event.report)
    if view is None:
        return None
    body = event_body(event, view=view, external_id=external_id if submitted else "")
    return OutboundMessage(
        channel=OutboundChannel.WEBHOOK, recipient=recipient(endpoint.pk), purpose=PURPOSE,
        subject=body["type"], body=json.dumps(body, ensure_ascii=False, separators=(",", ":")),
        payload={"endpoint": endpoint.pk, "event_id": body["id"]}, event=event,
        next_attempt_at=event.created_at)


_endpoints: dict[int, tuple[float, WebhookEndpoint | None]] = {}
ENDPOINT_TTL = 2.0


def endpoints_forget() -> None:
    _endpoints.clear()


def _endpoint(pk) -> WebhookEndpoint | None:
    """The endpoint, read at most every ``ENDPOINT_TTL`` seconds per worker process (a
    removal is seen within that; its waiting deliveries are marked failed at once)."""
    now = time.monotonic()
    cached = _endpoints.get(pk)
    # A paused or missing endpoint is read again every time: a resume counts at once.
    if cached is None or cached[1] is None or cached[1].paused_at is not None \
            or now - cached[0] > ENDPOINT_TTL:
        endpoint = WebhookEndpoint.objects.select_related("client").filter(pk=pk).first()
        cached = _endpoints[pk] = (now, endpoint)
    return cached[1]


def _failed(endpoint: WebhookEndpoint, error: str) -> None:
    _endpoints.pop(endpoint.pk, None)
    endpoint_failed(endpoint, error, timezone.now())


def webhook_send(message: OutboundMessage) -> str:
    """POST one delivery, signed; the outbox retries what raises (for 24 hours)."""
    endpoint = _endpoint(message.payload.get("endpoint"))
    if endpoint is None or endpoint.client.revoked_at is not None:
        raise PermanentFailure("the webhook was removed or its client revoked")
    if endpoint.paused_at is not None:
        raise PermanentFailure(f"the webhook is paused: {endpoint.pause_reason}"[:500])
    body = message.body.encode()
    headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT,
               EVENT_ID_HEADER: message.payload.get("event_id", ""),
               EVENT_TYPE_HEADER: message.subject, **sign(endpoint.secret, body)}
    try:
        status = outbound_http.post(endpoint.url, body, headers,
                                    allow_private=private_allowed())
    except UnsafeAddress as exc:
        _failed(endpoint, str(exc))
        raise PermanentFailure(str(exc)) from None
    except (OSError, http.client.HTTPException) as exc:
        _failed(endpoint, type(exc).__name__)
        raise
    if not 200 <= status < 300:
        _failed(endpoint, f"HTTP {status}")
        raise DeliveryFailed(f"HTTP {status}")
    if endpoint.failures or endpoint.failing_since:
        _endpoints.pop(endpoint.pk, None)
        endpoint_succeeded(endpoint)
    return f"HTTP {status}"
