"""Real commits from parallel connections on PostgreSQL: limits and partner repeats hold.

No module-wide ``django_db`` mark: each test names ``reference_data_after_flush``
before ``transactional_db``, so the reference data is back after the flush.
"""

import threading

import pytest
from django.conf import settings
from django.db import connections

from aduan.accounts.ratelimit import rate_hit
from aduan.partners import clients
from aduan.reports import services
from aduan.reports.models import Report

pytestmark = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="parallel writers need PostgreSQL; SQLite serialises them anyway")


def _in_threads(func, n):
    barrier, results, errors = threading.Barrier(n), [], []

    def run():
        try:
            barrier.wait()
            results.append(func())
        except Exception as exc:  # reported below
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


def test_parallel_attempts_cannot_pass_the_limit(reference_data_after_flush, transactional_db,
                                                 settings):
    settings.ADUAN = {**settings.ADUAN, "RATE_LIMITS": True,
                      "RATE_LIMIT_OVERRIDES": {"pin_report": (3, 900)}}
    allowed = _in_threads(lambda: rate_hit("pin_report", "PARALLEL01"), 16)
    assert allowed.count(True) == 3


def test_racing_repeats_of_an_external_id_file_one_report(reference_data_after_flush,
                                                          transactional_db):
    made = clients.client_create(name="Aplikasi Balapan", agency_code="pemkot-surabaya",
                                 scopes="reports:submit")
    data = services.NewReport(kind="complaint", title="Sama", body="Laporan yang sama.")
    results = _in_threads(lambda: clients.client_report_submit(
        client=made.client, data=data, external_id="race-1")[0].pk, 4)
    assert len(set(results)) == 1 and Report.objects.count() == 1
