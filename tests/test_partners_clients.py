"""API clients: keys shown once and stored hashed, scopes, rotation, revocation, limits, audit,
and a partner's own external_id."""

import json
from datetime import timedelta

import pytest
import time_machine
from conftest import submit
from django.core.management import call_command
from django.utils import timezone

from aduan.accounts.models import AuditEntry
from aduan.errors import InvalidInput
from aduan.partners import clients
from aduan.partners.models import ApiClient, ApiClientKey, ClientReport
from aduan.reports import services
from aduan.reports.models import Channel, Report

pytestmark = pytest.mark.django_db

NEW = {"kind": "complaint", "title": "Lampu jalan mati di Jl. Darmo",
       "body": "Sudah seminggu lampu jalan mati di depan sekolah.", "region_code": "35.78.02"}


def _client(scopes="reports:submit,reports:read", agency="pemkot-surabaya", **kwargs):
    return clients.client_create(name=kwargs.pop("name", "Aplikasi Kota"), agency_code=agency,
                                 scopes=scopes, **kwargs)


def test_the_key_is_shown_once_stored_hashed_and_its_call_is_audited(api, cast):
    made = _client()
    key = ApiClientKey.objects.get(client=made.client)
    assert made.raw.startswith("adc_") and made.raw not in key.key_hash
    response = api.post("/reports", {**NEW, "external_id": "kota-1"}, token=made.raw)
    assert response.status_code == 201, response.content
    report = Report.objects.get(tracking_id=response.json()["tracking_id"])
    assert report.channel == Channel.PARTNER and report.reporter_id is None
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.CLIENT_CALL).get()
    assert entry.detail == {"client": "Aplikasi Kota", "method": "POST", "status": 201}
    assert entry.actor == made.client.service_user
    made.client.refresh_from_db()
    assert made.client.last_used_at is not None


def test_a_repeated_external_id_returns_the_first_report_and_files_nothing(api, cast):
    made = _client()
    first = api.post("/reports", {**NEW, "external_id": "kota-7"}, token=made.raw)
    again = api.post("/reports", {**NEW, "title": "Lain", "external_id": "kota-7"},
                     token=made.raw)
    assert first.status_code == 201 and again.status_code == 200
    assert again.json()["tracking_id"] == first.json()["tracking_id"]
    assert again.json()["pin"] == "" and Report.objects.count() == 1
    # Another client's same id is its own report.
    other = _client(name="Aplikasi Provinsi", agency="pemprov-jawa-timur")
    assert api.post("/reports", {**NEW, "external_id": "kota-7"},
                    token=other.raw).status_code == 201
    assert ClientReport.objects.count() == 2


def test_only_clients_send_an_external_id(api, cast):
    response = api.post("/reports", {**NEW, "external_id": "x"})
    assert response.status_code == 422 and response.json()["error"]["field"] == "external_id"


def test_scopes_decide_submitting_reading_and_acting(api, cast):
    reader = _client(scopes="reports:read")
    refused = api.post("/reports", NEW, token=reader.raw)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "scope_missing"
    report, _pin = submit(confidential=True)
    services.report_dispatch(caller=cast.national.caller, report=report,
                             agency="pemkot-surabaya")
    assert api.get(f"/reports/{report.tracking_id}", token=reader.raw).status_code == 200
    # Reading is not acting.
    assert api.post(f"/reports/{report.tracking_id}/accept", {},
                    token=reader.raw).status_code in (403, 409)
    actor = _client(scopes="reports:act", name="Aplikasi Aksi")
    accepted = api.post(f"/reports/{report.tracking_id}/accept", {}, token=actor.raw)
    assert accepted.status_code == 200, accepted.content
    # Another agency's client does not know the confidential report exists.
    outside = _client(scopes="reports:read", name="Luar", agency="pemprov-jawa-timur")
    assert api.get(f"/reports/{report.tracking_id}", token=outside.raw).status_code == 404


def test_rotation_keeps_the_old_key_for_the_overlap_and_revocation_ends_all(api, cast):
    made = _client()
    rotated = clients.client_rotate(client=made.client, overlap=timedelta(hours=1))
    assert clients.client_authenticate(made.raw) == made.client
    assert clients.client_authenticate(rotated.raw) == made.client
    later = timezone.now() + timedelta(hours=2)
    assert clients.client_authenticate(made.raw, now=later) is None
    assert clients.client_authenticate(rotated.raw, now=later) == made.client
    clients.client_revoke(client=made.client)
    response = api.get("/reports", token=rotated.raw)
    assert response.status_code == 401 and response.json()["error"]["code"] == "invalid_token"


