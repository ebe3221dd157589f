"""Prometheus metrics: per-process request counters, and system gauges read at scrape time.

Request counts and latencies are kept by each process (with several gunicorn
workers set ``PROMETHEUS_MULTIPROC_DIR`` so a scrape sums them, see
docs/deploy.md). The system gauges — reports by status, outbox depth, the
oldest waiting task, the last sweep's duration, recent routing decisions — are
the same whichever machine answers, because they are read from the database,
at most once per ``METRICS_CACHE_SECONDS`` (through the shared cache).
"""

import os

from django.core.cache import cache
from django.db.models import Count
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client import multiprocess
from prometheus_client.core import GaugeMetricFamily

from aduan.channels.models import OutboundMessage, OutboundStatus
from aduan.deadlines.models import SweepState
from aduan.reports.models import Report
from aduan.routing.models import RoutingSuggestion

from .checks import oldest_waiting_task_age

REQUESTS = Counter("aduan_http_requests", "HTTP requests answered", ["method", "route", "status"])
LATENCY = Histogram("aduan_http_request_seconds", "Time to answer an HTTP request",
                    ["method", "route"],
                    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
METRICS_CACHE_SECONDS = 15
RECENT_DECISIONS = 10_000


def _system() -> dict:
    """The database-wide figures (cached briefly: a scrape must not load the database)."""
    def read():
        last = SweepState.objects.filter(pk=1).first()
        sweep = ((last.last_finished_at - last.last_started_at).total_seconds()
                 if last and last.last_started_at and last.last_finished_at else None)
        newest = RoutingSuggestion.objects.order_by("-id").values_list("id", flat=True)[
            :RECENT_DECISIONS]
        return {
            "status": dict(Report.objects.order_by().values_list("status")
                           .annotate(n=Count("id"))),
            "outbox": OutboundMessage.objects.filter(status=OutboundStatus.PENDING).count(),
            "task_age": oldest_waiting_task_age(),
            "sweep": sweep,
            "decisions": dict(RoutingSuggestion.objects.filter(id__in=list(newest)).order_by()
                              .values_list("decision").annotate(n=Count("id"))),
        }
    return cache.get_or_set("aduan:ops:metrics", read, METRICS_CACHE_SECONDS)


class SystemCollector:
    def collect(self):
        data = _system()
        reports = GaugeMetricFamily("aduan_reports", "Reports by status", labels=["status"])
        for status, n in sorted(data["status"].items()):
            reports.add_metric([status], n)
        yield reports
        yield GaugeMetricFamily("aduan_outbox_pending", "Outbound messages waiting to be sent",
                                value=data["outbox"])
        yield GaugeMetricFamily("aduan_oldest_waiting_task_seconds",
                                "Age of the oldest task that could run now", value=data["task_age"])
        if data["sweep"] is not None:
            yield GaugeMetricFamily("aduan_sweep_duration_seconds",
                                    "Duration of the last deadline sweep", value=data["sweep"])
        decisions = GaugeMetricFamily(
            "aduan_routing_decisions_recent",
            f"Routing decisions among the last {RECENT_DECISIONS} reports routed",
            labels=["decision"])
        for decision, n in sorted(data["decisions"].items()):
            decisions.add_metric([decision], n)
        yield decisions


def exposition() -> bytes:
    """The text format for one scrape: this process's (or all processes') counters + system."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(REQUESTS)
        registry.register(LATENCY)
    registry.register(SystemCollector())
    return generate_latest(registry)
