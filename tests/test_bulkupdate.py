"""rows_update: each row gets its own values (texts, keys, times, numbers, nulls), others none."""

from datetime import timedelta

import pytest
from conftest import submit
from django.utils import timezone

from aduan.agencies.models import Agency, Category
from aduan.lib.bulkupdate import rows_update
from aduan.reports.models import Report

pytestmark = pytest.mark.django_db


def test_every_row_gets_its_own_values_and_other_rows_are_untouched():
    first, second, untouched = (submit(title=f"Laporan {n}")[0] for n in range(3))
    agency = Agency.objects.get(pk="pemkot-surabaya.dpupr")
    category = Category.objects.get(pk="jalan_drainase")
    now = timezone.now().replace(microsecond=123456)
    first.status, first.holder, first.category = "dispatched", agency, category
    first.dispatched_at, first.escalation_level = now, 2
    second.status, second.holder, second.category = "submitted", None, None
    second.dispatched_at, second.escalation_level = None, 0
    before = Report.objects.filter(pk=untouched.pk).values().get()

    rows_update([first, second], ["status", "holder", "category", "dispatched_at",
                                  "escalation_level"])

    got = {row["pk"]: row for row in Report.objects.filter(pk__in=[first.pk, second.pk]).values(
        "pk", "status", "holder_id", "category_id", "dispatched_at", "escalation_level")}
    assert got[first.pk] == {"pk": first.pk, "status": "dispatched", "holder_id": agency.pk,
                             "category_id": category.pk, "dispatched_at": now,
                             "escalation_level": 2}
    assert got[second.pk] == {"pk": second.pk, "status": "submitted", "holder_id": None,
                              "category_id": None, "dispatched_at": None, "escalation_level": 0}
    assert Report.objects.filter(pk=untouched.pk).values().get() == before


def test_nothing_to_write_runs_no_statement(django_assert_num_queries):
    with django_assert_num_queries(0):
        rows_update([], ["status"])


def test_times_keep_their_instant():
    report = submit(title="Laporan waktu")[0]
    due = timezone.now() + timedelta(days=3, hours=5)
    report.resolution_due = due
    rows_update([report], ["resolution_due"])
    report.refresh_from_db()
    assert report.resolution_due == due
