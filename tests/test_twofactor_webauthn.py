"""Passkeys against a software authenticator written here: a real P-256 key, attestation
"none", assertions signed properly, verified by py_webauthn without any mock (ADR 0010)."""

import base64
import hashlib
import json
import os
import struct

import cbor2
import pytest
from conftest import PASSWORD
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from django.test import Client

from aduan.accounts.models import WebAuthnCredential

RP_ID = "aduan.example"
ORIGIN = "https://aduan.example"


@pytest.fixture(autouse=True)
def _relying_party(settings):
    settings.TWO_FACTOR_ROLES = ["national_admin", "agency_admin", "liaison"]
    settings.WEBAUTHN_RP_ID = RP_ID
    settings.WEBAUTHN_ORIGINS = [ORIGIN]


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class SoftAuthenticator:
    """A platform authenticator in software, as the WebAuthn Level 2 spec describes one."""

    def __init__(self, rp_id=RP_ID, origin=ORIGIN):
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = os.urandom(32)
        self.rp_id, self.origin, self.count = rp_id, origin, 0

    def _cose_key(self) -> bytes:
        numbers = self.key.public_key().public_numbers()
        return cbor2.dumps({1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"),
                            -3: numbers.y.to_bytes(32, "big")})

    def _client_data(self, kind: str, challenge: str) -> bytes:
        return json.dumps({"type": kind, "challenge": challenge, "origin": self.origin,
                           "crossOrigin": False}).encode()

    def create(self, options: dict) -> dict:
        assert options["rp"]["id"] == self.rp_id
        client_data = self._client_data("webauthn.create", options["challenge"])
        attested = (bytes(16) + struct.pack(">H", len(self.credential_id))
                    + self.credential_id + self._cose_key())
        # flags: user present (0x01), user verified (0x04), attested data (0x40)
        auth_data = (hashlib.sha256(self.rp_id.encode()).digest() + bytes([0x45])
                     + struct.pack(">I", self.count) + attested)
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        return {"id": b64url(self.credential_id), "rawId": b64url(self.credential_id),
                "type": "public-key", "clientExtensionResults": {},
                "response": {"clientDataJSON": b64url(client_data),
                             "attestationObject": b64url(attestation),
                             "transports": ["internal"]}}

    def get(self, options: dict, *, key=None) -> dict:
        assert any(unb64url(c["id"]) == self.credential_id
                   for c in options["allowCredentials"])
        self.count += 1
        client_data = self._client_data("webauthn.get", options["challenge"])
        auth_data = (hashlib.sha256(self.rp_id.encode()).digest() + bytes([0x05])
                     + struct.pack(">I", self.count))
        signature = (key or self.key).sign(auth_data + hashlib.sha256(client_data).digest(),
                                           ec.ECDSA(hashes.SHA256()))
        return {"id": b64url(self.credential_id), "rawId": b64url(self.credential_id),
                "type": "public-key", "clientExtensionResults": {},
                "response": {"clientDataJSON": b64url(client_data),
                             "authenticatorData": b64url(auth_data),
                             "signature": b64url(signature)}}


def post_json(client, url, data=None):
    return client.post(url, json.dumps(data or {}), content_type="application/json")


def password_login(username="admin_a") -> Client:
    client = Client()
    client.post("/kantor/", {"username": username, "password": PASSWORD})
    return client


def register(client, authenticator) -> object:
    options = post_json(client, "/kantor/verifikasi/passkey/daftar/opsi/").json()
    return post_json(client, "/kantor/verifikasi/passkey/daftar/",
                     {"credential": authenticator.create(options), "name": "Laptop"})


def passkey_login(client, authenticator, **kwargs):
    options = post_json(client, "/kantor/verifikasi/passkey/opsi/").json()
    return post_json(client, "/kantor/verifikasi/passkey/",
                     {"credential": authenticator.get(options, **kwargs)})


