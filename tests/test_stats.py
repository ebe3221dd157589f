"""Statistics: each measure against a hand-computed history, rebuild = incremental, predikat."""

import random
from datetime import datetime
from decimal import Decimal

import pytest
import time_machine
from conftest import submit

from aduan.deadlines.calendar import WIB
from aduan.errors import InvalidInput
from aduan.reports import services
from aduan.reports.models import Report, ReportEvent
from aduan.stats.models import PredikatScheme, ReportFact, StatsCell, StatsCursor
from aduan.stats.predikat import grade, scheme_add
from aduan.stats.rollup import stats_rebuild, stats_refresh, stats_refresh_all
from aduan.stats.selectors import measures, period_parse, subject_get

pytestmark = pytest.mark.django_db

A_UNIT, B_UNIT = "pemkot-surabaya.dpupr", "pemprov-jawa-timur.dpupr"


def at(*args) -> datetime:
    return datetime(*args, tzinfo=WIB)


def fresh(report) -> Report:
    return Report.objects.get(pk=report.pk)


def _history(cast):
    """Three reports around Idul Adha, Pancasila day and the Islamic new year 2026."""
    nat, a, b, me = cast.national.caller, cast.admin_a.caller, cast.admin_b.caller, cast.citizen
    with time_machine.travel(at(2026, 5, 26, 10), tick=False):  # Tuesday
        one, _ = submit(user=me.user)
        two, _ = submit()
        three, _ = submit(confidential=True)
    with time_machine.travel(at(2026, 5, 27, 9), tick=False):
        services.report_archive(caller=nat, report=fresh(three), reason="spam")
    # Verification due: 29 May, 2, 3 June (27/28 May Idul Adha, 1 June Pancasila).
    with time_machine.travel(at(2026, 6, 3, 9), tick=False):
        services.report_dispatch(caller=nat, report=fresh(one), agency=A_UNIT)
    with time_machine.travel(at(2026, 6, 4, 9), tick=False):  # one day late
        services.report_dispatch(caller=nat, report=fresh(two), agency=A_UNIT)
    with time_machine.travel(at(2026, 6, 5, 9), tick=False):
        services.report_forward(caller=a, report=fresh(one), agency=B_UNIT,
                                reason="Jalan provinsi.")
    with time_machine.travel(at(2026, 6, 8, 10), tick=False):  # pause: 9 and 10 June
        services.report_request_info(caller=b, report=fresh(one), message="Mohon foto.")
    with time_machine.travel(at(2026, 6, 10, 10), tick=False):
        services.report_provide_info(caller=me.caller, report=fresh(one), message="Foto terlampir.")
    # Follow-up due 12 June after the pause.
    with time_machine.travel(at(2026, 6, 12, 10), tick=False):
        services.report_accept(caller=b, report=fresh(one))
        services.report_respond(caller=b, report=fresh(one), message="Sudah ditambal.")
    with time_machine.travel(at(2026, 6, 15, 10), tick=False):
        services.report_reply(caller=me.caller, report=fresh(one), message="Belum rapi.")
    with time_machine.travel(at(2026, 6, 17, 10), tick=False):  # 16 June: Tahun Baru Islam
        services.report_respond(caller=b, report=fresh(one), message="Sudah dirapikan.")
    with time_machine.travel(at(2026, 6, 18, 10), tick=False):
        services.report_close(caller=me.caller, report=fresh(one), rating=4)
    return one, two, three


PERIOD = ("2026-05", "2026-06")


def _values(scope, code="", public=True):
    return measures(subject_get(scope, code), period_parse(*PERIOD), public)


def test_every_measure_against_a_hand_computed_history(cast):
    _history(cast)
    assert stats_refresh_all() == 3
    b = _values("agency", "pemprov-jawa-timur")
    assert (b["received"], b["dispatched"], b["followed_up"], b["closed"]) == (1, 1, 1, 1)
    assert (b["forwarded_to"], b["forwarded_away"]) == (1, 0)
    assert (b["pct_verified_on_time"], b["pct_followup_on_time"],
            b["pct_resolved_on_time"]) == (100.0, 100.0, 100.0)
    # Receipt 26 May -> first follow-up 12 June: 29 May, 2-5, 8-12 June = 10 working days,
    # less 2 paused (9, 10 June) = 8. To closing on 18 June: + 15, 17, 18 = 13 - 2 = 11.
    assert (b["median_days_followup"], b["p90_days_followup"]) == (8, 8)
    assert (b["median_days_close"], b["p90_days_close"]) == (11, 11)
    assert b["reopen_rate"] == 100.0
    assert (b["rating_mean"], b["rating_4"], b["rating_response_rate"]) == (4.0, 1, 100.0)
    assert b["pct_completed"] == 100.0 and b["open_backlog"] == 0
    a = _values("agency", "pemkot-surabaya")
    assert (a["received"], a["forwarded_away"], a["open_backlog"]) == (1, 1, 1)
    national = _values("national")
    assert (national["received"], national["archived"], national["forwards"]) == (2, 0, 1)
    assert national["pct_verified_on_time"] == 50.0  # the second came a day late
    full = _values("national", public=False)
    assert (full["received"], full["archived"], full["archived_spam"]) == (3, 1, 1)
    assert _values("regency", "35.78")["received"] == 2
    assert _values("province", "35")["received"] == 2


