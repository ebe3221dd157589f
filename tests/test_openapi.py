"""The committed OpenAPI document matches the served one."""

import json
from pathlib import Path

import pytest

from aduan.api.management.commands.openapi import openapi_document

COMMITTED = Path(__file__).resolve().parents[1] / "docs" / "openapi.json"


def test_committed_openapi_is_current():
    assert COMMITTED.read_text(encoding="utf-8") == openapi_document(), \
        "docs/openapi.json is stale: run `make openapi`"


@pytest.mark.django_db
def test_served_openapi_and_docs(api):
    served = api.get("/openapi.json")
    assert served.status_code == 200
    assert served.json() == json.loads(COMMITTED.read_text(encoding="utf-8"))
    paths = served.json()["paths"]
    for action in ("dispatch", "forward", "return", "dispatch-internal", "accept", "request-info",
                   "respond", "archive", "info", "reply", "close"):
        assert f"/api/v1/reports/{{tracking_id}}/{action}" in paths
    docs = api.client.get("/api/v1/docs")
    assert docs.status_code == 200 and b"swagger" in docs.content.lower()
