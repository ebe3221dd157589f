"""/api/v1/reports: submit, read, list, and one URL per life-cycle action."""

from collections.abc import Callable

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict, Field

from aduan.accounts.ratelimit import client_key
from aduan.errors import Forbidden, InvalidInput, ReportNotFound
from aduan.partners.clients import client_report_submit
from aduan.reports import services
from aduan.reports.access import View, client_may_submit, report_get_for_caller, view_level
from aduan.reports.callers import Caller
from aduan.reports.models import Channel, Report
from aduan.reports.presenters import events_for, report_summary
from aduan.reports.selectors import ReportFilters, report_list
from aduan.routing.intake import report_intake
from aduan.routing.presenters import report_detail

from .auth import PROOF_HEADER, credentials_present, resolve_caller
from .schemas import (
    AcceptIn,
    AgencyIn,
    ArchiveIn,
    CategoryIn,
    CloseIn,
    Created,
    Error,
    EventList,
    ForwardIn,
    LinkIn,
    MessageIn,
    ReasonIn,
    ReporterIdentity,
    ReportIn,
    ReportList,
    ReportOut,
    RestrictIn,
)

router = Router(tags=["reports"])

STAFF = [{"BearerToken": []}]
REPORTER = [{"ReportPin": []}, {"BearerToken": []}]
ERRORS = {400: Error, 401: Error, 403: Error, 404: Error, 409: Error, 413: Error, 422: Error,
          429: Error}


def _out(caller: Caller, report: Report) -> dict:
    level = view_level(caller, report)
    if level is None:  # the action took away the caller's own access
        raise ReportNotFound()
    return report_detail(report, level, caller)


def _act(request: HttpRequest, tracking_id: str, service: Callable, **kwargs) -> dict:
    caller = resolve_caller(request, tracking_id)
    report, _view = report_get_for_caller(caller, tracking_id)
    return _out(caller, service(caller=caller, report=report, **kwargs))


@router.post("/reports", response={200: Created, 201: Created, **ERRORS},
             openapi_extra={"security": [{}]},
             summary="Submit a report (with or without an account)")
def create_report(request: HttpRequest, payload: ReportIn):
    return submit(request, payload)


def submit(request: HttpRequest, payload: ReportIn, attachments: list = ()) -> Status:
    """File a report through the one intake entry point; ``attachments`` are cleaned uploads."""
    caller = resolve_caller(request)
    reporter = payload.reporter
    data = services.NewReport(
        kind=payload.kind, title=payload.title, body=payload.body, category=payload.category,
        region_code=payload.region_code, address=payload.address,
        latitude=ReportIn.coordinate(payload.latitude),
        longitude=ReportIn.coordinate(payload.longitude), occurred_on=payload.occurred_on,
        anonymous=payload.anonymous, confidential=payload.confidential,
        reporter_name=reporter.name if reporter else "",
        reporter_email=reporter.email if reporter else "",
        reporter_phone=reporter.phone if reporter else "",
        agency=payload.agency, channel=Channel.PARTNER if caller.client else Channel.API,
    )
    if caller.client is not None:
        return _client_submit(caller, payload, data, attachments)
    if payload.external_id:
        raise InvalidInput(_("Only API clients send an external_id."), field="external_id")
    report, pin = report_intake(data=data, user=caller.user, attachments=attachments,
                                client=client_key(request),
                                proof=request.META.get(PROOF_HEADER, ""),
                                client_scope="submit_api_client")
    return Status(201, {"tracking_id": report.tracking_id, "pin": pin, "status": report.status})


def _client_submit(caller: Caller, payload: ReportIn, data, attachments) -> Status:
    if not client_may_submit(caller):
        raise Forbidden(_("This client has no 'reports:submit' scope."), code="scope_missing")
    report, pin, created = client_report_submit(client=caller.client, data=data,
                                                external_id=payload.external_id,
                                                attachments=attachments)
    return Status(201 if created else 200,
                  {"tracking_id": report.tracking_id, "pin": pin, "status": report.status})


class ListQuery(Schema):
    model_config = ConfigDict(extra="forbid")

    q: str = Field("", max_length=200, description="Full-text search in published text")
    scope: str = Field("public", description="public | agency (staff) | mine (reporter)")
    category: str = ""
    region: str = Field("", max_length=13, description="Kemendagri code at any level")
    agency: str = ""
    status: str = ""
    kind: str = ""
    cursor: str = Field("", max_length=200)
    limit: int = Field(20, ge=1, le=100)


