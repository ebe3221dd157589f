"""Due dates that move with the life cycle (calendar edits are in ``holidays``).

``apply_deadlines`` is called by every report service after it has changed the
status, before it saves: it sets the due-date fields the action affects and
returns their names for ``update_fields``. The rules (DESIGN §4):

- the verification clock starts at receipt; follow-up and resolution at the
  first dispatch, and a forward never restarts them (no wrong door);
- ``needs_info`` pauses the clock: on the answer, every running due date
  moves by the working days spent waiting;
- a follow-up opens the reporter's reply window and the auto-close clock;
- a reply or a reopen gives the agency a fresh follow-up period;
- each stage's escalation starts from zero when the stage begins.
"""

from datetime import datetime

from aduan.reports.models import DUE_FIELD_BY_STATUS
from aduan.reports.workflow import Action, Status

from .calendar import Calendar
from .models import DayUnit, Timer
from .policies import sla_days

_RUNNING = ("verification_due", "followup_due", "resolution_due")


def report_calendar(report) -> Calendar:
    """The calendar of the report's place, else of its holder's, else the national one."""
    region = report.region_id or (report.holder.region_id if report.holder_id else None)
    return Calendar(region)


def _due(report, calendar: Calendar, timer: str, start: datetime) -> datetime:
    days, unit = sla_days(report, timer)
    if unit == DayUnit.DAYS:
        return calendar.due_in_days(start, days)
    return calendar.due(start, days)


def _resume(report, calendar: Calendar, now: datetime) -> dict:
    paused = calendar.workdays_between(calendar.local_date(report.paused_at),
                                       calendar.local_date(now)) if report.paused_at else 0
    changes = {"paused_at": None, "info_due": None,
               "paused_workdays": report.paused_workdays + paused}
    for name in _RUNNING:
        due = getattr(report, name)
        if due is not None and paused:
            moved = calendar.add_workdays(calendar.local_date(due), paused)
            changes[name] = calendar.end_of_day(moved)
    return changes


def _changes(report, action: str, calendar: Calendar, now: datetime) -> dict:
    if action == Action.SUBMIT:
        return {"verification_due": _due(report, calendar, Timer.VERIFICATION,
                                         report.received_at)}
    if action == Action.DISPATCH:
        changes = {"escalation_level": 0}
        if report.followup_due is None:  # the first dispatch starts the agency's clocks
            start = report.dispatched_at or now
            changes["followup_due"] = _due(report, calendar, Timer.FOLLOWUP, start)
            changes["resolution_due"] = _due(report, calendar, Timer.RESOLUTION, start)
        return changes
    if action == Action.REQUEST_INFO:
        return {"paused_at": now, "info_due": _due(report, calendar, Timer.INFO, now)}
    if action == Action.PROVIDE_INFO:
        return _resume(report, calendar, now)
    if action in (Action.RESPOND, Action.SIGN_OFF):  # a signed-off draft is the follow-up
        return {"reply_due": _due(report, calendar, Timer.REPLY_WINDOW, now),
                "autoclose_due": _due(report, calendar, Timer.AUTOCLOSE, now),
                "escalation_level": 0}
    if action in (Action.REPLY, Action.REOPEN):
        changes = {"reply_due": None, "autoclose_due": None, "escalation_level": 0}
        if report.status == Status.SUBMITTED:
            changes["verification_due"] = _due(report, calendar, Timer.VERIFICATION, now)
        else:
            changes["resolution_due"] = _due(report, calendar, Timer.FOLLOWUP, now)
        return changes
    return {}


def apply_deadlines(report, action: str, *, now: datetime) -> list[str]:
    """Set the due dates that ``action`` changes on ``report`` (not saved); return their names."""
    changes = _changes(report, action, report_calendar(report), now)
    for name, value in changes.items():
        setattr(report, name, value)
    return list(changes)


def report_resolution_recompute(report, *, now: datetime) -> list[str]:
    """Recompute the resolution deadline after the severity changed (from the first dispatch)."""
    if report.dispatched_at is None:
        return []
    calendar = report_calendar(report)
    due = _due(report, calendar, Timer.RESOLUTION, report.dispatched_at)
    if report.paused_workdays:  # time spent waiting for the reporter never counts
        due = calendar.end_of_day(calendar.add_workdays(calendar.local_date(due),
                                                        report.paused_workdays))
    report.resolution_due = due
    return ["resolution_due"]


def recomputed_deadlines(report, calendar: Calendar | None = None) -> dict:
    """Every due date worked out again from the report's own history (after calendar edits).

    ``calendar`` is the report's own (``report_calendar``), passed in by bulk callers that
    keep one per region.
    """
    calendar = calendar or report_calendar(report)

    def shifted(due):
        if due is None or not report.paused_workdays:
            return due
        return calendar.end_of_day(calendar.add_workdays(calendar.local_date(due),
                                                         report.paused_workdays))

    changes = {"verification_due": shifted(_due(report, calendar, Timer.VERIFICATION,
                                                report.received_at))}
    if report.dispatched_at is not None:
        changes["followup_due"] = shifted(_due(report, calendar, Timer.FOLLOWUP,
                                               report.dispatched_at))
        changes["resolution_due"] = shifted(_due(report, calendar, Timer.RESOLUTION,
                                                 report.dispatched_at))
    if report.status == Status.RESPONDED and report.responded_at is not None:
        changes["reply_due"] = _due(report, calendar, Timer.REPLY_WINDOW, report.responded_at)
        changes["autoclose_due"] = _due(report, calendar, Timer.AUTOCLOSE, report.responded_at)
    if report.status == Status.NEEDS_INFO and report.paused_at is not None:
        changes["info_due"] = _due(report, calendar, Timer.INFO, report.paused_at)
    return changes


# The deadline that is running in each status, and who it binds.
_TIMER_BY_STATUS = {
    Status.SUBMITTED: Timer.VERIFICATION,
    Status.NEEDS_INFO: Timer.INFO,
    Status.DISPATCHED: Timer.FOLLOWUP,
    Status.IN_PROGRESS: Timer.RESOLUTION,
    Status.RESPONDED: Timer.REPLY_WINDOW,
}
# The running deadline's field is the one ``Report.due_at`` (a generated column) copies.
_CURRENT = {status: (_TIMER_BY_STATUS[status], field)
            for status, field in DUE_FIELD_BY_STATUS.items()}


def current_deadline(report, now: datetime) -> dict | None:
    """The running deadline: which timer, when it falls due, and working days left."""
    timer, field = _CURRENT.get(report.status, (None, None))
    due = getattr(report, field) if field else None
    if due is None:
        return None
    left = report_calendar(report).workdays_left(due, now)
    return {"timer": timer, "due": due, "workdays_left": left, "overdue": due < now}
