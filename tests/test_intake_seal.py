"""Submissions' after-commit seals are coalesced per process; what they leave is sealed
by the routing sweep (and the worker's tick), and the chain stays whole."""

import pytest
from conftest import submit

from aduan.accounts import chain, sealing
from aduan.reports.models import ReportEvent
from aduan.routing import tasks
from aduan.routing.router import Router

@pytest.fixture
def coalesced(settings, monkeypatch):
    """One seal per hour per process (the tests name the real-commit fixtures first)."""
    settings.ADUAN = {**settings.ADUAN, "SEAL_EVERY": 3600.0}
    monkeypatch.setattr(sealing, "_throttles", {})


def _unsealed(reports) -> int:
    return ReportEvent.objects.filter(report__in=reports, row_hash__isnull=True).count()


def test_one_seal_per_interval_and_the_routing_sweep_seals_the_rest(
        reference_data_after_flush, transactional_db, coalesced, monkeypatch):
    # Routing itself is tested elsewhere (here its models were flushed with the database).
    monkeypatch.setattr(tasks, "route_pending", lambda: 0)
    first = submit()[0]
    assert _unsealed([first]) == 0  # the process's first seal runs at once
    later = [submit()[0] for _ in range(3)]
    assert _unsealed(later) == 3  # within the interval: left for the next seal
    tasks.route_new_reports.call()
    assert _unsealed([first, *later]) == 0
    assert chain.verify("events").ok


def test_without_an_interval_every_commit_seals(
        reference_data_after_flush, transactional_db, coalesced, settings):
    settings.ADUAN = {**settings.ADUAN, "SEAL_EVERY": 0}
    reports = [submit()[0] for _ in range(3)]
    assert _unsealed(reports) == 0


def test_what_skipped_seals_leave_the_workers_tick_seals_and_the_chain_holds(
        reference_data_after_flush, transactional_db, coalesced):
    reports = [submit()[0] for _ in range(4)]
    assert _unsealed(reports) == 3
    chain.anchors_periodic()  # the worker's tick
    assert _unsealed(reports) == 0 and chain.verify("events").ok


@pytest.mark.django_db
def test_the_kept_router_routes_as_a_fresh_one_and_follows_alias_edits():
    from aduan.agencies.models import Agency
    from aduan.lib.versions import bump
    from aduan.routing.models import AgencyAlias
    from aduan.routing.router import ROUTER_VERSION, RouteInput

    texts = [RouteInput("@SapaWargaSby sampah tidak diangkut"),
             RouteInput("Jalan rusak parah banyak lubang di kec. Rungkut Surabaya")]
    kept = Router.cached()
    assert Router.cached() is kept  # across batches: built once
    assert [r.as_dict() for r in kept.route(texts)] == \
        [r.as_dict() for r in Router.load().route(texts)]
    AgencyAlias.objects.create(alias="sapawargasby",
                               agency=Agency.objects.get(code="pemkot-surabaya.dlh"))
    bump(ROUTER_VERSION)  # what the edit's signal does once it commits
    fresh = Router.cached()
    assert fresh is not kept
    assert fresh.route(texts[:1])[0].agency == "pemkot-surabaya.dlh"


@pytest.mark.django_db
def test_an_alias_edit_makes_the_sweep_rebuild_its_router(
        monkeypatch, django_capture_on_commit_callbacks):
    from aduan.agencies.models import Agency
    from aduan.lib import versions
    from aduan.routing.models import AgencyAlias

    monkeypatch.setattr(versions, "_seen", {})  # no version read before this test's cache
    kept = Router.cached()
    with django_capture_on_commit_callbacks(execute=True):
        AgencyAlias.objects.create(alias="dlhsby",
                                   agency=Agency.objects.get(code="pemkot-surabaya.dlh"))
    assert Router.cached() is not kept
