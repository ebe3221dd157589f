"""Reporter accounts: register with an e-mail address, log in, and "Laporan saya"."""

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from aduan.accounts.login import account_authenticate
from aduan.accounts.ratelimit import client_key, rate_exceeded
from aduan.accounts.services import reporter_register, user_for_login
from aduan.accounts.twofactor import two_factor_required
from aduan.errors import InvalidInput, RateLimited
from aduan.push.vapid import vapid_public_key
from aduan.reports.callers import caller_for_user
from aduan.reports.presenters import report_summary
from aduan.reports.selectors import REPORTER_TABS, ReportFilters, report_list
from aduan.web.helpers import add_domain_error, challenge_context, names_for, no_store

from ..forms import LoginForm, RegisterForm

TAB_LABELS = {"belum": gettext_lazy("Not yet processed"), "proses": gettext_lazy("In process"),
              "selesai": gettext_lazy("Completed")}


def _next_url(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()},
                                       require_https=request.is_secure()):
        return target
    return default


@require_http_methods(["GET", "POST"])
def register(request):
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = reporter_register(email=form.cleaned_data["email"],
                                     password=form.cleaned_data["password"],
                                     name=form.cleaned_data["name"])
        except InvalidInput as exc:
            add_domain_error(form, exc)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome! Your account is ready."))
            return redirect("portal:my_reports")
    return render(request, "portal/register.html", {"form": form},
                  status=422 if form.errors else 200)


def _login_error(request, form) -> str | None:
    """Why these credentials do not log in, or None (and the reporter is logged in)."""
    typed = form.cleaned_data["login"]
    account = user_for_login(typed)
    try:
        user = account_authenticate(request, username=account.get_username() if account
                                    else typed, password=form.cleaned_data["password"])
    except RateLimited as exc:
        request.aduan_challenge = True
        return str(exc.message)
    if user is None:
        return _("The e-mail address or the password is not right.")
    if two_factor_required(user):
        # Its second step lives in the back office; a session here would only be anonymous.
        return _("This is a staff account with two-step verification: log in at the back "
                 "office (/kantor/).")
    login(request, user)
    return None


@require_http_methods(["GET", "POST"])
def log_in(request):
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        error = _login_error(request, form)
        if error is None:
            return redirect(_next_url(request, "portal:my_reports"))
        form.add_error(None, error)
    return render(request, "portal/login.html",
                  {"form": form, **_challenge(request), "next": _next_url(request, "")},
                  status=422 if form.errors else 200)


@require_POST
def log_out(request):
    logout(request)
    messages.success(request, _("You have logged out."))
    return redirect("portal:home")


@login_required(login_url="portal:login")
def my_reports(request):
    tab = request.GET.get("tab", "belum")
    if tab not in REPORTER_TABS:
        tab = "belum"
    caller = caller_for_user(request.user)
    try:
        page, next_cursor = report_list(
            caller, ReportFilters(scope="mine", statuses=REPORTER_TABS[tab]),
            cursor=request.GET.get("cursor") or None)
    except InvalidInput:
        return redirect(f"{request.path}?tab={tab}")
    rows = names_for([report_summary(r, full=True) for r in page])
    # The reporter's own titles, confidential ones too: kept out of caches like a report page.
    return no_store(render(request, "portal/my_reports.html", {
        "tab": tab, "tabs": list(TAB_LABELS.items()), "rows": rows,
        "next_cursor": next_cursor, "push_key": vapid_public_key()}))


def _challenge(request) -> dict:
    """A proof-of-work check once this client or the typed account passed its limit."""
    return challenge_context(getattr(request, "aduan_challenge", False)
                             or rate_exceeded("login_client", client_key(request)))
