"""The deadline sweep: reminders, escalation, auto-close and auto-archive, set-based.

One sweep runs as of a moment ``now`` inside one transaction that first locks
the single ``SweepState`` row, so two sweeps (two workers, two machines) run
one after the other; every step only touches rows that still need it
(``escalation_level < L``, status still ``responded`` ...), so a second sweep
at the same moment changes nothing. Each step is one statement that changes
exactly those rows and returns them (``UPDATE ... RETURNING``; reminders an
``INSERT ... ON CONFLICT DO NOTHING RETURNING``): never a loop over open reports.
Each changed row gets one system event with its id at once (so the step's messages
name it); the events of the whole sweep are written last, together, already sealed
in the events' hash chain (``reports.events.SystemEvents``: one ``COPY`` on
PostgreSQL), which holds the chain's head only from then until commit.

Working-day thresholds (escalation after N working days, reminders one working
day ahead) depend on the calendar, which differs between time zones and
provinces: the sweep works out one cut-off per province and groups provinces
that share it, so each query stays a handful of range conditions.
"""

from collections import defaultdict
from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone

from aduan.accounts.models import User
from aduan.agencies.models import Region
from aduan.lib import vault
from aduan.reports import events
from aduan.reports.workflow import Action, ArchiveReason, Status

from . import notify
from .calendar import Calendar
from .models import SweepState, Timer
from .policies import escalation_steps

# (status, due column, timer) of the deadline that binds each stage.
BINDING = [
    (Status.SUBMITTED, "verification_due", Timer.VERIFICATION),
    (Status.DISPATCHED, "followup_due", Timer.FOLLOWUP),
    (Status.IN_PROGRESS, "resolution_due", Timer.RESOLUTION),
]
REMIND_WORKDAYS_AHEAD = 1
_CHUNK = 5000  # ids per IN (...) list: SQLite allows 32,766 parameters a statement
_RETURNING = "id, status, holder_id, tracking_id, reporter_email, reporter_id"


def _dt(value: datetime):
    """A datetime as the backend stores it (SQLite keeps naive UTC text; raw SQL must match)."""
    return connection.ops.adapt_datetimefield_value(value)


class _Run:
    """One sweep: the moment, and one calendar per province for all of its steps."""

    def __init__(self, now: datetime):
        self.now = now
        provinces = list(Region.objects.filter(level=1).values_list("code", flat=True))
        # '' stands for reports without a region: they follow the national calendar.
        self.calendars = {code: Calendar(code or None) for code in ["", *provinces]}
        self.events = events.SystemEvents(now)

    def cutoffs(self, cutoff_of) -> dict[datetime, list[str]]:
        """{cut-off: [province codes sharing it]}."""
        groups: dict[datetime, list[str]] = defaultdict(list)
        for province, calendar in self.calendars.items():
            groups[cutoff_of(calendar)].append(province)
        return groups


def _area(provinces: list[str]) -> tuple[str, list]:
    return f"province_code IN ({', '.join(['%s'] * len(provinces))})", list(provinces)


def _overdue(cutoffs: dict[datetime, list[str]]) -> tuple[str, list]:
    """Rows whose binding deadline is at or before their province's cut-off."""
    parts, params = [], []
    for cutoff, provinces in cutoffs.items():
        area, area_params = _area(provinces)
        stages = " OR ".join(f"(status = %s AND {column} <= %s)" for _s, column, _t in BINDING)
        parts.append(f"({area} AND ({stages}))")
        params += area_params
        for status, _column, _timer in BINDING:
            params += [status, _dt(cutoff)]
    return " OR ".join(parts), params


def _with_events(run: "_Run", change_sql: str, params: list, *, action: str, visibility: str,
                 data: dict, from_status: str | None = None, emails: bool = False) -> list[tuple]:
    """Run a statement returning ``_RETURNING`` of changed reports and give each one system
    event (kept in ``run.events``, written sealed at the end of the sweep); return (id,
    status, holder_id, tracking_id, event id, reporter's e-mail) per changed report.

    The e-mail (the report's own, else its account's) is looked up only with ``emails``.
    """
    with connection.cursor() as cursor:
        cursor.execute(change_sql, params)
        rows = cursor.fetchall()
    event_ids = run.events.add(rows, action=action, visibility=visibility, data=data,
                               from_status=from_status)
    if not emails:
        return [(*row[:4], event_id, "") for row, event_id in zip(rows, event_ids, strict=True)]
    accounts = _account_emails({row[5] for row in rows if row[5] and not row[4]})
    return [(*row[:4], event_id, _email(row[4]) or accounts.get(row[5], ""))
            for row, event_id in zip(rows, event_ids, strict=True)]


def _account_emails(user_ids: set[int]) -> dict[int, str]:
    found, ids = {}, sorted(user_ids)
    for start in range(0, len(ids), _CHUNK):
        found.update(User.objects.filter(pk__in=ids[start:start + _CHUNK]).exclude(email="")
                     .values_list("pk", "email"))
    return found


