"""Full-text search over published report text, with each backend's own engine.

PostgreSQL: a ``reports_search`` table of ``to_tsvector('indonesian', ...)``
documents with a GIN index, queried with ``websearch_to_tsquery`` (stemming,
safe against any input). SQLite: an FTS5 table. Both sit beside the reports
table and are kept in step by triggers (migrations 0002 and 0005), so updates
to a report's status never touch the search index; both index only the
redacted public text, so nobody can find a report by a phone number it contains.

At scale the PostgreSQL planner guesses a query's matches from the tsvector statistics and
guesses badly for rare words (a number, a street name): it then walks the newest-first
index probing every report, seconds at 200,000 reports for a single match. So the matches
are fetched first, up to a cap that grows with the square root of the table (the point at
which walking the ordered index becomes the cheaper plan); below the cap the listing gets
their ids, whose count the planner then knows; above it the words are common and the walk
finds a page quickly.
"""

import math
import re
import time

from django.db import connection
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL

_WORD = re.compile(r"\w+", re.UNICODE)


def fts5_query(text: str) -> str:
    """Turn free text into an FTS5 query of quoted words (prefix match), all required."""
    words = _WORD.findall(text.lower())[:12]
    return " ".join(f'"{w}"*' if len(w) >= 3 else f'"{w}"' for w in words)


_PG_MATCH = ("SELECT report_id FROM reports_search "
             "WHERE document @@ websearch_to_tsquery('indonesian', %s)")
# Never fewer than this many ids handed over; the cap is re-read every 10 minutes.
MIN_CAP = 1000
_cap = {"value": MIN_CAP, "at": -math.inf}


def match_cap() -> int:
    """How many matches are still cheaper to list by id than to find by walking the index."""
    now = time.monotonic()
    if now - _cap["at"] > 600:
        with connection.cursor() as cursor:
            cursor.execute("SELECT reltuples FROM pg_class WHERE oid = 'reports_search'::regclass")
            rows = max(0.0, float(cursor.fetchone()[0]))
        # Listing m ids costs about m row fetches; walking costs about 20 * N / m probes of
        # three times the price: equal where m = sqrt(60 N).
        _cap.update(value=max(MIN_CAP, int(math.sqrt(60 * rows))), at=now)
    return _cap["value"]


def _pg_search(queryset: QuerySet, text: str) -> QuerySet:
    cap = match_cap()
    with connection.cursor() as cursor:
        cursor.execute(_PG_MATCH + " LIMIT %s", [text, cap + 1])
        ids = [row[0] for row in cursor.fetchall()]
    if len(ids) <= cap:
        # One array parameter, not thousands of placeholders.
        return queryset.filter(RawSQL('"reports_report"."id" = ANY(%s::bigint[])', [ids],
                                      output_field=BooleanField())) if ids else queryset.none()
    return queryset.filter(pk__in=RawSQL(_PG_MATCH, [text]))


def search(queryset: QuerySet, text: str) -> QuerySet:
    text = text.strip()
    if not text:
        return queryset
    if connection.vendor == "postgresql":
        return _pg_search(queryset, text)
    query = fts5_query(text)
    if not query:
        return queryset.none()
    return queryset.filter(pk__in=RawSQL(
        "SELECT rowid FROM reports_report_fts WHERE reports_report_fts MATCH %s", [query]))
