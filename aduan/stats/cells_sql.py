"""The rebuild's cells, worked out in SQL from the fact table (``INSERT ... SELECT ... GROUP BY``).

The same cells as ``cells.project`` + ``cells.fan_out`` (the incremental path) give for
every fact with sign +1 — a test builds both on a random history and compares them — but
summed by the database: no cell, key or counter passes through Python, so the rebuild's
memory no longer grows with the number of cells (7.6 GB at a million reports before).

1. the facts' counters, unnested (``jsonb_each`` / ``json_each``) and summed per
   (confidential, month, holder path, province, regency, category, channel, kind, counter)
   into a temporary table, and from it two smaller ones: without the holder (regions)
   and without the place (agencies, plus the forward moves by the path of the agency a
   forward left or reached);
2. one statement per (scope, breakdown): a ``GROUP BY`` (cell, counter) that sums the
   "all" and the "public" value in the same pass (confidential rows add to "all" only),
   then a ``GROUP BY`` cell that makes each counter object. Agency rows are joined to a
   small table of (path, ancestor), so each ancestor gets its subtree; the league cells
   take the top ancestor only; the week cells (regency × category, received only) come
   straight from the facts.

Measured (ADR 0009): one statement with every breakdown and both visibilities joined in
was far slower (a hash aggregate over all the expanded rows at once).

Runs on PostgreSQL and SQLite (the JSON functions and date text differ; ``_Dialect``).
"""

from django.db import connection

from aduan.agencies.models import Agency

from .cells import SCOPE_DIMS
from .models import ReportFact, StatsCell

_KV = "stats_tmp_kv"
_UP = "stats_tmp_up"
_SIGNATURE = ("confidential", "month", "agency_path", "province_code", "regency_code",
              "category", "channel", "kind")


class _Dialect:
    def __init__(self, vendor: str):
        self.pg = vendor == "postgresql"

    def counters(self, alias: str) -> tuple[str, str, str]:
        """(FROM item, key expression, value expression) unnesting ``alias.counts``."""
        if self.pg:
            return (f"jsonb_each_text({alias}.counts) AS e(k, v)", "e.k", "e.v::bigint")
        return (f"json_each({alias}.counts) AS e", "e.key", "e.value")

    def flows(self, alias: str, direction: str) -> tuple[str, str]:
        if self.pg:
            return (f"jsonb_array_elements_text({alias}.flows -> '{direction}') AS x(agency)",
                    "x.agency")
        return (f"json_each({alias}.flows, '$.{direction}') AS x", "x.value")

    def total(self, value: str) -> str:
        """A sum that stays an integer (PostgreSQL sums bigints as numeric)."""
        return f"sum({value})::bigint" if self.pg else f"sum({value})"

    def obj(self, key: str, value: str) -> str:
        name = "jsonb_object_agg" if self.pg else "json_group_object"
        return f"{name}({key}, {value})"

    def month_text(self, column: str, whole_date: bool) -> str:
        if self.pg:
            return f"to_char({column}, '{'YYYY-MM-DD' if whole_date else 'YYYY-MM'}')"
        return column if whole_date else f"substr({column}, 1, 7)"


_REGION_KV = "stats_tmp_kv_region"
_AGENCY_KV = "stats_tmp_kv_agency"
_TEMPS = (_KV, _REGION_KV, _AGENCY_KV, _UP)
_DIM_COLUMNS = {"all": "''", "category": "s.category", "channel": "s.channel", "kind": "s.kind",
                "province": "s.province_code", "regency": "s.regency_code"}


def _insert_cells(cursor, d: _Dialect, scope: str, dim: str, *, code: str, source: str,
                  dim_code: str | None = None, month: str = "s.month",
                  whole_date: bool = False) -> None:
    """Insert the "all" and "public" cells of one (scope, breakdown) from ``source`` (rows
    ``s`` with confidential, k, v), summed per counter; zero counters and empty cells out."""
    dim_code = dim_code or _DIM_COLUMNS[dim]
    text = d.month_text("month", whole_date)
    table = StatsCell._meta.db_table
    parts = []
    for public, column in ((False, "av"), (True, "pv")):
        key = (f"'{'p' if public else 'a'}|{scope}|' || code || '|' || {text} || '|{dim}|' "
               "|| dim_code")
        parts.append(f"""SELECT {key}, {'TRUE' if public else 'FALSE'}, '{scope}', code, month,
                   '{dim}', dim_code, {d.obj('k', column)}
            FROM t WHERE {column} <> 0 GROUP BY code, month, dim_code""")
    cursor.execute(f"""
        WITH t AS (
            SELECT {code} AS code, {month} AS month, {dim_code} AS dim_code, s.k AS k,
                   {d.total('s.v')} AS av,
                   {d.total('CASE WHEN s.confidential THEN 0 ELSE s.v END')} AS pv
            FROM {source}
            GROUP BY 1, 2, 3, 4)
        INSERT INTO {table} (key, public, scope, scope_code, month, dim, dim_code, counts)
        {" UNION ALL ".join(parts)}
        ORDER BY 1""")  # in key order: the unique index of the key grows at its end


