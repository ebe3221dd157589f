"""The one place report events are written in bulk (the sweep, the router's batch dispatch).

``append_event`` in ``services`` writes the single event of a person's action;
everything that writes many events at once goes through here, so a rule that
must see every event (an integrity chain, an audit hook) has two places to
look, both in this app. Each registers the sealing of the hash chain after
commit (``reports.chain``): the events of one batch are chained together, in id
order, by one seal under the chain's head lock. On PostgreSQL the events of a set-based change are
written by the same statement that changes the reports (a data-modifying CTE
built by ``system_events_cte``); on SQLite by multi-row INSERTs.

Apps above this one (the partners' feed and webhooks) hear of every event
written, in the writing transaction, through ``events_written``: a hook gets
the ids of a whole batch at once, so it can stay set-based. ``append_event``,
``events_create`` and ``system_events_insert`` call it; whoever runs the SQL of
``system_events_cte`` calls it with the ids the CTE returned.
"""

import json
from collections.abc import Callable, Sequence
from datetime import datetime

from django.db import connection, transaction

from aduan.accounts.chain import seal_inserting
from aduan.accounts.sealing import seal_on_commit
from aduan.lib.hashchain import digest

from .chain import bulk_layout
from .models import ReportEvent
from .workflow import Actor

EVENT_COLUMNS = ("report_id, created_at, action, actor_role, from_status, to_status, "
                 "from_agency_id, to_agency_id, data, visibility, message, public_message")
_CHUNK = 1000

EventsHook = Callable[[Sequence[int]], None]
_hooks: list[EventsHook] = []


def events_hook_register(hook: EventsHook) -> None:
    """Call ``hook(event_ids)`` in the transaction of every batch of events written."""
    if hook not in _hooks:
        _hooks.append(hook)


def events_written(event_ids: Sequence[int]) -> None:
    """Tell the registered hooks about events just written (same transaction)."""
    if event_ids:
        for hook in _hooks:
            hook(event_ids)


def _dt(value: datetime):
    return connection.ops.adapt_datetimefield_value(value)


