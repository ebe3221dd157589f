"""The back office's front door: the staff login, the queues, and logging out."""

from django.contrib import messages
from django.contrib.auth import login, logout
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from aduan.accounts.login import account_authenticate
from aduan.agencies.models import Role
from aduan.accounts.ratelimit import client_key, rate_exceeded
from aduan.channels.messages import notices_for, notices_mark_read
from aduan.errors import InvalidInput, RateLimited
from aduan.reports.callers import caller_for_user
from aduan.reports.models import ReportEvent
from aduan.reports.selectors import queue_counts, queues_for, report_queue
from aduan.accounts.twofactor import two_factor_required
from aduan.web.helpers import challenge_context
from aduan.web.twofactor import pending_user

from ..forms import StaffLoginForm
from .base import staff_required
from .twofactor import after_password

QUEUE_LABELS = {
    "verify": gettext_lazy("To verify and dispatch"),
    "signoff": gettext_lazy("Drafts to sign off"),
    "held": gettext_lazy("Held by my agency"),
    "overdue": gettext_lazy("Overdue"),
    "waiting": gettext_lazy("Waiting for the reporter"),
    "responded": gettext_lazy("Responded"),
}
COUNT_CAP = 1000


def _login_error(request, form) -> str | None:
    """Why these credentials do not open the back office, or None (and the user is logged in)."""
    try:
        user = account_authenticate(request, username=form.cleaned_data["username"],
                                    password=form.cleaned_data["password"])
    except RateLimited as exc:
        request.aduan_challenge = True
        return str(exc.message)
    if user is None:
        return _("The user name or the password is not right.")
    if not caller_for_user(user).is_staff_member:
        return _("This account has no staff role. Citizens log in on the portal.")
    login(request, user)
    request.aduan_logged_in = user
    return None


def _login(request):
    form = StaffLoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        error = _login_error(request, form)
        if error is None and two_factor_required(request.aduan_logged_in):
            return after_password(request, request.aduan_logged_in)
        if error is None:
            target = request.POST.get("next", "")
            if url_has_allowed_host_and_scheme(target, {request.get_host()}):
                return redirect(target)
            return redirect("backoffice:home")
        form.add_error(None, error)
    return render(request, "backoffice/login.html",
                  {"form": form, **_challenge(request), "next": request.GET.get("next", "")},
                  status=422 if form.errors else 200)


def home(request):
    if pending_user(request) is not None:
        return redirect("backoffice:second_step")
    if not caller_for_user(request.user).is_staff_member:
        return _login(request)
    return _dashboard(request)


# Roles that work on reports; a staff member with none of them (a leader) lands on the
# early warning instead of empty queues.
_HANDLING_ROLES = (Role.NATIONAL_ADMIN, Role.AGENCY_ADMIN, Role.UNIT_ADMIN, Role.LIAISON,
                   Role.SUPERVISOR)


@staff_required
def _dashboard(request):
    caller = request.caller
    if caller.has_role(Role.LEADER) and not caller.has_role(*_HANDLING_ROLES):
        return redirect("backoffice:early_warning")
    queues = queues_for(caller)
    counts = queue_counts(caller, queues, cap=COUNT_CAP)
    first = next((q for q in queues if counts[q]), queues[0] if queues else None)
    rows = report_queue(caller, first, limit=10)[0] if first else []
    return render(request, "backoffice/dashboard.html", {
        "queues": [(q, QUEUE_LABELS[q], counts[q]) for q in queues], "cap": COUNT_CAP,
        "first": first, "first_label": QUEUE_LABELS.get(first, ""), "rows": rows,
        "grants": caller.grants})


@staff_required
def queue(request, name: str):
    caller = request.caller
    if name not in queues_for(caller):
        return redirect("backoffice:home")
    try:
        rows, next_cursor = report_queue(caller, name, cursor=request.GET.get("cursor") or None)
    except InvalidInput:
        return redirect("backoffice:queue", name=name)
    return render(request, "backoffice/queue.html", {
        "name": name, "label": QUEUE_LABELS[name], "rows": rows, "next_cursor": next_cursor,
        "queues": [(q, QUEUE_LABELS[q]) for q in queues_for(caller)]})


@require_POST
def log_out(request):
    logout(request)
    messages.success(request, _("You have logged out."))
    return redirect("backoffice:home")


@staff_required
def notices(request):
    """The staff member's inbox: deadline reminders, escalations and alerts."""
    if request.method == "POST":
        notices_mark_read(request.user)
        return redirect("backoffice:notices")
    rows = notices_for(request.user, limit=100)
    events = {n.event_id for n in rows if n.event_id}
    tracking = dict(ReportEvent.objects.filter(pk__in=events)
                    .values_list("pk", "report__tracking_id"))
    return render(request, "backoffice/notices.html", {
        "notices": [(n, tracking.get(n.event_id)) for n in rows]})


def _challenge(request) -> dict:
    """A proof-of-work check once this client or the typed account passed its limit."""
    return challenge_context(getattr(request, "aduan_challenge", False)
                             or rate_exceeded("login_client", client_key(request)))
