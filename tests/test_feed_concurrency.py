"""The changes feed under parallel writers on PostgreSQL: commits out of order, no gaps.

No module-wide ``django_db`` mark: the test names ``reference_data_after_flush``
before ``transactional_db`` (see test_concurrent_writers.py).
"""

import random
import threading
import time

import pytest
from django.conf import settings
from django.db import connections, transaction

from aduan.accounts.services import staff_add
from aduan.agencies.models import Role
from aduan.partners.feed import feed_page
from aduan.partners.models import FeedEntry
from aduan.reports import services
from aduan.reports.callers import caller_for_user

pytestmark = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="commits out of order need parallel connections on PostgreSQL")

WRITERS, REPORTS_EACH = 6, 6


def _writer(seed: int, errors: list) -> None:
    rng = random.Random(seed)
    try:
        for n in range(REPORTS_EACH):
            with transaction.atomic():
                services.report_submit(data=services.NewReport(
                    kind="complaint", title=f"Laporan {seed}-{n}", body="Isi laporan."),
                    user=None)
                # Hold the transaction open: ids taken early commit late.
                time.sleep(rng.uniform(0, 0.03))
    except Exception as exc:  # reported by the test
        errors.append(exc)
    finally:
        connections.close_all()


def _slow_writer(inserted: threading.Event, release: threading.Event, errors: list) -> None:
    """Insert first, commit only after the follower has read later events."""
    try:
        with transaction.atomic():
            services.report_submit(data=services.NewReport(
                kind="complaint", title="Laporan lambat", body="Isi laporan."), user=None)
            inserted.set()
            assert release.wait(30), "never released"
    except Exception as exc:  # reported by the test
        errors.append(exc)
    finally:
        connections.close_all()


def _wait_for(condition, seconds=30.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


def test_a_follower_sees_every_event_once_while_writers_commit_out_of_order(
        reference_data_after_flush, transactional_db):
    national = staff_add(username="feed_national", agency_code="kemenpanrb",
                         role=Role.NATIONAL_ADMIN, password="Test-Password-2026")[0]
    caller = caller_for_user(national)
    errors, seen, stop = [], [], threading.Event()

    def follow():
        after = ""
        try:
            while True:
                done = stop.is_set()  # read before the page: a last page after the writers
                page = feed_page(caller, after=after, limit=7)
                seen.extend(event["id"] for event in page["events"])
                after = page["next"]
                if done and not page["has_more"]:
                    return
                time.sleep(0.002)
        except Exception as exc:  # reported by the test
            errors.append(exc)
        finally:
            connections.close_all()

    inserted, release = threading.Event(), threading.Event()
    slow = threading.Thread(target=_slow_writer, args=(inserted, release, errors))
    follower = threading.Thread(target=follow)
    writers = [threading.Thread(target=_writer, args=(seed, errors)) for seed in range(WRITERS)]
    slow.start()
    _wait_for(inserted.is_set)
    follower.start()
    for thread in writers:
        thread.start()
    _wait_for(lambda: len(seen) >= 5 or errors)
    release.set()
    for thread in [slow, *writers]:
        thread.join()
    stop.set()
    follower.join()
    assert not errors, errors
    total = WRITERS * REPORTS_EACH + 1
    assert FeedEntry.objects.count() == total
    assert len(seen) == total and len(set(seen)) == total
    # The slow writer's entry was taken first and numbered after others.
    by_position = list(FeedEntry.objects.order_by("position").values_list("id", flat=True))
    assert by_position != sorted(by_position)
