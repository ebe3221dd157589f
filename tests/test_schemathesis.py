"""A bounded schemathesis run over docs/openapi.json: no request answers 5xx, whether
anonymous or with a staff token (the outside audit's check, kept in CI).

Each operation gets a few generated requests (``MAX_EXAMPLES``, derandomised so a
failure repeats), sent through Django's test client inside the test's transaction.
"""

import json
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
import schemathesis
from django.test import Client
from hypothesis import HealthCheck, Phase, settings
from schemathesis.config import SchemathesisConfig
from schemathesis.core import NOT_SET

OPENAPI = Path(__file__).resolve().parents[1] / "docs" / "openapi.json"
MAX_EXAMPLES = 3
# The fuzzing phase only: the coverage phase alone sends some 1,500 boundary-value requests.
CONFIG = SchemathesisConfig.from_dict({"phases": {phase: {"enabled": False} for phase in
                                                  ("examples", "coverage", "stateful")}})
schema = schemathesis.openapi.from_path(OPENAPI, config=CONFIG)

bounded = settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True,
                   database=None, phases=[Phase.generate],
                   suppress_health_check=list(HealthCheck))


@pytest.fixture
def _limits_off(settings):
    # Deeper requests: with limits on, most generated calls would stop at a 429.
    settings.ADUAN = {**settings.ADUAN, "RATE_LIMITS": False}


def _send(case, token: str | None):
    headers = {key: str(value) for key, value in (case.headers or {}).items()
               if key.lower() not in ("content-type", "content-length", "authorization")}
    meta = {"HTTP_" + key.upper().replace("-", "_"): value for key, value in headers.items()}
    if token:
        meta["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    path = quote(case.formatted_path, safe="/:@!$&'()*+,;=-._~")
    if case.query:
        path += "?" + urlencode(case.query, doseq=True)
    body, content_type = "", "application/octet-stream"
    if case.body is not NOT_SET:
        body = case.body if isinstance(case.body, bytes) else json.dumps(case.body, default=str)
        content_type = case.media_type or "application/json"
    try:
        return Client().generic(case.method.upper(), path, body, content_type, **meta)
    except UnicodeEncodeError:
        return None  # a header no HTTP client could send


def _no_server_error(case, token=None):
    response = _send(case, token)
    if response is not None:
        assert response.status_code < 500, (
            f"{case.method} {case.formatted_path} -> {response.status_code}: "
            f"{response.content[:300]!r}")


@schema.parametrize()
@bounded
def test_no_server_error_anonymous_or_with_a_staff_token(case, cast, _limits_off):
    # Each generated request goes twice: generating it costs more than sending it.
    _no_server_error(case)
    _no_server_error(case, cast.national.token)