def test_each_client_has_its_own_rate_limit(api, cast, settings):
    settings.ADUAN = {**settings.ADUAN, "RATE_LIMITS": True}
    made = _client(rate_limit_per_minute=3)
    codes = [api.get("/reports", token=made.raw).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


def test_bad_input_is_refused_clearly():
    with pytest.raises(InvalidInput) as unknown:
        _client(scopes="reports:everything")
    assert unknown.value.code == "invalid_scopes"
    with pytest.raises(InvalidInput) as agency:
        _client(agency="tidak-ada")
    assert agency.value.code == "unknown_agency"
    assert not ApiClient.objects.exists()


def test_the_command_prints_the_key_on_its_last_line(api, cast, capsys):
    call_command("clients", "add", "Aplikasi CLI", "--agency", "pemkot-surabaya",
                 "--scopes", "reports:submit,reports:read")
    raw = capsys.readouterr().out.strip().splitlines()[-1]
    assert api.get("/reports", token=raw).status_code == 200
    call_command("clients", "list")
    assert "Aplikasi CLI" in capsys.readouterr().out
    call_command("clients", "revoke", "Aplikasi CLI")
    assert api.get("/reports", token=raw).status_code == 401


def test_open_data_read_grants_the_open_data_and_nothing_else(api, cast, settings, tmp_path):
    from aduan.stats.opendata import opendata_export

    settings.ADUAN = {**settings.ADUAN, "OPENDATA_DIR": str(tmp_path)}
    reader = _client(scopes="open-data:read", name="Portal Data")
    submitter = _client(scopes="reports:submit", name="Aplikasi Lapor")
    # Nothing written yet: the listing says so.
    assert api.get("/open-data", token=reader.raw).json()["files"] == []
    day = opendata_export().name
    listing = api.get("/open-data", token=reader.raw)
    assert listing.status_code == 200, listing.content
    assert listing.json()["day"] == day
    assert [f["name"] for f in listing.json()["files"]] == ["reports.csv.gz",
                                                            "reports.jsonl.gz",
                                                            "datapackage.json"]
    package = api.get("/open-data/datapackage.json", token=reader.raw)
    assert package.status_code == 200 and b"tabular-data-package" in b"".join(
        package.streaming_content)
    assert api.get("/stats", token=reader.raw).status_code == 200
    # The scope grants open data, not reports, and a key without it gets no open data.
    assert api.post("/reports", NEW, token=reader.raw).status_code == 403
    for path in ("/open-data", "/open-data/datapackage.json", "/stats"):
        refused = api.get(path, token=submitter.raw)
        assert refused.status_code == 403, path
        assert refused.json()["error"]["code"] == "scope_missing"
        assert "open-data:read" in refused.json()["error"]["message"]
    # Open data stays public for everyone without a key.
    assert api.get("/open-data").status_code == 200 and api.get("/stats").status_code == 200
    missing = api.get("/open-data/passwords.txt", token=reader.raw)
    assert missing.status_code == 404 and missing.json()["error"]["message"]


def test_a_replayed_call_is_audited_and_counted_too(api, cast, settings):
    settings.ADUAN = {**settings.ADUAN, "RATE_LIMITS": True}
    made = _client(rate_limit_per_minute=2)

    def post():
        return api.client.post("/api/v1/reports", json.dumps(NEW),
                               content_type="application/json",
                               HTTP_AUTHORIZATION=f"Bearer {made.raw}",
                               HTTP_IDEMPOTENCY_KEY="replay-0123456789abcdef")

    # Inside one rate-limit window, whatever the machine's speed.
    with time_machine.travel(timezone.now().replace(second=5), tick=False):
        first, again = post(), post()
        assert (first.status_code, again.status_code) == (201, 201)
        assert again.content == first.content and again["Idempotent-Replayed"] == "true"
        calls = AuditEntry.objects.filter(action=AuditEntry.Action.CLIENT_CALL).order_by("pk")
        assert [e.detail["status"] for e in calls] == [201, 201]
        assert Report.objects.count() == 1
        # A replay is still a call: the third one in the minute is over the limit.
        assert post().status_code == 429
    # A revoked client's replay is refused, not answered from the store.
    clients.client_revoke(client=made.client)
    settings.ADUAN = {**settings.ADUAN, "RATE_LIMITS": False}
    assert post().status_code == 401
