"""Full-text search over published report text, with each backend's own engine.

PostgreSQL: a ``reports_search`` table of ``to_tsvector('indonesian', ...)``
documents with a GIN index, queried with ``websearch_to_tsquery`` (stemming,
safe against any input). SQLite: an FTS5 table. Both sit beside the reports
table and are kept in step by triggers (migrations 0002 and 0005), so updates
to a report's status never touch the search index; both index only the
redacted public text, so nobody can find a report by a phone number it contains.
"""

import re

from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

_WORD = re.compile(r"\w+", re.UNICODE)


def fts5_query(text: str) -> str:
    """Turn free text into an FTS5 query of quoted words (prefix match), all required."""
    words = _WORD.findall(text.lower())[:12]
    return " ".join(f'"{w}"*' if len(w) >= 3 else f'"{w}"' for w in words)


def search(queryset: QuerySet, text: str) -> QuerySet:
    text = text.strip()
    if not text:
        return queryset
    if connection.vendor == "postgresql":
        return queryset.filter(pk__in=RawSQL(
            "SELECT report_id FROM reports_search "
            "WHERE document @@ websearch_to_tsquery('indonesian', %s)", [text]))
    query = fts5_query(text)
    if not query:
        return queryset.none()
    return queryset.filter(pk__in=RawSQL(
        "SELECT rowid FROM reports_report_fts WHERE reports_report_fts MATCH %s", [query]))
