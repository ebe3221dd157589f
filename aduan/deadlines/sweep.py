"""The deadline sweep: reminders, escalation, auto-close and auto-archive, set-based.

One sweep runs as of a moment ``now`` inside one transaction that first locks
the single ``SweepState`` row, so two sweeps (two workers, two machines) run
one after the other; every step only touches rows that still need it
(``escalation_level < L``, status still ``responded`` ...), so the second
sweep at the same moment changes nothing. Each step is one UPDATE (or
INSERT ... ON CONFLICT DO NOTHING) with RETURNING, followed by the events for
exactly the rows it changed: never a loop over open reports.

Working-day thresholds (escalation after N working days, reminders one working
day ahead) depend on the calendar, which differs between time zones and
provinces: the sweep works out one cut-off per province and groups provinces
that share it, so the query stays a handful of range conditions.
"""

import json
from collections import defaultdict
from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone

from aduan.agencies.models import Agency
from aduan.reports.workflow import Action, Actor, ArchiveReason, Status

from . import notify
from .calendar import Calendar
from .models import SweepState, Timer
from .policies import escalation_steps

# (status, due column, timer) of the deadline that binds each open status.
BINDING = [
    (Status.SUBMITTED, "verification_due", Timer.VERIFICATION),
    (Status.DISPATCHED, "followup_due", Timer.FOLLOWUP),
    (Status.IN_PROGRESS, "resolution_due", Timer.RESOLUTION),
]
REMIND_WORKDAYS_AHEAD = 1
_PROVINCES: list[str] | None = None


def _provinces() -> list[str]:
    global _PROVINCES
    if _PROVINCES is None:
        _PROVINCES = sorted({code[:2] for code in Agency.objects.filter(
            region__isnull=False).values_list("region_id", flat=True)} | {""})
    return _PROVINCES


def _grouped_cutoffs(cutoff_of) -> dict[datetime, list[str]]:
    """{cut-off: [province codes]} with '' standing for reports without a region."""
    groups: dict[datetime, list[str]] = defaultdict(list)
    for province in _provinces():
        groups[cutoff_of(Calendar(province or None))].append(province)
    return groups


def _dt(value: datetime):
    """A datetime as the backend stores it (SQLite keeps naive UTC text; raw SQL must match)."""
    return connection.ops.adapt_datetimefield_value(value)


def _area_sql(provinces: list[str]) -> tuple[str, list]:
    placeholders = ", ".join(["%s"] * len(provinces))
    return f"province_code IN ({placeholders})", list(provinces)


def _overdue_sql(cutoffs: dict[datetime, list[str]]) -> tuple[str, list]:
    """Rows whose binding deadline is at or before their province's cut-off."""
    parts, params = [], []
    for cutoff, provinces in cutoffs.items():
        area, area_params = _area_sql(provinces)
        stages = " OR ".join(f"(status = %s AND {column} <= %s)" for _s, column, _t in BINDING)
        parts.append(f"({area} AND ({stages}))")
        params += area_params
        for status, _column, _timer in BINDING:
            params += [status, _dt(cutoff)]
    return " OR ".join(parts), params


def _update_returning(set_sql: str, set_params: list, where: str, params: list,
                      returning: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE reports_report SET {set_sql} WHERE ({where}) RETURNING {returning}",
                       [*set_params, *params])
        return cursor.fetchall()


def _json(value: dict) -> tuple[str, str]:
    """A JSON parameter and its placeholder (PostgreSQL wants the jsonb cast spelled out)."""
    placeholder = "%s::jsonb" if connection.vendor == "postgresql" else "%s"
    return placeholder, json.dumps(value)


def _events(rows: list[tuple], *, action: str, now: datetime, visibility: str, data: dict,
            from_status=lambda row: row[1]) -> dict[int, int]:
    """Insert one system event per changed row; return {report id: event id}."""
    placeholder, payload = _json(data)
    one = f"(%s, %s, %s, %s, %s, %s, %s, %s, {placeholder}, %s, '', '')"
    found: dict[int, int] = {}
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 1000):
            chunk = rows[start:start + 1000]
            cursor.execute(
                "INSERT INTO reports_reportevent (report_id, created_at, action, actor_role, "
                "from_status, to_status, from_agency_id, to_agency_id, data, visibility, "
                f"message, public_message) VALUES {', '.join([one] * len(chunk))} "
                "RETURNING report_id, id",
                [value for row in chunk for value in (
                    row[0], _dt(now), action, Actor.SYSTEM, from_status(row), row[1], row[2], row[2],
                    payload, visibility)])
            found.update(dict(cursor.fetchall()))
    return found


