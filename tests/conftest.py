"""Shared fixtures: reference data loaded once, and a named cast of users (STYLE §16)."""

import json
from dataclasses import dataclass

import pytest
from django.test import Client

from aduan.accounts.services import staff_add, token_create
from aduan.agencies.models import Role
from aduan.agencies.refdata import load_reference_data
from aduan.reports import services
from aduan.reports.callers import Caller, caller_for_user
from aduan.routing.training import train

PASSWORD = "Test-Password-2026"


def _allow_test_flush():
    """Let Django's test flush empty SQLite's append-only tables.

    Their delete triggers ask ``aduan_may_purge()`` (aduan/accounts/chainsql.py); only
    a flush run by the test machinery says yes. PostgreSQL's flush is a TRUNCATE, which
    fires no row trigger.
    """
    from django.db import connection

    if connection.vendor != "sqlite":
        return
    DatabaseOperations = type(connection.ops)
    flush = DatabaseOperations.execute_sql_flush

    def execute_sql_flush(self, sql_list):
        self.connection.aduan_may_purge = True
        try:
            return flush(self, sql_list)
        finally:
            self.connection.aduan_may_purge = False

    DatabaseOperations.execute_sql_flush = execute_sql_flush
TEST_SEED_PER_CATEGORY = 120


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Argon2 is right for production and far too slow for a cast of test users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Routing runs when a test asks for it (tests/test_routing_*), not behind every submit.
    settings.ADUAN = {**settings.ADUAN, "ROUTING": "off"}
    # The cast logs in with force_login; tests/test_twofactor*.py turn the staff second
    # factor on (the production default: national admins, agency admins, liaisons).
    settings.TWO_FACTOR_ROLES = []


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    _allow_test_flush()
    with django_db_blocker.unblock():
        load_reference_data()
        # A small cold-start model, trained once for the session: a few seconds, not a minute.
        train(per_category=TEST_SEED_PER_CATEGORY, use_history=False)


@dataclass
class Member:
    user: object
    token: str
    caller: Caller


class Api:
    """A JSON client for /api/v1 that can act as any member of the cast."""

    def __init__(self):
        self.client = Client()

    def _headers(self, token=None, pin=None, lang=None):
        headers = {}
        if token:
            headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        if pin:
            headers["HTTP_X_REPORT_PIN"] = pin
        if lang:
            headers["HTTP_ACCEPT_LANGUAGE"] = lang
        return headers

    def get(self, path, *, token=None, pin=None, lang=None, **params):
        return self.client.get(f"/api/v1{path}", params, **self._headers(token, pin, lang))

    def post(self, path, data=None, *, token=None, pin=None, lang=None, raw=None):
        body = raw if raw is not None else json.dumps(data if data is not None else {})
        return self.client.post(f"/api/v1{path}", body, content_type="application/json",
                                **self._headers(token, pin, lang))


@pytest.fixture
def api():
    return Api()


def _member(username, agency, role, email=""):
    user, _created = staff_add(username=username, agency_code=agency, role=role,
                               password=PASSWORD, email=email)
    return Member(user, token_create(user=user, from_cli=True), caller_for_user(user))


@dataclass
class Cast:
    national: Member
    admin_a: Member       # admin of agency A: the Surabaya city government
    admin_b: Member       # admin of agency B: the East Java provincial government
    unit_a: Member        # unit admin inside agency A (health office)
    leader_a: Member
    supervisor: Member
    auditor: Member
    citizen: Member       # a reporter with an account


