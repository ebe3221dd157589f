"""Operator commands: staff, tokens, setup and demo."""

import io
import sys
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from aduan.accounts.models import ApiToken, hash_token
from aduan.agencies.models import Membership
from aduan.reports.models import Report, ReportEvent

pytestmark = pytest.mark.django_db


def run(*args, stdin=""):
    out = StringIO()
    old = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        call_command(*args, stdout=out)
    finally:
        sys.stdin = old
    return out.getvalue()


def test_staff_add_reads_the_password_from_stdin_and_token_create_prints_it_last(api):
    out = run("staff", "add", "budi", "--agency", "pemkot-surabaya", "--role", "agency_admin",
              stdin="Kata-Sandi-Kuat-2026\n")
    assert "created budi" in out
    membership = Membership.objects.get(user__username="budi")
    assert membership.agency_id == "pemkot-surabaya" and membership.role == "agency_admin"
    assert membership.user.check_password("Kata-Sandi-Kuat-2026")
    token = run("token", "create", "budi").strip().splitlines()[-1]
    assert ApiToken.objects.filter(key_hash=hash_token(token)).exists()
    response = api.get("/reports", scope="agency", token=token)
    assert response.status_code == 200


def test_staff_add_refuses_bad_input():
    with pytest.raises(CommandError, match="tidak-ada"):
        run("staff", "add", "x", "--agency", "tidak-ada", "--role", "agency_admin",
            stdin="Kata-Sandi-Kuat-2026\n")
    with pytest.raises(CommandError, match="national_manager"):
        run("staff", "add", "x", "--agency", "pemkot-surabaya", "--role", "national_admin",
            stdin="Kata-Sandi-Kuat-2026\n")
    with pytest.raises(CommandError):
        run("staff", "add", "x", "--agency", "pemkot-surabaya", "--role", "agency_admin",
            stdin="123\n")
    with pytest.raises(CommandError):
        run("token", "create", "nobody-here")


def test_demo_is_loaded_once_through_the_services():
    run("demo")
    count = Report.objects.count()
    assert count == 12
    statuses = set(Report.objects.values_list("status", flat=True))
    assert statuses == {"submitted", "needs_info", "dispatched", "in_progress", "responded",
                        "closed", "archived"}
    assert ReportEvent.objects.filter(action="forward").exists()
    assert "already loaded" in run("demo")
    assert Report.objects.count() == count


def test_the_access_log_holds_no_personal_data():
    from aduan.reports.management.commands.serve import ACCESS_LOG_FORMAT

    # no request line with its query string, no client address, referrer or user agent
    for atom in ("%(r)s", "%(q)s", "%(h)s", "%(f)s", "%(a)s", "%(u)s"):
        assert atom not in ACCESS_LOG_FORMAT
    assert "%(U)s" in ACCESS_LOG_FORMAT