def _escalate(now: datetime, steps: dict[int, int]) -> dict[int, int]:
    counts = {}
    for level in sorted(steps, reverse=True):  # highest first: one jump, one event
        after = steps[level]
        cutoffs = _grouped_cutoffs(lambda cal: cal.latest_due_overdue_by(now, after)) if after \
            else {now: _provinces()}
        where, params = _overdue_sql(cutoffs)
        rows = _update_returning("escalation_level = %s", [level],
                                 f"({where}) AND escalation_level < %s", [*params, level],
                                 "id, status, holder_id, tracking_id")
        event_ids = _events(rows, action="escalate", now=now, visibility="staff",
                            data={"level": level})
        if level >= 3:  # referred: the Ombudsman may read it from now on
            notify.grant_supervisor(rows, now)
        notify.escalated(rows, event_ids, level)
        counts[level] = len(rows)
    return counts


def _remind(now: datetime) -> int:
    cutoffs = _grouped_cutoffs(lambda cal: cal.end_of_day(
        cal.add_workdays(cal.local_date(now), REMIND_WORKDAYS_AHEAD)))
    rows = []
    with connection.cursor() as cursor:
        for status, column, timer in BINDING:
            for cutoff, provinces in cutoffs.items():
                area, area_params = _area_sql(provinces)
                cursor.execute(
                    "INSERT INTO deadlines_deadlinereminder (report_id, timer, due, sent_at) "
                    f"SELECT id, %s, {column}, %s FROM reports_report WHERE status = %s AND "
                    f"{column} > %s AND {column} <= %s AND {area} "
                    "ON CONFLICT (report_id, timer, due) DO NOTHING RETURNING report_id",
                    [timer, _dt(now), status, _dt(now), _dt(cutoff), *area_params])
                rows += [(r[0], timer) for r in cursor.fetchall()]
    if not rows:
        return 0
    reports = _rows_for([pk for pk, _timer in rows])
    for timer in {timer for _pk, timer in rows}:
        found = [(pk, *reports[pk]) for pk, t in rows if t == timer]
        event_ids = _events(found, action="remind", now=now, visibility="staff",
                            data={"timer": timer})
        notify.reminded(found, event_ids, timer)
    return len(rows)


def _rows_for(ids: list[int]) -> dict[int, tuple]:
    with connection.cursor() as cursor:
        result = {}
        for start in range(0, len(ids), 1000):
            chunk = ids[start:start + 1000]
            cursor.execute("SELECT id, status, holder_id, tracking_id FROM reports_report "
                           f"WHERE id IN ({', '.join(['%s'] * len(chunk))})", chunk)
            result.update({row[0]: row[1:] for row in cursor.fetchall()})
    return result


def _auto_close(now: datetime) -> int:
    rows = _update_returning(
        "status = %s, closed_at = %s, updated_at = %s", [Status.CLOSED, _dt(now), _dt(now)],
        "status = %s AND autoclose_due <= %s", [Status.RESPONDED, _dt(now)],
        "id, status, holder_id, tracking_id")
    event_ids = _events(rows, action=Action.CLOSE, now=now, visibility="public",
                        data={"auto": True}, from_status=lambda row: Status.RESPONDED)
    notify.to_reporters(rows, event_ids, Action.CLOSE)
    return len(rows)


def _auto_archive(now: datetime) -> int:
    rows = _update_returning(
        "status = %s, archive_reason = %s, paused_at = NULL, updated_at = %s",
        [Status.ARCHIVED, ArchiveReason.INCOMPLETE, _dt(now)],
        "status = %s AND info_due <= %s", [Status.NEEDS_INFO, _dt(now)],
        "id, status, holder_id, tracking_id")
    event_ids = _events(rows, action=Action.ARCHIVE, now=now, visibility="reporter",
                        data={"reason": ArchiveReason.INCOMPLETE, "auto": True},
                        from_status=lambda row: Status.NEEDS_INFO)
    notify.to_reporters(rows, event_ids, Action.ARCHIVE)
    return len(rows)


def sweep(now: datetime | None = None) -> dict:
    """Run one sweep as of ``now``; return what it did."""
    now = now or timezone.now()
    with transaction.atomic():
        SweepState.objects.get_or_create(pk=1)
        state = SweepState.objects.select_for_update().get(pk=1)
        result = {
            "now": now.isoformat(),
            "reminded": _remind(now),
            "escalated": _escalate(now, escalation_steps()),
            "auto_closed": _auto_close(now),
            "auto_archived": _auto_archive(now),
        }
        state.last_started_at, state.last_finished_at = now, timezone.now()
        state.last_result = result
        state.save(update_fields=["last_started_at", "last_finished_at", "last_result"])
    return result
