"""Keep the facts and cells up to date: incrementally from the event table, or rebuilt whole.

``stats_refresh`` reads report events (and citizens' supports) forward from a
stored cursor, works out the facts of the reports they touch again, and moves
each affected cell by (new fact − stored fact). Ids skipped by the cursor because
their transaction had not committed yet are kept as gaps and read on later runs,
so bulk inserts and out-of-order commits are never missed; working a report out
twice changes nothing (ADR 0009). ``stats_rebuild`` starts from empty and must
give the same cells (a test proves it).
"""

from collections import Counter, defaultdict
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from aduan.agencies.models import Agency
from aduan.lib import versions
from aduan.reports.models import Report, ReportEvent
from aduan.routing.models import ReportSupport

from .bulk import FACT_FIELDS as _FACT_FIELDS
from .bulk import analyze, empty, facts_write, indexes_dropped, report_batches
from .cells import parse_key, signed_contributions
from .cells_sql import cells_from_facts
from .facts import EVENT_FIELDS, REPORT_FIELDS, Calendars, Fact, fact_for
from .models import ReportFact, StatsCell, StatsCursor

# The data version of the rollup cells (aduan.lib.versions): reads are cached under it.
STATS_VERSION = "stats"

BATCH = 5000
# A gap older than this is an id that was rolled back, not one still in flight.
GAP_TTL = timedelta(minutes=30)
SOURCES = {"events": ReportEvent, "supports": ReportSupport}


def _agency_paths() -> dict[str, str]:
    return dict(Agency.objects.values_list("code", "path"))


def _stored(ids) -> dict[int, Fact]:
    rows = ReportFact.objects.filter(report_id__in=ids).values("report_id", *_FACT_FIELDS)
    return {row["report_id"]: Fact(**row) for row in rows}


def _computed(ids) -> dict[int, Fact]:
    reports = list(Report.objects.filter(id__in=ids).values(*REPORT_FIELDS))
    events = defaultdict(list)
    for event in ReportEvent.objects.filter(report_id__in=ids).order_by(
            "report_id", "created_at", "id").values(*EVENT_FIELDS):
        events[event["report_id"]].append(event)
    supports = Counter(dict(ReportSupport.objects.filter(report_id__in=ids).values_list(
        "report_id").annotate(n=Count("id")).values_list("report_id", "n")))
    calendars = Calendars()
    return {r["id"]: fact_for(r, events[r["id"]], supports[r["id"]], calendars) for r in reports}


def cells_changed() -> None:
    """Say the cells moved: now (this process, and tests in one transaction) and again after
    the commit, so another process that read the old cells in between drops its copy."""
    versions.bump(STATS_VERSION)
    transaction.on_commit(lambda: versions.bump(STATS_VERSION), robust=True)


def _apply(delta: dict[str, Counter]) -> None:
    """Move the cells by ``delta``: add to existing rows, create new ones, drop emptied ones."""
    keys = list(delta)
    if keys:
        cells_changed()
    for start in range(0, len(keys), 1000):
        chunk = keys[start:start + 1000]
        existing = {c.key: c for c in StatsCell.objects.filter(key__in=chunk)}
        create, update, empty = [], [], []
        for key in chunk:
            cell = existing.get(key)
            counts = Counter(cell.counts if cell else {})
            counts.update(delta[key])
            counts = {k: v for k, v in sorted(counts.items()) if v}
            if cell is None and not counts:
                continue
            if cell is None:
                create.append(StatsCell(key=key, counts=counts, **parse_key(key)))
            elif counts:
                cell.counts = counts
                update.append(cell)
            else:
                empty.append(cell.pk)
        StatsCell.objects.bulk_create(create)
        StatsCell.objects.bulk_update(update, ["counts"])
        StatsCell.objects.filter(pk__in=empty).delete()


def _save_facts(new: dict[int, Fact], old: dict[int, Fact]) -> None:
    rows = [ReportFact(report_id=pk, **{f: getattr(fact, f) for f in _FACT_FIELDS})
            for pk, fact in new.items()]
    ReportFact.objects.bulk_create([r for r in rows if r.report_id not in old])
    ReportFact.objects.bulk_update([r for r in rows if r.report_id in old], list(_FACT_FIELDS))


