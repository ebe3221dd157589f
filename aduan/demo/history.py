"""A synthetic report's life so far: its status, timestamps, events and access rows.

Moves follow the workflow's table (submit, dispatch, forward, accept, request_info,
respond, close, archive), each a little after the one before and none after ``now``.
Open reports are recent and finished ones of any age in the last year, as in a
system that has run for a while.
"""

import random
from datetime import datetime, timedelta

from aduan.agencies.models import Agency
from aduan.reports.models import Channel, Kind, Visibility
from aduan.reports.workflow import Action, Actor, ArchiveReason, Severity, Status

from . import texts

STATUSES = [(Status.CLOSED, 45), (Status.IN_PROGRESS, 13), (Status.DISPATCHED, 12),
            (Status.RESPONDED, 10), (Status.ARCHIVED, 10), (Status.SUBMITTED, 6),
            (Status.NEEDS_INFO, 4)]
CHANNELS = [(Channel.WEB, 38), (Channel.API, 22), (Channel.WHATSAPP, 14), (Channel.SMS, 8),
            (Channel.EMAIL, 6), (Channel.TWITTER, 4), (Channel.TELEGRAM, 4),
            (Channel.PARTNER, 3), (Channel.OPEN311, 1)]
KINDS = [(Kind.COMPLAINT, 80), (Kind.ASPIRATION, 12), (Kind.INFORMATION_REQUEST, 8)]
SEVERITIES = [(Severity.SIMPLE, 70), (Severity.DISPUTE, 20), (Severity.FIELD_CHECK, 10)]
RATINGS = [(5, 35), (4, 30), (3, 15), (2, 10), (1, 10)]
ARCHIVE_REASONS = [(ArchiveReason.SPAM, 30), (ArchiveReason.DUPLICATE, 30),
                   (ArchiveReason.OUT_OF_SCOPE, 25), (ArchiveReason.UNINTELLIGIBLE, 15)]
# Days since receipt, by current status.
AGE_DAYS = {Status.SUBMITTED: (0, 4), Status.NEEDS_INFO: (2, 15), Status.DISPATCHED: (1, 12),
            Status.IN_PROGRESS: (2, 40), Status.RESPONDED: (2, 12), Status.CLOSED: (10, 365),
            Status.ARCHIVED: (1, 365)}
_AFTER_DISPATCH = {Status.NEEDS_INFO, Status.IN_PROGRESS, Status.RESPONDED, Status.CLOSED}


_CUMULATIVE: dict[int, tuple[list, list]] = {}


def pick(rng: random.Random, weighted: list[tuple]):
    """One value of a [(value, weight)] list, by weight."""
    table = _CUMULATIVE.get(id(weighted))
    if table is None:
        values, totals, total = [], [], 0
        for value, weight in weighted:
            total += weight
            values.append(value)
            totals.append(total)
        table = _CUMULATIVE[id(weighted)] = (values, totals)
    return rng.choices(table[0], cum_weights=table[1])[0]


class _Life:
    def __init__(self, report, rng: random.Random, now: datetime):
        self.report, self.rng, self.now = report, rng, now
        self.events: list[dict] = []
        self.access: dict[str, dict] = {}
        self.at = report.received_at
        self.span = now - report.received_at

    def later(self, low_hours: float, high_hours: float, share: float) -> datetime:
        """A moment a few hours on, but never more than ``share`` of the time left to now."""
        step = timedelta(hours=self.rng.uniform(low_hours, high_hours))
        self.at += min(step, self.span * share)
        return self.at

    def event(self, action: str, source: str, target: str, actor: str, visibility: str, *,
              data: dict | None = None, message: str = "", public: bool = False,
              source_agency: str | None = None, target_agency: str | None = None) -> None:
        self.events.append({
            "created_at": self.at, "action": action, "actor_role": actor,
            "from_status": source, "to_status": target, "from_agency_id": source_agency,
            "to_agency_id": target_agency, "message": message,
            "public_message": message if public else "", "data": data or {},
            "visibility": visibility})

    def grant(self, agency: Agency, until: datetime | None = None) -> None:
        for code in agency.ancestor_codes:
            if until is None or code not in self.access:
                self.access[code] = {"agency_id": code, "granted_at": self.at, "until": until}


