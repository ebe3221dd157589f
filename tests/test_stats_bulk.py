"""Set-based paths of the statistics: the COPY-written open-data dump equals the row-by-row
one, and the rebuild's SQL cells equal the incremental path's (escalations, supports,
forwards to an agency outside the tree)."""

import csv
import gzip
import io
import json

import pytest
from conftest import submit
from django.db import connection

from aduan.reports import services
from aduan.reports.models import Report
from aduan.stats import opendata
from aduan.stats.models import ReportFact, StatsCell
from aduan.stats.rollup import stats_rebuild, stats_refresh_all

pytestmark = pytest.mark.django_db
TRICKY = 'Koma, "kutip", garis\nbaru, garis miring \\ dan tab\t; rusak — é 漢'


@pytest.fixture
def dump_history(cast):
    nat = cast.national.caller
    plain, _ = submit()
    tricky, _ = submit(title="Judul, dengan \"kutip\"", body=TRICKY)
    hidden, _ = submit(confidential=True)
    archived, _ = submit()
    submit()  # never dispatched: not public
    for report in (plain, tricky, hidden):
        services.report_dispatch(caller=nat, report=report, agency="pemkot-surabaya.dpupr")
    services.report_respond(caller=cast.admin_a.caller, report=Report.objects.get(pk=plain.pk),
                            message="Sudah ditambal.")
    services.report_archive(caller=nat, report=archived, reason="spam")
    # Whole-second and fractional times both occur in real data.
    Report.objects.filter(pk=plain.pk).update(
        received_at=plain.received_at.replace(microsecond=0), rating=4)
    return plain, tricky


def _python_dump() -> tuple[bytes, bytes]:
    names = [name for name, _type, _desc in opendata.FIELDS]
    csv_out, jsonl_out = io.BytesIO(), io.BytesIO()
    count = opendata._write_python(names, csv_out, jsonl_out)
    return csv_out.getvalue(), jsonl_out.getvalue(), count


def test_dump_files_hold_public_reports_only_and_parse_back(dump_history, tmp_path):
    plain, tricky = dump_history
    folder = opendata.opendata_export(tmp_path)
    rows = list(csv.DictReader(io.StringIO(
        gzip.open(folder / "reports.csv.gz", "rt", encoding="utf-8", newline="").read())))
    lines = [json.loads(line) for line in gzip.open(folder / "reports.jsonl.gz", "rt")]
    assert [r["tracking_id"] for r in rows] == [plain.tracking_id, tricky.tracking_id]
    assert [r["tracking_id"] for r in lines] == [plain.tracking_id, tricky.tracking_id]
    assert lines[1]["body"] == rows[1]["body"] == Report.objects.get(pk=tricky.pk).public_body
    assert "\n" in lines[1]["body"]  # the newline survived both formats
    assert (lines[0]["rating"], lines[1]["rating"], rows[1]["rating"]) == (4, "", "")
    assert json.loads((folder / "datapackage.json").read_text())["count"] == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")
def test_copy_dump_equals_the_row_by_row_dump(dump_history):
    from aduan.stats.opendata_copy import write_copy

    names = [name for name, _type, _desc in opendata.FIELDS]
    csv_out, jsonl_out = io.BytesIO(), io.BytesIO()
    count = write_copy(opendata._COLUMNS, names, csv_out, jsonl_out)
    csv_ref, jsonl_ref, count_ref = _python_dump()
    assert count == count_ref == 2
    assert csv_out.getvalue() == csv_ref  # byte for byte: same quoting, times, empties
    copied = [json.loads(line) for line in jsonl_out.getvalue().decode().splitlines()]
    assert copied == [json.loads(line) for line in jsonl_ref.decode().splitlines()]
    assert list(copied[0]) == names  # members in the dictionary's order


def _cells():
    return dict(StatsCell.objects.values_list("key", "counts"))


def test_sql_cells_equal_the_incremental_cells_with_escalations_supports_and_outsiders(
        cast, monkeypatch):
    from aduan.stats import rollup
    from aduan.stats.bulk import empty
    from aduan.stats.cells_sql import cells_from_facts

    nat = cast.national.caller
    one, _ = submit()
    two, _ = submit(confidential=True)
    for report in (one, two):
        services.report_dispatch(caller=nat, report=report, agency="pemkot-surabaya.dpupr")
    services.report_forward(caller=nat, report=Report.objects.get(pk=one.pk),
                            agency="pemprov-jawa-timur.dpupr", reason="Jalan provinsi.")
    computed = rollup._computed

    def with_rare_counters(ids):
        """Escalations, supports and a forward from an agency no longer in the tree."""
        facts = computed(ids)
        for fact in facts.values():
            fact.counts = {**fact.counts, "esc:1": 1, "esc:2": 1, "sup": 3}
            fact.flows = {"out": ["gone-agency"], "in": fact.flows.get("in", [])}
        return facts

    monkeypatch.setattr(rollup, "_computed", with_rare_counters)
    stats_refresh_all()
    incremental = _cells()
    assert any(key.startswith("a|agency|gone-agency|") for key in incremental)
    assert ReportFact.objects.filter(counts__has_key="esc:2").count() == 2
    empty(StatsCell)
    cells_from_facts()  # from the facts the incremental path stored
    assert _cells() == incremental


@pytest.mark.parametrize("items", [2, 3, 30])
def test_region_feed_follow_ups_equal_the_general_query(cast, monkeypatch, items):
    """The region feed reads the reports followed up last; it must find what walking every
    follow-up finds (fewer reports than items, exactly enough, and the fallback)."""
    from django.db.models import Q

    from aduan.agencies.models import Region
    from aduan.transparency import feeds

    monkeypatch.setattr(feeds, "ITEMS", items)
    me = cast.citizen
    reports = [submit(user=me.user)[0] for _ in range(4)]
    for report in reports:
        services.report_dispatch(caller=cast.national.caller, report=report,
                                 agency="pemkot-surabaya.dpupr")
    for n, report in enumerate([*reports, reports[0], reports[0]]):  # the first thrice
        if n >= len(reports):
            services.report_reply(caller=me.caller, message="Belum beres.",
                                  report=Report.objects.get(pk=report.pk))
        services.report_respond(caller=cast.admin_a.caller, message=f"Tindak lanjut {n}.",
                                report=Report.objects.get(pk=report.pk))
    feed, region = feeds.RegionFeed(), Region.objects.get(code="35.78")
    q = feeds.PUBLIC_Q & feed.q_for(region)
    general = feeds._ReportFeed.followups(feed, q)
    assert [e.pk for e in feed.followups(q)] == [e.pk for e in general]
    assert len(general) == min(items, 6)
    assert feed.followups(feeds.PUBLIC_Q & Q(regency_code="35.01")) == []
