"""``aduan demo --reports N``: many realistic reports, fast, for load tests and benchmarks.

Not the per-report service path: each batch of reports, their events and access rows
is written by three ``bulk_create`` calls in one transaction. What the services would
have worked out is worked out the same way here, from the same code:

* the holder of a report is what the routing rules answer for its category and
  village (``agencies.rules.resolve``), some first sent to the province (a forward);
* due dates come from ``deadlines.services.recomputed_deadlines`` (SLA policies,
  the province's working-day calendar) over the report's own history;
* the public text is the reporter's text through ``lib.redact`` with their identity;
  the search index is filled by the database's own triggers on insert;
* every event of the history is written (submit, dispatch, forward, accept, request
  and provide information, respond, close with a rating, archive), sealed into the
  events' hash chain at the end, and the statistics are refreshed from them.

Reporters are fake (``texts``) and share one PIN (``VOLUME_PIN``); the reports are
recognised by their PIN hash's fixed salt, so a second run with the same N adds
nothing and a run cut short goes on where it stopped. The partners' changes feed is
not back-filled: it starts with the first change after the load.
"""

import json
import random
import re
import secrets
from collections.abc import Callable
from contextlib import contextmanager
from datetime import datetime

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from aduan.agencies.models import Agency, Category, Level, Region
from aduan.agencies.rules import resolve, rules_all
from aduan.deadlines.calendar import Calendar, timezone_for
from aduan.deadlines.models import Holiday
from aduan.deadlines.services import recomputed_deadlines
from aduan.lib import pins, tracking
from aduan.lib.redact import Identity, redact
from aduan.lib.sealed import SealedTextField
from aduan.reports.events import EVENT_COLUMNS
from aduan.reports.models import Report, ReportAccess, ReportEvent

from . import history, texts

VOLUME_PIN = "20262026"
VOLUME_SALT = "d3m0701ume000000"
BATCH = 5000


def volume_pin_hash() -> str:
    return pins.make_hash(VOLUME_PIN, settings.SECRET_KEY, salt=VOLUME_SALT)


def volume_count() -> int:
    return Report.objects.filter(pin_hash__startswith=f"hs256${VOLUME_SALT}$").count()


class _RememberingCalendar(Calendar):
    """A calendar that remembers its answers: a million reports ask about a few hundred days."""

    def __init__(self, region_code: str | None = None):
        super().__init__(region_code)
        self._answers: dict[tuple, datetime] = {}

    def due(self, start: datetime, n: int) -> datetime:
        key = ("due", self.local_date(start), n)
        if key not in self._answers:
            self._answers[key] = super().due(start, n)
        return self._answers[key]

    def due_in_days(self, start: datetime, n: int) -> datetime:
        key = ("days", self.local_date(start), n)
        if key not in self._answers:
            self._answers[key] = super().due_in_days(start, n)
        return self._answers[key]


class Reference:
    """The reference data every report is drawn from, loaded once."""

    def __init__(self):
        self.categories = list(Category.objects.filter(active=True).order_by("code"))
        self.villages = list(Region.objects.filter(level=4).values_list("code", flat=True))
        # The text names the regency or city: few enough places that the public text of
        # each (template, place) is redacted once.
        self.places = dict(Region.objects.filter(level=2).values_list("code", "name"))
        if not self.categories or not self.villages:
            raise RuntimeError("no reference data: run `aduan setup` first")
        self.agencies = {a.code: a for a in Agency.objects.all()}
        self.rules = rules_all()
        self._routes: dict[tuple, str | None] = {}
        self._regional = sorted(set(Holiday.objects.exclude(region_code="")
                                    .values_list("region_code", flat=True)))
        self._calendars: dict[tuple, Calendar] = {}
        self._by_region: dict[str, Calendar] = {}

    def holder(self, category: Category, village: str, level: str) -> Agency | None:
        key = (category.code, village, level)
        if key not in self._routes:
            chain = [category.code, category.parent_id] if category.parent_id else [category.code]
            found = resolve(self.rules, categories=chain, region=village, level=level).agency
            self._routes[key] = found
        code = self._routes[key]
        agency = self.agencies.get(code) if code else None
        return agency if agency is not None and agency.can_hold_reports else None

    def calendar(self, region: str) -> Calendar:
        """``Calendar(region)``, shared by every region with the same time zone and the same
        regional holidays (a calendar is nothing else)."""
        calendar = self._by_region.get(region)
        if calendar is None:
            key = (timezone_for(region).key, *(code for code in self._regional
                                               if region == code or region.startswith(code + ".")))
            if key not in self._calendars:
                self._calendars[key] = _RememberingCalendar(region)
            calendar = self._by_region[region] = self._calendars[key]
        return calendar


