"""What routing adds to a report's presentation: citizens' support and, for staff, the router's proposal."""

from aduan.reports.access import View
from aduan.reports.callers import Caller
from aduan.reports.models import Report
from aduan.reports.presenters import report_data

from .models import RoutingSuggestion
from .services import support_count


def report_detail(report: Report, view: View, caller: Caller) -> dict:
    """A report as ``view`` may see it, with its support count and (staff only) its routing."""
    data = report_data(report, view, caller)
    data["support_count"] = support_count(report)
    data["routing"] = routing_data(report) if view >= View.STAFF else None
    return data


def routing_data(report: Report) -> dict | None:
    """The router's proposal for the report, for staff (verifiers see why it waits)."""
    suggestion = RoutingSuggestion.objects.filter(report=report).first()
    if suggestion is None:
        return None
    return {"decision": suggestion.decision, "reason": suggestion.reason or None,
            "category": suggestion.category_id, "agency": suggestion.agency_id,
            "region_code": suggestion.region_id, "level": suggestion.level or None,
            "confidence": suggestion.confidence, "threshold": suggestion.threshold,
            "candidates": suggestion.candidates,
            "evidence": suggestion.evidence, "at": suggestion.created_at}
