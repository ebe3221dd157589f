"""Staff hear of escalations and alerts in the back office too, with or without e-mail."""

from datetime import datetime

import pytest
import time_machine
from conftest import submit

from aduan.channels.messages import notices_for, notices_mark_read
from aduan.channels.models import Notice, OutboundMessage, recipient_digest
from aduan.deadlines.calendar import WIB
from aduan.deadlines.sweep import sweep
from aduan.reports import services

pytestmark = pytest.mark.django_db


def test_escalation_reaches_the_leader_inbox_even_without_email(cast):
    assert cast.leader_a.user.email == ""
    with time_machine.travel(datetime(2026, 10, 5, 9, tzinfo=WIB), tick=False):
        report, _pin = submit()
        services.report_dispatch(caller=cast.national.caller, report=report,
                                 agency="pemkot-surabaya.dpupr")
    sweep(datetime(2026, 10, 13, 0, 1, tzinfo=WIB))
    inbox = notices_for(cast.leader_a.user)
    assert [n.purpose for n in inbox] == ["escalation_1"]
    assert report.tracking_id[:5] in inbox[0].body and "tingkat 1" in inbox[0].subject
    assert not OutboundMessage.objects.filter(purpose="escalation_1").exists()
    # the other agency's leader hears nothing
    assert notices_for(cast.admin_b.user) == []
    sweep(datetime(2026, 10, 13, 0, 1, tzinfo=WIB))
    assert Notice.objects.filter(purpose="escalation_1").count() == 1
    assert notices_mark_read(cast.leader_a.user) == 1
    assert notices_for(cast.leader_a.user, unread_only=True) == []


def test_forward_alert_reaches_national_admins_by_mail_and_inbox(cast, settings):
    settings.ADUAN = {**settings.ADUAN, "FORWARD_ALERT_LIMIT": 0}
    report, _pin = submit()
    services.report_dispatch(caller=cast.national.caller, report=report,
                             agency="pemkot-surabaya.dpupr")
    services.report_forward(caller=cast.admin_a.caller, report=report,
                            agency="pemprov-jawa-timur.dpupr", reason="Jalan provinsi.")
    assert [n.purpose for n in notices_for(cast.national.user)] == ["alert_forward_limit"]
    assert OutboundMessage.objects.filter(
        purpose="alert_forward_limit", recipient_digest=recipient_digest("national@aduan.test")).exists()