class SystemEvents:
    """System events of one transaction (the sweep's), written together and sealed as written.

    ``add`` gives each changed report its event's id at once (so messages can name it)
    and keeps the event; ``flush``, last in the transaction, takes the chain's head, hashes
    every kept event in id order in one pass and writes them: ``COPY`` on PostgreSQL,
    multi-row INSERTs on SQLite. Each event is written once, already sealed: no second
    write, no guard trigger, no unsealed index entry. Ids come from the table's sequence on
    PostgreSQL; on SQLite, which lets one writer in at a time and whose write lock this
    transaction holds once it has changed a row, they follow the highest id in use.
    """

    def __init__(self, now: datetime):
        self.now = now
        self._groups: list[tuple[dict, dict, list[tuple]]] = []
        self._next_id: int | None = None  # SQLite only

    def add(self, rows: Sequence[tuple], *, action: str, visibility: str, data: dict,
            from_status: str | None = None) -> list[int]:
        """One event per (report id, status, holder id, ...) row; their ids, in row order.

        ``from_status`` None means the status did not move.
        """
        if not rows:
            return []
        ids = self._ids(len(rows))
        shared = {"action": str(action), "actor_id": None, "actor_role": str(Actor.SYSTEM),
                  "created_at": self.now, "visibility": str(visibility)}
        content = {"message": "", "public_message": "", "data": data}
        kept = [(event_id, row[0], from_status or row[1], row[1], row[2], row[2])
                for event_id, row in zip(ids, rows, strict=True)]
        self._groups.append((shared, content, kept))
        return ids

    def _ids(self, count: int) -> list[int]:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SELECT nextval(pg_get_serial_sequence('reports_reportevent', "
                               "'id')) FROM generate_series(1, %s)", [count])
                return sorted(row[0] for row in cursor.fetchall())
            if self._next_id is None:
                cursor.execute("SELECT max(n) FROM (SELECT max(id) AS n FROM reports_reportevent "
                               "UNION ALL SELECT seq FROM sqlite_sequence "
                               "WHERE name = 'reports_reportevent')")
                self._next_id = (cursor.fetchone()[0] or 0) + 1
        first, self._next_id = self._next_id, self._next_id + count
        return list(range(first, first + count))

    def flush(self) -> int:
        """Seal and write every kept event; tell the hooks; return how many."""
        groups, self._groups = sorted(self._groups, key=lambda group: group[2][0][0]), []
        if not groups:
            return 0
        written = []
        for shared, content, kept in groups:
            sealed = seal_inserting("events", bulk_layout(shared, content), kept)
            written.append((shared, content, kept, sealed))
        (_copy if connection.vendor == "postgresql" else _insert)(written)
        ids = [row[0] for _s, _c, kept, _z in written for row in kept]
        events_written(ids)
        # Rows others wrote meanwhile found the head locked: seal them once this commits.
        seal_on_commit("events")
        return len(ids)


_BULK_COLUMNS = ("id, report_id, from_status, to_status, from_agency_id, to_agency_id, "
                 "chain_seq, prev_hash, row_hash, created_at, action, actor_role, visibility, "
                 "data, content_hash, message, public_message")


def _bulk_rows(written):
    for shared, content, kept, sealed in written:
        fixed = (_dt(shared["created_at"]), shared["action"], shared["actor_role"],
                 shared["visibility"], json.dumps(content["data"]),
                 digest(content), "", "")
        for event, chain in zip(kept, sealed, strict=True):
            yield (*event, *chain, *fixed)


def _copy(written) -> None:
    """One ``COPY`` in text format, the lines built here (a row at a time through psycopg's
    ``write_row`` cost as much as the hashing)."""
    text = _CopyText()
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY reports_reportevent ({_BULK_COLUMNS}) FROM STDIN") as copy:
            lines = []
            for row in _bulk_rows(written):
                lines.append("\t".join([text(value) for value in row]))
                if len(lines) == 10_000:
                    copy.write("\n".join(lines) + "\n")
                    lines = []
            if lines:
                copy.write("\n".join(lines) + "\n")


class _CopyText(dict):
    """A value as COPY's text format spells it (\\N for NULL; backslash, tab and line breaks
    escaped); strings, of which a sweep has few distinct ones, are worked out once."""

    def __call__(self, value) -> str:
        if type(value) is int:
            return str(value)
        if type(value) is str and value.isalnum():  # the hashes: one of each, nothing to escape
            return value
        try:
            return self[value]
        except KeyError:
            self[value] = _copy_text(value)
            return self[value]


def _copy_text(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, datetime):
        return value.isoformat()
    return (str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
            .replace("\r", "\\r"))


def _insert(written) -> None:
    rows = list(_bulk_rows(written))
    one = "(" + ", ".join(["%s"] * len(_BULK_COLUMNS.split(", "))) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), _CHUNK):
            chunk = rows[start:start + _CHUNK]
            cursor.execute(f"INSERT INTO reports_reportevent ({_BULK_COLUMNS}) VALUES "
                           f"{', '.join([one] * len(chunk))}",
                           [value for row in chunk for value in row])


def system_events_insert(rows: list[tuple], *, action: str, now: datetime, visibility: str,
                         data: dict, from_status: str | None = None) -> dict[int, int]:
    """Write one sealed system event per (report id, status, holder id, ...) row now;
    {report id: event id}. Sealing takes the chain's head until the transaction ends."""
    with transaction.atomic():
        batch = SystemEvents(now)
        ids = batch.add(rows, action=action, visibility=visibility, data=data,
                        from_status=from_status)
        batch.flush()
    return {row[0]: event_id for row, event_id in zip(rows, ids, strict=True)}


def events_create(events: list) -> list:
    """Write many ``ReportEvent`` objects in one go; they come back with their ids."""
    written = ReportEvent.objects.bulk_create(events, batch_size=_CHUNK)
    events_written([event.pk for event in written])
    seal_on_commit("events")
    return written