def _group(cursor, d: _Dialect, table: str, columns: tuple[str, ...], source: str) -> None:
    cols = ", ".join(columns)
    cursor.execute(f"CREATE TEMP TABLE {table} AS SELECT {cols}, k, {d.total('v')} AS v "
                   f"FROM ({source}) AS rows GROUP BY {cols}, k")
    if d.pg:
        cursor.execute(f"ANALYZE {table}")


def _kv(cursor, d: _Dialect) -> None:
    """The counters summed per signature, then per region signature and per agency one."""
    source, k, v = d.counters("f")
    cols = ", ".join(f"f.{c}" for c in _SIGNATURE)
    _group(cursor, d, _KV, _SIGNATURE, f"SELECT {cols}, {k} AS k, {v} AS v "
           f"FROM {ReportFact._meta.db_table} AS f, {source}")
    _group(cursor, d, _REGION_KV, ("confidential", "month", "province_code", "regency_code",
                                   "category", "channel", "kind"), f"SELECT * FROM {_KV}")
    facts, agencies = ReportFact._meta.db_table, Agency._meta.db_table
    moves = [f"""SELECT confidential, month, agency_path, category, channel, kind,
                        FALSE AS flow, k, v FROM {_KV}"""]
    for direction, counter in (("out", "fwd_out"), ("in", "fwd_in")):
        source, agency = d.flows("f", direction)
        moves.append(f"""
            SELECT f.confidential, f.month, COALESCE(a.path, '/' || {agency} || '/')
                   AS agency_path, f.category, f.channel, f.kind, TRUE AS flow,
                   '{counter}' AS k, 1 AS v
            FROM {facts} AS f CROSS JOIN {source}
            LEFT JOIN {agencies} AS a ON a.code = {agency}""")
    _group(cursor, d, _AGENCY_KV, ("confidential", "month", "agency_path", "category",
                                   "channel", "kind", "flow"), " UNION ALL ".join(moves))


def _ancestors(cursor, d: _Dialect) -> None:
    """(path, ancestor code, is the top one) for every path in the agency sums."""
    paths = [p for (p,) in _fetch(cursor, f"SELECT DISTINCT agency_path FROM {_AGENCY_KV}")]
    rows = [(path, code, i == 0) for path in sorted(paths)
            for i, code in enumerate(c for c in path.split("/") if c)]
    cursor.execute(f"CREATE TEMP TABLE {_UP} (path varchar(400), code varchar(80), top boolean)")
    cursor.executemany(f"INSERT INTO {_UP} (path, code, top) VALUES (%s, %s, %s)", rows)
    if d.pg:
        cursor.execute(f"ANALYZE {_UP}")


def _fetch(cursor, sql: str) -> list[tuple]:
    cursor.execute(sql)
    return cursor.fetchall()


def _all_cells(cursor, d: _Dialect) -> None:
    region = f"{_REGION_KV} AS s"
    for dim in SCOPE_DIMS["national"]:
        _insert_cells(cursor, d, "national", dim, code="''", source=region)
    for scope, column in (("province", "s.province_code"), ("regency", "s.regency_code")):
        for dim in SCOPE_DIMS[scope]:
            _insert_cells(cursor, d, scope, dim, code=column,
                          source=f"{region} WHERE {column} <> ''")
    agency = f"{_AGENCY_KV} AS s JOIN {_UP} AS up ON up.path = s.agency_path"
    for dim in SCOPE_DIMS["agency"]:
        _insert_cells(cursor, d, "agency", dim, code="up.code", source=agency)
    for dim in SCOPE_DIMS["league"]:
        _insert_cells(cursor, d, "league", dim, code="up.code",
                      source=f"{agency} AND up.top WHERE NOT s.flow")
    received = "(s.counts ->> 'rcv')::bigint" if d.pg else "json_extract(s.counts, '$.rcv')"
    weeks = (f"(SELECT confidential, regency_code, week, category, 'rcv' AS k, {received} AS v "
             f"FROM {ReportFact._meta.db_table} AS s WHERE regency_code <> '') AS s")
    _insert_cells(cursor, d, "week", "category", code="s.regency_code", source=weeks,
                  month="s.week", whole_date=True)


def cells_from_facts() -> int:
    """Fill the (empty) cell table from the fact table; return the number of cells."""
    d = _Dialect(connection.vendor)
    with connection.cursor() as cursor:
        if d.pg:
            cursor.execute("SET LOCAL work_mem = '256MB'")
        for table in _TEMPS:
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
        _kv(cursor, d)
        _ancestors(cursor, d)
        _all_cells(cursor, d)
        for table in _TEMPS:
            cursor.execute(f"DROP TABLE {table}")
        return _fetch(cursor, f"SELECT count(*) FROM {StatsCell._meta.db_table}")[0][0]
