"""Health endpoints, Prometheus metrics, request ids, JSON logs and the database-outage 503."""

import json
import logging
from datetime import timedelta

import pytest
from conftest import submit
from django.db import OperationalError
from django.test import Client, RequestFactory
from django.utils import timezone

from aduan.deadlines.models import WorkerHeartbeat
from aduan.lib.requestlog import JsonFormatter, RequestIdFilter, request_id
from aduan.ops.views import server_error

pytestmark = pytest.mark.django_db


def test_live_answers_without_touching_anything():
    response = Client().get("/health/live")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_ready_needs_a_recent_worker_heartbeat():
    client = Client()
    response = client.get("/health/ready")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"]["ok"] is False
    assert response.json()["checks"]["database"]["ok"] is True
    assert response.json()["checks"]["storage"]["ok"] is True
    WorkerHeartbeat.objects.create(worker="test:1", seen_at=timezone.now())
    response = client.get("/health/ready")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "ok"
    WorkerHeartbeat.objects.update(seen_at=timezone.now() - timedelta(minutes=5))
    assert client.get("/health/ready").status_code == 503


def test_metrics_exist_only_with_a_token(settings):
    client = Client()
    settings.ADUAN = {**settings.ADUAN, "METRICS_TOKEN": ""}
    assert client.get("/metrics").status_code == 404
    settings.ADUAN = {**settings.ADUAN, "METRICS_TOKEN": "s3cret-token"}
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    submit()
    client.get("/health/live")
    response = client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-token")
    assert response.status_code == 200
    text = response.content.decode()
    assert 'aduan_reports{status="submitted"}' in text
    assert "aduan_outbox_pending" in text and "aduan_oldest_waiting_task_seconds" in text
    assert 'route="health/live"' in text  # requests are labelled by URL pattern, not path


def test_request_id_is_returned_and_kept_only_when_sane():
    client = Client()
    assert client.get("/health/live", HTTP_X_REQUEST_ID="abc-123")["X-Request-ID"] == "abc-123"
    generated = client.get("/health/live", HTTP_X_REQUEST_ID="<script>")["X-Request-ID"]
    assert generated != "<script>" and len(generated) == 32


def test_json_log_lines_carry_the_request_id():
    record = logging.LogRecord("aduan.x", logging.WARNING, __file__, 1, "hello %s", ("you",),
                               None)
    token = request_id.set("rid-1")
    try:
        RequestIdFilter().filter(record)
    finally:
        request_id.reset(token)
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "hello you" and line["request_id"] == "rid-1"
    assert line["level"] == "WARNING" and line["logger"] == "aduan.x"


def test_a_lost_database_is_a_clear_503_not_a_traceback():
    factory = RequestFactory()
    for path, kind in (("/api/v1/reports", "application/json"), ("/lapor/", "text/plain")):
        try:
            raise OperationalError("connection refused")
        except OperationalError:
            response = server_error(factory.get(path))
        assert response.status_code == 503 and response["Retry-After"] == "5"
        assert response["Content-Type"].startswith(kind)
        assert b"Traceback" not in response.content