@pytest.fixture
def cast(db):
    from django.contrib.auth import get_user_model

    citizen = get_user_model().objects.create_user("citizen", "citizen@contoh.id", PASSWORD)
    return Cast(
        national=_member("national", "kemenpanrb", Role.NATIONAL_ADMIN, "national@aduan.test"),
        admin_a=_member("admin_a", "pemkot-surabaya", Role.AGENCY_ADMIN),
        admin_b=_member("admin_b", "pemprov-jawa-timur", Role.AGENCY_ADMIN),
        unit_a=_member("unit_a", "pemkot-surabaya.dinkes", Role.UNIT_ADMIN),
        leader_a=_member("leader_a", "pemkot-surabaya", Role.LEADER),
        supervisor=_member("supervisor", "ombudsman", Role.SUPERVISOR),
        auditor=_member("auditor", "pemkot-surabaya", Role.AUDITOR),
        citizen=Member(citizen, token_create(user=citizen, from_cli=True),
                       caller_for_user(citizen)),
    )


def submit(**overrides):
    """Submit a report through the service; return (report, pin)."""
    fields = dict(kind="complaint", title="Jalan berlubang di Jl. Ahmad Yani",
                  body="Lubang besar di lajur kiri; hubungi 0812-3456-7890.",
                  category="jalan_drainase", region_code="35.78.02",
                  reporter_name="Siti Rahma", reporter_email="siti@contoh.id",
                  reporter_phone="081234567890")
    user = overrides.pop("user", None)
    fields.update(overrides)
    return services.report_submit(data=services.NewReport(**fields), user=user)


@pytest.fixture
def reference_data_after_flush(django_db_blocker):
    """For tests with real commits: name it before ``transactional_db`` so this teardown
    runs after the flush and the next test on this process finds the reference data."""
    yield
    from aduan.agencies.refdata import load_reference_data

    with django_db_blocker.unblock():
        load_reference_data()


def pytest_collection_modifyitems(config, items):
    """Run the browser tests last, then other live-server tests (which reload the reference
    data themselves): a live server leaves a flushed database behind."""
    def rank(item):
        if "/browser/" in str(item.fspath):
            return 1
        return 2 if "live_server" in getattr(item, "fixturenames", ()) else 0

    items.sort(key=rank)


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    # Each test's holidays live in its own transaction; never reuse another test's copy.
    from aduan.agencies.selectors import forget_reference_cache
    from aduan.deadlines.calendar import forget_data_rows
    from aduan.deadlines.policies import forget_policies

    from aduan.lib.versions import bump
    from aduan.routing.router import forget_router
    from aduan.stats.rollup import STATS_VERSION

    forget_data_rows()
    forget_policies()
    forget_reference_cache()
    forget_router()
    bump(STATS_VERSION)  # statistics kept by another test's cells are not this test's
    yield
    forget_data_rows()
    forget_policies()
    forget_reference_cache()


@pytest.fixture(autouse=True)
def _fresh_live_stats():
    # Statistics keep live counts (overdue now, slowest open reports) for a few minutes.
    from django.core.cache import cache

    cache.delete_pattern("stats:*") if hasattr(cache, "delete_pattern") else cache.clear()
    yield


@pytest.fixture(autouse=True)
def _fresh_webhook_endpoints():
    # The worker keeps endpoints a few seconds; test databases reuse their ids.
    from aduan.lib import outbound_http
    from aduan.partners.deliveries import endpoints_forget

    endpoints_forget()
    yield
    endpoints_forget()
    outbound_http.close_all()


@pytest.fixture
def figure(request):
    """Print a measured figure (score, bytes, timing) and keep it for the run's summary, so
    it shows in CI's output too (pytest captures prints; xdist workers send the report's
    user properties back to the controller)."""
    def note(text: str) -> None:
        print(f"\n{text}", end="")
        request.node.user_properties.append(("figure", text))
    return note


def pytest_terminal_summary(terminalreporter):
    lines = [f"{report.nodeid.rsplit('::', 1)[-1]}: {text}"
             for outcome in ("passed", "failed")
             for report in terminalreporter.stats.get(outcome, [])
             if getattr(report, "when", "") == "call"
             for name, text in getattr(report, "user_properties", ()) if name == "figure"]
    if lines:
        terminalreporter.section("measured figures (printed, never asserted on timing)")
        for line in lines:
            terminalreporter.write_line(line)
