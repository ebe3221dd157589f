"""The report events' hash chain: one stream for every event of every report.

One global stream, not one per report: an anchor (one hash) then vouches for every
event up to it, and deleting a report's last events is caught like any other delete.
Sealing happens after commit under the stream's head lock (``accounts.chain``), so
the sweep's batches and people's actions never wait for each other while they work.

The hash covers an event's facts and ``content_hash``, the digest of its texts and
data. An erasure may rewrite the texts once (``erased_at``); the digest stays, so
the chain holds, and the report of every erased event is named in an
``identity_erased`` or ``retention_applied`` audit entry, which ``verify`` checks.
"""

from aduan.accounts.chain import Stream, stream_register
from aduan.accounts.models import AuditEntry
from aduan.lib.hashchain import Layout, digest

from .models import ReportEvent

FACTS = ("id", "report_id", "created_at", "action", "actor_id", "actor_role", "from_status",
         "to_status", "from_agency_id", "to_agency_id", "visibility")
CONTENT = ("message", "public_message", "data")


def content_digest(row: dict) -> str:
    return digest({column: row[column] for column in CONTENT})


def _fields(row: dict, sealing: bool) -> dict:
    fields = {column: row[column] for column in FACTS}
    # An erased event keeps the digest of what it said; any other event must still say it.
    kept = row["content_hash"] if (row["erased_at"] and not sealing) else content_digest(row)
    fields["content_hash"] = kept
    return fields


EVENTS = Stream(name="events", model=ReportEvent, label="report event", columns=FACTS,
                extra=(*CONTENT, "content_hash", "erased_at"), fields=_fields,
                sealed_columns=("content_hash",))
stream_register(EVENTS)


# What differs between the events of one bulk write (the sweep's): the rest is shared.
VARYING = ("id", "report_id", "from_status", "to_status", "from_agency_id", "to_agency_id")


def bulk_layout(shared: dict, content: dict) -> Layout:
    """The hash frame of events that share ``shared`` facts and ``content`` (texts and data).

    ``Layout.canonical_of`` of a row's ``VARYING`` values then gives the bytes that
    sealing that event after commit would hash (``_fields``); a test holds the two equal.
    """
    if set(shared) | set(VARYING) != set(FACTS) or set(content) != set(CONTENT):
        raise ValueError("a bulk layout names every chained fact and content column once")
    return Layout({**shared, "content_hash": digest(content)}, VARYING)


def erasures_unaccounted() -> list[int]:
    """Erased events whose report no erasure audit entry names (an unrecorded rewrite)."""
    named: set[int] = set()
    entries = AuditEntry.objects.filter(action__in=[AuditEntry.Action.IDENTITY_ERASED,
                                                    AuditEntry.Action.RETENTION_APPLIED])
    for detail in entries.values_list("detail", flat=True).iterator():
        named.update(detail.get("reports", []))
    erased = (ReportEvent.objects.filter(erased_at__isnull=False)
              .exclude(report_id__in=named).values_list("id", flat=True))
    return sorted(erased)
