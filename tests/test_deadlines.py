"""Due dates through the life cycle, SLA policies as data, and the sweep, in frozen time."""

import json
from datetime import datetime
from io import StringIO

import pytest
import time_machine
from conftest import submit
from django.core.management import call_command

from aduan.channels.models import OutboundMessage, recipient_digest
from aduan.deadlines.calendar import WIB, WITA
from aduan.deadlines.models import DeadlineReminder, EscalationStep, SlaPolicy
from aduan.deadlines.policies import forget_policies
from aduan.deadlines.sweep import sweep
from aduan.reports import services
from aduan.reports.callers import Caller
from aduan.reports.models import Report, ReportAccess, ReportEvent

pytestmark = pytest.mark.django_db

A_UNIT, B_UNIT = "pemkot-surabaya.dpupr", "pemprov-jawa-timur.dpupr"


def at(*args) -> datetime:
    return datetime(*args, tzinfo=WIB)


def eod(y, m, d, tz=WIB) -> datetime:
    return datetime(y, m, d, 23, 59, 59, tzinfo=tz)


def fresh(report) -> Report:
    return Report.objects.get(pk=report.pk)


def events(report, action) -> list[ReportEvent]:
    return list(ReportEvent.objects.filter(report=report, action=action))


def test_due_dates_follow_the_life_cycle_across_lebaran(cast, api):
    with time_machine.travel(at(2026, 3, 16, 10), tick=False):
        report, pin = submit()  # Monday before Nyepi and Lebaran
    assert fresh(report).verification_due == eod(2026, 3, 26)  # 17, 25, 26 March
    with time_machine.travel(at(2026, 3, 17, 9), tick=False):
        services.report_dispatch(caller=cast.national.caller, report=report, agency=A_UNIT)
    report = fresh(report)
    assert report.followup_due == eod(2026, 3, 31)  # 25, 26, 27, 30, 31
    assert report.resolution_due == eod(2026, 3, 31)
    # The API shows the due dates and the running deadline in working days.
    with time_machine.travel(at(2026, 3, 25, 9), tick=False):
        data = api.get(f"/reports/{report.tracking_id}", pin=pin).json()
    assert datetime.fromisoformat(data["followup_due"]) == eod(2026, 3, 31)
    assert data["current_deadline"] == {
        "timer": "followup", "due": data["followup_due"], "workdays_left": 4, "overdue": False}
    assert data["escalation_level"] == 0


def test_forward_keeps_the_clock_and_needs_info_pauses_it(cast):
    with time_machine.travel(at(2026, 6, 2, 10), tick=False):  # Tuesday
        report, _pin = submit()
        services.report_dispatch(caller=cast.national.caller, report=report, agency=A_UNIT)
    first = fresh(report)
    assert first.followup_due == eod(2026, 6, 9)
    with time_machine.travel(at(2026, 6, 5, 10), tick=False):
        services.report_forward(caller=cast.admin_a.caller, report=first, agency=B_UNIT,
                                reason="Jalan provinsi.")
    forwarded = fresh(report)
    assert (forwarded.received_at, forwarded.followup_due, forwarded.resolution_due) == (
        first.received_at, first.followup_due, first.resolution_due)
    with time_machine.travel(at(2026, 6, 8, 10), tick=False):  # Monday
        services.report_request_info(caller=cast.admin_b.caller, report=forwarded,
                                     message="Mohon foto lokasi.")
    waiting = fresh(report)
    assert waiting.info_due == eod(2026, 6, 23) and waiting.paused_at is not None  # 16 June off
    with time_machine.travel(at(2026, 6, 11, 15), tick=False):  # Thursday: 3 HK later
        services.report_provide_info(caller=Caller(pin_report_id=report.pk), report=waiting,
                                     message="Foto terlampir.")
    resumed = fresh(report)
    assert resumed.paused_workdays == 3 and resumed.paused_at is None
    assert resumed.followup_due == eod(2026, 6, 12)  # 9 June + 3 HK
    assert resumed.info_due is None