@router.get("/reports", response={200: ReportList, **ERRORS},
            summary="List and search reports the caller may see")
def list_reports(request: HttpRequest, params: Query[ListQuery]):
    caller = resolve_caller(request)
    filters = ReportFilters(scope=params.scope, q=params.q, category=params.category,
                            region=params.region, agency=params.agency, status=params.status,
                            kind=params.kind)
    page, next_cursor = report_list(caller, filters, cursor=params.cursor or None,
                                    limit=params.limit)
    full = params.scope != "public"
    return {"items": [report_summary(r, full=full) for r in page], "next_cursor": next_cursor}


@router.get("/reports/{tracking_id}", response={200: ReportOut, **ERRORS},
            summary="A report, as much of it as the caller may see")
def get_report(request: HttpRequest, tracking_id: str):
    caller = resolve_caller(request, tracking_id)
    report, level = report_get_for_caller(caller, tracking_id)
    return report_detail(report, level, caller)


@router.get("/reports/{tracking_id}/events", response={200: EventList, **ERRORS},
            summary="The report's history, as much of it as the caller may see")
def get_events(request: HttpRequest, tracking_id: str):
    caller = resolve_caller(request, tracking_id)
    report, level = report_get_for_caller(caller, tracking_id)
    return {"items": events_for(report, level, caller)}


@router.post("/reports/{tracking_id}/reporter", response={200: ReporterIdentity, **ERRORS},
             openapi_extra={"security": STAFF}, auth=credentials_present,
             summary="Who filed the report (national admins only, with a reason; every look "
                     "is audited and sent to the supervisor)")
def reveal_reporter(request: HttpRequest, tracking_id: str, payload: ReasonIn):
    caller = resolve_caller(request, tracking_id)
    report, _view = report_get_for_caller(caller, tracking_id)
    return services.reporter_identity_reveal(caller=caller, report=report,
                                             reason=payload.reason)


# --- staff actions ------------------------------------------------------------------

# Credentials are required before the body is validated: 401 comes before 409 or 422.
_STAFF_OP = {"response": {200: ReportOut, **ERRORS}, "openapi_extra": {"security": STAFF},
             "auth": credentials_present}
_REPORTER_OP = {"response": {200: ReportOut, **ERRORS}, "openapi_extra": {"security": REPORTER},
                "auth": credentials_present}


@router.post("/reports/{tracking_id}/dispatch", summary="Verify and dispatch to an agency",
             **_STAFF_OP)
def dispatch(request: HttpRequest, tracking_id: str, payload: AgencyIn):
    return _act(request, tracking_id, services.report_dispatch, agency=payload.agency)


@router.post("/reports/{tracking_id}/forward",
             summary="Forward to the authorised agency (no wrong door)", **_STAFF_OP)
def forward(request: HttpRequest, tracking_id: str, payload: ForwardIn):
    return _act(request, tracking_id, services.report_forward, agency=payload.agency,
                reason=payload.reason)


class OptionalReasonIn(Schema):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field("", max_length=2000)


@router.post("/reports/{tracking_id}/return", summary="Return to the verifier", **_STAFF_OP)
def return_to_verifier(request: HttpRequest, tracking_id: str,
                       payload: OptionalReasonIn | None = None):
    reason = payload.reason if payload else ""
    return _act(request, tracking_id, services.report_return, reason=reason)


@router.post("/reports/{tracking_id}/dispatch-internal",
             summary="Dispatch to a unit inside the agency", **_STAFF_OP)
def dispatch_internal(request: HttpRequest, tracking_id: str, payload: AgencyIn):
    return _act(request, tracking_id, services.report_dispatch_internal, agency=payload.agency)


@router.post("/reports/{tracking_id}/accept",
             summary="Accept the report (optionally saying how much work it needs)", **_STAFF_OP)
def accept(request: HttpRequest, tracking_id: str, payload: AcceptIn | None = None):
    severity = payload.severity if payload else None
    return _act(request, tracking_id, services.report_accept, severity=severity)


@router.post("/reports/{tracking_id}/request-info",
             summary="Ask the reporter for more information", **_STAFF_OP)
def request_info(request: HttpRequest, tracking_id: str, payload: MessageIn):
    return _act(request, tracking_id, services.report_request_info, message=payload.message)


