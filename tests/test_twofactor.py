"""Staff two-factor login: enrolment, TOTP, recovery codes, the gate, and API tokens (ADR 0010)."""

import base64
import hashlib
import hmac
import re
import struct
import time

import pytest
import time_machine
from django.test import Client

from aduan.accounts.challenge import challenge_create, challenge_solve
from aduan.accounts.models import ApiToken, AuditEntry, RecoveryCode
from aduan.accounts.services import token_create
from aduan.errors import Forbidden

from conftest import PASSWORD
from webutil import text

DEFAULT_ROLES = ["national_admin", "agency_admin", "liaison"]


@pytest.fixture(autouse=True)
def _two_factor_on(settings):
    settings.TWO_FACTOR_ROLES = DEFAULT_ROLES


def totp_now(secret_b32: str, at: float | None = None, step: int = 30) -> str:
    """RFC 6238 TOTP (HMAC-SHA1, 6 digits), written here from the RFC, not the library."""
    key = base64.b32decode(secret_b32.replace(" ", ""))
    counter = int((at if at is not None else time.time()) // step)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


def password_login(username: str) -> tuple[Client, object]:
    client = Client()
    response = client.post("/kantor/", {"username": username, "password": PASSWORD,
                                        "next": "/kantor/antrian/verify/"})
    return client, response


def enrol_totp(client) -> tuple[str, list[str]]:
    """Enrol an authenticator app; return its key and the recovery codes shown once."""
    page = text(client.get("/kantor/verifikasi/daftar/"))
    secret = re.search(r'<code class="secret">([A-Z2-7 ]+)</code>', page).group(1)
    assert "<svg" in page  # the QR code, inline
    response = client.post("/kantor/verifikasi/daftar/", {"code": totp_now(secret),
                                                          "name": "HP kantor"})
    assert response.status_code == 200
    codes = re.findall(r"<li><code>([A-Z0-9-]{19})</code></li>", text(response))
    assert "no-store" in response["Cache-Control"]
    return secret, codes


def test_a_required_role_is_sent_to_enrolment_before_any_back_office_page(cast):
    client, response = password_login("admin_a")
    assert response.status_code == 302 and response["Location"] == "/kantor/verifikasi/daftar/"
    queue = client.get("/kantor/antrian/verify/")
    assert queue.status_code == 302 and queue["Location"].startswith("/kantor/?next=")
    assert client.get("/kantor/")["Location"] == "/kantor/verifikasi/"
    assert client.get("/kantor/verifikasi/")["Location"] == "/kantor/verifikasi/daftar/"
    # Nowhere else is the half-logged-in session someone: not the portal, not the admin.
    assert client.get("/akun/laporan/").status_code == 302
    assert client.get("/kantor/keamanan/").status_code == 302


def test_the_national_admin_cannot_open_the_django_admin_without_the_second_factor(cast):
    client, _response = password_login("national")
    assert client.get("/admin/").status_code == 302
    enrol_totp(client)
    assert client.get("/admin/").status_code == 200


def test_totp_enrolment_then_login_with_a_real_code_and_a_wrong_one(cast):
    client, _response = password_login("admin_a")
    secret, codes = enrol_totp(client)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get("/kantor/antrian/verify/").status_code == 200
    assert AuditEntry.objects.filter(action="two_factor_added", target="admin_a").exists()
    # Only hashes are stored.
    stored = set(RecoveryCode.objects.values_list("code_hash", flat=True))
    assert not stored & set(codes) and len(stored) == 10

    client.post("/kantor/keluar/")
    with time_machine.travel(time.time() + 30, tick=False):
        client, response = password_login("admin_a")
        assert response["Location"] == "/kantor/verifikasi/"
        wrong = client.post("/kantor/verifikasi/", {"code": "000000" if totp_now(secret) != "000000"
                                                    else "111111"})
        assert wrong.status_code == 422 and "tidak benar" in text(wrong)
        assert client.get("/kantor/antrian/verify/").status_code == 302
        right = client.post("/kantor/verifikasi/", {"code": totp_now(secret)})
        assert right.status_code == 302 and right["Location"] == "/kantor/antrian/verify/"
        assert client.get("/kantor/antrian/verify/").status_code == 200
        # The same code cannot be used twice (a second, stolen session).
        again, _response = password_login("admin_a")
        assert again.post("/kantor/verifikasi/", {"code": totp_now(secret)}).status_code == 422


def test_a_recovery_code_works_once(cast):
    client, _response = password_login("admin_a")
    _secret, codes = enrol_totp(client)
    client.post("/kantor/keluar/")

    first, _response = password_login("admin_a")
    used = first.post("/kantor/verifikasi/", {"code": codes[0].lower()})
    assert used.status_code == 302
    assert first.get("/kantor/antrian/verify/").status_code == 200

    second, _response = password_login("admin_a")
    assert second.post("/kantor/verifikasi/", {"code": codes[0]}).status_code == 422
    assert second.get("/kantor/antrian/verify/").status_code == 302
    assert second.post("/kantor/verifikasi/", {"code": codes[1]}).status_code == 302


def test_new_recovery_codes_replace_the_old_ones(cast):
    client, _response = password_login("admin_a")
    _secret, old = enrol_totp(client)
    response = client.post("/kantor/keamanan/kode-pemulihan/")
    new = re.findall(r"<li><code>([A-Z0-9-]{19})</code></li>", text(response))
    assert len(new) == 10 and not set(new) & set(old)
    client.post("/kantor/keluar/")
    again, _response = password_login("admin_a")
    assert again.post("/kantor/verifikasi/", {"code": old[2]}).status_code == 422
    assert again.post("/kantor/verifikasi/", {"code": new[2]}).status_code == 302


def test_wrong_codes_escalate_to_the_proof_of_work_check_not_a_lockout(cast, settings):
    settings.ADUAN = {**settings.ADUAN, "CHALLENGE_MAX_NUMBER": 2000}
    client, _response = password_login("admin_a")
    secret, _codes = enrol_totp(client)
    client.post("/kantor/keluar/")
    with time_machine.travel(time.time() + 30, tick=False):
        client, _response = password_login("admin_a")
        for _ in range(5):
            assert client.post("/kantor/verifikasi/", {"code": "12345678"}).status_code == 422
        refused = client.post("/kantor/verifikasi/", {"code": totp_now(secret)})
        assert refused.status_code == 422 and 'class="challenge' in text(refused)
        proof = challenge_solve(challenge_create())
        ok = client.post("/kantor/verifikasi/", {"code": totp_now(secret), "proof": proof})
        assert ok.status_code == 302


def test_roles_that_need_a_second_factor_are_configurable(cast, settings):
    _client, response = password_login("leader_a")
    assert response["Location"] != "/kantor/verifikasi/daftar/"
    settings.TWO_FACTOR_ROLES = ["leader"]
    _client, response = password_login("leader_a")
    assert response["Location"] == "/kantor/verifikasi/daftar/"
    _client, response = password_login("admin_a")
    assert response["Location"] == "/kantor/antrian/verify/"


def test_an_optional_device_is_asked_for_once_enrolled(cast):
    client, response = password_login("unit_a")  # unit admins need no second factor...
    assert response["Location"] == "/kantor/antrian/verify/"
    secret, _codes = enrol_totp(client)
    client.post("/kantor/keluar/")
    _client, response = password_login("unit_a")  # ...but one who enrolled is asked for it
    assert response["Location"] == "/kantor/verifikasi/"


def test_api_tokens_are_created_only_from_a_verified_session_or_the_cli(cast, api):
    with pytest.raises(Forbidden):
        token_create(user=cast.unit_a.user)
    client, _response = password_login("unit_a")
    before = ApiToken.objects.count()
    refused = client.post("/kantor/keamanan/token/", {"name": "skrip"}, follow=True)
    assert ApiToken.objects.count() == before
    assert "dua langkah" in text(refused) or "faktor kedua" in text(refused)

    enrol_totp(client)
    created = client.post("/kantor/keamanan/token/", {"name": "skrip"})
    raw = re.search(r'<code class="secret">(adn_[\w-]+)</code>', text(created)).group(1)
    assert "no-store" in created["Cache-Control"]
    assert api.get("/reports", token=raw).status_code == 200
    # Tokens made before (by the CLI) keep working while 2FA is required.
    assert api.get("/reports", token=cast.admin_a.token).status_code == 200


def test_the_last_device_of_a_required_role_cannot_be_removed(cast):
    client, _response = password_login("admin_a")
    enrol_totp(client)
    page = text(client.get("/kantor/keamanan/"))
    device = re.search(r'name="device" value="([^"]+)"', page).group(1)
    response = client.post("/kantor/keamanan/hapus/", {"device": device}, follow=True)
    assert "faktor kedua" in text(response)
    assert client.get("/kantor/antrian/verify/").status_code == 200


def test_a_forged_device_id_in_the_session_verifies_nothing(cast):
    other, _response = password_login("admin_b")
    enrol_totp(other)
    device_id = other.session["otp_device_id"]
    client, _response = password_login("admin_a")
    session = client.session
    session["otp_device_id"] = device_id  # another user's device
    session.save()
    assert client.get("/kantor/antrian/verify/").status_code == 302


def test_the_cli_resets_a_lost_second_factor(cast):
    from django.core.management import call_command

    client, _response = password_login("admin_a")
    enrol_totp(client)
    call_command("twofactor", "reset", "admin_a")
    _client, response = password_login("admin_a")
    assert response["Location"] == "/kantor/verifikasi/daftar/"


def test_a_staff_account_with_two_factor_cannot_log_in_on_the_portal(cast):
    client = Client()
    response = client.post("/akun/masuk/", {"login": "admin_a", "password": PASSWORD})
    assert response.status_code == 422 and "/kantor/" in text(response)
    assert "_auth_user_id" not in client.session


def test_second_step_pages_keep_the_csp(cast):
    from webutil import csp_nonce_ok

    client, _response = password_login("admin_a")
    enrolment = client.get("/kantor/verifikasi/daftar/")
    assert enrolment.status_code == 200 and csp_nonce_ok(enrolment)
    assert 'src="/static/aduan/passkey.js"' in text(enrolment)
