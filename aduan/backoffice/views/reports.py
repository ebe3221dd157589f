"""A report in the back office: all the staff member may see, and the actions they may take."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aduan.agencies.models import Agency
from aduan.channels.selectors import conversation_for
from aduan.errors import DomainError, InvalidInput, ReportNotFound
from aduan.lib import tracking
from aduan.reports import services
from aduan.reports.access import View, contact_address_visible, report_get_for_caller
from aduan.reports.policy import Policy
from aduan.reports.presenters import (
    attachments_for,
    caller_actions,
    events_for,
    report_summary,
)
from aduan.reports.selectors import ReportFilters, report_list
from aduan.reports.workflow import Action, Status
from aduan.routing.presenters import report_detail
from aduan.web.helpers import (
    add_domain_error,
    names_for,
    not_found_on,
    render_report_page,
    uploads_from,
)

from .. import forms as f
from .base import staff_required

# The order actions are offered in: the usual next step first.
ORDER = [Action.DISPATCH, Action.ACCEPT, Action.SIGN_OFF, Action.RESPOND, Action.DRAFT,
         Action.RETURN_DRAFT, Action.DISPATCH_INTERNAL, Action.FORWARD, Action.REQUEST_INFO,
         Action.RETURN, Action.ARCHIVE, Action.REOPEN, Action.RESTRICT]


def _units(caller, report) -> list[tuple[str, str]]:
    """Units below the holder that the caller may send the report to."""
    if report.holder_id is None:
        return []
    own = [g.agency_path for g in caller.grants if report.holder.path.startswith(g.agency_path)]
    rows = (Agency.objects.filter(path__startswith=report.holder.path, active=True)
            .exclude(pk=report.holder_id).order_by("path").values_list("code", "name", "path"))
    return [(code, name) for code, name, path in rows[:300]
            if any(path.startswith(p) for p in own)]


def _form_for(action: str, caller, report, data=None, files=None):
    if action == Action.DISPATCH_INTERNAL:
        return f.UnitForm(data, units=_units(caller, report))
    return FORMS[action](data, files) if files is not None else FORMS[action](data)


FORMS = {
    Action.DISPATCH: f.AgencyForm, Action.FORWARD: f.ForwardForm,
    Action.RETURN: f.OptionalReasonForm, Action.ACCEPT: f.AcceptForm,
    Action.REQUEST_INFO: f.MessageOnlyForm, Action.RESPOND: f.FollowUpForm,
    Action.DRAFT: f.FollowUpForm, Action.SIGN_OFF: f.NoteForm,
    Action.RETURN_DRAFT: f.ReasonForm, Action.ARCHIVE: f.ArchiveForm,
    Action.REOPEN: f.ReasonForm, Action.RESTRICT: f.RestrictForm,
}


def _run(action: str, caller, report, data: dict):
    s = services
    common = {"caller": caller, "report": report}
    if action == Action.DISPATCH:
        return s.report_dispatch(**common, agency=data["agency"])
    if action == Action.FORWARD:
        return s.report_forward(**common, agency=data["agency"], reason=data["reason"])
    if action == Action.RETURN:
        return s.report_return(**common, reason=data["reason"])
    if action == Action.DISPATCH_INTERNAL:
        return s.report_dispatch_internal(**common, agency=data["unit"])
    if action == Action.ACCEPT:
        return s.report_accept(**common, severity=data["severity"] or None)
    if action == Action.REQUEST_INFO:
        return s.report_request_info(**common, message=data["message"])
    if action in (Action.RESPOND, Action.DRAFT):
        service = s.report_respond if action == Action.RESPOND else s.report_draft_response
        return service(**common, message=data["message"],
                       attachments=uploads_from([*data["attachments"],
                                                 *filter(None, [data.get("camera")])]))
    if action == Action.SIGN_OFF:
        return s.report_sign_off(**common, note=data["note"])
    if action == Action.RETURN_DRAFT:
        return s.report_return_draft(**common, reason=data["reason"])
    if action == Action.ARCHIVE:
        return s.report_archive(**common, reason=data["reason"], note=data["note"],
                                duplicate_of=data["duplicate_of"] or None)
    if action == Action.REOPEN:
        return s.report_reopen(**common, reason=data["reason"])
    return s.report_restrict(**common, anonymous=data["anonymous"] or None,
                             confidential=data["confidential"] or None)


def _context(request, tracking_id: str, bound: dict | None = None) -> dict:
    caller = request.caller
    report, view = report_get_for_caller(caller, tracking_id)
    policy = Policy(report)
    actions = caller_actions(caller, report, policy)
    actions = [a for a in ORDER if a in actions]
    bound = bound or {}
    draft = policy.draft if view >= View.STAFF and report.status in (
        Status.DISPATCHED, Status.IN_PROGRESS) else None
    return {
        "report": report_detail(report, view, caller), "view": int(view),
        "is_national": view == View.NATIONAL,
        "events": events_for(report, view, caller),
        "attachments": attachments_for(report, view, caller),
        "actions": [(a, Action(a).label, bound.get(a) or _form_for(a, caller, report))
                    for a in actions],
        "draft": draft, "signoff_required": policy.required if report.holder_id else False,
        # The door the report came in by and its messages; the address only for national admins.
        "conversation": conversation_for(report.pk,
                                         show_address=contact_address_visible(report, view)),
    }


@staff_required
def report_page(request, tracking_id: str):
    return render_report_page(request, tracking_id, "backoffice:report", _context,
                              "backoffice/report.html")


@require_POST
@staff_required
def report_action(request, tracking_id: str, action: str):
    canonical = tracking.normalize(tracking_id)
    if canonical is None or action not in FORMS:
        raise Http404()
    caller = request.caller
    try:
        report, _view = report_get_for_caller(caller, canonical)
    except ReportNotFound:
        raise Http404() from None
    form = _form_for(action, caller, report, request.POST, request.FILES)
    if form.is_valid():
        try:
            _run(action, caller, report, form.cleaned_data)
        except DomainError as exc:
            not_found_on(exc)
            add_domain_error(form, exc, {"agency": "agency" if "agency" in form.fields
                                         else "unit"})
        else:
            messages.success(request, _("Done: %(action)s.") % {"action": Action(action).label})
            return _after_action(request, canonical)
    context = _context(request, canonical, bound={action: form})
    context["failed_action"] = action
    return render(request, "backoffice/report.html", context, status=422)


def _after_action(request, canonical: str):
    try:
        report_get_for_caller(request.caller, canonical)
    except ReportNotFound:  # e.g. returned to verification: no longer ours to see
        return redirect("backoffice:home")
    return redirect("backoffice:report", tracking_id=canonical)


@require_POST
@staff_required
def reveal_reporter(request, tracking_id: str):
    """Show an anonymous reporter to a national admin who gives a reason; the look is
    written to the audit log and sent to the supervisor."""
    canonical = tracking.normalize(tracking_id) or ""
    reason = request.POST.get("reason", "")[:2000]
    try:
        report, _view = report_get_for_caller(request.caller, canonical)
        identity = services.reporter_identity_reveal(caller=request.caller, report=report,
                                                     reason=reason)
    except InvalidInput as exc:
        context = _context(request, canonical)
        context.update(reveal_error=str(exc.message), reveal_reason=reason)
        return render(request, "backoffice/report.html", context, status=422)
    except DomainError as exc:
        not_found_on(exc)
        messages.error(request, str(exc.message))
        return redirect("backoffice:report", tracking_id=canonical)
    context = _context(request, canonical)
    context["identity"] = identity
    response = render(request, "backoffice/report.html", context)
    response["Cache-Control"] = "no-store"
    return response


@staff_required
def search(request):
    """Find a report by tracking ID, or list what the caller's agencies may read."""
    text = request.GET.get("q", "").strip()[:200]
    canonical = tracking.normalize(text) if text else None
    if canonical:
        return redirect("backoffice:report", tracking_id=canonical)
    status = request.GET.get("status", "")
    error, rows, next_cursor = "", [], None
    try:
        page, next_cursor = report_list(
            request.caller, ReportFilters(scope="agency", q=text, status=status),
            cursor=request.GET.get("cursor") or None)
        rows = names_for([report_summary(r, full=True) for r in page])
    except InvalidInput as exc:
        error = str(exc.message)
    query = request.GET.copy()
    query.pop("cursor", None)
    return render(request, "backoffice/search.html", {
        "q": text, "status": status, "rows": rows, "next_cursor": next_cursor,
        "error": error, "query": query.urlencode(), "statuses": Status.choices})
