"""Idempotent writes: a retried request with the same key and body gets the first response.

A request claims its key by inserting a row before it runs (the unique
constraint decides between two racing copies); the response is written into
that row in the same transaction as the request's own writes, so either both
are kept or neither. A claim whose request died without an answer is taken
over after ``STALE``; a 5xx answer releases the claim so the client may retry.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aduan.errors import Conflict, InvalidInput

from .models import IdempotencyRecord, key_hash

KEEP = timedelta(hours=24)
STALE = timedelta(seconds=60)
KEY_MIN, KEY_MAX = 16, 255


@dataclass(frozen=True)
class Replay:
    status: int
    content_type: str
    body: bytes


def request_fingerprint(method: str, path: str, body: bytes) -> str:
    """What makes two requests "the same": method, path and the exact body."""
    digest = hashlib.sha256(f"{method} {path}\n".encode())
    digest.update(body)
    return digest.hexdigest()


def idempotency_key_check(key: str) -> str:
    """The key, stripped; a key too short to be unguessable, or not plain ASCII, is refused."""
    key = key.strip()
    if not (KEY_MIN <= len(key) <= KEY_MAX) or not key.isascii() or not key.isprintable():
        raise InvalidInput(
            _("The Idempotency-Key header must be %(min)s to %(max)s visible ASCII characters; "
              "use a random UUID for each new request.") % {"min": KEY_MIN, "max": KEY_MAX},
            code="invalid_idempotency_key", field="Idempotency-Key")
    return key


def _insert(scope: str, hashed: str, fingerprint: str, now: datetime) -> IdempotencyRecord | None:
    try:
        with transaction.atomic():
            return IdempotencyRecord.objects.create(scope=scope, key_hash=hashed,
                                                    request_hash=fingerprint, created_at=now,
                                                    started_at=now)
    except IntegrityError:
        return None


def _take_over(record: IdempotencyRecord, now: datetime) -> bool:
    taken = IdempotencyRecord.objects.filter(
        pk=record.pk, status__isnull=True, started_at=record.started_at).update(started_at=now)
    record.started_at = now
    return bool(taken)


def idempotency_claim(*, scope: str, key: str, fingerprint: str) -> IdempotencyRecord | Replay:
    """Claim ``key`` for this request, or return the first response to the same request.

    Raises ``InvalidInput`` (422) when the key was used with another request and
    ``Conflict`` (409) while the first request with the key is still running.
    """
    hashed = key_hash(key)
    for _attempt in range(3):
        now = timezone.now()
        record = _insert(scope, hashed, fingerprint, now)
        if record is not None:
            return record
        existing = IdempotencyRecord.objects.filter(scope=scope, key_hash=hashed).first()
        if existing is None:
            continue  # pruned between the insert and the read
        if existing.created_at < now - KEEP:
            IdempotencyRecord.objects.filter(pk=existing.pk).delete()
            continue
        return _existing_outcome(existing, fingerprint, now)
    raise Conflict(_("This Idempotency-Key is busy; retry in a moment."),
                   code="idempotency_in_progress")


def _existing_outcome(existing: IdempotencyRecord, fingerprint: str,
                      now: datetime) -> IdempotencyRecord | Replay:
    if existing.request_hash != fingerprint:
        raise InvalidInput(
            _("This Idempotency-Key was already used with a different request (another body "
              "or URL); use a new key for a new request."), code="idempotency_key_reused",
            field="Idempotency-Key")
    if existing.status is not None:
        return Replay(existing.status, existing.content_type, bytes(existing.response_body))
    if existing.started_at < now - STALE and _take_over(existing, now):
        return existing
    raise Conflict(_("A request with this Idempotency-Key is still being processed; retry "
                     "in a moment to get its response."), code="idempotency_in_progress")


def idempotency_complete(record: IdempotencyRecord, *, status: int, content_type: str,
                         body: bytes) -> None:
    IdempotencyRecord.objects.filter(pk=record.pk).update(
        status=status, content_type=content_type[:100], response_body=body)


def idempotency_release(record: IdempotencyRecord) -> None:
    IdempotencyRecord.objects.filter(pk=record.pk, status__isnull=True).delete()


def idempotency_prune(*, now: datetime | None = None) -> int:
    """Forget keys older than 24 hours (one set-based delete)."""
    now = now or timezone.now()
    deleted, _rows = IdempotencyRecord.objects.filter(created_at__lt=now - KEEP).delete()
    return deleted
