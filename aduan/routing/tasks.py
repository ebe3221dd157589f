"""Background tasks of the routing app (run by the database-backed worker)."""

from django.tasks import task

from .services import report_route


@task()
def route_submitted_report(report_id: int) -> str | None:
    """Route a report after its submission committed; return the decision taken."""
    suggestion = report_route(report_id=report_id)
    return suggestion.decision if suggestion else None
