"""Idempotency-Key on POSTs under /api/v1: a retry gets the first answer and changes nothing."""

import json
import uuid
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from aduan.partners.idempotency import idempotency_prune
from aduan.partners.models import IdempotencyRecord
from aduan.reports.models import Report, ReportEvent

from conftest import submit

pytestmark = pytest.mark.django_db

REPORT = {"kind": "complaint", "title": "Lampu jalan mati", "body": "Lampu di Jl. Darmo mati.",
          "category": "jalan_drainase", "region_code": "35.78.02"}


def post(path, data, *, key=None, token=None, pin=None, client=None):
    headers = {}
    if key is not None:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    if token:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    if pin:
        headers["HTTP_X_REPORT_PIN"] = pin
    return (client or Client()).post(f"/api/v1{path}", json.dumps(data),
                                     content_type="application/json", **headers)


def test_anonymous_retry_returns_the_first_response_and_creates_nothing():
    key = str(uuid.uuid4())
    first = post("/reports", REPORT, key=key)
    again = post("/reports", REPORT, key=key)
    assert first.status_code == again.status_code == 201
    assert again.content == first.content
    assert again["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first
    assert Report.objects.filter(title=REPORT["title"]).count() == 1
    assert again.json()["tracking_id"] == first.json()["tracking_id"]


def test_same_key_with_another_body_is_refused_with_a_clear_error():
    key = str(uuid.uuid4())
    assert post("/reports", REPORT, key=key).status_code == 201
    other = post("/reports", {**REPORT, "title": "Lain"}, key=key)
    assert other.status_code == 422
    assert other.json()["error"]["code"] == "idempotency_key_reused"
    assert not Report.objects.filter(title="Lain").exists()


def test_same_key_on_another_url_is_refused(cast):
    report, _pin = submit()
    key = str(uuid.uuid4())
    assert post("/reports", REPORT, key=key, token=cast.admin_a.token).status_code == 201
    other = post(f"/reports/{report.tracking_id}/dispatch", {"agency": "pemkot-surabaya"},
                 key=key, token=cast.admin_a.token)
    assert other.status_code == 422


def test_without_a_key_every_post_is_new():
    post("/reports", REPORT)
    post("/reports", REPORT)
    assert Report.objects.filter(title=REPORT["title"]).count() == 2
    assert not IdempotencyRecord.objects.exists()


def test_keys_are_scoped_by_credential(cast):
    key = str(uuid.uuid4())
    one = post("/reports", REPORT, key=key, token=cast.citizen.token)
    two = post("/reports", REPORT, key=key, token=cast.admin_a.token)
    anonymous = post("/reports", REPORT, key=key)
    assert {one.status_code, two.status_code, anonymous.status_code} == {201}
    assert len({r.json()["tracking_id"] for r in (one, two, anonymous)}) == 3


def test_staff_action_retried_appends_one_event(cast):
    report, _pin = submit()
    key = str(uuid.uuid4())
    path = f"/reports/{report.tracking_id}/dispatch"
    first = post(path, {"agency": "pemkot-surabaya"}, key=key, token=cast.national.token)
    again = post(path, {"agency": "pemkot-surabaya"}, key=key, token=cast.national.token)
    assert first.status_code == again.status_code == 200
    assert again.content == first.content
    assert ReportEvent.objects.filter(report=report, action="dispatch").count() == 1


def test_reporter_pin_action_is_idempotent():
    report, pin = submit()
    key = str(uuid.uuid4())
    path = f"/reports/{report.tracking_id}/add-info"
    first = post(path, {"message": "Sudah dua minggu."}, key=key, pin=pin)
    again = post(path, {"message": "Sudah dua minggu."}, key=key, pin=pin)
    assert first.status_code == again.status_code, first.content
    assert again.content == first.content
    assert ReportEvent.objects.filter(report=report, action="add_info").count() <= 1


def test_an_error_answer_is_replayed_too():
    key = str(uuid.uuid4())
    first = post("/reports", {**REPORT, "kind": "keluhan"}, key=key)
    again = post("/reports", {**REPORT, "kind": "keluhan"}, key=key)
    assert first.status_code == again.status_code == 422
    assert again.content == first.content


def test_wrong_token_is_not_remembered():
    key = str(uuid.uuid4())
    assert post("/reports", REPORT, key=key, token="adn_wrong").status_code == 401
    assert not IdempotencyRecord.objects.exists()


@pytest.mark.parametrize("key", ["short", "x" * 256, "kunci-dengan-é-" + "x" * 10])
def test_a_bad_key_is_refused(key):
    response = post("/reports", REPORT, key=key)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_idempotency_key"
    assert not Report.objects.exists()


def _running_claim(key, started):
    first = post("/reports", REPORT, key=key)
    record = IdempotencyRecord.objects.get()
    IdempotencyRecord.objects.filter(pk=record.pk).update(status=None, started_at=started)
    return first


def test_a_request_still_running_answers_409():
    key = str(uuid.uuid4())
    _running_claim(key, timezone.now())
    response = post("/reports", REPORT, key=key)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "idempotency_in_progress"


def test_a_claim_whose_request_died_is_taken_over():
    key = str(uuid.uuid4())
    _running_claim(key, timezone.now() - timedelta(minutes=5))
    response = post("/reports", REPORT, key=key)
    assert response.status_code == 201 and "Idempotent-Replayed" not in response
    assert IdempotencyRecord.objects.get().status == 201


def test_a_server_error_releases_the_key_and_keeps_nothing(monkeypatch):
    import aduan.api.reports as endpoints

    def boom(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(endpoints, "report_intake", boom)
    key = str(uuid.uuid4())
    response = post("/reports", REPORT, key=key, client=Client(raise_request_exception=False))
    assert response.status_code == 500
    assert not IdempotencyRecord.objects.exists()
    monkeypatch.undo()
    assert post("/reports", REPORT, key=key).status_code == 201


def test_keys_are_kept_24_hours_then_pruned():
    key = str(uuid.uuid4())
    post("/reports", REPORT, key=key)
    assert idempotency_prune(now=timezone.now() + timedelta(hours=23)) == 0
    assert idempotency_prune(now=timezone.now() + timedelta(hours=25)) == 1
    assert post("/reports", REPORT, key=key).status_code == 201
    assert Report.objects.filter(title=REPORT["title"]).count() == 2


def test_an_expired_key_not_yet_pruned_counts_as_new():
    key = str(uuid.uuid4())
    post("/reports", REPORT, key=key)
    IdempotencyRecord.objects.update(created_at=timezone.now() - timedelta(hours=25))
    assert "Idempotent-Replayed" not in post("/reports", REPORT, key=key)
    assert Report.objects.filter(title=REPORT["title"]).count() == 2


def test_the_worker_prunes_old_keys(settings):
    from aduan.partners import tasks

    post("/reports", REPORT, key=str(uuid.uuid4()))
    IdempotencyRecord.objects.update(created_at=timezone.now() - timedelta(hours=25))
    assert tasks.prune_idempotency.call() == 1
    assert tasks.partners_housekeeping() in (True, False)
