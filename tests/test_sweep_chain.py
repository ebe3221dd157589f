"""The sweep's events are sealed as they are written: every one chained, in order, verified."""

import threading
from datetime import UTC, datetime

import pytest
import time_machine
from conftest import submit
from django.conf import settings
from django.db import connections, transaction

from aduan.accounts import chain
from aduan.accounts.models import ChainHead
from aduan.deadlines.calendar import WIB
from aduan.deadlines.sweep import sweep
from aduan.lib.hashchain import link, link_many
from aduan.reports import chain as event_chain
from aduan.reports.models import ReportEvent

_POSTGRESQL = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


@pytest.mark.parametrize("holder", [None, "pemkot-surabaya.dpupr", "dinas-\u00e9\"\\\n"])
def test_bulk_layout_hashes_what_sealing_after_commit_hashes(holder):
    now = datetime(2026, 4, 1, 2, 3, 4, 567, tzinfo=WIB)
    shared = {"action": "escalate", "actor_id": None, "actor_role": "system",
              "created_at": now, "visibility": "staff"}
    content = {"message": "", "public_message": "", "data": {"level": 2, "z": "\u00fc"}}
    layout = event_chain.bulk_layout(shared, content)
    values = (123456789, 42, "dispatched", "in_progress", holder, holder)
    row = {**shared, **content, **dict(zip(event_chain.VARYING, values, strict=True)),
           "content_hash": "", "erased_at": None, "created_at": now.astimezone(UTC)}
    expected = link("ab" * 32, 7, event_chain.EVENTS.chained(row, sealing=True))
    assert link_many("ab" * 32, 6, layout, [values]) == [(7, "ab" * 32, expected)]


def test_bulk_layout_refuses_a_missing_fact():
    with pytest.raises(ValueError):
        event_chain.bulk_layout({"action": "escalate"}, {"message": "", "public_message": "",
                                                         "data": {}})


def _late_reports(count: int) -> list:
    with time_machine.travel(datetime(2026, 1, 5, 9, tzinfo=WIB), tick=False):
        return [submit()[0] for _ in range(count)]


def test_sweep_events_are_sealed_as_written_and_verify(cast):
    reports = _late_reports(4)
    chain.seal("events")
    before = ChainHead.objects.get(pk="events").seq
    result = sweep(datetime(2026, 4, 1, 9, tzinfo=WIB))
    assert sum(result["escalated"].values()) == 4
    swept = ReportEvent.objects.filter(action="escalate", report__in=reports).order_by("id")
    assert all(event.row_hash for event in swept)  # nothing left for an after-commit seal
    assert [event.chain_seq for event in swept] == list(range(before + 1, before + 5))
    assert chain.seal("events") == 0
    assert ChainHead.objects.get(pk="events").seq == before + 4
    assert chain.verify("events").ok


@pytest.mark.skipif(not _POSTGRESQL, reason="row locks across connections are PostgreSQL's")
def test_an_event_written_during_a_sweep_is_sealed_after_it(reference_data_after_flush,
                                                            transactional_db):
    _late_reports(3)
    chain.seal("events")
    swept, written, errors = threading.Event(), threading.Event(), []

    def during():
        try:
            swept.wait(30)
            with transaction.atomic():  # a person's action while the sweep holds the head
                _late_reports(1)
            written.set()
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    other = threading.Thread(target=during)
    other.start()
    flush = event_chain_flush_paused(swept, written)
    try:
        sweep(datetime(2026, 4, 1, 9, tzinfo=WIB))
    finally:
        flush.undo()
        other.join()
    assert not errors
    chain.seal("events")
    assert ReportEvent.objects.filter(row_hash__isnull=True).count() == 0
    seqs = list(ReportEvent.objects.order_by("chain_seq").values_list("chain_seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))
    late = ReportEvent.objects.order_by("-id").first()  # the person's submit: newest id ...
    assert late.action == "submit"
    escalations = ReportEvent.objects.filter(action="escalate")
    assert all(e.chain_seq < late.chain_seq for e in escalations)  # ... sealed after the sweep
    assert chain.verify("events").ok


class event_chain_flush_paused:  # noqa: N801 - used like a context, named like one
    """Let another connection write while the sweep holds the events chain's head."""

    def __init__(self, started: threading.Event, done: threading.Event):
        from aduan.reports import events

        self.events, self.original = events, events.SystemEvents.flush

        def flush(batch):
            count = self.original(batch)
            started.set()
            done.wait(30)
            return count
        events.SystemEvents.flush = flush

    def undo(self):
        self.events.SystemEvents.flush = self.original


@pytest.fixture
def reference_data_after_flush(django_db_blocker):
    from aduan.agencies.refdata import load_reference_data

    yield
    with django_db_blocker.unblock():
        load_reference_data()


def test_copy_text_escapes_what_copy_reads_specially():
    from aduan.reports.events import _CopyText

    text = _CopyText()
    assert text(None) == "\\N"
    assert text(12) == "12"
    assert text("ab" * 32) == "ab" * 32
    assert text("a\\b\tc\nd\re") == "a\\\\b\\tc\\nd\\re"