@router.post("/reports/{tracking_id}/respond", summary="Publish a follow-up", **_STAFF_OP)
def respond(request: HttpRequest, tracking_id: str, payload: MessageIn):
    return _act(request, tracking_id, services.report_respond, message=payload.message)


def _draft(*, caller, report, message):
    services.report_draft_response(caller=caller, report=report, message=message)
    report.refresh_from_db()
    return report


@router.post("/reports/{tracking_id}/draft-response",
             summary="Draft a follow-up for a liaison's sign-off (agencies that require it)",
             **_STAFF_OP)
def draft_response(request: HttpRequest, tracking_id: str, payload: MessageIn):
    return _act(request, tracking_id, _draft, message=payload.message)


class NoteIn(Schema):
    model_config = ConfigDict(extra="forbid")
    note: str = Field("", max_length=2000)


@router.post("/reports/{tracking_id}/sign-off",
             summary="Publish the waiting draft as the follow-up (liaison officers)",
             **_STAFF_OP)
def sign_off(request: HttpRequest, tracking_id: str, payload: NoteIn | None = None):
    note = payload.note if payload else ""
    return _act(request, tracking_id, services.report_sign_off, note=note)


@router.post("/reports/{tracking_id}/return-draft",
             summary="Send the waiting draft back with the reason (liaison officers)",
             **_STAFF_OP)
def return_draft(request: HttpRequest, tracking_id: str, payload: ReasonIn):
    return _act(request, tracking_id, services.report_return_draft, reason=payload.reason)


@router.post("/reports/{tracking_id}/archive", summary="Archive with a reason code",
             **_STAFF_OP)
def archive(request: HttpRequest, tracking_id: str, payload: ArchiveIn):
    return _act(request, tracking_id, services.report_archive, reason=payload.reason,
                note=payload.note, duplicate_of=payload.duplicate_of)


@router.post("/reports/{tracking_id}/reopen",
             summary="Reopen a closed or archived report (national admin, supervisor)",
             **_STAFF_OP)
def reopen(request: HttpRequest, tracking_id: str, payload: ReasonIn):
    return _act(request, tracking_id, services.report_reopen, reason=payload.reason)


@router.post("/reports/{tracking_id}/restrict",
             summary="Make the report's privacy stricter (never looser)", **_STAFF_OP)
def restrict(request: HttpRequest, tracking_id: str, payload: RestrictIn):
    return _act(request, tracking_id, services.report_restrict, anonymous=payload.anonymous,
                confidential=payload.confidential)


@router.post("/reports/{tracking_id}/categorise",
             summary="Set or correct the category (a training label for the router)", **_STAFF_OP)
def categorise(request: HttpRequest, tracking_id: str, payload: CategoryIn):
    return _act(request, tracking_id, services.report_categorise, category=payload.category)


@router.post("/reports/{tracking_id}/link", summary="Link a related report", **_STAFF_OP)
def link(request: HttpRequest, tracking_id: str, payload: LinkIn):
    return _act(request, tracking_id, services.report_link, other=payload.other)


# --- reporter actions (account token or X-Report-PIN) ---------------------------------


@router.post("/reports/{tracking_id}/info", summary="Provide the requested information",
             **_REPORTER_OP)
def provide_info(request: HttpRequest, tracking_id: str, payload: MessageIn):
    return _act(request, tracking_id, services.report_provide_info, message=payload.message)


@router.post("/reports/{tracking_id}/add-info",
             summary="Add information while the report is being handled", **_REPORTER_OP)
def add_info(request: HttpRequest, tracking_id: str, payload: MessageIn):
    return _act(request, tracking_id, services.report_add_info, message=payload.message)


@router.post("/reports/{tracking_id}/reply",
             summary="Reply to the follow-up (reopens the report)", **_REPORTER_OP)
def reply(request: HttpRequest, tracking_id: str, payload: MessageIn):
    return _act(request, tracking_id, services.report_reply, message=payload.message)


@router.post("/reports/{tracking_id}/close", summary="Accept the follow-up and rate it",
             **_REPORTER_OP)
def close(request: HttpRequest, tracking_id: str, payload: CloseIn):
    return _act(request, tracking_id, services.report_close, rating=payload.rating,
                comment=payload.comment)


__all__ = ["router", "View"]
