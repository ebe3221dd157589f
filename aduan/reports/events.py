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

from django.db import connection

from aduan.accounts.sealing import seal_on_commit

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


def system_events_cte(source: str, *, action: str, now: datetime, visibility: str,
                      data: dict, from_status: str | None = None) -> tuple[str, list]:
    """``ev AS (INSERT ...)``: one system event per row of the CTE ``source``.

    ``source`` yields (id, status, holder_id, ...) of reports already changed;
    ``from_status`` None means the status did not move. Returns (sql, params);
    the CTE returns (report_id, id).
    """
    origin = "%s" if from_status else "c.status"
    sql = (f"ev AS (INSERT INTO reports_reportevent ({EVENT_COLUMNS}) "
           f"SELECT c.id, %s, %s, %s, {origin}, c.status, c.holder_id, c.holder_id, %s::jsonb, "
           f"%s, '', '' FROM {source} c ORDER BY c.id RETURNING report_id, id)")
    params = [_dt(now), action, Actor.SYSTEM, *([from_status] if from_status else []),
              json.dumps(data), visibility]
    seal_on_commit("events")
    return sql, params


def system_events_insert(rows: list[tuple], *, action: str, now: datetime, visibility: str,
                         data: dict, from_status: str | None = None) -> dict[int, int]:
    """Write one system event per (report id, status, holder id, ...) row; {report id: event id}.

    The portable path (multi-row INSERT ... RETURNING, a thousand rows a statement).
    """
    event_ids: dict[int, int] = {}
    one = "(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, '', '')"
    payload = json.dumps(data)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), _CHUNK):
            chunk = rows[start:start + _CHUNK]
            cursor.execute(
                f"INSERT INTO reports_reportevent ({EVENT_COLUMNS}) VALUES "
                f"{', '.join([one] * len(chunk))} RETURNING report_id, id",
                [value for row in chunk for value in (
                    row[0], _dt(now), action, Actor.SYSTEM, from_status or row[1], row[1],
                    row[2], row[2], payload, visibility)])
            event_ids.update(dict(cursor.fetchall()))
    events_written(sorted(event_ids.values()))
    seal_on_commit("events")
    return event_ids


def events_create(events: list) -> list:
    """Write many ``ReportEvent`` objects in one go; they come back with their ids."""
    written = ReportEvent.objects.bulk_create(events, batch_size=_CHUNK)
    events_written([event.pk for event in written])
    seal_on_commit("events")
    return written