def _snapshot():
    return {key: counts for key, counts in StatsCell.objects.values_list("key", "counts")}


def _facts():
    return {row["report_id"]: row for row in ReportFact.objects.values()}


def test_rebuild_gives_the_numbers_of_the_incremental_path_on_a_random_history(cast):
    rng = random.Random(20261202)
    nat = cast.national.caller
    reports = [submit(confidential=rng.random() < 0.3)[0] for _ in range(12)]
    for step in range(40):
        report = fresh(rng.choice(reports))
        move = rng.choice(["dispatch", "forward", "respond", "archive", "info"])
        try:
            if move == "dispatch":
                services.report_dispatch(caller=nat, report=report, agency=A_UNIT)
            elif move == "forward":
                services.report_forward(caller=nat, report=report, agency=B_UNIT, reason="x")
            elif move == "respond":
                services.report_respond(caller=nat, report=report, message="Ditangani.")
            elif move == "archive":
                services.report_archive(caller=nat, report=report, reason="duplicate")
            else:
                services.report_request_info(caller=nat, report=report, message="Foto?")
        except Exception:  # an illegal move in this state: the history simply goes on
            pass
        if step % 7 == 0:
            stats_refresh()
    stats_refresh_all()
    incremental, facts = _snapshot(), _facts()
    assert incremental
    assert stats_rebuild() == len(reports)
    assert _snapshot() == incremental
    assert _facts() == facts
    # The rebuilt facts read back equal to freshly worked-out ones: reading every event
    # again moves nothing.
    StatsCursor.objects.update(last_id=0, gaps=[])
    assert stats_refresh_all() == 0
    assert _snapshot() == incremental


def test_rows_that_commit_after_later_ones_are_read_from_the_gaps(cast):
    report, _ = submit()
    stats_refresh_all()
    cursor = StatsCursor.objects.get(name="events")
    top = ReportEvent.objects.order_by("-id").values_list("id", flat=True).first()
    # As if ids top+1..top+3 were taken by a transaction still open when top+4 committed.
    cursor.last_id, cursor.gaps = top + 3, [[top + 1, top + 3, datetime.now(WIB).isoformat()]]
    cursor.save()
    services.report_dispatch(caller=cast.national.caller, report=fresh(report), agency=A_UNIT)
    assert ReportEvent.objects.filter(id__gt=top).exists()
    stats_refresh_all()
    period = period_parse("2020-01", "2030-12")
    assert measures(subject_get("national"), period, False)["dispatched"] == 1
    stats_refresh_all()  # read again: nothing moves twice
    assert measures(subject_get("national"), period, False)["dispatched"] == 1


@pytest.mark.parametrize(("points", "expected"), [
    (80.0, "baik"), (79.9, "sedang"), (60.0, "sedang"), (59.9, "kurang"), (0.0, "kurang")])
def test_predikat_thresholds_at_their_edges(points, expected):
    scheme = scheme_add(weights={"pct_completed": 1}, baik_from=Decimal("80"),
                        sedang_from=Decimal("60"), min_reports=10, note="", user=None)
    result = grade({"received": 10, "pct_completed": points}, scheme)
    assert (result.grade, result.score, result.version) == (expected, points, scheme.version)


def test_predikat_needs_enough_reports_and_valid_schemes():
    scheme = scheme_add(weights={"pct_completed": 1, "rating_mean": 1}, baik_from=Decimal("80"),
                        sedang_from=Decimal("60"), min_reports=10, note="", user=None)
    assert grade({"received": 9, "pct_completed": 100}, scheme).grade is None
    # Rating 5 counts as 100, a missing measure is left out of the weights.
    assert grade({"received": 10, "pct_completed": 60, "rating_mean": 5}, scheme).score == 80.0
    assert grade({"received": 10, "pct_completed": 60, "rating_mean": None}, scheme).score == 60.0
    with pytest.raises(InvalidInput):
        scheme_add(weights={"nonsense": 1}, baik_from=Decimal("80"), sedang_from=Decimal("60"),
                   min_reports=1, note="", user=None)
    with pytest.raises(InvalidInput):
        scheme_add(weights={"pct_completed": 1}, baik_from=Decimal("50"),
                   sedang_from=Decimal("60"), min_reports=1, note="", user=None)
    assert PredikatScheme.objects.count() == 1