def test_a_passkey_enrols_on_first_login_and_then_logs_in(cast):
    client = password_login()
    options = post_json(client, "/kantor/verifikasi/passkey/daftar/opsi/").json()
    assert options["rp"] == {"id": RP_ID, "name": "Aduan"}
    assert options["attestation"] == "none"
    assert {"type": "public-key", "alg": -7} in options["pubKeyCredParams"]
    authenticator = SoftAuthenticator()
    done = register(client, authenticator)
    assert done.status_code == 200 and done.json()["ok"]
    stored = WebAuthnCredential.objects.get(user=cast.admin_a.user)
    assert bytes(stored.credential_id) == authenticator.credential_id
    # The first factor brings recovery codes, shown once.
    assert done.json()["redirect"] == "/kantor/keamanan/kode-pemulihan/"
    assert client.get("/kantor/keamanan/kode-pemulihan/").content.count(b"<li><code>") == 10
    assert client.get("/kantor/antrian/verify/").status_code == 200

    client.post("/kantor/keluar/")
    client = password_login()
    assert client.get("/kantor/antrian/verify/").status_code == 302
    page = client.get("/kantor/verifikasi/")
    assert b'data-passkey="login"' in page.content
    response = passkey_login(client, authenticator)
    assert response.status_code == 200, response.content
    assert client.get("/kantor/antrian/verify/").status_code == 200
    stored.refresh_from_db()
    assert stored.sign_count == 1 and stored.last_used_at is not None


def test_a_wrong_signature_origin_or_replay_is_refused(cast):
    client = password_login()
    authenticator = SoftAuthenticator()
    register(client, authenticator)
    client.post("/kantor/keluar/")

    client = password_login()
    other_key = ec.generate_private_key(ec.SECP256R1())
    assert passkey_login(client, authenticator, key=other_key).status_code == 422
    phishing = SoftAuthenticator()
    phishing.key, phishing.credential_id = authenticator.key, authenticator.credential_id
    phishing.origin = "https://aduan-example.phish"
    assert passkey_login(client, phishing).status_code == 422
    assert client.get("/kantor/antrian/verify/").status_code == 302

    # A captured answer cannot be replayed: its challenge is used up.
    options = post_json(client, "/kantor/verifikasi/passkey/opsi/").json()
    answer = authenticator.get(options)
    assert post_json(client, "/kantor/verifikasi/passkey/",
                     {"credential": answer}).status_code == 200
    client.post("/kantor/keluar/")
    replay = password_login()
    post_json(replay, "/kantor/verifikasi/passkey/opsi/")
    assert post_json(replay, "/kantor/verifikasi/passkey/",
                     {"credential": answer}).status_code == 422


def test_a_cloned_key_with_a_stale_counter_is_refused(cast):
    client = password_login()
    authenticator = SoftAuthenticator()
    register(client, authenticator)
    client.post("/kantor/keluar/")
    client = password_login()
    assert passkey_login(client, authenticator).status_code == 200
    client.post("/kantor/keluar/")
    authenticator.count = 0  # a copy of the key that has not seen the last use
    client = password_login()
    assert passkey_login(client, authenticator).status_code == 422


def test_passkey_endpoints_know_nobody_without_a_password_step(cast):
    anonymous = Client()
    for url in ("/kantor/verifikasi/passkey/opsi/", "/kantor/verifikasi/passkey/",
                "/kantor/verifikasi/passkey/daftar/opsi/", "/kantor/verifikasi/passkey/daftar/"):
        assert post_json(anonymous, url).status_code == 404
    # A registration for someone else's challenge (a new session) is refused.
    client = password_login()
    options = post_json(client, "/kantor/verifikasi/passkey/daftar/opsi/").json()
    answer = SoftAuthenticator().create(options)
    other = password_login()
    response = post_json(other, "/kantor/verifikasi/passkey/daftar/",
                         {"credential": answer})
    assert response.status_code == 422
    assert not WebAuthnCredential.objects.exists()


def test_a_registration_for_another_relying_party_is_refused(cast):
    client = password_login()
    options = post_json(client, "/kantor/verifikasi/passkey/daftar/opsi/").json()
    options["rp"]["id"] = "evil.example"
    answer = SoftAuthenticator(rp_id="evil.example").create(options)
    response = post_json(client, "/kantor/verifikasi/passkey/daftar/", {"credential": answer})
    assert response.status_code == 422
    assert "tidak dapat diverifikasi" in response.json()["error"]["message"]