def _email(stored: str | None) -> str:
    """A reporter's e-mail as raw SQL returns it: sealed at rest."""
    return vault.open_sealed(stored, "reports.Report.reporter_email") if stored else ""


def _escalate(run: _Run, steps: dict[int, int]) -> dict[int, int]:
    counts = {}
    for level in sorted(steps, reverse=True):  # highest first: one jump, one event
        after = steps[level]
        cutoffs = (run.cutoffs(lambda cal: cal.latest_due_overdue_by(run.now, after)) if after
                   else {run.now: list(run.calendars)})
        where, params = _overdue(cutoffs)
        rows = _with_events(
            run, f"UPDATE reports_report SET escalation_level = %s WHERE ({where}) "
            f"AND escalation_level < %s RETURNING {_RETURNING}", [level, *params, level],
            action=Action.ESCALATE, visibility="staff", data={"level": level})
        if level >= 3:  # referred: the Ombudsman may read it from now on
            notify.grant_supervisor([row[0] for row in rows], run.now)
        notify.escalated(rows, level)
        counts[level] = len(rows)
    return counts


def _remind(run: _Run) -> int:
    cutoffs = run.cutoffs(lambda cal: cal.end_of_day(
        cal.add_workdays(cal.local_date(run.now), REMIND_WORKDAYS_AHEAD)))
    total = 0
    for status, column, timer in BINDING:
        for cutoff, provinces in cutoffs.items():
            area, area_params = _area(provinces)
            insert = (
                "INSERT INTO deadlines_deadlinereminder (report_id, timer, due, sent_at) "
                f"SELECT id, %s, {column}, %s FROM reports_report WHERE status = %s AND "
                f"{column} > %s AND {column} <= %s AND {area} "
                "ON CONFLICT (report_id, timer, due) DO NOTHING RETURNING report_id")
            params = [timer, _dt(run.now), status, _dt(run.now), _dt(cutoff), *area_params]
            rows = _reminded(run, insert, params, timer)
            notify.reminded(rows, timer)
            total += len(rows)
    return total


def _reminded(run: _Run, insert: str, params: list, timer: str) -> list[tuple]:
    """Record reminders not sent before (the unique key drops repeats) and their events."""
    event = {"action": Action.REMIND, "visibility": "staff", "data": {"timer": timer}}
    columns = ", ".join("r." + column for column in _RETURNING.split(", "))
    if connection.vendor == "postgresql":  # data-modifying CTEs sit at the top level
        return _with_events(run, f"WITH reminded AS ({insert}) SELECT {columns} FROM "
                            "reports_report r JOIN reminded m ON m.report_id = r.id",
                            params, **event)
    with connection.cursor() as cursor:
        cursor.execute(insert, params)
        ids = [row[0] for row in cursor.fetchall()]
    rows = []
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
        rows += _with_events(run, f"SELECT {_RETURNING} FROM reports_report WHERE id IN "
                             f"({', '.join(['%s'] * len(chunk))})", chunk, **event)
    return rows


def _auto_close(run: _Run) -> int:
    rows = _with_events(
        run, "UPDATE reports_report SET status = %s, closed_at = %s, updated_at = %s "
        f"WHERE status = %s AND autoclose_due <= %s RETURNING {_RETURNING}",
        [Status.CLOSED, _dt(run.now), _dt(run.now), Status.RESPONDED, _dt(run.now)],
        action=Action.CLOSE, visibility="public", data={"auto": True},
        from_status=Status.RESPONDED, emails=True)
    notify.to_reporters(rows, Action.CLOSE)
    return len(rows)


def _auto_archive(run: _Run) -> int:
    rows = _with_events(
        run, "UPDATE reports_report SET status = %s, archive_reason = %s, paused_at = NULL, "
        f"updated_at = %s WHERE status = %s AND info_due <= %s RETURNING {_RETURNING}",
        [Status.ARCHIVED, ArchiveReason.INCOMPLETE, _dt(run.now), Status.NEEDS_INFO,
         _dt(run.now)],
        action=Action.ARCHIVE, visibility="reporter",
        data={"reason": ArchiveReason.INCOMPLETE, "auto": True}, from_status=Status.NEEDS_INFO,
        emails=True)
    notify.to_reporters(rows, Action.ARCHIVE)
    return len(rows)


def sweep(now: datetime | None = None) -> dict:
    """Run one sweep as of ``now``; return what it did."""
    now = now or timezone.now()
    with transaction.atomic():
        SweepState.objects.get_or_create(pk=1)
        state = SweepState.objects.select_for_update().get(pk=1)
        run = _Run(now)
        result = {
            "now": now.isoformat(),
            "reminded": _remind(run),
            "escalated": _escalate(run, escalation_steps()),
            "auto_closed": _auto_close(run),
            "auto_archived": _auto_archive(run),
        }
        run.events.flush()  # last: it holds the events chain's head until commit
        state.last_started_at, state.last_finished_at = now, timezone.now()
        state.last_result = result
        state.save(update_fields=["last_started_at", "last_finished_at", "last_result"])
    return result