def test_severity_and_policies_per_category_and_agency(cast):
    with time_machine.travel(at(2026, 7, 1, 9), tick=False):  # Wednesday
        report, _pin = submit()
        services.report_dispatch(caller=cast.national.caller, report=report, agency=A_UNIT)
        services.report_accept(caller=cast.admin_a.caller, report=fresh(report),
                               severity="field_check")
    assert fresh(report).resolution_due == eod(2026, 9, 25)  # 60 HK (17 Aug is a holiday)
    SlaPolicy.objects.create(timer="followup", category_id="jalan_drainase", days=2)
    SlaPolicy.objects.create(timer="followup", agency_id="pemkot-surabaya", days=4)
    SlaPolicy.objects.create(timer="followup", agency_id=A_UNIT, days=7)
    forget_policies()  # as every process does within POLICY_TTL of an edit
    with time_machine.travel(at(2026, 7, 1, 9), tick=False):
        held_by_unit, _ = submit()
        services.report_dispatch(caller=cast.national.caller, report=held_by_unit, agency=A_UNIT)
        held_by_city, _ = submit(category="kesehatan")
        services.report_dispatch(caller=cast.national.caller, report=held_by_city,
                                 agency="pemkot-surabaya.dinkes")
        elsewhere, _ = submit()
        services.report_dispatch(caller=cast.national.caller, report=elsewhere, agency=B_UNIT)
    assert fresh(held_by_unit).followup_due == eod(2026, 7, 10)  # the unit's own 7 HK
    assert fresh(held_by_city).followup_due == eod(2026, 7, 7)  # the city's 4 HK
    assert fresh(elsewhere).followup_due == eod(2026, 7, 3)  # the category's 2 HK


def test_respond_opens_the_reply_window_then_the_sweep_closes_it(cast, api):
    with time_machine.travel(at(2026, 8, 3, 9), tick=False):  # Monday
        report, pin = submit()
        services.report_dispatch(caller=cast.national.caller, report=report, agency=A_UNIT)
        services.report_respond(caller=cast.admin_a.caller, report=fresh(report),
                                message="Sudah diperbaiki.")
    responded = fresh(report)
    assert responded.reply_due == eod(2026, 8, 13)  # 10 calendar days
    assert responded.autoclose_due == eod(2026, 8, 18)  # 10 HK, 17 August is a holiday
    with time_machine.travel(at(2026, 8, 14, 9), tick=False):
        late = api.post(f"/reports/{report.tracking_id}/reply", {"message": "Belum."}, pin=pin)
        assert late.status_code == 409
        assert sweep()["auto_closed"] == 0
    result = sweep(at(2026, 8, 19, 0, 5))
    assert result["auto_closed"] == 1
    closed = fresh(report)
    assert closed.status == "closed" and closed.closed_at is not None
    close = events(report, "close")[0]
    assert close.actor_role == "system" and close.data == {"auto": True}
    assert OutboundMessage.objects.filter(
        event=close, recipient_digest=recipient_digest("siti@contoh.id")).exists()
    assert sweep(at(2026, 8, 19, 0, 5))["auto_closed"] == 0


def test_unanswered_needs_info_is_archived(cast):
    with time_machine.travel(at(2026, 9, 1, 9), tick=False):
        report, _pin = submit()
        services.report_request_info(caller=cast.national.caller, report=report,
                                     message="Mohon lokasi lengkap.")
    assert sweep(at(2026, 9, 15, 12))["auto_archived"] == 0
    assert sweep(at(2026, 9, 16, 0, 1))["auto_archived"] == 1
    archived = fresh(report)
    assert archived.status == "archived" and archived.archive_reason == "incomplete"
    assert events(report, "archive")[0].data == {"reason": "incomplete", "auto": True}


