"""The open-data dump written by PostgreSQL itself: ``COPY (SELECT ...) TO STDOUT``.

PostgreSQL formats each line (CSV, and JSON with ``json_build_object``), Python only
passes the bytes through gzip: no Python object per report (the dump took 97.6 s per
million reports when every row went through ``csv`` and ``json.dumps``). The reports are
the ORM's own ``PUBLIC_Q`` query with the line as a raw-SQL column, so the filter is
written once; both files are read in one repeatable-read snapshot, so they hold the same
reports. The values are those of the Python writer (``opendata._rows``): empty text for
no value, times in UTC as ``isoformat()`` writes them; a test compares the two dumps.
"""

from django.db import connection, transaction
from django.db.models.expressions import RawSQL

from aduan.reports.models import PUBLIC_Q, Report

_TEXT = ("tracking_id", "kind", "category_id", "province_code", "regency_code", "region_id",
         "channel", "status", "holder_id")
_TIMES = ("received_at", "published_at", "responded_at", "closed_at")
_INTS = ("forward_count", "reopen_count", "rating")
_BODY = ("public_title", "public_body")
# JSON Lines: CSV mode with a delimiter and quote that PostgreSQL's JSON never holds raw
# (it escapes control characters), so each line goes out as it is; text mode would
# double every backslash of the JSON escapes.
_JSON_COPY = "(FORMAT csv, DELIMITER E'\\x01', QUOTE E'\\x02')"


def _time(column: str) -> str:
    """``datetime.isoformat()`` of the UTC time (microseconds only when there are any)."""
    utc = f"({column} AT TIME ZONE 'UTC')"
    return (f"CASE WHEN {column} IS NULL THEN '' ELSE to_char({utc}, "
            f"'YYYY-MM-DD\"T\"HH24:MI:SS') || CASE WHEN date_trunc('second', {column}) = "
            f"{column} THEN '' ELSE to_char({utc}, '.US') END || '+00:00' END")


def _columns(columns: list[str]) -> list[tuple[str, str]]:
    """(CSV expression, JSON expression) per dump column, in the dump's order."""
    out = []
    for column in columns:
        quoted = connection.ops.quote_name(column)
        if column in _TIMES:
            text = _time(quoted)
            out.append((f"NULLIF({text}, '')", text))
        elif column in _INTS:
            out.append((quoted, f"COALESCE(to_json({quoted}), to_json(''::text))"))
        else:  # text; '' for none (CSV: unquoted empty, as the csv module writes it)
            out.append((f"NULLIF({quoted}, '')", f"COALESCE({quoted}, '')"))
    return out


def _query(expressions: list[str]) -> tuple[str, tuple]:
    reports = Report.objects.filter(PUBLIC_Q).order_by("id").annotate(
        **{f"c{i}": RawSQL(sql, ()) for i, sql in enumerate(expressions)})
    sql, params = reports.values_list(*(f"c{i}" for i in range(len(expressions)))) \
        .query.sql_with_params()
    return sql, params


def _copy(cursor, sql: str, params, options: str, out) -> int:
    """Stream ``COPY (sql) TO STDOUT`` into ``out``; return the number of lines."""
    lines = 0
    with cursor.copy(f"COPY ({sql}) TO STDOUT {options}", params) as copy:
        for block in copy:
            out.write(block)
            lines += bytes(block).count(b"\n")
    return lines


def write_copy(columns: list[str], names: list[str], csv_out, jsonl_out) -> int:
    """Write the CSV (header first) and JSON Lines bytes of the public reports into the
    two binary streams; return the number of reports."""
    pairs = _columns(columns)
    csv_sql, csv_params = _query([c for c, _j in pairs])
    members = ", ".join(f"'{name}', {j}" for name, (_c, j) in zip(names, pairs, strict=True))
    json_sql, json_params = _query([f"json_build_object({members})::text"])
    csv_out.write((",".join(names) + "\n").encode())
    with transaction.atomic():
        with connection.cursor() as cursor:
            raw = cursor.cursor
            if _outermost():
                raw.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            _copy(raw, csv_sql, csv_params, "(FORMAT csv)", csv_out)
            return _copy(raw, json_sql, json_params, _JSON_COPY, jsonl_out)


def _outermost() -> bool:
    """True when the atomic block just opened is the transaction itself (not a savepoint
    inside a caller's transaction, as in tests): only then can its isolation be set."""
    return not connection.savepoint_ids
