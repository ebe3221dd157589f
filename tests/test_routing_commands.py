"""``aduan route`` (JSON lines in, JSON lines out) and ``aduan routing train|evaluate|corpus``."""

import json

import pytest
from test_commands import run

from aduan.routing.models import ClassifierModel
from aduan.routing.store import forget

pytestmark = pytest.mark.django_db

FIELDS = {"id", "category", "region_code", "province_code", "level", "agency", "confidence",
          "candidates"}


def route(*lines: str) -> list[dict]:
    out = run("route", stdin="\n".join(lines) + "\n")
    return [json.loads(line) for line in out.splitlines()]


def test_route_writes_one_line_per_input_in_order():
    lines = [json.dumps({"id": "a1", "text": "jln rusak parah bnyk lubang di kec. Rungkut Sby",
                         "channel": "sms"}),
             json.dumps({"id": 2, "text": "Listrik padam terus di kab. Kukar", "channel": "web"}),
             json.dumps({"id": 3, "text": "sampah tidak diangkut", "channel": "twitter"})]
    first, second, third = route(*lines)
    assert set(first) == FIELDS and first["id"] == "a1"
    assert first["category"] == "jalan_drainase" and first["region_code"] == "35.78.03"
    assert first["province_code"] == "35" and first["level"] == "kabupaten_kota"
    assert first["agency"] == "pemkot-surabaya.dpupr" and 0 < first["confidence"] <= 1
    assert len(first["candidates"]) == 3
    assert set(first["candidates"][0]) == {"category", "agency", "confidence"}
    assert second["region_code"] == "64.02" and second["level"] == "nasional"
    assert second["agency"] == "pln"
    assert third["region_code"] is None and third["province_code"] is None
    assert third["agency"] is None  # a local matter with no place: left to the verifier


def test_bad_lines_get_an_error_line_and_the_run_goes_on():
    out = route("not json", "[1, 2]", json.dumps({"id": 7}), json.dumps({"id": 8, "text": ""}),
                json.dumps({"id": 9, "text": "x", "region_code": 35}),
                json.dumps({"id": 10, "text": "air PDAM mati di Jaksel"}))
    assert [line.get("error", {}).get("code") for line in out] == [
        "malformed_json", "invalid_input", "invalid_input", "invalid_input", "invalid_input",
        None]
    assert [line["id"] for line in out] == [None, None, 7, 8, 9, 10]
    assert out[-1]["agency"] == "pemkot-jakarta-selatan.pdam"


@pytest.fixture
def retrained():
    yield
    forget()  # the test's models are rolled back; later tests must not use them from memory


def test_train_evaluate_and_corpus(tmp_path, retrained):
    assert "present; not retrained" in run("routing", "train", "--if-missing")
    before = ClassifierModel.objects.filter(active=True).count()
    out = run("routing", "train", "--per-category", "40")
    assert "category model" in out and "not enough routed history" in out
    assert ClassifierModel.objects.filter(active=True, kind="category").count() == before
    figures = json.loads(run("routing", "evaluate", "--json", "--per-category", "40"))
    assert 0 < figures["held_out"]["top1"] <= 1 and figures["coldstart"]["messages"] >= 200
    target = tmp_path / "corpus.csv"
    run("routing", "corpus", "--output", str(target))
    assert len(target.read_text(encoding="utf-8").splitlines()) > 22 * 300


def test_setup_trains_the_router_only_when_it_has_no_model():
    from django.core.management import load_command_class

    command = load_command_class("aduan.reports", "setup")
    assert "train the router" in command.help
