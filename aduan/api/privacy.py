"""/api/v1/personal-data: a reporter's UU PDP rights, download and erasure of their identity.

With a reporter account's bearer token: everything about the account. With
``tracking_id`` and the report's PIN (``X-Report-PIN``): that report's reporter.
"""

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from aduan.privacy.erasure import identity_erase
from aduan.privacy.export import personal_data_export
from aduan.reports.access import data_subject_for_caller

from .auth import credentials_present, resolve_caller
from .schemas import Error, Strict

router = Router(tags=["personal data"])

ERRORS = {400: Error, 401: Error, 403: Error, 404: Error, 413: Error, 422: Error, 429: Error}
SECURITY = [{"ReportPin": []}, {"BearerToken": []}]
TRACKING = Field(default=None, max_length=20,
                 description="One report (with X-Report-PIN); without it, the token's account.")


class SubjectQuery(Schema):
    tracking_id: str | None = TRACKING


class ErasureIn(Strict):
    confirm: Literal[True] = Field(description="Erasure cannot be undone: send true.")
    tracking_id: str | None = TRACKING


class Erased(Schema):
    done: dict[str, int]


@router.get("/personal-data", response={200: dict[str, Any], **ERRORS},
            openapi_extra={"security": SECURITY},
            summary="Everything held about the reporter (JSON; the download is audited)")
def personal_data(request: HttpRequest, params: Query[SubjectQuery]):
    caller = resolve_caller(request, params.tracking_id)
    subject = data_subject_for_caller(caller, params.tracking_id)
    return personal_data_export(subject=subject, actor=caller.user)


@router.post("/personal-data/erase", response={200: Erased, **ERRORS},
             openapi_extra={"security": SECURITY}, auth=credentials_present,
             summary="Erase the reporter's identity; the reports stay, anonymised")
def erase(request: HttpRequest, payload: ErasureIn):
    caller = resolve_caller(request, payload.tracking_id)
    subject = data_subject_for_caller(caller, payload.tracking_id)
    return {"done": identity_erase(subject=subject, actor=caller.user)}