def test_escalation_climbs_level_by_level_and_only_once(cast, settings):
    leader_email = "leader@surabaya.go.id"
    cast.leader_a.user.email = leader_email
    cast.leader_a.user.save()
    cast.supervisor.user.email = "pengawas@ombudsman.go.id"
    cast.supervisor.user.save()
    with time_machine.travel(at(2026, 10, 5, 9), tick=False):  # Monday
        report, _pin = submit(confidential=True)
        services.report_dispatch(caller=cast.national.caller, report=report, agency=A_UNIT)
    assert fresh(report).followup_due == eod(2026, 10, 12)
    # A reminder one working day ahead, sent once.
    assert sweep(at(2026, 10, 11, 12))["reminded"] == 1
    assert sweep(at(2026, 10, 11, 12))["reminded"] == 0
    assert DeadlineReminder.objects.filter(report=report, timer="followup").count() == 1
    assert sweep(at(2026, 10, 12, 23))["escalated"] == {3: 0, 2: 0, 1: 0}
    assert sweep(at(2026, 10, 13, 0, 1))["escalated"][1] == 1
    assert fresh(report).escalation_level == 1
    assert OutboundMessage.objects.filter(
        purpose="escalation_1", recipient_digest=recipient_digest(leader_email)).exists()
    assert sweep(at(2026, 10, 13, 0, 1))["escalated"] == {3: 0, 2: 0, 1: 0}
    assert sweep(at(2026, 10, 19, 23))["escalated"][2] == 0  # 5th HK after 12 Oct not over
    assert sweep(at(2026, 10, 20, 0, 1))["escalated"][2] == 1
    assert fresh(report).escalation_level == 2
    # The Ombudsman cannot read the confidential report until it is referred.
    assert not ReportAccess.objects.filter(report=report, agency_id="ombudsman").exists()
    assert sweep(at(2026, 10, 27, 0, 1))["escalated"][3] == 1
    assert fresh(report).escalation_level == 3
    assert ReportAccess.objects.filter(report=report, agency_id="ombudsman").exists()
    assert [e.data["level"] for e in events(report, "escalate")] == [1, 2, 3]
    assert OutboundMessage.objects.filter(
        purpose="escalation_3", recipient_digest=recipient_digest("pengawas@ombudsman.go.id")).exists()


def test_a_report_late_for_long_jumps_straight_to_its_level(cast):
    with time_machine.travel(at(2026, 1, 5, 9), tick=False):
        report, _pin = submit()
    sweep(at(2026, 4, 1, 9))
    assert fresh(report).escalation_level == 3
    assert [e.data["level"] for e in events(report, "escalate")] == [3]


def test_escalation_thresholds_are_data(cast):
    EscalationStep.objects.filter(level=2).update(after_workdays=1)
    with time_machine.travel(at(2026, 10, 5, 9), tick=False):
        report, _pin = submit()
    # verification due 8 Oct; one working day later (9 Oct) has ended by 10 Oct
    assert sweep(at(2026, 10, 10, 0, 1))["escalated"][2] == 1


def test_dispatch_starts_a_fresh_stage(cast):
    with time_machine.travel(at(2026, 1, 5, 9), tick=False):
        report, _pin = submit()
    sweep(at(2026, 1, 9, 9))
    assert fresh(report).escalation_level == 1
    with time_machine.travel(at(2026, 1, 9, 10), tick=False):
        services.report_dispatch(caller=cast.national.caller, report=fresh(report),
                                 agency=A_UNIT)
    assert fresh(report).escalation_level == 0


def test_wita_reports_use_their_own_end_of_day(cast):
    with time_machine.travel(at(2026, 10, 5, 9), tick=False):
        report, _pin = submit(region_code="64.72.08.1002")  # Samarinda, WITA
    assert fresh(report).verification_due == eod(2026, 10, 8, WITA)


def test_sweep_command_runs_as_of_a_moment(cast):
    with time_machine.travel(at(2026, 1, 5, 9), tick=False):
        submit()
    out = StringIO()
    call_command("deadlines", "sweep", "--now", "2026-01-09T09:00:00+07:00", stdout=out)
    result = json.loads(out.getvalue())
    assert result["escalated"]["1"] == 1 and result["now"].startswith("2026-01-09T09:00")
