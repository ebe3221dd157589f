"""The house signature scheme (aduan.lib.signing): what a sender signs is what a receiver accepts."""

import hashlib
import hmac

import pytest

from aduan.lib import signing

BODY = b'{"id": "m-1", "from": "+6281234567890", "to": "1708", "text": "CEK 7KQ2-M4XP-9"}'


def test_a_signature_is_hmac_sha256_of_timestamp_dot_body_in_hex():
    headers = signing.sign("rahasia", BODY, now=1_790_000_000)
    expected = hmac.new(b"rahasia", b"1790000000." + BODY, hashlib.sha256).hexdigest()
    assert headers == {"X-Aduan-Timestamp": "1790000000",
                       "X-Aduan-Signature": f"sha256={expected}"}
    assert signing.verify("rahasia", BODY, headers, now=1_790_000_100) == 1_790_000_000


def test_lowercase_header_names_and_a_rotated_secret_are_accepted():
    headers = {k.lower(): v for k, v in signing.sign("new", BODY, now=100).items()}
    assert signing.verify(["old", "new"], BODY, headers, now=100) == 100


@pytest.mark.parametrize("tamper, reason", [
    (lambda h, b: (h, b + b" "), "signature mismatch"),
    (lambda h, b: ({**h, "X-Aduan-Signature": "sha1=abc"}, b), "unknown signature scheme"),
    (lambda h, b: ({"X-Aduan-Timestamp": h["X-Aduan-Timestamp"]}, b), "missing signature headers"),
    (lambda h, b: ({**h, "X-Aduan-Timestamp": "12e3"}, b), "malformed timestamp"),
])
def test_tampered_or_incomplete_requests_are_refused(tamper, reason):
    headers, body = tamper(signing.sign("rahasia", BODY, now=1000), BODY)
    with pytest.raises(signing.SignatureError) as info:
        signing.verify("rahasia", body, headers, now=1000)
    assert info.value.reason == reason


def test_a_replay_outside_the_five_minute_window_is_refused_and_no_secret_refuses_all():
    headers = signing.sign("rahasia", BODY, now=1000)
    assert signing.verify("rahasia", BODY, headers, now=1300) == 1000
    with pytest.raises(signing.SignatureError, match="window"):
        signing.verify("rahasia", BODY, headers, now=1301)
    with pytest.raises(signing.SignatureError, match="no secret"):
        signing.verify(["", None], BODY, headers, now=1000)
