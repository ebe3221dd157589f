"""Auto-dispatch by the system above the threshold; suggestions for the verifier below it."""

import copy

import pytest
from conftest import submit
from django_tasks_db.models import DBTaskResult

from aduan.lib.throttle import Throttle
from aduan.reports import services
from aduan.reports.models import Report, ReportEvent
from aduan.routing import services as routing_services
from aduan.routing import tasks
from aduan.routing.models import Decision, RoutingSuggestion
from aduan.routing.router import RouteInput, Router
from aduan.routing.training import history_labels

pytestmark = pytest.mark.django_db

POTHOLE = dict(title="Jalan berlubang besar", body="Jalan rusak parah banyak lubang, motor "
               "sering jatuh di kec. Rungkut Surabaya", category=None, region_code=None)


def router_with_threshold(threshold: float) -> Router:
    router = Router.load()
    router.category_model = copy.copy(router.category_model)
    router.category_model.threshold = threshold
    return router


def test_a_confident_report_is_dispatched_at_once_by_the_system():
    report, _pin = submit(**POTHOLE)
    suggestion = routing_services.report_route(report_id=report.pk,
                                               router=router_with_threshold(0.0))
    report.refresh_from_db()
    assert suggestion.decision == Decision.AUTO_DISPATCHED
    assert report.status == "dispatched" and report.holder_id == "pemkot-surabaya.dpupr"
    assert report.category_id == "jalan_drainase"
    events = list(ReportEvent.objects.filter(report=report).order_by("id")
                  .values_list("action", "actor_role", "actor"))
    assert events == [("submit", "reporter", None), ("categorise", "system", None),
                      ("dispatch", "system", None)]
    # the system's own decisions never become training labels
    assert report.pk not in {label.report_id for label in history_labels()}


def test_below_the_threshold_the_report_waits_with_three_suggestions(api, cast):
    report, pin = submit(**POTHOLE)
    suggestion = routing_services.report_route(report_id=report.pk,
                                               router=router_with_threshold(1.01))
    report.refresh_from_db()
    assert report.status == "submitted" and report.category_id is None
    assert suggestion.decision == Decision.NEEDS_VERIFIER and suggestion.reason == "low_confidence"
    assert len(suggestion.candidates) == 3
    top = suggestion.candidates[0]
    assert top == {"category": "jalan_drainase", "agency": "pemkot-surabaya.dpupr",
                   "confidence": suggestion.confidence}
    shown = api.get(f"/reports/{report.tracking_id}", token=cast.national.token).json()
    assert shown["routing"]["candidates"][0]["agency"] == "pemkot-surabaya.dpupr"
    assert shown["routing"]["region_code"] == "35.78.03"
    # the reporter and the public never see the router's workings
    assert api.get(f"/reports/{report.tracking_id}", pin=pin).json()["routing"] is None


def test_no_auto_dispatch_without_a_specific_place_or_for_a_report_sent_to_an_agency():
    vague, _pin = submit(title="Sampah", body="sampah tidak diangkut seminggu", category=None,
                         region_code=None)
    direct, _pin = submit(**{**POTHOLE, "agency": "pemkot-surabaya"})
    router = router_with_threshold(0.0)
    assert routing_services.report_route(report_id=vague.pk, router=router).reason == "no_agency"
    assert routing_services.report_route(report_id=direct.pk, router=router).reason \
        == "sent_to_agency"
    assert set(Report.objects.filter(pk__in=[vague.pk, direct.pk])
               .values_list("status", flat=True)) == {"submitted"}


def test_a_name_shared_by_a_city_and_a_regency_is_suggested_but_never_auto_dispatched():
    router = router_with_threshold(0.0)
    doubtful, sure = router.route([RouteInput("jalan berlubang besar di Kupang"),
                                   RouteInput("jalan berlubang besar di Kota Kupang")])
    assert doubtful.region_code == sure.region_code == "53.71"
    assert doubtful.agency == sure.agency and doubtful.agency is not None
    assert sure.confident and not doubtful.confident


def test_a_report_already_handled_by_a_human_is_left_alone(cast):
    report, _pin = submit(**POTHOLE)
    services.report_dispatch(caller=cast.national.caller, report=report,
                             agency="pemkot-surabaya.dlh")
    assert routing_services.report_route(report_id=report.pk,
                                         router=router_with_threshold(0.0)) is None
    assert Report.objects.get(pk=report.pk).holder_id == "pemkot-surabaya.dlh"


