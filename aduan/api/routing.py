"""/api/v1: similar reports at intake, citizens' support, and staff's routing actions."""

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import ConfigDict, Field

from aduan.errors import Forbidden
from aduan.reports.access import View, report_get_for_caller
from aduan.reports.presenters import similar_summary
from aduan.routing.services import report_support
from aduan.routing.similar import SimilarQuery, similar_for_new_report, similar_reports

from .auth import resolve_caller
from .schemas import Error, SimilarList, SupportOut

router = Router(tags=["duplicates and support"])

ERRORS = {401: Error, 403: Error, 404: Error, 409: Error, 422: Error, 429: Error}


# A GET's text travels in the URL: kept short enough for every proxy's request line.
# Longer text goes to POST /reports/similar in a JSON body.
GET_TEXT_MAX = 1500


class SimilarParams(Schema):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(..., min_length=3, max_length=GET_TEXT_MAX,
                      description="The title and body being written (POST for longer text)")
    region_code: str = Field("", max_length=13, description="The form's region, if chosen")
    category: str = Field("", max_length=50, description="The form's category, if chosen")
    limit: int = Field(5, ge=1, le=20)


@router.get("/reports/similar", response={200: SimilarList, **ERRORS},
            summary="Open reports like the one being written (support one instead of filing)")
def similar_to_text(request: HttpRequest, params: Query[SimilarParams]):
    return _similar_to_text(request, params)


class SimilarIn(SimilarParams):
    text: str = Field(..., min_length=3, max_length=10_000,
                      description="The title and body being written")


@router.post("/reports/similar", response={200: SimilarList, **ERRORS},
             summary="Open reports like the one being written, for text too long for a URL")
def similar_to_long_text(request: HttpRequest, payload: SimilarIn):
    return _similar_to_text(request, payload)


def _similar_to_text(request: HttpRequest, params: SimilarParams) -> dict:
    caller = resolve_caller(request)
    scope = "agency" if caller.is_staff_member else "public"
    found = similar_for_new_report(caller, text=params.text,
                                   region_code=params.region_code or None,
                                   category=params.category or None, limit=params.limit,
                                   scope=scope)
    return {"items": [similar_summary(r, score, full=scope != "public") for r, score in found]}


class LimitParams(Schema):
    model_config = ConfigDict(extra="forbid")
    limit: int = Field(5, ge=1, le=20)


@router.get("/reports/{tracking_id}/similar", response={200: SimilarList, **ERRORS},
            openapi_extra={"security": [{"BearerToken": []}]},
            summary="Possible duplicates of a report (staff)")
def similar_to_report(request: HttpRequest, tracking_id: str, params: Query[LimitParams]):
    caller = resolve_caller(request, tracking_id)
    report, level = report_get_for_caller(caller, tracking_id)
    if not caller.is_staff_member:
        raise Forbidden(_("Only staff may list possible duplicates of a report."))
    # The query is built from what this caller may read: staff of another agency see the
    # public, redacted text, so they cannot probe for a number in the hidden one.
    full = level >= View.REPORTER
    text = f"{report.title} {report.body}" if full else \
        f"{report.public_title} {report.public_body}"
    query = SimilarQuery(text=text, region_code=report.region_id,
                         category=report.category_id, exclude_id=report.pk, limit=params.limit)
    found = similar_reports(caller, query, scope="agency")
    return {"items": [similar_summary(r, score, full=True) for r, score in found]}


@router.post("/reports/{tracking_id}/support", response={200: SupportOut, **ERRORS},
             openapi_extra={"security": [{"BearerToken": []}]},
             summary="Support an open report: \"I have this problem too\" (citizen account)")
def support(request: HttpRequest, tracking_id: str):
    caller = resolve_caller(request, tracking_id)
    report, _level = report_get_for_caller(caller, tracking_id)
    count = report_support(caller=caller, report=report)
    return {"tracking_id": report.tracking_id, "support_count": count}
