"""POST /api/v1/reports: what is accepted, and a clear error for every bad field."""

import json

import pytest

from aduan.lib import tracking
from aduan.reports.models import Report, ReportEvent

pytestmark = pytest.mark.django_db

GOOD = {"kind": "complaint", "title": "Jalan berlubang", "body": "Lubang besar di lajur kiri.",
        "category": "jalan_drainase", "region_code": "35.78.02", "address": "Jl. Ahmad Yani 1",
        "latitude": -7.3125, "longitude": 112.7301, "occurred_on": "2026-11-01",
        "anonymous": False, "confidential": False,
        "reporter": {"name": "Siti", "email": "siti@contoh.id", "phone": "0812 3456 7890"}}


def test_submit_without_account_returns_tracking_id_and_pin(api):
    response = api.post("/reports", GOOD)
    assert response.status_code == 201, response.content
    data = response.json()
    assert set(data) == {"tracking_id", "pin", "status"}
    assert tracking.normalize(data["tracking_id"]) == data["tracking_id"]
    assert data["status"] == "submitted" and len(data["pin"]) == 8
    report = Report.objects.get(tracking_id=data["tracking_id"])
    assert data["pin"] not in report.pin_hash
    assert report.reporter is None and report.reporter_email == "siti@contoh.id"
    assert report.province_code == "35" and report.regency_code == "35.78"
    assert str(report.latitude) == "-7.312500"
    assert list(ReportEvent.objects.filter(report=report).values_list("action", flat=True)) \
        == ["submit"]


def test_submit_with_account_links_the_reporter(api, cast):
    response = api.post("/reports", {"kind": "aspiration", "title": "Taman kota",
                                     "body": "Mohon tambah taman."}, token=cast.citizen.token)
    assert response.status_code == 201
    assert Report.objects.get(tracking_id=response.json()["tracking_id"]).reporter \
        == cast.citizen.user


def test_minimal_report_is_accepted(api):
    response = api.post("/reports", {"kind": "information_request", "title": "Syarat KTP",
                                     "body": "Apa syarat membuat KTP-el?"})
    assert response.status_code == 201


def test_report_sent_straight_to_an_agency_is_held_there(api):
    response = api.post("/reports", {**GOOD, "agency": "pemkot-surabaya"})
    assert response.status_code == 201
    report = Report.objects.get(tracking_id=response.json()["tracking_id"])
    assert report.holder_id == "pemkot-surabaya" and report.status == "submitted"


BAD = [
    ({"kind": "keluhan"}, "kind", "complaint"),
    ({"kind": None}, "kind", None),
    ({"title": ""}, "title", None),
    ({"title": "   "}, "title", None),
    ({"title": "x" * 201}, "title", "200"),
    ({"title": 12}, "title", None),
    ({"body": ""}, "body", None),
    ({"body": "x" * 10_001}, "body", "10000"),
    ({"category": "jalan"}, "category", "jalan"),
    ({"region_code": "3578"}, "region_code", "35.78"),
    ({"region_code": "99.99"}, "region_code", "99.99"),
    ({"address": "x" * 501}, "address", "500"),
    ({"latitude": "selatan"}, "latitude", None),
    ({"latitude": 95}, "latitude", None),
    ({"latitude": 48.85, "longitude": 2.35}, "latitude", "Indonesia"),
    ({"longitude": None}, "latitude", None),
    ({"occurred_on": "kemarin"}, "occurred_on", "YYYY-MM-DD"),
    ({"occurred_on": "2999-01-01"}, "occurred_on", None),
    ({"anonymous": "ya"}, "anonymous", None),
    ({"confidential": 1}, "confidential", None),
    ({"reporter": "Siti"}, "reporter", None),
    ({"reporter": {"email": "bukan-email"}}, "reporter.email", None),
    ({"reporter": {"phone": "telepon saya"}}, "reporter.phone", None),
    ({"reporter": {"name": "x" * 151}}, "reporter.name", "150"),
    ({"reporter": {"nik": "3578"}}, "reporter.nik", None),
    ({"agency": "dinas-tidak-ada"}, "agency", None),
    ({"agency": "ombudsman"}, "agency", None),
    ({"unknown": 1}, "unknown", None),
]


@pytest.mark.parametrize("change,field,hint", BAD)
def test_bad_input_gets_a_clear_error_and_writes_nothing(api, change, field, hint):
    payload = {**GOOD, **change}
    if "longitude" in change and change["longitude"] is None:
        payload.pop("longitude")
    before = Report.objects.count()
    response = api.post("/reports", payload, lang="en")
    assert response.status_code == 422, response.content
    error = response.json()["error"]
    assert error["code"] in ("invalid_input", "not_authorised_agency")
    assert field in json.dumps(error)
    if hint:
        assert hint in error["message"]
    assert Report.objects.count() == before


def test_missing_required_fields(api):
    response = api.post("/reports", {}, lang="en")
    assert response.status_code == 422
    fields = {f["field"] for f in response.json()["error"]["fields"]}
    assert fields == {"kind", "title", "body"}


def test_errors_are_in_indonesian_by_default(api):
    response = api.post("/reports", {**GOOD, "title": ""})
    assert response.status_code == 422
    assert "wajib" in response.json()["error"]["message"] or "kosong" in \
        response.json()["error"]["message"]


def test_malformed_json_is_400(api):
    response = api.post("/reports", raw="{not json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "malformed_json"


def test_oversized_body_is_413(api):
    response = api.post("/reports", {**GOOD, "body": "x" * 400_000})
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"


def test_unknown_endpoint_and_method_keep_the_error_shape(api):
    response = api.get("/nothing-here")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    response = api.client.delete("/api/v1/reports")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_bad_token_is_401(api):
    response = api.post("/reports", GOOD, token="adn_not-a-real-token")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_token"
    response = api.client.get("/api/v1/reports", HTTP_AUTHORIZATION="Basic abc")
    assert response.status_code == 401