def test_the_reporters_category_comes_first(settings):
    settings.ADUAN = {**settings.ADUAN, "AUTO_DISPATCH": False}
    report, _pin = submit(**{**POTHOLE, "category": "lingkungan"})
    suggestion = routing_services.report_route(report_id=report.pk,
                                               router=router_with_threshold(0.0))
    assert suggestion.category_id == "lingkungan" and suggestion.agency_id == "pemkot-surabaya.dlh"
    assert suggestion.reason == "auto_dispatch_off"


def test_submission_kicks_the_routing_sweep_at_most_once_a_second(api, settings, monkeypatch):
    settings.ADUAN = {**settings.ADUAN, "ROUTING": "task"}
    monkeypatch.setattr(tasks, "_kicks", Throttle(tasks.KICK_EVERY))
    for _ in range(3):
        created = api.post("/reports", {"kind": "complaint", "title": "Air PDAM mati",
                                        "body": "Air PDAM tidak mengalir 3 hari di Sby"})
        assert created.status_code == 201
    kicks = DBTaskResult.objects.filter(task_path="aduan.routing.tasks.route_new_reports")
    assert kicks.count() == 1 and kicks.get().run_after is not None


def test_the_sweep_routes_every_waiting_report_once(monkeypatch):
    waiting = [submit(**POTHOLE)[0] for _ in range(3)]
    router = router_with_threshold(1.01)
    monkeypatch.setattr(Router, "load", classmethod(lambda cls, **kw: router))
    assert routing_services.route_pending_exists()
    assert tasks.route_new_reports.call() == 3
    assert RoutingSuggestion.objects.filter(report__in=waiting).count() == 3
    assert routing_services.route_pending(router=router) == 0
    assert not routing_services.route_pending_exists()
    # traffic: the sweep runs again shortly after a run that found work
    follow_up = DBTaskResult.objects.filter(task_path="aduan.routing.tasks.route_new_reports")
    assert follow_up.count() == 1
    assert tasks.routing_safety_net() is False


def test_inline_routing_runs_after_commit(api, settings, django_capture_on_commit_callbacks):
    settings.ADUAN = {**settings.ADUAN, "ROUTING": "inline"}
    with django_capture_on_commit_callbacks(execute=True):
        created = api.post("/reports", {"kind": "complaint", "title": "Air PDAM mati",
                                        "body": "Air PDAM tidak mengalir 3 hari di Sby"})
    assert RoutingSuggestion.objects.filter(
        report__tracking_id=created.json()["tracking_id"]).exists()


def test_every_human_dispatch_recategorisation_and_forward_is_a_label(api, cast):
    dispatched, _pin = submit(title="Lampu jalan mati", body="PJU mati", category="perhubungan")
    forwarded, _pin = submit(title="Jalan provinsi", body="Jalan provinsi rusak")
    corrected, _pin = submit(title="Bantuan PKH", body="PKH tidak cair", category="kependudukan")
    untouched, _pin = submit(title="Belum disentuh", body="Menunggu verifikasi")
    national, admin_a = cast.national.token, cast.admin_a.token
    assert api.post(f"/reports/{dispatched.tracking_id}/dispatch",
                    {"agency": "pemkot-surabaya.dishub"}, token=national).status_code == 200
    api.post(f"/reports/{forwarded.tracking_id}/dispatch", {"agency": "pemkot-surabaya.dpupr"},
             token=national)
    assert api.post(f"/reports/{forwarded.tracking_id}/forward",
                    {"agency": "pemprov-jawa-timur.dpupr", "reason": "Ruas provinsi."},
                    token=admin_a).status_code == 200
    response = api.post(f"/reports/{corrected.tracking_id}/categorise", {"category": "bansos"},
                        token=national)
    assert response.status_code == 200 and response.json()["category"]["code"] == "bansos"
    labels = {label.report_id: label for label in history_labels()}
    assert labels[dispatched.pk].agency == "pemkot-surabaya.dishub"
    assert labels[forwarded.pk].agency == "pemprov-jawa-timur.dpupr"
    assert labels[corrected.pk].category == "bansos" and labels[corrected.pk].agency is None
    assert untouched.pk not in labels
    event = ReportEvent.objects.get(report=corrected, action="categorise")
    assert event.data == {"from": "kependudukan", "to": "bansos"} and event.actor_role \
        == "national_admin"


