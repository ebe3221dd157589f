"""Recompute due dates of open reports in batches (holiday edits, upgrades, missing dates)."""

from datetime import date

from django.db import transaction
from django.db.models import Q

from aduan.reports.models import Report
from aduan.reports.workflow import OPEN_STATUSES

from .services import recomputed_deadlines

BATCH = 500
_FIELDS = ["verification_due", "followup_due", "resolution_due", "reply_due", "autoclose_due",
           "info_due"]


def recompute_open(*, since: str | None = None) -> int:
    """Recompute open reports' due dates (those due on/after ``since``, or all); return count."""
    reports = Report.objects.filter(status__in=OPEN_STATUSES)
    if since:
        day = date.fromisoformat(since)
        reports = reports.filter(Q(verification_due__date__gte=day) | Q(followup_due__date__gte=day)
                                 | Q(resolution_due__date__gte=day) | Q(autoclose_due__date__gte=day)
                                 | Q(info_due__date__gte=day) | Q(verification_due__isnull=True))
    last, changed = 0, 0
    while True:
        batch = list(reports.filter(pk__gt=last).select_related("holder", "category")
                     .order_by("pk")[:BATCH])
        if not batch:
            return changed
        with transaction.atomic():
            for report in batch:
                for name, value in recomputed_deadlines(report).items():
                    setattr(report, name, value)
            Report.objects.bulk_update(batch, _FIELDS)
        changed += len(batch)
        last = batch[-1].pk
