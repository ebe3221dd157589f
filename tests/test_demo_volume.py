"""``aduan demo --reports N``: bulk synthetic reports that look like the services made them."""

from collections import Counter

import pytest
from django.core.management import call_command

from aduan.deadlines.services import recomputed_deadlines
from aduan.demo import volume
from aduan.lib.redact import Identity, redact
from aduan.reports.models import Report, ReportAccess, ReportEvent
from aduan.reports.search import search
from aduan.reports.services import report_pin_check
from aduan.reports.workflow import Status
from aduan.stats.models import StatsCell

pytestmark = pytest.mark.django_db


@pytest.fixture
def made():
    assert volume.volume_generate(500, seed=3) == 500
    return list(Report.objects.select_related("holder", "category").order_by("pk"))


def test_every_status_and_channel_and_a_full_history(made):
    assert set(Counter(r.status for r in made)) == set(Status.values)
    assert len({r.channel for r in made}) >= 6
    events = Counter(ReportEvent.objects.values_list("report_id", "action"))
    assert all(events[(r.pk, "submit")] == 1 for r in made)
    closed = [r for r in made if r.status == Status.CLOSED]
    assert all(events[(r.pk, "respond")] == 1 and events[(r.pk, "close")] == 1 for r in closed)
    assert any(r.rating for r in closed) and any(r.forward_count for r in made)


def test_holders_can_read_what_they_hold(made):
    access = set(ReportAccess.objects.filter(until__isnull=True)
                 .values_list("report_id", "agency_id"))
    held = [r for r in made if r.holder_id]
    assert held and all((r.pk, code) in access for r in held for code in r.holder.ancestor_codes)
    assert all(r.holder_id and r.published_at for r in made
               if r.status not in (Status.SUBMITTED, Status.ARCHIVED))


def test_deadlines_and_public_text_are_what_the_services_work_out(made):
    for report in made:
        for name, value in recomputed_deadlines(report).items():
            assert getattr(report, name) == value, (report.pk, name)
        identity = Identity(name=report.reporter_name, email=report.reporter_email,
                            phone=report.reporter_phone)
        assert report.public_body == redact(report.body, identity)
        assert report.public_title == redact(report.title, identity)
    assert any("[TELEPON]" in r.public_body or "[EMAIL]" in r.public_body for r in made)
    assert not any(r.received_at > r.updated_at for r in made)


def test_searchable_and_tracked_with_the_demo_pin(made):
    word = made[0].public_title.split()[0]
    assert search(Report.objects.all(), word).filter(pk=made[0].pk).exists()
    assert report_pin_check(tracking_id=made[0].tracking_id, pin=volume.VOLUME_PIN) == made[0].pk


def test_a_second_run_adds_only_what_is_missing(made):
    assert volume.volume_generate(500) == 0
    assert volume.volume_generate(520) == 20
    assert volume.volume_count() == Report.objects.count() == 520


def test_the_command_generates_seals_and_counts(capsys):
    call_command("demo", "--reports", "60", "--seed", "1")
    out = capsys.readouterr().out
    assert "60 synthetic reports added" in out and "statistics of 60 reports" in out
    assert not ReportEvent.objects.filter(row_hash__isnull=True).exists()
    assert StatsCell.objects.exists()


@pytest.mark.django_db
def test_generated_reporters_are_sealed_at_rest_like_any_other():
    from django.db import connection

    from aduan.demo.volume import volume_generate
    volume_generate(20, seed=7)
    with connection.cursor() as cursor:
        cursor.execute("SELECT reporter_name FROM reports_report WHERE reporter_name <> ''")
        stored = [row[0] for row in cursor.fetchall()]
    assert stored and all(value.startswith("aes1:") for value in stored)
