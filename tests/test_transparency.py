"""Public statistics pages, definitions, open data and feeds."""

import gzip
import json

import pytest
from conftest import submit
from django.core.management import call_command
from django.test import Client

from aduan.reports import services
from aduan.stats.rollup import stats_refresh_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(cast):
    public, _ = submit()
    services.report_dispatch(caller=cast.national.caller, report=public,
                             agency="pemkot-surabaya.dpupr")
    services.report_respond(caller=cast.admin_a.caller, report=public, message="Sudah ditambal.")
    stats_refresh_all()
    return public


@pytest.mark.parametrize("url", [
    "/statistik/", "/statistik/?measure=pct_completed&from=2020-01&to=2030-12",
    "/statistik/definisi/", "/statistik/instansi/pemkot-surabaya/", "/statistik/wilayah/35/",
    "/statistik/wilayah/35.78/", "/data/", "/feeds/instansi/pemkot-surabaya/",
    "/feeds/wilayah/35.78/", "/feeds/kategori/jalan_drainase/"])
def test_public_statistics_pages_render(history, url):
    response = Client().get(url)
    assert response.status_code == 200, url


@pytest.mark.parametrize("url", ["/statistik/instansi/nope/", "/statistik/wilayah/99/",
                                 "/feeds/instansi/nope/", "/data/2020-01-01/reports.csv.gz"])
def test_unknown_subjects_are_404(db, url):
    assert Client().get(url).status_code == 404


def test_dashboard_counts_and_shows_tables_without_javascript(history):
    page = Client().get("/statistik/?from=2020-01&to=2030-12").content.decode()
    assert "<table" in page and 'data-chart="months-data"' in page
    assert '<script id="months-data" type="application/json">' in page
    assert "pemkot-surabaya" in page  # the league table


def test_definitions_page_has_both_languages(db):
    page = Client().get("/statistik/definisi/").content.decode()
    assert "Reports received" in page and "Laporan diterima" in page


def test_bad_period_is_a_clear_error_not_a_crash(db):
    page = Client().get("/statistik/?from=2026-13").content.decode()
    assert "YYYY-MM" in page


def test_opendata_export_writes_csv_jsonl_and_datapackage(history, tmp_path, settings):
    settings.ADUAN = {**settings.ADUAN, "OPENDATA_DIR": str(tmp_path)}
    call_command("opendata", "export")
    folder = next(tmp_path.iterdir())
    package = json.loads((folder / "datapackage.json").read_text())
    assert package["licenses"][0]["name"] == "CC-BY-4.0" and package["count"] == 1
    lines = gzip.open(folder / "reports.jsonl.gz", "rt").read().splitlines()
    assert json.loads(lines[0])["tracking_id"] == history.tracking_id
    assert "0812" not in lines[0]  # the phone number in the body is redacted
    page = Client().get("/data/").content.decode()
    assert "reports.csv.gz" in page
    download = Client().get(f"/data/{folder.name}/reports.csv.gz")
    assert download.status_code == 200


def test_stats_api_returns_every_measure_and_guards_full_counts(history, cast, api):
    data = api.get("/stats", scope="agency", code="pemkot-surabaya", **{"from": "2020-01"},
                   to="2030-12", by="category").json()
    assert data["measures"]["received"] == 1 and data["measures"]["followed_up"] == 1
    assert data["predikat"]["scheme_version"] >= 1
    assert data["breakdown"][0]["key"] == "jalan_drainase"
    assert api.get("/stats", counts="full", scope="agency",
                   code="pemkot-surabaya").status_code == 403
    assert api.get("/stats", counts="full", scope="agency", code="pemkot-surabaya",
                   token=cast.admin_a.token).status_code == 200
    assert api.get("/stats", counts="full", scope="agency", code="pemkot-surabaya",
                   token=cast.admin_b.token).status_code == 403
    assert api.get("/stats", scope="agency", code="nope").status_code == 404
    bad = api.get("/stats", **{"from": "2026-13"})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_input"


def test_daily_dumps_are_pruned_only_in_the_sites_own_folder(history, tmp_path, settings):
    from aduan.stats.opendata import KEEP, opendata_export, opendata_latest

    site = tmp_path / "site"
    settings.ADUAN = {**settings.ADUAN, "OPENDATA_DIR": str(site)}
    for n in range(KEEP + 2):
        (site / f"2020-01-{n + 1:02d}").mkdir(parents=True)
    (site / "notes").mkdir()
    newest = opendata_export()
    kept = sorted(p.name for p in site.iterdir())
    assert len(kept) == KEEP + 1 and "notes" in kept and opendata_latest() == newest
    elsewhere = tmp_path / "mine"
    (elsewhere / "2019-01-01").mkdir(parents=True)
    opendata_export(elsewhere)
    assert (elsewhere / "2019-01-01").exists()
