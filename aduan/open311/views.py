"""The GeoReport v2 endpoints: thin views that parse, call one function, and answer in either format.

Reads are public, as the spec intends: an ``api_key`` on a read gives no extra
rights (a wrong one is ignored), but a live client's read is audited under its name
and counted against its rate limit, like every call by a client. Errors are the spec's arrays with HTTP 400 (bad input),
403 (missing or wrong ``api_key``), 404 (unknown service, request, token or
jurisdiction) and 429 (a client over its rate limit).
"""

from functools import wraps

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from aduan.agencies.selectors import active_category
from aduan.errors import DomainError, NotFound
from aduan.partners.clients import client_call_audit, client_rate_check

from . import catalogue, reading, submitting
from .render import FORMATS, Answer, errors, respond

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-12-01T00:00:00+07:00"


def jurisdiction() -> str:
    return settings.ADUAN.get("OPEN311_JURISDICTION", "lapor.go.id")


def _status(exc: DomainError) -> int:
    if exc.status in (401, 403):
        return 403
    if exc.status in (404, 429):
        return exc.status
    return 400


def open311_view(view):
    """Check the format and jurisdiction, honour ``locale``, and turn refusals into error arrays."""
    @wraps(view)
    def wrapper(request, *args, fmt: str, **kwargs):
        if fmt not in FORMATS:
            return errors(404, [_("Use .json or .xml at the end of the URL.")], "xml")
        params = request.GET if request.method == "GET" else request.POST
        locale = params.get("locale", "")[:2].lower()
        with translation.override(locale if locale in ("id", "en") else translation.get_language()):
            given = params.get("jurisdiction_id", "").strip()
            if given and given != jurisdiction():
                return errors(404, [_("Unknown jurisdiction_id %(given)s; this endpoint serves "
                                      "%(ours)s.") % {"given": given[:100], "ours": jurisdiction()}],
                              fmt)
            reader = (submitting.reader_for_key(params.get("api_key", ""))
                      if request.method == "GET" else None)
            try:
                if reader is not None:
                    client_rate_check(reader)
                response = respond(view(request, *args, **kwargs), fmt)
            except DomainError as exc:
                response = errors(_status(exc), [exc.message], fmt)
            if reader is not None:
                client_call_audit(client=reader, method="GET", path=request.path,
                                  status=response.status_code)
            return response
    return wrapper


@require_GET
@open311_view
def discovery(request):
    base = request.build_absolute_uri("/open311/v2")
    return Answer("discovery", "", {
        "changeset": CHANGESET,
        "contact": _("Questions about this API: the national administrator of Aduan "
                     "(Kementerian PANRB)."),
        "key_service": _("An API key (an API client with the reports:submit scope) is given by "
                         "a national admin: aduan clients add NAME --agency CODE --scopes "
                         "reports:submit."),
        "endpoints": [{"specification": SPECIFICATION, "url": base, "changeset": CHANGESET,
                       "type": "production", "formats": ["text/xml", "application/json"]}],
    })


@require_GET
@open311_view
def services(request):
    return Answer("services", "service", catalogue.services_list())


@require_GET
@open311_view
def service_definition(request, code: str):
    if active_category(code) is None:
        raise NotFound(_("No service with the code %(code)s; see services.json.")
                       % {"code": code[:50]})
    return Answer("service_definition", "", catalogue.definition_data(code))


# An API for machines: the api_key in the form is the credential, never a browser cookie, so
# there is no session a forged cross-site form could ride on (ADR 0016).
@csrf_exempt
@require_http_methods(["GET", "POST"])
@open311_view
def service_requests(request):
    if request.method == "POST":
        return _submit(request)
    return Answer("service_requests", "request",
                  reading.requests_list(reading.query_parse(request.GET)))


def _submit(request) -> Answer:
    client = None
    try:
        client = submitting.client_for_key(request.POST.get("api_key", ""))
        data, extra, external_id = submitting.new_report(request.POST)
        report, pin, created = submitting.file(client=client, data=data, extra=extra,
                                               external_id=external_id)
    except DomainError as exc:
        if client is not None:
            client_call_audit(client=client, method="POST", path=request.path,
                              status=_status(exc))
        raise
    status = 201 if created else 200
    client_call_audit(client=client, method="POST", path=request.path, status=status)
    if created:
        notice = _("Received. Tracking ID %(id)s, PIN %(pin)s: give both to the reporter to "
                   "follow the report at /lacak/. It is listed publicly once verified and "
                   "dispatched.") % {"id": report.tracking_id, "pin": pin}
    else:
        notice = _("Already received with this external_id as %(id)s; nothing new was "
                   "filed.") % {"id": report.tracking_id}
    return Answer("service_requests", "request", [{
        "service_request_id": report.tracking_id,
        "token": submitting.token_for(report.tracking_id),
        "service_notice": notice, "account_id": None}], status=status)


@require_GET
@open311_view
def service_request(request, service_request_id: str):
    return Answer("service_requests", "request", [reading.request_get(service_request_id)])


@require_GET
@open311_view
def token(request, token: str):
    return Answer("service_requests", "request",
                  [{"service_request_id": submitting.token_read(token), "token": token}])


@require_GET
@open311_view
def request_updates(request):
    start = reading.moment_parse(request.GET.get("start_date", ""), "start_date")
    end = reading.moment_parse(request.GET.get("end_date", ""), "end_date")
    return Answer("service_request_updates", "request_update", reading.updates_list(start, end))


def not_found(request, rest: str = ""):
    fmt = "json" if rest.endswith(".json") else "xml"
    return errors(404, [_("No such Open311 resource; start at discovery.xml.")], fmt)
