"""/api/v1/stats: every measure of a scope and period as JSON (the same numbers as the pages)."""

from typing import Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import ConfigDict, Field

from aduan.errors import Forbidden
from aduan.reports.access import stats_full_counts_allowed
from aduan.stats import selectors
from aduan.stats.predikat import grade, scheme_active

from .auth import resolve_caller
from .opendata import open_data_check
from .schemas import Error

router = Router(tags=["statistics"])

Measures = dict[str, float | int | None]


class StatsQuery(Schema):
    model_config = ConfigDict(extra="forbid")
    scope: Literal["national", "agency", "province", "regency"] = "national"
    code: str = Field("", max_length=80, description="Agency code, or province (35) / regency "
                      "(35.78) code; empty for national")
    from_: str = Field("", alias="from", max_length=7, description="First month, YYYY-MM "
                       "(default: twelve months before `to`)")
    to: str = Field("", max_length=7, description="Last month, YYYY-MM (default: this month)")
    by: Literal["", "month", "category", "channel", "kind", "province", "regency"] = Field(
        "", description="Also break the measures down by this")
    counts: Literal["public", "full"] = Field(
        "public", description="`full` includes confidential reports (staff of the agency's "
        "subtree, national admins)")


class Predikat(Schema):
    grade: str | None
    score: float | None
    scheme_version: int


class BreakdownRow(Schema):
    key: str
    measures: Measures


class StatsOut(Schema):
    scope: str
    code: str
    name: str
    period_from: str
    period_to: str
    counts: str
    measures: Measures
    predikat: Predikat
    by: str
    breakdown: list[BreakdownRow]


@router.get("/stats", response={200: StatsOut, 401: Error, 403: Error, 404: Error, 422: Error},
            summary="Measures of the nation, an agency (with its units) or a region")
def stats(request: HttpRequest, params: Query[StatsQuery]):
    """Public counts for anyone (a partner's key needs `open-data:read` for them); full counts
    for staff of the agency's subtree and national admins."""
    public = params.counts == "public"
    if public:
        open_data_check(request)
    subject = selectors.subject_get(params.scope, params.code)
    period = selectors.period_parse(params.from_ or None, params.to or None)
    if not public and not stats_full_counts_allowed(resolve_caller(request), subject.scope,
                                                    subject.path):
        raise Forbidden(_("Only staff of this agency's subtree and national admins see full "
                          "counts."))
    values = selectors.measures(subject, period, public)
    result = grade(values, scheme_active())
    rows = selectors.breakdown(subject, period, public, params.by) if params.by else {}
    return {"scope": subject.scope, "code": subject.code, "name": subject.name,
            "period_from": f"{period.start:%Y-%m}", "period_to": f"{period.end:%Y-%m}",
            "counts": params.counts, "measures": values,
            "predikat": {"grade": result.grade, "score": result.score,
                         "scheme_version": result.version},
            "by": params.by, "breakdown": [{"key": k, "measures": v} for k, v in rows.items()]}
