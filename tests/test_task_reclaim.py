"""Tasks a killed worker left RUNNING go back to the queue (or fail after N claims)."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from aduan.deadlines.management.commands import worker
from aduan.deadlines.models import WorkerHeartbeat
from aduan.deadlines.reclaim import EXPIRED, tasks_reclaim
from aduan.partners.tasks import prune_idempotency

pytestmark = pytest.mark.django_db


def _running(*, minutes_ago: float, workers=("gone:1:abcdef",)) -> DBTaskResult:
    """A task as a worker leaves it when killed mid-run."""
    pk = prune_idempotency.enqueue().id
    DBTaskResult.objects.filter(pk=pk).update(
        status="RUNNING", worker_ids=list(workers),
        started_at=timezone.now() - timedelta(minutes=minutes_ago))
    return DBTaskResult.objects.get(pk=pk)


def _status(task: DBTaskResult) -> str:
    return DBTaskResult.objects.get(pk=task.pk).status


def test_a_dead_workers_task_past_the_lease_goes_back_to_ready():
    task = _running(minutes_ago=11)
    assert tasks_reclaim() == 1
    task.refresh_from_db()
    assert (task.status, task.started_at, task.finished_at) == ("READY", None, None)
    assert DBTaskResult.objects.ready().filter(pk=task.pk).exists()
    assert tasks_reclaim() == 0  # a second run changes nothing


def test_a_task_within_its_lease_is_left_alone():
    task = _running(minutes_ago=9)
    assert tasks_reclaim() == 0
    assert _status(task) == "RUNNING"


def test_the_lease_is_a_setting(settings):
    settings.ADUAN = {**settings.ADUAN, "TASK_LEASE_MINUTES": 1}
    task = _running(minutes_ago=2)
    assert tasks_reclaim() == 1
    assert _status(task) == "READY"


def test_a_long_task_on_a_live_worker_is_never_taken_back():
    WorkerHeartbeat.objects.create(worker="busy:7:qwerty", seen_at=timezone.now())
    task = _running(minutes_ago=600, workers=["gone:1:abcdef", "busy:7:qwerty"])
    assert tasks_reclaim() == 0
    assert _status(task) == "RUNNING"


def test_a_worker_that_stopped_reporting_counts_as_dead():
    WorkerHeartbeat.objects.create(worker="busy:7:qwerty",
                                   seen_at=timezone.now() - timedelta(minutes=5))
    task = _running(minutes_ago=11, workers=["busy:7:qwerty"])
    assert tasks_reclaim() == 1
    assert _status(task) == "READY"


def test_only_the_last_claimant_counts():
    WorkerHeartbeat.objects.create(worker="alive:2:zzzzzz", seen_at=timezone.now())
    task = _running(minutes_ago=11, workers=["alive:2:zzzzzz", "gone:1:abcdef"])
    assert tasks_reclaim() == 1
    assert _status(task) == "READY"


def test_a_task_that_killed_its_worker_three_times_fails():
    task = _running(minutes_ago=11, workers=["a:1:x", "b:2:y", "c:3:z"])
    again = _running(minutes_ago=11, workers=["a:1:x", "b:2:y"])
    finished = prune_idempotency.enqueue().id
    assert tasks_reclaim() == 2  # one statement for both; the finished task is not touched
    task.refresh_from_db()
    assert task.status == "FAILED" and task.exception_class_path == EXPIRED
    assert task.finished_at is not None and task.started_at is not None
    assert "claimed 3 times" in task.traceback
    assert _status(again) == "READY"
    assert _status(DBTaskResult.objects.get(pk=finished)) == "READY"


# The worker closes "old" connections between tasks, as it does in production: real commits.
def test_the_worker_reclaims_at_start_and_then_runs_the_task(monkeypatch,
                                                             reference_data_after_flush,
                                                             transactional_db):
    monkeypatch.setattr(worker, "_scheduler", lambda stop, name: None)
    task = _running(minutes_ago=30)
    call_command("worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    task.refresh_from_db()
    assert task.status == "SUCCESSFUL"
    assert len(task.worker_ids) == 2 and task.worker_ids[0] == "gone:1:abcdef"
    assert len(task.worker_ids[1]) <= 64


def test_the_worker_id_is_its_heartbeat_name(monkeypatch, reference_data_after_flush,
                                             transactional_db):
    names = []
    monkeypatch.setattr(worker, "_scheduler", lambda stop, name: names.append(name))
    task = _running(minutes_ago=30)
    call_command("worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    task.refresh_from_db()
    assert names == [task.worker_ids[-1]]
