"""Work out one report's fact (its additive contribution to the measures) from its history.

Pure apart from the calendar: the same report and events always give the same
fact, which is what makes the incremental refresh and the rebuild agree.
Working days use the SLA clock's calendar (``aduan.deadlines``) of the report's
place, else its holder's, else the national one.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from aduan.deadlines.calendar import Calendar
from aduan.reports.workflow import Action, Status

FOLLOW_UPS = (Action.RESPOND, Action.SIGN_OFF)
REOPENS = (Action.REPLY, Action.REOPEN)
OPEN_STATUSES = {Status.SUBMITTED, Status.NEEDS_INFO, Status.DISPATCHED, Status.IN_PROGRESS,
                 Status.RESPONDED}
# The report columns a fact is made of (one ``values()`` query per batch).
REPORT_FIELDS = ("id", "received_at", "region_id", "province_code", "regency_code",
                 "category_id", "channel", "kind", "confidential", "status", "archive_reason",
                 "closed_at", "rating", "verification_due", "followup_due", "resolution_due",
                 "holder_id", "holder__path", "holder__region_id")
EVENT_FIELDS = ("report_id", "id", "created_at", "action", "from_agency_id", "to_agency_id",
                "data")


@dataclass
class Fact:
    report_id: int
    month: date
    week: date
    agency_path: str
    province_code: str
    regency_code: str
    category: str
    channel: str
    kind: str
    confidential: bool
    counts: dict[str, int] = field(default_factory=dict)
    flows: dict[str, list[str]] = field(default_factory=dict)


class Calendars:
    """One calendar per region code for a batch (holidays are loaded once per year each)."""

    def __init__(self):
        self._by_region: dict[str, Calendar] = {}

    def get(self, region_code: str | None) -> Calendar:
        key = region_code or ""
        if key not in self._by_region:
            self._by_region[key] = Calendar(key or None)
        return self._by_region[key]


def _pauses(events: list[dict]) -> list[tuple[datetime, datetime | None]]:
    spans, start = [], None
    for event in events:
        if event["action"] == Action.REQUEST_INFO and start is None:
            start = event["created_at"]
        elif event["action"] == Action.PROVIDE_INFO and start is not None:
            spans.append((start, event["created_at"]))
            start = None
    return spans


def _workdays_to(cal: Calendar, received: datetime, moment: datetime, pauses) -> int:
    """Working days from receipt to ``moment``, less the working days paused before it."""
    paused = sum(cal.workdays_between(cal.local_date(a), cal.local_date(min(b, moment)))
                 for a, b in pauses if a < moment)
    total = cal.workdays_between(cal.local_date(received), cal.local_date(moment))
    return max(0, total - paused)


def _on_time(moment: datetime | None, due: datetime | None) -> tuple[int, int]:
    if moment is None or due is None:
        return 0, 0
    return (1 if moment <= due else 0), 1


def _timing(report: dict, events: list[dict], cal: Calendar, counts: Counter) -> None:
    received = report["received_at"]
    pauses = _pauses(events)
    dispatches = [e["created_at"] for e in events if e["action"] == Action.DISPATCH]
    follow_ups = [e["created_at"] for e in events if e["action"] in FOLLOW_UPS]
    ok, n = _on_time(dispatches[0] if dispatches else None, report["verification_due"])
    counts["v_ok"] += ok
    counts["v_n"] += n
    if follow_ups:
        ok, n = _on_time(follow_ups[0], report["followup_due"])
        counts["fu_ok"] += ok
        counts["fu_n"] += n
        counts[f"fud:{_workdays_to(cal, received, follow_ups[0], pauses)}"] += 1
    if report["status"] == Status.CLOSED and report["closed_at"] is not None:
        last = follow_ups[-1] if follow_ups else report["closed_at"]
        ok, n = _on_time(last, report["resolution_due"])
        counts["r_ok"] += ok
        counts["r_n"] += n
        counts[f"cld:{_workdays_to(cal, received, report['closed_at'], pauses)}"] += 1


def _outcome(report: dict, events: list[dict], support: int, counts: Counter) -> None:
    actions = {e["action"] for e in events}
    status = report["status"]
    counts["rcv"] += 1
    counts["dsp"] += int(Action.DISPATCH in actions)
    counts["fu"] += int(bool(actions & set(FOLLOW_UPS)))
    counts["cls"] += int(status == Status.CLOSED)
    counts["open"] += int(status in OPEN_STATUSES)
    if status == Status.ARCHIVED:
        counts["arc"] += 1
        counts[f"arc:{report['archive_reason']}"] += 1
    counts["reo"] += int(bool(actions & set(REOPENS)))
    counts["fwd"] += sum(1 for e in events if e["action"] == Action.FORWARD)
    if report["rating"]:
        counts["rated"] += 1
        counts["rsum"] += report["rating"]
        counts[f"r:{report['rating']}"] += 1
    levels = [int((e["data"] or {}).get("level", 0)) for e in events
              if e["action"] == Action.ESCALATE]
    for level in range(1, max(levels, default=0) + 1):
        counts[f"esc:{level}"] += 1  # reached level L: counted at every level up to L
    counts["sup"] += support


def fact_for(report: dict, events: list[dict], support: int, calendars: Calendars) -> Fact:
    """The fact of one report; ``events`` in (created_at, id) order."""
    cal = calendars.get(report["region_id"] or report["holder__region_id"])
    counts: Counter = Counter()
    _outcome(report, events, support, counts)
    _timing(report, events, cal, counts)
    forwards = [e for e in events if e["action"] == Action.FORWARD]
    flows = {"out": [e["from_agency_id"] for e in forwards if e["from_agency_id"]],
             "in": [e["to_agency_id"] for e in forwards if e["to_agency_id"]]}
    day = cal.local_date(report["received_at"])
    return Fact(
        report_id=report["id"], month=day.replace(day=1), week=day - timedelta(days=day.weekday()),
        agency_path=report["holder__path"] or "", province_code=report["province_code"],
        regency_code=report["regency_code"], category=report["category_id"] or "",
        channel=report["channel"], kind=report["kind"], confidential=report["confidential"],
        counts={k: v for k, v in counts.items() if v}, flows=flows if forwards else {})
