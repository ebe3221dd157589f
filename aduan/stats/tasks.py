"""Background work of the statistics: the rollup refresh and the daily open-data dump."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from .models import StatsCursor
from .rollup import stats_refresh_all


@task()
def refresh_stats() -> int:
    moved = stats_refresh_all()
    if moved:  # the cells moved: the dashboard's sums are worked out here, not by a visitor
        from .selectors import stats_warm

        stats_warm()
    return moved


@task()
def export_opendata() -> str:
    from .opendata import opendata_export

    return str(opendata_export())


@task()
def send_leader_reports() -> int:
    from .leader import leader_reports_send

    return leader_reports_send()


def _due(name: str, now: datetime, interval: timedelta) -> bool:
    """True once per ``interval`` across all workers (the locked row decides)."""
    with transaction.atomic():
        StatsCursor.objects.get_or_create(name=name)
        marker = StatsCursor.objects.select_for_update().get(name=name)
        if marker.updated_at is not None and marker.updated_at > now:
            return False
        marker.updated_at = now + interval
        marker.save(update_fields=["updated_at"])
    return True


def stats_periodic(now: datetime | None = None) -> None:
    """Called by the worker's scheduler every tick: enqueue what is due."""
    now = now or timezone.now()
    if _due("schedule:refresh", now, timedelta(seconds=settings.ADUAN["STATS_INTERVAL_SECONDS"])):
        refresh_stats.enqueue()
    if _due("schedule:opendata", now, timedelta(days=1)):
        export_opendata.enqueue()
    if _due("schedule:leader", now, timedelta(hours=6)):  # sends each month's once
        send_leader_reports.enqueue()