def test_categorise_is_refused_to_the_reporter_and_for_unknown_categories(api, cast):
    report, pin = submit()
    assert api.post(f"/reports/{report.tracking_id}/categorise", {"category": "bansos"},
                    pin=pin).status_code == 403
    bad = api.post(f"/reports/{report.tracking_id}/categorise", {"category": "nope"},
                   token=cast.national.token)
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_input"
    assert api.post(f"/reports/{report.tracking_id}/categorise", {"category": "bansos"},
                    token=cast.admin_b.token).status_code == 404


def test_suggestions_are_shown_only_to_staff_who_may_read_the_report(api, cast):
    report, pin = submit(**{**POTHOLE, "region_code": "35.78.02"})
    routing_services.report_route(report_id=report.pk, router=router_with_threshold(0.0))
    tid = report.tracking_id

    def routing_for(**who):
        response = api.get(f"/reports/{tid}", **who)
        assert response.status_code == 200
        return response.json()["routing"]

    for member in (cast.national, cast.admin_a, cast.leader_a):
        shown = routing_for(token=member.token)
        assert shown["decision"] == "auto_dispatched" and shown["reason"] is None
    # another unit, agency B, other citizens, the public and the reporter see the published
    # report only
    for who in ({"token": cast.unit_a.token}, {"token": cast.admin_b.token},
                {"token": cast.citizen.token}, {}, {"pin": pin}):
        assert routing_for(**who) is None


def test_a_report_is_routed_once_unless_asked_again():
    report, _pin = submit(**POTHOLE)
    router = router_with_threshold(1.01)
    assert routing_services.report_route(report_id=report.pk, router=router) is not None
    assert routing_services.report_route(report_id=report.pk, router=router) is None
    again = routing_services.report_route(report_id=report.pk, router=router_with_threshold(0.0),
                                          again=True)
    assert again.decision == Decision.AUTO_DISPATCHED


def test_the_back_office_shows_the_suggestions_where_the_verifier_dispatches(cast):
    from django.test import Client
    from webutil import text

    report, _pin = submit(**POTHOLE)
    routing_services.report_route(report_id=report.pk, router=router_with_threshold(1.01))
    client = Client()
    client.force_login(cast.national.user)
    page = text(client.get(f"/kantor/laporan/{report.tracking_id}/"))
    assert "Saran pemilahan" in page and "pemkot-surabaya.dpupr" in page


@pytest.fixture
def small_history_limits(monkeypatch):
    from aduan.routing import store, training

    monkeypatch.setattr(training, "MIN_AGENCY_LABELS", 20)
    monkeypatch.setattr(training, "MIN_AGENCY_EXAMPLES", 3)
    yield
    store.forget()  # the models trained here are rolled back with the test


def test_the_agency_learnt_from_history_wins_where_it_is_sure_and_fits_the_place(
        cast, small_history_limits):
    from aduan.routing.models import ClassifierModel
    from aduan.routing.training import train

    # This city's verifiers send street-light reports to public works, not to transport.
    for i in range(14):
        lamp, _pin = submit(title=f"Lampu jalan mati {i}", body="Lampu PJU di gang mati total",
                            category="perhubungan", region_code="35.78.01")
        services.report_dispatch(caller=cast.national.caller, report=lamp,
                                 agency="pemkot-surabaya.dpupr")
        trash, _pin = submit(title=f"Sampah menumpuk {i}", body="Sampah tidak diangkut",
                             category="lingkungan", region_code="35.78.01")
        services.report_dispatch(caller=cast.national.caller, report=trash,
                                 agency="pemkot-surabaya.dlh")
    result = train(per_category=20)
    assert result.agency_model_id is not None
    assert ClassifierModel.objects.get(pk=result.agency_model_id).history_samples == 28
    router = Router.load()
    router.agency_model = copy.copy(router.agency_model)
    router.agency_model.threshold = 0.0
    # The history must be surer than the category's own route; with 14 identical reports the
    # category model can be calibrated to a confidence of 1.0 as well, so temper it here.
    router.category_model = copy.copy(router.category_model)
    router.category_model.temperature = 1.0
    here, elsewhere = router.route([
        RouteInput("lampu jalan mati di gang kami, Surabaya"),
        RouteInput("lampu jalan mati di gang kami, Kota Malang")])
    assert here.agency == "pemkot-surabaya.dpupr" and here.source == "history"
    assert elsewhere.agency == "pemkot-malang.dishub" and elsewhere.source == "rules"
