"""The changes feed: cursors, scopes and access (concurrent commits: test_feed_concurrency)."""

import pytest
from conftest import submit

from aduan.partners import clients
from aduan.partners.feed import feed_number
from aduan.partners.models import FeedEntry
from aduan.reports import services

pytestmark = pytest.mark.django_db


def _client(name="Aplikasi Kota", agency="pemkot-surabaya", scopes="reports:read"):
    return clients.client_create(name=name, agency_code=agency, scopes=scopes).raw


def _follow(api, token, limit=2):
    """Every event the feed gives, page by page, and the final cursor."""
    seen, after = [], ""
    for _page in range(50):
        page = api.get("/changes", token=token, after=after, limit=limit)
        assert page.status_code == 200, page.content
        seen += page.json()["events"]
        after = page.json()["next"]
        if not page.json()["has_more"]:
            return seen, after
    raise AssertionError("the feed never ended")


def _dispatched(cast, agency="pemkot-surabaya", **fields):
    report, _pin = submit(**fields)
    services.report_dispatch(caller=cast.national.caller, report=report, agency=agency)
    return report


def test_a_reader_follows_its_agency_in_order_without_repeats(api, cast):
    token = _client()
    mine = _dispatched(cast, confidential=True)
    services.report_accept(caller=cast.admin_a.caller, report=mine)
    _dispatched(cast, agency="pemprov-jawa-barat", confidential=True)
    seen, after = _follow(api, token)
    assert [e["type"] for e in seen] == ["report.received", "report.dispatched",
                                         "report.accept"]
    assert {e["report"]["tracking_id"] for e in seen} == {mine.tracking_id}
    assert len({e["id"] for e in seen}) == 3 and "Siti" not in str(seen)
    # Nothing new: the same cursor comes back with no events; a new event follows.
    again = api.get("/changes", token=token, after=after).json()
    assert again["events"] == [] and again["next"] == after
    services.report_respond(caller=cast.admin_a.caller, report=mine, message="Sudah diperbaiki.")
    later = api.get("/changes", token=token, after=after).json()["events"]
    assert [e["type"] for e in later] == ["report.responded"]
    assert later[0]["message"] == "Sudah diperbaiki."


def test_a_former_holder_sees_events_up_to_the_forward_only(api, cast):
    token = _client()
    report = _dispatched(cast, confidential=True)
    services.report_forward(caller=cast.admin_a.caller, report=report,
                            agency="pemprov-jawa-timur", reason="Bukan wewenang kota.")
    services.report_accept(caller=cast.admin_b.caller, report=report)
    types = [e["type"] for e in _follow(api, token)[0]]
    assert "report.dispatched" in types and "report.accept" not in types


def test_the_national_admin_sees_everything_and_others_are_refused(api, cast):
    _dispatched(cast, agency="pemprov-jawa-barat", confidential=True)
    assert len(_follow(api, cast.national.token)[0]) == 2
    for token in (cast.admin_a.token, cast.citizen.token,
                  _client(name="Kirim Saja", scopes="reports:submit")):
        refused = api.get("/changes", token=token)
        assert refused.status_code == 403 and refused.json()["error"]["code"] == "scope_missing"
    assert api.get("/changes").status_code == 401


def test_bad_cursors_and_limits_are_clear_errors(api, cast):
    token = _client()
    for params in ({"after": "not-ours"}, {"after": "djI6MQ"}, {"limit": 0}, {"limit": 501}):
        response = api.get("/changes", token=token, **params)
        assert response.status_code == 422, params


def test_numbering_gives_each_committed_entry_one_position(cast):
    _dispatched(cast)
    assert FeedEntry.objects.filter(position__isnull=True).count() == 2
    assert feed_number() == 2 and feed_number() == 0
    assert sorted(FeedEntry.objects.values_list("position", flat=True)) == [1, 2]


def test_unknown_or_repeated_parameters_are_refused_not_ignored(api, cast):
    token = _client()
    response = api.get("/changes", token=token, lang="en", since="2026-01-01")
    error = response.json()["error"]
    assert response.status_code == 422 and error["code"] == "unknown_parameter"
    assert error["field"] == "since"
    assert error["message"] == "since is not a parameter of this endpoint; it takes: after, limit."
    response = api.get("/changes", token=token, lang="en", limit=[1, 2])
    assert response.status_code == 422 and response.json()["error"] == {
        "code": "repeated_parameter", "field": "limit",
        "message": "limit is given more than once; send it once."}
    indonesian = api.get("/changes", token=token, limt=5).json()["error"]
    assert indonesian["code"] == "unknown_parameter" and "bukan parameter" in indonesian["message"]
    # Malformed values of known parameters stay the schema's 422.
    assert api.get("/changes", token=token, limit="banyak").status_code == 422
    assert api.get("/changes", token=token, after="", limit=1).status_code == 200
