"""Readiness checks: can this process serve, and is the system behind it working?

Each check returns (ok, detail); details are short words and numbers, never
data about reports or people, because ``/health/ready`` needs no login.
"""

import uuid
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from aduan.deadlines.models import WorkerHeartbeat


def database() -> tuple[bool, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return True, connection.vendor


def storage() -> tuple[bool, str]:
    """Can attachments be stored? The folder gets a probe file written and deleted; a bucket
    is asked HEAD (reachable, exists, our keys accepted): probe objects written every few
    seconds by each load balancer would pile up as versions in a versioned bucket."""
    store = storages["default"]
    if hasattr(store, "bucket_name"):
        store.connection.meta.client.head_bucket(Bucket=store.bucket_name)
        return True, type(store).__name__
    name = store.save(f"health/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
    store.delete(name)
    return True, type(store).__name__


def worker() -> tuple[bool, str]:
    newest = WorkerHeartbeat.objects.order_by("-seen_at").values_list("seen_at", flat=True).first()
    if newest is None:
        return False, "no worker has reported"
    age = (timezone.now() - newest).total_seconds()
    return age <= settings.ADUAN["READY_WORKER_SILENCE_SECONDS"], f"last seen {age:.0f} s ago"


def oldest_waiting_task_age() -> float:
    """Seconds the oldest task that could run now has waited (0 when none waits)."""
    now = timezone.now()
    oldest = (DBTaskResult.objects.filter(status="READY", run_after__lte=now)
              .order_by("run_after").values_list("run_after", flat=True).first())
    return max(0.0, (now - oldest).total_seconds()) if oldest else 0.0


def queue() -> tuple[bool, str]:
    age = oldest_waiting_task_age()
    return age <= settings.ADUAN["READY_QUEUE_AGE_SECONDS"], f"oldest waiting {age:.0f} s"


CHECKS = {"database": database, "storage": storage, "worker": worker, "queue": queue}
_NEED_DATABASE = {"worker", "queue"}


def readiness() -> dict[str, dict]:
    """Every check's outcome; a check that raises counts as failed (the error type is kept)."""
    results: dict[str, dict] = {}
    for name, check in CHECKS.items():
        if name in _NEED_DATABASE and not results["database"]["ok"]:
            results[name] = {"ok": False, "detail": "database unavailable"}
            continue
        try:
            ok, detail = check()
        except Exception as exc:  # a failing dependency is the answer, not a crash
            ok, detail = False, type(exc).__name__
        results[name] = {"ok": ok, "detail": detail}
    return results
