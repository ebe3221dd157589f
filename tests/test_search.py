"""Listing search: the same answers whichever plan the PostgreSQL search takes."""

import time

import pytest
from conftest import submit

from aduan.reports import search as search_module
from aduan.reports.models import Report
from aduan.reports.search import search

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("cap", [1, 1000])
def test_matches_listed_by_id_or_found_by_walking_agree(monkeypatch, cap):
    # cap 1: two matches exceed it (the walk); cap 1000: every match is listed by id.
    monkeypatch.setattr(search_module, "_cap", {"value": cap, "at": time.monotonic()})
    sewer = submit(title="Saluran tersumbat di pasar", body="Air meluap ke jalan.")[0]
    bridge = submit(title="Jembatan retak", body="Saluran di bawahnya juga tersumbat.")[0]
    submit(title="Lampu jalan mati", body="Gelap sejak Senin.")
    found = lambda text: set(search(Report.objects.all(), text).values_list("pk", flat=True))  # noqa: E731
    assert found("saluran tersumbat") == {sewer.pk, bridge.pk}
    assert found("jembatan retak") == {bridge.pk}
    assert found("gempa bumi") == set()
    assert found("   ") == set(Report.objects.values_list("pk", flat=True))


def test_the_cap_grows_with_the_table(monkeypatch, db):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the cap is PostgreSQL's")
    monkeypatch.setattr(search_module, "_cap", {"value": 0, "at": -float("inf")})
    assert search_module.match_cap() >= search_module.MIN_CAP