@contextmanager
def _times_as_given():
    """Let bulk_create keep the created_at / updated_at the history gives (not 'now')."""
    fields = [Report._meta.get_field("created_at"), Report._meta.get_field("updated_at")]
    saved = [(f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, (auto_now, auto_now_add) in zip(fields, saved, strict=True):
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def _report(ref: Reference, rng: random.Random, serial: int, now: datetime,
            pin_hash: str) -> tuple[Report, list, list]:
    category = rng.choice(ref.categories)
    village = rng.choice(ref.villages)
    place = ref.places.get(village[:5], "").title()
    channel = history.pick(rng, history.CHANNELS)
    who = texts.reporter(rng, serial, channel)
    title, body = texts.complaint(rng, category.code, category.parent_id, place)
    if rng.random() < 0.05 and (who["reporter_phone"] or who["reporter_email"]):
        body += texts.CONTACT.format(phone=who["reporter_phone"] or who["reporter_email"])
    identity = Identity(name=who["reporter_name"], email=who["reporter_email"],
                        phone=who["reporter_phone"])
    report = Report(
        kind=history.pick(rng, history.KINDS), title=title, body=body,
        public_title=_public(title, identity), public_body=_public(body, identity),
        region_id=village, province_code=village[:2], regency_code=village[:5],
        address=f"RT {rng.randint(1, 15):02d} RW {rng.randint(1, 9):02d}, {place}",
        category=category, channel=channel, anonymous=rng.random() < 0.08,
        confidential=rng.random() < 0.04, pin_hash=pin_hash,
        severity=history.pick(rng, history.SEVERITIES), **who)
    holder = ref.holder(category, village, category.default_level)
    wrong_door = ref.holder(category, village, Level.PROVINCE) if rng.random() < 0.1 else None
    events, access = history.live(report, rng, now, holder, wrong_door)
    for name, value in recomputed_deadlines(report, ref.calendar(village)).items():
        setattr(report, name, value)
    return report, events, access


def _mentions(text: str, identity: Identity) -> bool:
    """Whether the text may hold any of the reporter's own details (a cheap, wide test)."""
    lower = text.lower()
    words = re.findall(r"\w+", f"{identity.name} {identity.email.split('@')[0]}".lower())
    phone = "".join(ch for ch in identity.phone if ch.isdigit())[-4:]
    return any(len(w) >= 3 and w in lower for w in words) or bool(phone and phone in text)


_redacted: dict[str, str] = {}


def _public(text: str, identity: Identity) -> str:
    """``redact(text, identity)``; the reporter's own patterns are only tried where their
    details can occur, which gives the same text at a fraction of the cost."""
    if _mentions(text, identity):
        return redact(text, identity)
    if text not in _redacted:
        if len(_redacted) > 500_000:
            _redacted.clear()
        _redacted[text] = redact(text)
    return _redacted[text]


def _tracking_ids(count: int) -> list[str]:
    """Fresh tracking IDs, none already in the database (45 random bits: clashes are rare)."""
    ids: set[str] = set()
    while len(ids) < count:
        ids.update(tracking.from_bits(secrets.randbits(45)) for _ in range(count - len(ids)))
        ids.discard(None)
        ids -= set(Report.objects.filter(tracking_id__in=ids).values_list("tracking_id",
                                                                           flat=True))
    return list(ids)


def _write(batch: list[tuple[Report, list, list]]) -> int:
    reports = [report for report, _events, _access in batch]
    for report, tid in zip(reports, _tracking_ids(len(reports)), strict=True):
        report.tracking_id = tid
    with transaction.atomic():
        if connection.vendor == "postgresql":
            _copy(batch)
        else:
            _bulk_create(batch)
    return sum(len(events) for _report, events, _access in batch)


def _bulk_create(batch: list[tuple[Report, list, list]]) -> None:
    with _times_as_given():
        Report.objects.bulk_create([report for report, _e, _a in batch], batch_size=1000)
    ReportEvent.objects.bulk_create(
        [ReportEvent(report_id=report.pk, **event) for report, events, _a in batch
         for event in events], batch_size=2000)
    ReportAccess.objects.bulk_create(
        [ReportAccess(report_id=report.pk, **row) for report, _e, rows in batch for row in rows],
        batch_size=2000)


_REPORT_FIELDS = [f for f in Report._meta.concrete_fields if not getattr(f, "generated", False)]
_EVENT_KEYS = [c.strip() for c in EVENT_COLUMNS.split(",")]
_ACCESS_KEYS = ["agency_id", "granted_at", "until"]


def _stored(field, value):
    """A value as COPY must write it: sealed fields sealed (ADR 0012), others as they are."""
    return field.get_db_prep_save(value, connection) if isinstance(field, SealedTextField) \
        else value


def _copy(batch: list[tuple[Report, list, list]]) -> None:
    """PostgreSQL: the same rows by COPY, several times faster than multi-row INSERTs (ids
    taken from the table's sequence first, so events and access rows can point at them)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence('reports_report', 'id')) "
                       "FROM generate_series(1, %s)", [len(batch)])
        for (report, _e, _a), (pk,) in zip(batch, cursor.fetchall(), strict=True):
            report.pk = pk
        columns = ", ".join(f.column for f in _REPORT_FIELDS)
        with cursor.copy(f"COPY reports_report ({columns}) FROM STDIN") as copy:
            for report, _e, _a in batch:
                copy.write_row([_stored(f, getattr(report, f.attname)) for f in _REPORT_FIELDS])
        with cursor.copy(f"COPY reports_reportevent ({EVENT_COLUMNS}) FROM STDIN") as copy:
            for report, events, _a in batch:
                for event in events:
                    copy.write_row([report.pk if key == "report_id" else
                                    json.dumps(event[key]) if key == "data" else event[key]
                                    for key in _EVENT_KEYS])
        with cursor.copy("COPY reports_reportaccess (report_id, agency_id, granted_at, until) "
                         "FROM STDIN") as copy:
            for report, _e, rows in batch:
                for row in rows:
                    copy.write_row([report.pk, *(row[key] for key in _ACCESS_KEYS)])


def volume_generate(total: int, *, seed: int | None = None, batch_size: int = BATCH,
                    progress: Callable[[int, int], None] | None = None) -> int:
    """Make volume reports until ``total`` exist; return how many this call added."""
    have = volume_count()
    if have >= total:
        return 0
    ref, now, pin_hash = Reference(), timezone.now(), volume_pin_hash()
    rng = random.Random(seed if seed is not None else have)
    made = 0
    while have + made < total:
        size = min(batch_size, total - have - made)
        _write([_report(ref, rng, have + made + i + 1, now, pin_hash) for i in range(size)])
        made += size
        if progress:
            progress(have + made, total)
    _analyse()
    return made


def _analyse() -> None:
    """Fresh planner statistics after a bulk load: without them PostgreSQL guesses a few
    thousand rows where there are a million, and the queues' counts scan the table
    (measured on 1 M reports: the Surabaya admin's home page 1,820 ms before, 61 ms after)."""
    tables = ["reports_report", "reports_reportevent", "reports_reportaccess"]
    if connection.vendor == "postgresql":
        tables.append("reports_search")
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {', '.join(tables)}" if connection.vendor == "postgresql"
                       else "ANALYZE")


def volume_finish() -> dict[str, int]:
    """Seal the new events into the chain and rebuild the statistics (which, at this many
    new reports at once, is faster than the incremental refresh)."""
    from aduan.accounts.chain import seal
    from aduan.stats.rollup import stats_rebuild

    return {"sealed": seal("events"), "stats": stats_rebuild()}
