"""Defects 7, 8, 12 and 13 (401 first, 414, staff reset): limits, the proof-of-work check,
and the receipt that shows the PIN once."""

import time

import pytest
from conftest import PASSWORD, submit
from django.test import Client

from aduan.accounts.challenge import challenge_create, challenge_solve, challenge_verify
from aduan.channels.models import OutboundMessage
from aduan.errors import ChallengeRequired
from aduan.reports import services

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def quick_challenges(settings):
    settings.ADUAN = {**settings.ADUAN, "CHALLENGE_MAX_NUMBER": 300,
                      "RATE_LIMIT_OVERRIDES": {"pin_report": (3, 900), "pin_client": (50, 3600),
                                               "login_account": (3, 900)}}


def _pin(tracking_id, pin, proof=""):
    return services.report_pin_check(tracking_id=tracking_id, pin=pin, client="10.0.0.1",
                                     proof=proof)


def test_pin_guesses_escalate_to_a_challenge_and_the_reporter_still_gets_in():
    report, pin = submit()
    for _ in range(3):
        with pytest.raises(services.WrongPin):
            _pin(report.tracking_id, "00000000")
    with pytest.raises(ChallengeRequired):
        _pin(report.tracking_id, pin)  # not locked out: asked for the check
    assert _pin(report.tracking_id, pin, challenge_solve(challenge_create())) == report.pk


def test_unknown_ids_answer_exactly_like_known_ones():
    report, _pin_value = submit()
    outcomes = []
    for tracking_id in (report.tracking_id, "ZZZZZZZZZZ"):
        found = []
        for _ in range(4):
            try:
                _pin(tracking_id, "00000000")
            except (services.WrongPin, ChallengeRequired) as exc:
                found.append(type(exc).__name__)
        outcomes.append(found)
    assert outcomes[0] == outcomes[1] == ["WrongPin"] * 3 + ["ChallengeRequired"]
    page = Client(HTTP_ACCEPT_LANGUAGE="en").post("/lacak/", {"tracking_id": "ZZZZZZZZZZ",
                                                              "pin": "00000000"})
    assert "for this report" not in page.content.decode()


def test_a_solution_is_accepted_once_and_never_after_expiry():
    proof = challenge_solve(challenge_create())
    assert challenge_verify(proof) and not challenge_verify(proof)
    old = challenge_solve(challenge_create(now=time.time() - 3600))
    assert not challenge_verify(old)
    assert not challenge_verify("bm9uc2Vuc2U=") and not challenge_verify("")


def test_the_track_page_offers_the_check_without_third_parties(settings):
    report, _pin_value = submit()
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    for _ in range(4):
        page = client.post("/lacak/", {"tracking_id": report.tracking_id, "pin": "00000000"})
    html = page.content.decode()
    assert "data-challenge" in html and "/static/aduan/challenge" in html
    assert "https://" not in html.split("data-challenge")[1].split("</div>")[0]
    assert page["Cache-Control"] == "no-store"


def test_wrong_passwords_escalate_to_a_check_not_a_lock(cast):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    for _ in range(3):
        client.post("/kantor/", {"username": "admin_a", "password": "salah-salah"})
    refused = client.post("/kantor/", {"username": "admin_a", "password": PASSWORD})
    assert refused.status_code == 422 and "data-challenge" in refused.content.decode()
    ok = client.post("/kantor/", {"username": "admin_a", "password": PASSWORD,
                                  "proof": challenge_solve(challenge_create())})
    assert ok.status_code == 302


def test_submissions_are_limited_per_client_and_per_identity(api, settings):
    settings.ADUAN = {**settings.ADUAN, "RATE_LIMIT_OVERRIDES": {
        "submit_api_client": (2, 3600), "submit_identity": (50, 86400)}}
    body = {"kind": "complaint", "title": "Jalan rusak", "body": "Lubang besar",
            "category": "jalan_drainase", "region_code": "35.78.02"}
    assert [api.post("/reports", body).status_code for _ in range(3)] == [201, 201, 429]
    settings.ADUAN = {**settings.ADUAN, "RATE_LIMIT_OVERRIDES": {
        "submit_api_client": (100, 3600), "submit_identity": (1, 86400)}}
    mine = {**body, "reporter": {"name": "Siti", "email": "siti@contoh.id"}}
    assert [api.post("/reports", mine).status_code for _ in range(2)] == [201, 429]


def test_rate_limits_off_turns_every_limit_off(api, settings):
    settings.ADUAN = {**settings.ADUAN, "RATE_LIMITS": False,
                      "RATE_LIMIT_OVERRIDES": {"submit_api_client": (1, 3600)}}
    body = {"kind": "complaint", "title": "Jalan rusak", "body": "Lubang besar"}
    assert {api.post("/reports", body).status_code for _ in range(3)} == {201}


def test_the_limits_default_on(monkeypatch):
    from aduan.settings import env_rate_limits

    monkeypatch.delenv("ADUAN_RATE_LIMITS", raising=False)
    assert env_rate_limits("ADUAN_RATE_LIMITS") == {}
    monkeypatch.setenv("ADUAN_RATE_LIMITS", "off")
    assert env_rate_limits("ADUAN_RATE_LIMITS") is None
    monkeypatch.setenv("ADUAN_RATE_LIMITS", "pin_report=5/60")
    assert env_rate_limits("ADUAN_RATE_LIMITS") == {"pin_report": (5, 60)}