def live(report, rng: random.Random, now: datetime, holder: Agency | None,
         wrong_door: Agency | None) -> tuple[list[dict], list[dict]]:
    """Give ``report`` a status and history; return (event kwargs, access-row kwargs)."""
    status = pick(rng, STATUSES)
    if holder is None and status != Status.ARCHIVED:
        status = Status.SUBMITTED  # no rule answers: it waits for a verifier
    low, high = AGE_DAYS[status]
    report.received_at = now - timedelta(days=rng.uniform(low, high))
    life = _Life(report, rng, now)
    life.event(Action.SUBMIT, "", Status.SUBMITTED, Actor.REPORTER, Visibility.PUBLIC,
               data={"channel": report.channel, "attachments": 0})
    if status == Status.ARCHIVED:
        _archive(life)
    elif status == Status.SUBMITTED:
        if holder is not None and rng.random() < 0.1:  # sent straight to an agency
            report.holder = report.requested_agency = holder
            life.grant(holder)
    else:
        _dispatch(life, holder, wrong_door if wrong_door not in (None, holder) else None)
        _work(life, status)
    report.status = status
    report.created_at = report.received_at
    report.updated_at = life.at
    return life.events, list(life.access.values())


def _archive(life: _Life) -> None:
    reason = pick(life.rng, ARCHIVE_REASONS)
    life.later(2, 48, 0.5)
    life.report.archive_reason = reason
    life.event(Action.ARCHIVE, Status.SUBMITTED, Status.ARCHIVED, Actor.NATIONAL_ADMIN,
               Visibility.REPORTER, data={"reason": reason})


def _dispatch(life: _Life, holder: Agency, wrong_door: Agency | None) -> None:
    report, first = life.report, wrong_door or holder
    report.dispatched_at = report.published_at = life.later(1, 40, 0.1)
    actor = Actor.SYSTEM if life.rng.random() < 0.6 else Actor.NATIONAL_ADMIN
    life.event(Action.DISPATCH, Status.SUBMITTED, Status.DISPATCHED, actor, Visibility.PUBLIC,
               data={"category": report.category_id}, target_agency=first.code)
    life.grant(first)
    if wrong_door is not None:  # the province passes it down to the regency's office
        life.later(2, 30, 0.08)
        report.forward_count = 1
        life.event(Action.FORWARD, Status.DISPATCHED, Status.DISPATCHED, Actor.HOLDER_ADMIN,
                   Visibility.PUBLIC, data={"forward_count": 1}, source_agency=first.code,
                   target_agency=holder.code)
        for code in first.ancestor_codes:
            if code not in holder.ancestor_codes:
                life.access[code]["until"] = life.at
        life.grant(holder)
    report.holder = holder


def _work(life: _Life, status: str) -> None:
    report, rng = life.report, life.rng
    if status == Status.DISPATCHED:
        return
    if status == Status.NEEDS_INFO:
        report.paused_at = life.later(2, 48, 0.2)
        report.status_before_info = Status.DISPATCHED
        life.event(Action.REQUEST_INFO, Status.DISPATCHED, Status.NEEDS_INFO, Actor.HOLDER_ADMIN,
                   Visibility.REPORTER, message=rng.choice(texts.INFO_REQUESTS),
                   target_agency=report.holder.code)
        return
    life.later(2, 30, 0.1)
    severity = {"severity": report.severity} if report.severity != Severity.SIMPLE else None
    life.event(Action.ACCEPT, Status.DISPATCHED, Status.IN_PROGRESS, Actor.HOLDER_ADMIN,
               Visibility.PUBLIC, data=severity, target_agency=report.holder.code)
    if status == Status.IN_PROGRESS:
        return
    report.responded_at = life.later(24, 24 * 12, 0.35)
    life.event(Action.RESPOND, Status.IN_PROGRESS, Status.RESPONDED, Actor.HOLDER_ADMIN,
               Visibility.PUBLIC, message=rng.choice(texts.RESPONSES), public=True,
               target_agency=report.holder.code)
    if status == Status.RESPONDED:
        return
    report.closed_at = life.later(12, 24 * 14, 0.3)
    if rng.random() < 0.8:
        report.rating = pick(rng, RATINGS)
        life.event(Action.CLOSE, Status.RESPONDED, Status.CLOSED, Actor.REPORTER,
                   Visibility.PUBLIC, data={"rating": report.rating})
    else:  # no reply within the window: the sweep closed it
        life.event(Action.CLOSE, Status.RESPONDED, Status.CLOSED, Actor.SYSTEM,
                   Visibility.PUBLIC, data={"auto": True})
