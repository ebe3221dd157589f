"""Two sweeps at once on PostgreSQL never double-escalate (real commits, real connections)."""

import threading
from datetime import datetime

import pytest
import time_machine
from conftest import submit
from django.conf import settings
from django.db import connections

from aduan.deadlines.calendar import WIB
from aduan.deadlines.sweep import sweep
from aduan.deadlines.tasks import schedule_periodic
from aduan.reports.models import Report, ReportEvent

pytestmark = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="row locks across connections are PostgreSQL's; SQLite serialises writers anyway")


def _in_threads(func, n=2):
    barrier = threading.Barrier(n)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(func())
        except Exception as exc:  # reported to the test below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    return results


def test_concurrent_sweeps_escalate_each_report_once(reference_data_after_flush,
                                                     transactional_db):
    with time_machine.travel(datetime(2026, 1, 5, 9, tzinfo=WIB), tick=False):
        reports = [submit()[0] for _ in range(30)]
    moment = datetime(2026, 4, 1, 9, tzinfo=WIB)
    results = _in_threads(lambda: sweep(moment))
    escalated = sorted(sum(r["escalated"].values()) for r in results)
    assert escalated == [0, 30]
    assert ReportEvent.objects.filter(action="escalate").count() == 30
    assert set(Report.objects.filter(pk__in=[r.pk for r in reports])
               .values_list("escalation_level", flat=True)) == {3}


def test_concurrent_schedulers_enqueue_one_sweep(reference_data_after_flush, transactional_db):
    moment = datetime(2026, 4, 1, 9, tzinfo=WIB)
    assert sorted(_in_threads(lambda: schedule_periodic(moment), n=3)) == [False, False, True]
