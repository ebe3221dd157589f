"""The changes feed: every report event, numbered in commit order, read by position.

Row ids are taken when a transaction inserts, not when it commits, so paging by
id would skip a row whose transaction commits after a reader passed its id.
Instead each event's ``FeedEntry`` is written unnumbered in the event's own
transaction, and a numbering step, under the lock of the single ``FeedCounter``
row, gives the committed unnumbered rows the next positions (in id order) and
commits. Readers read only numbered rows, by position: a row committed late is
simply numbered later, so it appears after the reader's cursor, once.

Numbering runs before each read (a reader that finds the counter locked skips
it: the holder is numbering, and whatever it numbers the reader sees on its
next page) and in the worker, so the feed stays current with no reader at all.
"""

import base64
import binascii

from django.db import connection, transaction
from django.utils.translation import gettext as _

from aduan.errors import InvalidInput
from aduan.reports.access import READER_ROLES, View, feed_visible_q, partner_view
from aduan.reports.callers import Caller
from aduan.reports.models import ReportAccess

from .models import ClientReport, FeedCounter, FeedEntry
from .payloads import ACTION_TYPES, event_body

NUMBER_BATCH = 10_000
MAX_LIMIT = 500


def feed_record(event_ids) -> None:
    """Write the unnumbered feed entries of events just written (one INSERT ... SELECT)."""
    cases = " ".join("WHEN %s THEN %s" for _ in ACTION_TYPES)
    params = [v for action, kind in ACTION_TYPES.items() for v in (str(action), str(kind))]
    if connection.vendor == "postgresql":  # one array parameter, whatever the batch's size
        where, ids = "id = ANY(%s::bigint[])", [list(event_ids)]
    else:
        where, ids = f"id IN ({', '.join(['%s'] * len(event_ids))})", list(event_ids)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO partners_feedentry (event_id, report_id, event_type, created_at) "
            f"SELECT id, report_id, CASE action {cases} ELSE 'report.' || action END, "
            f"created_at FROM reports_reportevent WHERE {where}",
            [*params, *ids])


def feed_number(*, wait: bool = True) -> int:
    """Number the committed unnumbered entries; return how many. ``wait=False`` returns 0
    at once when another process holds the counter."""
    with transaction.atomic():
        FeedCounter.objects.get_or_create(pk=1)
        locked = FeedCounter.objects.select_for_update(skip_locked=not wait).filter(pk=1)
        counter = locked.first()
        if counter is None:
            return 0
        ids = list(FeedEntry.objects.filter(position__isnull=True).order_by("id")
                   .values_list("id", flat=True)[:NUMBER_BATCH])
        if not ids:
            return 0
        entries = [FeedEntry(pk=pk, position=counter.last + n) for n, pk in enumerate(ids, 1)]
        FeedEntry.objects.bulk_update(entries, ["position"], batch_size=1000)
        FeedCounter.objects.filter(pk=1).update(last=counter.last + len(ids))
    return len(ids)


def cursor_encode(position: int) -> str:
    return base64.urlsafe_b64encode(f"v1:{position}".encode()).decode().rstrip("=")


def cursor_decode(cursor: str) -> int:
    """The position after which to read; a cursor not made by us is a clear 422."""
    if not cursor:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        version, _sep, number = text.partition(":")
        if version != "v1" or not number.isdigit():
            raise ValueError
        return int(number)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise InvalidInput(_("The cursor is not one this feed gave; start without `after` or "
                             "use the `next` value of the last page."),
                           code="invalid_cursor", field="after") from None


def feed_page(caller: Caller, *, after: str = "", limit: int = 100) -> dict:
    """The next events the caller may see after ``after``; ``next`` is the cursor to send
    next time (it moves past rows the caller may not see, so it never stalls)."""
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput(_("limit must be between 1 and %(max)d.") % {"max": MAX_LIMIT},
                           field="limit")
    start = cursor_decode(after)
    feed_number(wait=False)
    top = FeedCounter.objects.filter(pk=1).values_list("last", flat=True).first() or 0
    window = FeedEntry.objects.filter(position__gt=start, position__lte=top)
    entries = list(window.filter(feed_visible_q(caller))
                   .select_related("event", "event__report", "event__report__holder")
                   .order_by("position")[:limit])
    # A full page ends at its last row; otherwise everything up to ``top`` was looked at.
    end = entries[-1].position if len(entries) == limit else max(top, start)
    return {"events": _bodies(caller, entries), "next": cursor_encode(end),
            "has_more": len(entries) == limit}


def _bodies(caller: Caller, entries: list[FeedEntry]) -> list[dict]:
    report_ids = {entry.report_id for entry in entries}
    codes = caller.agencies_with(READER_ROLES)
    untils: dict[int, list] = {}
    for report_id, until in (ReportAccess.objects.filter(report_id__in=report_ids,
                                                         agency__in=codes)
                             .values_list("report_id", "until")):
        untils.setdefault(report_id, []).append(until)
    own = {}
    if caller.client is not None:
        own = dict(ClientReport.objects.filter(client=caller.client, report_id__in=report_ids)
                   .values_list("report_id", "external_id"))
    bodies = []
    for entry in entries:
        report = entry.event.report
        view = View.NATIONAL if caller.is_national_admin else partner_view(
            scopes=caller.scopes or {"reports:read"}, untils=untils.get(report.pk, []),
            submitted=report.pk in own, report=report) or View.PUBLIC
        bodies.append(event_body(entry.event, view=view, external_id=own.get(report.pk, "")))
    return bodies
