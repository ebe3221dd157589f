"""A report a logged-in reporter wrote without a connection, sent by the phone when the
connection returns (Background Sync or the next page opened).

The public API takes no browser sessions, so a report kept on the phone and sent there
would not join the reporter's account; this endpoint takes the report form's own fields
with the session and the form's CSRF token, so the report is in "My reports" on every
device. Its ``Idempotency-Key`` keeps a report sent twice (a retry, two tabs, a sync and a
page at once) stored once.
"""

from django.db import transaction
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aduan.accounts.ratelimit import client_key
from aduan.errors import DomainError, InvalidInput, Unauthenticated
from aduan.partners.idempotency import (
    Replay,
    idempotency_claim,
    idempotency_key_check,
    request_fingerprint,
)
from aduan.routing.intake import report_intake
from aduan.web.fingerprint import answer_once, replayed, request_content
from aduan.web.helpers import uploads_from

from .. import regions
from ..forms import ReportForm
from .submit import new_report_of


def _error(exc: DomainError) -> JsonResponse:
    return JsonResponse({"error": {"code": exc.code, "message": str(exc.message)}},
                        status=exc.status)


def _file(request) -> JsonResponse:
    form = ReportForm(request.POST, request.FILES)
    if not form.is_valid():
        field, errors = next(iter(form.errors.items()))
        label = form.fields[field].label if field in form.fields else ""
        raise InvalidInput(f"{label}: {errors[0]}" if label else errors[0], field=field)
    report, pin = report_intake(data=new_report_of(form, regions.picker_from(request.POST).code),
                                user=request.user,
                                attachments=uploads_from(form.cleaned_data["attachments"]),
                                client=client_key(request))
    return JsonResponse({"tracking_id": report.tracking_id, "pin": pin,
                         "status": report.status}, status=201)


@require_POST
def queued_report(request):
    """POST /lapor/antrian/: the form's fields and photos; JSON answer like the API's."""
    try:
        if not request.user.is_authenticated:
            raise Unauthenticated(_("Log in to send a report kept on this phone to your "
                                    "account."))
        key = idempotency_key_check(request.META.get("HTTP_IDEMPOTENCY_KEY", ""))
        claim = idempotency_claim(scope=f"portal-user:{request.user.pk}", key=key,
                                  fingerprint=request_fingerprint("POST", request.path,
                                                                  request_content(request)))
    except DomainError as exc:
        return _error(exc)
    if isinstance(claim, Replay):
        return replayed(claim)

    def produce():
        try:
            with transaction.atomic():  # a refused report leaves nothing behind
                return _file(request)
        except DomainError as exc:
            return _error(exc)

    return answer_once(claim, produce)