def recompute_reports(ids, agency_paths: dict[str, str] | None = None) -> int:
    """Work out the facts of these reports again and move their cells; return how many moved."""
    ids = sorted(set(ids))
    if not ids:
        return 0
    paths = agency_paths if agency_paths is not None else _agency_paths()
    old, new = _stored(ids), _computed(ids)
    changed = {pk: new.get(pk) for pk in ids if old.get(pk) != new.get(pk)}
    # Re-read without a change: nothing moves (idempotent).
    _apply(signed_contributions(
        [(new.get(pk), 1) for pk in changed] + [(old.get(pk), -1) for pk in changed], paths))
    _save_facts(changed, old)
    return len(changed)


def _ranges(ids: list[int]) -> list[tuple[int, int]]:
    out: list[list[int]] = []
    for pk in ids:
        if out and pk == out[-1][1] + 1:
            out[-1][1] = pk
        else:
            out.append([pk, pk])
    return [tuple(r) for r in out]


def _read_source(cursor: StatsCursor, model, now: datetime) -> set[int]:
    """Report ids touched by new rows and by rows that filled a gap; advance the cursor."""
    new = list(model.objects.filter(id__gt=cursor.last_id).order_by("id")
               .values_list("id", "report_id")[:BATCH])
    seen = dict(new)
    gaps = []
    for low, high, since in cursor.gaps:
        filled = dict(model.objects.filter(id__gte=low, id__lte=high)
                      .values_list("id", "report_id"))
        seen.update(filled)
        missing = [pk for pk in range(low, high + 1) if pk not in filled]
        if missing and now - datetime.fromisoformat(since) < GAP_TTL:
            gaps += [[a, b, since] for a, b in _ranges(missing)]
    if new:
        present = {pk for pk, _ in new}
        skipped = [pk for pk in range(cursor.last_id + 1, new[-1][0]) if pk not in present]
        gaps += [[a, b, now.isoformat()] for a, b in _ranges(skipped)]
        cursor.last_id = new[-1][0]
    cursor.gaps = gaps
    return set(seen.values())


def _cursors() -> dict[str, StatsCursor]:
    for name in SOURCES:
        StatsCursor.objects.get_or_create(name=name)
    return {c.name: c for c in StatsCursor.objects.select_for_update().filter(name__in=SOURCES)}


def stats_refresh(now: datetime | None = None) -> int:
    """One incremental step (at most BATCH new rows per source); return the facts that moved.

    The locked cursor rows make refreshes (and a rebuild) run one at a time.
    """
    now = now or timezone.now()
    with transaction.atomic():
        cursors = _cursors()
        touched: set[int] = set()
        for name, model in SOURCES.items():
            touched |= _read_source(cursors[name], model, now)
        moved = recompute_reports(touched)
        for cursor in cursors.values():
            cursor.updated_at = now
            cursor.save()
    return moved


def stats_refresh_all(now: datetime | None = None) -> int:
    """Refresh until the cursors reach the end of the tables."""
    total = 0
    while True:
        before = {c.name: c.last_id for c in StatsCursor.objects.all()}
        total += stats_refresh(now)
        after = {c.name: c.last_id for c in StatsCursor.objects.all()}
        if before == after:
            return total


def stats_rebuild(chunk: int = 5000) -> int:
    """Drop every fact and cell and work them out again from all reports; return the reports.

    Set-based: each batch of reports is read with its events and supports in three range
    queries and its facts are written in one COPY (PostgreSQL); the cells are then summed
    from the fact table by the database (``cells_sql``), the same cells the incremental
    path's ``fan_out`` gives (a test compares them). Memory stays at one batch.
    """
    with transaction.atomic():
        cursors = _cursors()
        tops = {name: model.objects.order_by("-id").values_list("id", flat=True).first() or 0
                for name, model in SOURCES.items()}
        empty(ReportFact, StatsCell)
        # Said after the commit only: until then every reader sees (and may keep) the old
        # cells, and a reader whose sums are kept need not wait for the locked table.
        transaction.on_commit(lambda: versions.bump(STATS_VERSION), robust=True)
        calendars, count = Calendars(), 0
        for reports, events, supports in report_batches(chunk):
            facts_write([fact_for(r, events[r["id"]], supports[r["id"]], calendars)
                         for r in reports])
            count += len(reports)
        analyze(ReportFact)
        with indexes_dropped(StatsCell):
            cells_from_facts()
        analyze(StatsCell)
        for name, cursor in cursors.items():
            cursor.last_id, cursor.gaps, cursor.updated_at = tops[name], [], timezone.now()
            cursor.save()
    return count
