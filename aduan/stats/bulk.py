"""Set-based reads and writes of the rebuild: reports in id batches with all their events
and supports (three range queries per batch, no query per report), and facts and cells
written in bulk (COPY on PostgreSQL, ``bulk_create`` elsewhere); the cells are summed from
the facts in SQL (``cells_sql``).
"""

import json
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection
from django.db.models import Count

from aduan.reports.models import Report, ReportEvent
from aduan.routing.models import ReportSupport

from .facts import EVENT_FIELDS, REPORT_FIELDS, Fact
from .models import ReportFact

FACT_FIELDS = ("month", "week", "agency_path", "province_code", "regency_code", "category",
               "channel", "kind", "confidential", "counts", "flows")


def report_batches(size: int) -> Iterator[tuple[list[dict], dict[int, list], Counter]]:
    """(reports, their events by report in (created_at, id) order, supports by report),
    ``size`` reports at a time in id order (keyset: each batch starts after the last id)."""
    last = 0
    while True:
        reports = list(Report.objects.filter(id__gt=last).order_by("id")
                       .values(*REPORT_FIELDS)[:size])
        if not reports:
            return
        low, last = reports[0]["id"], reports[-1]["id"]
        events: dict[int, list] = defaultdict(list)
        for event in ReportEvent.objects.filter(report_id__gte=low, report_id__lte=last).order_by(
                "report_id", "created_at", "id").values(*EVENT_FIELDS):
            events[event["report_id"]].append(event)
        supports = Counter(dict(
            ReportSupport.objects.filter(report_id__gte=low, report_id__lte=last)
            .values_list("report_id").annotate(n=Count("id")).values_list("report_id", "n")))
        yield reports, events, supports


def _text(value) -> str:
    """One value in COPY's text format (codes, dates, booleans and ASCII JSON here)."""
    if isinstance(value, bool):
        return "t" if value else "f"
    text = value if isinstance(value, str) else str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def _copy(model, columns: tuple[str, ...], rows, chunk: int = 5000) -> None:
    """COPY rows (tuples in ``columns`` order; JSON already as text) into the model's table,
    written as text lines in large pieces (far cheaper than a call per row)."""
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(model._meta.get_field(c).column)
                      for c in columns)
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            lines = []
            for row in rows:
                lines.append("\t".join(map(_text, row)))
                if len(lines) >= chunk:
                    copy.write("\n".join(lines) + "\n")
                    lines = []
            if lines:
                copy.write("\n".join(lines) + "\n")


def facts_write(facts: list[Fact]) -> None:
    """Insert new facts (the rebuild starts from an empty table)."""
    if connection.vendor == "postgresql":
        _copy(ReportFact, ("report_id", *FACT_FIELDS), (
            (f.report_id, f.month, f.week, f.agency_path, f.province_code, f.regency_code,
             f.category, f.channel, f.kind, f.confidential, json.dumps(f.counts),
             json.dumps(f.flows)) for f in facts))
        return
    ReportFact.objects.bulk_create(
        [ReportFact(report_id=f.report_id, **{n: getattr(f, n) for n in FACT_FIELDS})
         for f in facts], batch_size=1000)


def empty(*models) -> None:
    """Empty the tables the rebuild fills. PostgreSQL: ``TRUNCATE`` (fresh files, no dead
    rows; it holds an exclusive lock until the rebuild commits, so uncached reads of the
    statistics wait for it); elsewhere a plain delete."""
    if connection.vendor != "postgresql":
        for model in models:
            model.objects.all().delete()
        return
    names = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in models)
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {names}")


@contextmanager
def indexes_dropped(model):
    """PostgreSQL: drop the table's plain indexes (not those of its primary key or unique
    constraints) and build them again at the end: one sorted build instead of an index
    entry per row (measured: most of the cells' insert time went to their three indexes)."""
    if connection.vendor != "postgresql":
        yield
        return
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("""SELECT i.indexname, i.indexdef FROM pg_indexes i
            WHERE i.tablename = %s AND i.schemaname = current_schema() AND NOT EXISTS (
              SELECT 1 FROM pg_constraint c WHERE c.conindid = (
                quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass)""",
                       [table])
        plain = cursor.fetchall()
        for name, _definition in plain:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    yield
    with connection.cursor() as cursor:
        for _name, definition in plain:
            cursor.execute(definition)


def analyze(model) -> None:
    """Refresh the planner's statistics of a table the rebuild filled (PostgreSQL): a
    table that was empty when last analysed is otherwise read by a full scan until
    autovacuum comes by (measured: 4.6 s instead of milliseconds for an agency page)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
