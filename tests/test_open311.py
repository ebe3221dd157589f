"""Open311 GeoReport v2 at /open311/v2/: services, definitions, requests in JSON and XML,
the spec's error arrays, and only public reports, never a reporter's identity."""

import xml.etree.ElementTree as ET

import pytest
from conftest import submit
from django.test import Client

from aduan.partners import clients
from aduan.partners.models import ClientReport
from aduan.reports import services
from aduan.reports.models import Channel, Report

pytestmark = pytest.mark.django_db
BASE = "/open311/v2"

FORM = {"service_code": "jalan_drainase", "lat": "-7.2575", "long": "112.7521",
        "description": "Lubang besar di Jl. Tunjungan depan toko, sudah dua minggu.",
        "first_name": "Budi", "last_name": "Santoso", "email": "budi@contoh.id",
        "phone": "081298765432", "attribute[problem]": "pothole",
        "media_url": "https://foto.contoh.id/lubang.jpg", "address_id": "35.78.02"}


def _key(scopes="reports:submit"):
    return clients.client_create(name="Aplikasi Kota", agency_code="pemkot-surabaya",
                                 scopes=scopes).raw


def _xml(response):
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    return ET.fromstring(response.content)


def test_services_and_a_definition_in_json_and_xml(client):
    listed = client.get(f"{BASE}/services.json")
    assert listed.status_code == 200 and listed["Content-Type"].startswith("application/json")
    roads = next(s for s in listed.json() if s["service_code"] == "jalan_drainase")
    assert roads["service_name"] == "Jalan, Jembatan dan Drainase"
    assert roads["type"] == "realtime" and roads["metadata"] is True and roads["group"]
    root = _xml(client.get(f"{BASE}/services.xml"))
    assert root.tag == "services"
    codes = [s.findtext("service_code") for s in root.findall("service")]
    assert "jalan_drainase" in codes
    definition = client.get(f"{BASE}/services/jalan_drainase.json").json()
    assert definition["service_code"] == "jalan_drainase"
    problem = next(a for a in definition["attributes"] if a["code"] == "problem")
    assert {"key": "pothole", "name": "Jalan berlubang atau rusak"} in problem["values"] \
        or problem["values"][0]["key"] == "pothole"
    root = _xml(client.get(f"{BASE}/services/jalan_drainase.xml"))
    assert root.tag == "service_definition"
    assert root.find("attributes/attribute/values/value/key") is not None


def test_post_files_a_report_for_the_client_and_hides_it_until_published(client, cast):
    key = _key()
    response = client.post(f"{BASE}/requests.json", {**FORM, "api_key": key})
    assert response.status_code == 201, response.content
    [answer] = response.json()
    report = Report.objects.get(tracking_id=answer["service_request_id"])
    assert report.channel == Channel.OPEN311 and report.reporter_name == "Budi Santoso"
    assert report.region_id == "35.78.02" and "Jalan berlubang" in report.body or report.body
    link = ClientReport.objects.get(report=report)
    assert link.extra["media_url"] == ["https://foto.contoh.id/lubang.jpg"]
    # Not verified yet: the public does not see it.
    missing = client.get(f"{BASE}/requests/{report.tracking_id}.json")
    assert missing.status_code == 404 and missing.json()[0]["code"] == 404
    services.report_dispatch(caller=cast.national.caller, report=report,
                             agency="pemkot-surabaya")
    [shown] = client.get(f"{BASE}/requests/{report.tracking_id}.json").json()
    assert shown["status"] == "open" and shown["agency_responsible"]
    assert "Budi" not in str(shown) and "budi@contoh.id" not in str(shown)
    assert shown["media_url"] is None
    token = client.get(f"{BASE}/tokens/{answer['token']}.json").json()
    assert token == [{"service_request_id": report.tracking_id, "token": answer["token"]}]


def test_errors_are_the_spec_arrays(client):
    forbidden = client.post(f"{BASE}/requests.xml", {**FORM, "api_key": "adc_wrong"})
    assert forbidden.status_code == 403
    root = _xml(forbidden)
    assert root.tag == "errors" and root.findtext("error/code") == "403"
    assert root.findtext("error/description")
    assert client.get(f"{BASE}/services/nope.json").status_code == 404
    bad = client.get(f"{BASE}/requests.json", {"status": "pending"})
    assert bad.status_code == 400 and "open" in bad.json()[0]["description"]
    assert client.get(f"{BASE}/requests.json", {"jurisdiction_id": "x.org"}).status_code == 404
    assert Report.objects.count() == 0
