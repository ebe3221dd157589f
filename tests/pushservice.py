"""A local stand-in for a browser's push service (RFC 8030) that checks what Aduan sends.

It holds the device side of each subscription (a P-256 key pair and an auth
secret), so it can check the VAPID header (RFC 8292: ``vapid t=<JWT>, k=<key>``,
an ES256 signature by that key, the push service's origin as audience, an
expiry within 24 hours) and decrypt the aes128gcm body (RFC 8188/8291). It
answers 201 with a Location, or the status a test asks for.
"""

import base64
import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

PORTS = range(8701, 8720)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def check_vapid(header: str, origin: str) -> dict:
    scheme, _sep, params = header.partition(" ")
    assert scheme == "vapid", header
    fields = dict(part.strip().split("=", 1) for part in params.split(","))
    token, key = fields["t"], unb64(fields["k"])
    signing_input, _dot, signature = token.rpartition(".")
    header_part, claims_part = signing_input.split(".")
    assert json.loads(unb64(header_part)) == {"typ": "JWT", "alg": "ES256"}
    claims = json.loads(unb64(claims_part))
    raw = unb64(signature)
    public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), key)
    try:
        public.verify(encode_dss_signature(int.from_bytes(raw[:32]), int.from_bytes(raw[32:])),
                      signing_input.encode(), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        raise AssertionError("VAPID signature does not verify with k") from None
    assert claims["aud"] == origin, claims
    assert time.time() < claims["exp"] <= time.time() + 24 * 3600, claims
    assert claims["sub"].startswith(("mailto:", "https:")), claims
    return {"claims": claims, "key": fields["k"]}


class PushService:
    def __init__(self):
        self.devices: dict[str, tuple] = {}
        self.received: list[dict] = []
        self.errors: list[str] = []
        self.answer: dict[str, int] = {}
        self.server = self._bind()
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"

    def _bind(self):
        handler = type("Handler", (_Handler,), {"service": self})
        for port in PORTS:
            try:
                return ThreadingHTTPServer(("127.0.0.1", port), handler)
            except OSError:
                continue
        raise RuntimeError("no free port for the push service stand-in")

    def subscription(self) -> dict:
        """A new device: what a browser's PushSubscription.toJSON() gives."""
        private = ec.generate_private_key(ec.SECP256R1())
        auth = os.urandom(16)
        path = f"/push/{b64(os.urandom(12))}"
        self.devices[path] = (private, auth)
        public = private.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
        return {"endpoint": self.origin + path, "keys": {"p256dh": b64(public), "auth": b64(auth)}}

    def handle(self, path: str, headers, body: bytes) -> int:
        if path in self.answer:
            return self.answer[path]
        try:
            assert headers["Content-Encoding"] == "aes128gcm", headers["Content-Encoding"]
            assert int(headers["TTL"]) > 0
            vapid = check_vapid(headers["Authorization"], self.origin)
            private, auth = self.devices[path]
            plain = http_ece.decrypt(body, private_key=private, auth_secret=auth,
                                     version="aes128gcm")
        except Exception as exc:  # the test reads the reason from self.errors
            self.errors.append(f"{type(exc).__name__}: {exc}")
            return 400
        self.received.append({"path": path, "message": json.loads(plain), "vapid": vapid,
                              "bytes": len(body)})
        return 201

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


class _Handler(BaseHTTPRequestHandler):
    service: PushService

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        status = self.service.handle(self.path, self.headers, body)
        self.send_response(status)
        if status == 201:
            self.send_header("Location", f"{self.service.origin}/message/{len(body)}")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass
