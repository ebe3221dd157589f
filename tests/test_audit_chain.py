"""The audit log and the report events are hash-chained, anchored and append-only (both databases)."""

import threading
from datetime import timedelta
from io import StringIO

import pytest
from conftest import submit
from django.core.management import call_command
from django.db import (DatabaseError, IntegrityError, InternalError, OperationalError,
                       connection, connections, transaction)
from django.utils import timezone

from aduan.accounts import chain
from aduan.accounts.models import Anchor, AuditEntry, ChainHead
from aduan.agencies.refdata import load_reference_data
from aduan.reports.events import system_events_insert
from aduan.reports.models import ReportEvent

REFUSED = (IntegrityError, InternalError, OperationalError, DatabaseError)


def _verify(*args) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("audit", "verify", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


def _sql(statement: str, params=()):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, params)


def _without_triggers():
    """Tamper as someone with the database owner's rights would (undone with the test)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Rolled back with the test's transaction; needs a superuser, like the attack.
            cursor.execute("SET LOCAL session_replication_role = replica")
            return
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' "
                       "AND name LIKE '%chain%'")
        for (name,) in cursor.fetchall():
            cursor.execute(f"DROP TRIGGER {name}")


@pytest.fixture
def reference_data_after_flush(django_db_blocker):
    # Listed before transactional_db, so this teardown runs after its flush.
    yield
    with django_db_blocker.unblock():
        load_reference_data()


@pytest.fixture
def history(cast):
    for _ in range(5):
        submit()
    chain.seal("events")
    chain.seal("audit")
    return list(ReportEvent.objects.order_by("chain_seq"))


def test_rows_are_sealed_in_order_and_verify(history):
    assert [e.chain_seq for e in history] == list(range(1, len(history) + 1))
    for before, after in zip(history, history[1:], strict=False):
        assert after.prev_hash == before.row_hash
    assert AuditEntry.objects.filter(row_hash__isnull=True).count() == 0
    code, out, err = _verify()
    assert code == 0, err
    assert f"events: ok, {len(history)} rows" in out


@pytest.mark.parametrize("statement", [
    "UPDATE reports_reportevent SET message = 'rewritten' WHERE id = %s",
    "UPDATE reports_reportevent SET action = 'close' WHERE id = %s",
    "UPDATE reports_reportevent SET row_hash = NULL WHERE id = %s",
    "UPDATE reports_reportevent SET chain_seq = chain_seq + 100 WHERE id = %s",
    "DELETE FROM reports_reportevent WHERE id = %s",
])
def test_triggers_refuse_changing_or_deleting_events(history, statement):
    with pytest.raises(REFUSED):
        _sql(statement, [history[0].pk])


@pytest.mark.parametrize("statement", [
    "UPDATE accounts_auditentry SET target = 'someone' WHERE id = %s",
    "UPDATE accounts_auditentry SET prev_hash = '' WHERE id = %s",
    "DELETE FROM accounts_auditentry WHERE id = %s",
])
def test_triggers_refuse_changing_or_deleting_audit_entries(history, statement):
    entry = AuditEntry.objects.order_by("id").first()
    with pytest.raises(REFUSED):
        _sql(statement, [entry.pk])


def test_unsealed_rows_are_protected_too(cast):
    report, _pin = submit()
    event = ReportEvent.objects.get(report=report)
    assert event.row_hash is None
    with pytest.raises(REFUSED):
        _sql("UPDATE reports_reportevent SET message = 'x' WHERE id = %s", [event.pk])
    with pytest.raises(REFUSED):
        _sql("DELETE FROM reports_reportevent WHERE id = %s", [event.pk])


def test_anchors_are_append_only(history):
    anchor = chain.anchor_write("events")
    with pytest.raises(REFUSED):
        _sql("UPDATE accounts_anchor SET head_hash = 'x' WHERE id = %s", [anchor.pk])
    with pytest.raises(REFUSED):
        _sql("DELETE FROM accounts_anchor WHERE id = %s", [anchor.pk])


def test_erasure_may_rewrite_texts_once_and_is_accounted(history):
    event = history[0]
    now = timezone.now()
    ReportEvent.objects.filter(pk=event.pk).update(message="", data={}, erased_at=now)
    with pytest.raises(REFUSED):
        _sql("UPDATE reports_reportevent SET message = 'again' WHERE id = %s", [event.pk])
    # Chain intact, but an erasure nobody recorded is reported.
    code, _out, err = _verify()
    assert code == 1 and f"report event #{event.pk} was erased without" in err
    AuditEntry.objects.create(action=AuditEntry.Action.IDENTITY_ERASED,
                              target=f"report:{event.report_id}",
                              detail={"reports": [event.report_id]})
    code, _out, err = _verify()
    assert code == 0, err


def test_verify_names_the_first_altered_event(history):
    _without_triggers()
    victim = history[2]
    _sql("UPDATE reports_reportevent SET message = 'rewritten' WHERE id = %s", [victim.pk])
    _sql("UPDATE reports_reportevent SET message = 'also' WHERE id = %s", [history[4].pk])
    code, _out, err = _verify("--no-seal")
    assert code == 1
    assert f"report event #{victim.pk} at position 3 was altered" in err


def test_verify_names_a_row_whose_hash_was_recomputed(history):
    _without_triggers()
    victim = history[1]
    _sql("UPDATE reports_reportevent SET row_hash = %s WHERE id = %s", ["f" * 64, victim.pk])
    code, _out, err = _verify("--no-seal")
    assert code == 1 and f"report event #{victim.pk} at position 2 was altered" in err


def test_verify_names_a_deleted_event_and_a_deleted_tail(history):
    _without_triggers()
    for table in ("channels_outboundmessage", "channels_notice", "partners_feedentry"):
        _sql(f"DELETE FROM {table} WHERE event_id = %s", [history[1].pk])
    _sql("DELETE FROM reports_reportevent WHERE id = %s", [history[1].pk])
    code, _out, err = _verify("--stream", "events", "--no-seal")
    assert code == 1
    assert (f"position 2 was deleted: position 2 is missing (the row after #{history[0].pk}, "
            f"before #{history[2].pk})") in err


def test_verify_catches_deleted_last_audit_entries(history):
    _without_triggers()
    last = AuditEntry.objects.order_by("-chain_seq").first()
    _sql("DELETE FROM accounts_auditentry WHERE id = %s", [last.pk])
    code, _out, err = _verify("--stream", "audit", "--no-seal")
    assert code == 1 and f"position {last.chain_seq} was deleted" in err


def test_anchor_from_the_log_catches_a_rewritten_chain(history):
    anchor = chain.anchor_write("events")
    code, _out, err = _verify("--anchor", f"events:{anchor.seq}:{anchor.head_hash}")
    assert code == 0, err
    code, _out, err = _verify("--anchor", f"events:{anchor.seq}:{'a' * 64}")
    assert code == 1 and "is not the one anchored for its position" in err


def test_periodic_anchors_once_per_interval(history, settings):
    now = timezone.now()
    made = chain.anchors_periodic(now)
    assert {a.stream for a in made} == {"audit", "events"}
    submit()
    assert chain.anchors_periodic(now + timedelta(minutes=1)) == []
    assert ReportEvent.objects.filter(row_hash__isnull=True).count() == 0  # sealed anyway
    later = now + timedelta(minutes=settings.ADUAN["AUDIT_ANCHOR_MINUTES"] + 1)
    # Nothing new in the audit log: no new anchor for it.
    assert [a.stream for a in chain.anchors_periodic(later)] == ["events"]
    head = ChainHead.objects.get(pk="events")
    assert Anchor.objects.filter(stream="events").latest("seq").seq == head.seq


def test_bulk_events_are_chained_in_their_batch(history):
    reports = [e.report for e in history if e.action == "submit"]
    made = system_events_insert([(r.pk, r.status, r.holder_id) for r in reports],
                                action="escalate", now=timezone.now(), visibility="staff",
                                data={"level": 1})
    assert chain.seal("events") == 0  # sealed as written, in one pass, in id order
    seqs = list(ReportEvent.objects.filter(pk__in=made.values()).order_by("id")
                .values_list("chain_seq", flat=True))
    assert seqs == list(range(len(history) + 1, len(history) + len(made) + 1))
    assert _verify()[0] == 0


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="row locks across connections are PostgreSQL's")
def test_concurrent_writers_never_fork_the_chain(reference_data_after_flush, transactional_db):
    barrier = threading.Barrier(4)
    errors = []

    def write():
        try:
            barrier.wait()
            for n in range(15):
                with transaction.atomic():
                    AuditEntry.objects.create(action=AuditEntry.Action.LOGIN, target=f"t{n}")
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    chain.seal("audit")
    seqs = list(AuditEntry.objects.order_by("chain_seq").values_list("chain_seq", flat=True))
    assert seqs == list(range(1, 61))
    assert chain.verify("audit").ok
