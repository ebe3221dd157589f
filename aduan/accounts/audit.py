"""Writing audit entries: one call per sensitive read or change (chained on commit).

Targets name things by id (``user:12``, ``report:ABCD2345``, ``token:7``), never by
e-mail or phone: the audit log is kept for ever and must hold no personal data.
"""

from datetime import timedelta

from django.utils import timezone
from django.utils.crypto import salted_hmac

from .models import AuditEntry

Action = AuditAction = AuditEntry.Action


def audit_record(action: str, *, actor=None, target: str = "", **detail) -> AuditEntry:
    """Append one entry; ``actor`` None means the system (the worker, a command)."""
    actor = actor if getattr(actor, "pk", None) else None
    return AuditEntry.objects.create(actor=actor, action=action, target=target[:100],
                                     detail=detail)


def audit_once_per(window: timedelta, action: str, *, actor=None, target: str,
                   **detail) -> AuditEntry | None:
    """Append an entry unless the same action on the same target (by the same actor) has
    one within ``window``: the first token use in an hour, not every request.

    Two requests at the same instant may both write one; that is harmless.
    """
    recent = AuditEntry.objects.filter(action=action, target=target[:100],
                                       at__gte=timezone.now() - window)
    if getattr(actor, "pk", None):
        recent = recent.filter(actor=actor)
    if recent.exists():
        return None
    return audit_record(action, actor=actor, target=target, **detail)


def user_target(user) -> str:
    return f"user:{user.pk}"


def client_tag(client: str) -> str:
    """A keyed digest of the client address: tells attempts from one place apart, no IP."""
    return salted_hmac("aduan.audit.client", client, algorithm="sha256").hexdigest()[:16]