def test_password_resets_are_limited_and_never_for_staff(cast, settings):
    settings.ADUAN = {**settings.ADUAN, "RATE_LIMIT_OVERRIDES": {"reset_identity": (2, 3600)}}
    client = Client()
    for _ in range(5):
        assert client.post("/akun/lupa-sandi/", {"email": "citizen@contoh.id"}).status_code == 302
    assert OutboundMessage.objects.filter(purpose="password_reset").count() == 2
    client.post("/akun/lupa-sandi/", {"email": "national@aduan.test"})
    assert OutboundMessage.objects.filter(purpose="password_reset").count() == 2


def test_the_receipt_shows_the_pin_once_and_the_file_only_briefly(monkeypatch):
    client = Client()
    response = client.post("/lapor/", {"kind": "complaint", "title": "Jalan rusak",
                                       "body": "Lubang besar sekali", "_send_anyway": "1"})
    assert response.status_code == 302
    pin = client.session["aduan_receipt"]["pin"]
    first = client.get("/lapor/terkirim/")
    assert pin in first.content.decode() and first["Cache-Control"] == "no-store"
    assert pin not in client.get("/lapor/terkirim/").content.decode()
    download = client.get("/lapor/terkirim/bukti.txt")
    assert pin in download.content.decode() and download["Cache-Control"] == "no-store"
    assert client.get("/lapor/terkirim/bukti.txt").status_code == 302  # once
    assert client.session["aduan_receipt"]["pin"] is None
    assert client.cookies["sessionid"]["expires"] == ""  # a browser-session cookie


def test_missing_credentials_answer_401_before_the_body_is_checked(api):
    report, _pin_value = submit()
    for path in ("accept", "forward", "respond", "close"):
        assert api.post(f"/reports/{report.tracking_id}/{path}", raw="not json").status_code == 401


def test_long_similar_text_gets_a_json_answer_not_414(api):
    response = api.get("/reports/similar", text="jalan " * 400)
    assert response.status_code == 422 and response.json()["error"]["code"] == "invalid_input"
    long = api.post("/reports/similar", {"text": "jalan rusak " * 500})
    assert long.status_code == 200


@pytest.mark.parametrize("kind", ["submitted", "confidential", "unknown"])
def test_the_api_offers_the_check_past_the_limit_for_any_id_never_a_lockout(api, kind):
    """A report the public cannot see (not yet dispatched, or confidential) once answered
    404 past the limit, even to the right PIN: its reporter was locked out of the API."""
    report, pin = submit(confidential=kind == "confidential")
    tracking_id = "ZZZZZZZZZZ" if kind == "unknown" else report.tracking_id
    codes = [api.get(f"/reports/{tracking_id}", pin="00000000").status_code for _ in range(4)]
    assert codes == [404, 404, 404, 429]
    answer = api.get(f"/reports/{tracking_id}", pin=pin).json()["error"]
    assert answer["code"] == "challenge_required" and answer["challenge"]["salt"]
    if kind != "unknown":
        proof = challenge_solve(answer["challenge"])
        solved = api.client.get(f"/api/v1/reports/{tracking_id}", HTTP_X_REPORT_PIN=pin,
                                HTTP_X_ADUAN_PROOF=proof)
        assert solved.status_code == 200


def test_a_solution_is_not_accepted_again_in_the_next_window(monkeypatch):
    from datetime import timedelta

    from django.utils import timezone

    from aduan.accounts import ratelimit

    proof = challenge_solve(challenge_create())
    assert challenge_verify(proof)
    later = timezone.now() + timedelta(hours=1)  # the clock's window has turned over
    monkeypatch.setattr(ratelimit.timezone, "now", lambda: later)
    assert not challenge_verify(proof)


def test_push_calls_without_credentials_answer_401_before_the_body_is_checked(api):
    for path in ("/push/subscriptions", "/push/unsubscribe"):
        assert api.post(path, raw="not json").status_code == 401
        assert api.post(path, {}).status_code == 401


def test_a_request_line_too_long_for_gunicorn_gets_the_json_error_shape():
    import json
    import socket

    from gunicorn.http.errors import LimitRequestHeaders, LimitRequestLine

    from aduan.ops.workers import ThreadWorker, limit_answer
    from aduan.reports.management.commands.serve import processes_for

    [web] = processes_for("127.0.0.1", 8000, no_worker=True)
    assert web[web.index("--worker-class") + 1].startswith("aduan.ops.workers.")
    head, body = limit_answer(LimitRequestLine(9042, 8190)).split(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 414") and b"Content-Type: application/json" in head
    assert json.loads(body)["error"]["code"] == "uri_too_long"
    assert limit_answer(LimitRequestHeaders("too big")).startswith(b"HTTP/1.1 431")

    class Log:
        def info(self, *args):
            pass

    ours, theirs = socket.socketpair()
    worker = ThreadWorker.__new__(ThreadWorker)
    worker.log = Log()
    worker.handle_error(None, ours, ("127.0.0.1", 1), LimitRequestLine(9042, 8190))
    ours.close()
    assert theirs.recv(4096).startswith(b"HTTP/1.1 414 URI Too Long\r\n")


def test_a_reporters_own_list_of_reports_is_kept_out_of_caches(cast):
    submit(user=cast.citizen.user, confidential=True)
    client = Client()
    client.force_login(cast.citizen.user)
    assert client.get("/akun/laporan/")["Cache-Control"] == "no-store"
