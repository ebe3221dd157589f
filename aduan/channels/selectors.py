"""What staff read about channels: a report's conversation, the doors' state, dead letters."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count
from django.utils import timezone

from .contacts import contact_of_report, masked
from .models import (
    InboundMessage,
    InboundOutcome,
    OutboundMessage,
    OutboundStatus,
    Provider,
)

# What each door needs before it is on (the settings named in README, "Channels"):
# any one of the door's sets of settings, all of that set.
REQUIRED = {"sms": [("SECRET",)], "twilio": [("ACCOUNT_SID", "AUTH_TOKEN")],
            "whatsapp": [("VERIFY_TOKEN", "APP_SECRET")],
            "telegram": [("BOT_TOKEN", "SECRET_TOKEN")], "x": [("CONSUMER_SECRET", "HANDLE")],
            "email": [("IMAP_HOST", "IMAP_USER"), ("LISTEN",)]}
# Outbound bodies staff never read: the receipt carries the reporter's PIN.
HIDDEN_PURPOSES = {"report_receipt"}


@dataclass(frozen=True)
class Line:
    at: datetime
    inbound: bool
    text: str
    state: str  # an inbound outcome or an outbound status


@dataclass(frozen=True)
class Conversation:
    provider: str
    provider_label: str
    address: str  # masked; empty unless the caller may see the reporter's identity
    lines: list[Line]


def conversation_for(report_id: int, *, show_address: bool = False,
                     limit: int = 200) -> Conversation | None:
    """The report's messages with its contact, oldest first; None for a report from the web."""
    link = contact_of_report(report_id)
    if link is None:
        return None
    inbound = (InboundMessage.objects.filter(report_id=report_id)
               .order_by("received_at").values("received_at", "text", "outcome")[:limit])
    outbound = (OutboundMessage.objects.filter(event__report_id=report_id,
                                               channel=link.contact.channel)
                .order_by("created_at").values("created_at", "body", "status", "purpose")[:limit])
    lines = [Line(m["received_at"], True, m["text"], m["outcome"]) for m in inbound]
    lines += [Line(m["created_at"], False, "" if m["purpose"] in HIDDEN_PURPOSES else m["body"],
                   m["status"]) for m in outbound]
    lines.sort(key=lambda line: line.at)
    return Conversation(link.provider, Provider(link.provider).label,
                        masked(link.contact.address) if show_address else "", lines)


def doors_configured() -> dict[str, bool]:
    return {name: any(all(settings.CHANNEL_DOORS[name].get(key) for key in keys) for keys in ways)
            for name, ways in REQUIRED.items()}


def channels_overview(configured: dict[str, bool], *, now: datetime | None = None) -> dict:
    """Per door: configured or not and inbound today; per channel: waiting and failed outbound."""
    now = now or timezone.now()
    since = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    inbound = dict(InboundMessage.objects.filter(received_at__gte=since)
                   .values_list("provider").annotate(n=Count("pk")).values_list("provider", "n"))
    unread = dict(InboundMessage.objects.filter(outcome=InboundOutcome.FAILED,
                                                received_at__gte=now - timedelta(days=7))
                  .values_list("provider").annotate(n=Count("pk")).values_list("provider", "n"))
    outbound = {}
    for channel, status, n in (OutboundMessage.objects
                               .filter(status__in=[OutboundStatus.PENDING, OutboundStatus.FAILED])
                               .values_list("channel", "status").annotate(n=Count("pk"))
                               .values_list("channel", "status", "n")):
        outbound.setdefault(channel, {})[status] = n
    doors = [{"provider": p, "label": Provider(p).label, "configured": on,
              "inbound_today": inbound.get(p, 0), "unreadable_week": unread.get(p, 0)}
             for p, on in configured.items()]
    return {"doors": doors, "outbound": outbound}


def dead_letters(limit: int = 50) -> list[OutboundMessage]:
    return list(OutboundMessage.objects.filter(status=OutboundStatus.FAILED)
                .order_by("-created_at").only("pk", "channel", "purpose", "attempts",
                                              "last_error", "created_at")[:limit])


def unreadable_inbound(limit: int = 50) -> list[InboundMessage]:
    return list(InboundMessage.objects.filter(outcome__in=[InboundOutcome.FAILED,
                                                           InboundOutcome.RATE_LIMITED])
                .order_by("-received_at").only("pk", "provider", "outcome", "error",
                                               "received_at", "text")[:limit])
