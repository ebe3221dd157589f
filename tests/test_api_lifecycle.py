"""The whole life cycle through /api/v1, and every status × action with real callers."""

import pytest
from conftest import submit
from expected import EXPECTED

from aduan.reports import services
from aduan.reports.callers import Caller
from aduan.reports.models import Report, ReportAccess, ReportEvent
from aduan.reports.workflow import Action, Status

pytestmark = pytest.mark.django_db

AGENCY_A_UNIT = "pemkot-surabaya.dpupr"
AGENCY_B_UNIT = "pemprov-jawa-timur.dpupr"


def actions_of(report):
    return list(ReportEvent.objects.filter(report=report).values_list("action", flat=True))


def test_the_whole_life_cycle(api, cast):
    created = api.post("/reports", {
        "kind": "complaint", "title": "Jalan provinsi rusak di Jl. Raya Waru",
        "body": "Ruas jalan rusak parah dekat perbatasan.", "category": "jalan_drainase",
        "region_code": "35.78.02", "reporter": {"name": "Siti", "email": "siti@contoh.id"}})
    assert created.status_code == 201
    tid, pin = created.json()["tracking_id"], created.json()["pin"]
    received = Report.objects.get(tracking_id=tid).received_at

    def staff(member, action, body=None):
        response = api.post(f"/reports/{tid}/{action}", body, token=member.token)
        assert response.status_code == 200, response.content
        return response.json()

    def reporter(action, body):
        response = api.post(f"/reports/{tid}/{action}", body, pin=pin)
        assert response.status_code == 200, response.content
        return response.json()

    assert staff(cast.national, "dispatch", {"agency": AGENCY_A_UNIT})["status"] == "dispatched"
    forwarded = staff(cast.admin_a, "forward", {
        "agency": AGENCY_B_UNIT, "reason": "Ruas ini jalan provinsi."})
    assert forwarded["holder"]["code"] == AGENCY_B_UNIT and forwarded["forward_count"] == 1
    # no wrong door: the clock keeps the original receipt time
    assert Report.objects.get(tracking_id=tid).received_at == received
    assert staff(cast.admin_b, "accept")["status"] == "in_progress"
    assert staff(cast.admin_b, "request-info", {"message": "Mohon foto lokasi."})["status"] \
        == "needs_info"
    assert reporter("info", {"message": "Foto terlampir di km 3."})["status"] == "in_progress"
    assert staff(cast.admin_b, "respond", {"message": "Sudah ditambal."})["status"] \
        == "responded"
    replied = reporter("reply", {"message": "Tambalan sudah lepas lagi."})
    assert replied["status"] == "in_progress" and replied["reopen_count"] == 1
    staff(cast.admin_b, "respond", {"message": "Sudah diaspal ulang."})
    closed = reporter("close", {"rating": 5, "comment": "Terima kasih."})
    assert closed["status"] == "closed" and closed["rating"] == 5

    report = Report.objects.get(tracking_id=tid)
    assert actions_of(report) == ["submit", "dispatch", "forward", "accept", "request_info",
                                  "provide_info", "respond", "reply", "respond", "close"]
    assert set(ReportAccess.objects.filter(report=report).values_list("agency", flat=True)) == {
        "pemkot-surabaya", AGENCY_A_UNIT, "pemprov-jawa-timur", AGENCY_B_UNIT}
    events = api.get(f"/reports/{tid}/events", pin=pin).json()["items"]
    assert [e["action"] for e in events] == actions_of(report)
    # The agency that forwarded can still read what it held; it can no longer act.
    assert api.get(f"/reports/{tid}", token=cast.admin_a.token).json()["allowed_actions"] == []


def test_return_and_archive_with_reasons(api, cast):
    report, _pin = submit()
    tid = report.tracking_id
    api.post(f"/reports/{tid}/dispatch", {"agency": AGENCY_A_UNIT}, token=cast.national.token)
    returned = api.post(f"/reports/{tid}/return", {"reason": "Bukan kewenangan kami; tidak "
                                                   "tahu siapa."}, token=cast.admin_a.token)
    assert returned.status_code == 200 and returned.json()["status"] == "submitted"
    assert returned.json()["holder"] is None
    bad = api.post(f"/reports/{tid}/archive", {"reason": "not_our_authority"},
                   token=cast.national.token, lang="en")
    assert bad.status_code == 422 and "out_of_scope" in bad.json()["error"]["message"]
    done = api.post(f"/reports/{tid}/archive", {"reason": "out_of_scope", "note": "Urusan "
                                                "perdata."}, token=cast.national.token)
    assert done.status_code == 200 and done.json()["archive_reason"] == "out_of_scope"
    reopened = api.post(f"/reports/{tid}/reopen", {"reason": "Salah arsip."},
                        token=cast.national.token)
    assert reopened.json()["status"] == "submitted"


def test_archive_as_duplicate_needs_the_original(api, cast):
    original, _ = submit()
    copy, _ = submit()
    response = api.post(f"/reports/{copy.tracking_id}/archive", {"reason": "duplicate"},
                        token=cast.national.token)
    assert response.status_code == 422
    response = api.post(f"/reports/{copy.tracking_id}/archive",
                        {"reason": "duplicate", "duplicate_of": original.tracking_id},
                        token=cast.national.token)
    assert response.status_code == 200
    assert Report.objects.get(pk=copy.pk).duplicate_of == original


def test_forward_needs_an_authorised_agency_outside_the_holder(api, cast):
    report, _ = submit()
    tid = report.tracking_id
    api.post(f"/reports/{tid}/dispatch", {"agency": "pemkot-surabaya"},
             token=cast.national.token)
    for agency, code in (("kemenpanrb", "not_authorised_agency"),
                         ("ombudsman", "not_authorised_agency"),
                         ("pemkot-surabaya.dpupr", "not_authorised_agency"),
                         ("tidak-ada", "invalid_input")):
        response = api.post(f"/reports/{tid}/forward", {"agency": agency, "reason": "x"},
                            token=cast.admin_a.token)
        assert response.status_code == 422, agency
        assert response.json()["error"]["code"] == code
    missing_reason = api.post(f"/reports/{tid}/forward", {"agency": AGENCY_B_UNIT},
                              token=cast.admin_a.token)
    assert missing_reason.status_code == 422
    internal = api.post(f"/reports/{tid}/dispatch-internal", {"agency": AGENCY_B_UNIT},
                        token=cast.admin_a.token)
    assert internal.status_code == 422
    assert internal.json()["error"]["code"] == "not_authorised_agency"
    assert actions_of(report) == ["submit", "dispatch"]


def test_forward_past_the_limit_alerts_the_national_admin(api, cast, settings):
    from aduan.channels.models import OutboundMessage

    settings.ADUAN = {**settings.ADUAN, "FORWARD_ALERT_LIMIT": 1}
    report, _ = submit()
    tid = report.tracking_id
    api.post(f"/reports/{tid}/dispatch", {"agency": AGENCY_A_UNIT}, token=cast.national.token)
    api.post(f"/reports/{tid}/forward", {"agency": AGENCY_B_UNIT, "reason": "provinsi"},
             token=cast.admin_a.token)
    assert not OutboundMessage.objects.filter(purpose="alert_forward_limit").exists()
    api.post(f"/reports/{tid}/forward", {"agency": AGENCY_A_UNIT, "reason": "kota"},
             token=cast.admin_b.token)
    alert = OutboundMessage.objects.get(purpose="alert_forward_limit")
    assert alert.recipient == "national@aduan.test"


def test_privacy_can_only_be_made_stricter(api, cast):
    report, _ = submit()
    tid = report.tracking_id
    looser = api.post(f"/reports/{tid}/restrict", {"confidential": False},
                      token=cast.national.token)
    assert looser.status_code == 422
    stricter = api.post(f"/reports/{tid}/restrict", {"anonymous": True, "confidential": True},
                        token=cast.national.token)
    assert stricter.status_code == 200
    assert stricter.json()["anonymous"] and stricter.json()["confidential"]
    assert actions_of(report) == ["submit", "restrict"]


def test_pin_attempts_past_the_limit_need_a_solved_challenge(api, cast, settings):
    from aduan.accounts.challenge import challenge_solve

    settings.ADUAN = {**settings.ADUAN, "RATE_LIMIT_OVERRIDES": {"pin_report": (3, 900)},
                      "CHALLENGE_MAX_NUMBER": 500}
    report, pin = submit()
    tid = report.tracking_id
    api.post(f"/reports/{tid}/dispatch", {"agency": AGENCY_A_UNIT}, token=cast.national.token)
    for _ in range(3):
        assert api.get(f"/reports/{tid}", pin="00000000").status_code == 401
    refused = api.get(f"/reports/{tid}", pin=pin)
    assert refused.status_code == 429
    error = refused.json()["error"]
    assert error["code"] == "challenge_required"
    proof = challenge_solve(error["challenge"])
    ok = api.client.get(f"/api/v1/reports/{tid}", HTTP_X_REPORT_PIN=pin, HTTP_X_ADUAN_PROOF=proof)
    assert ok.status_code == 200


def test_wrong_pin_on_a_confidential_report_is_404(api, cast):
    report, _ = submit(confidential=True)
    response = api.get(f"/reports/{report.tracking_id}", pin="00000000")
    assert response.status_code == 404


# --- every status × action through the API -----------------------------------------


def report_in(status: str, cast) -> tuple[Report, str]:
    """A report in ``status``, held (where it is held) by agency A's root."""
    report, pin = submit(agency="pemkot-surabaya")
    national, admin_a = cast.national.caller, cast.admin_a.caller
    reporter = Caller(pin_report_id=report.pk)
    if status == Status.SUBMITTED:
        return report, pin
    report = services.report_dispatch(caller=national, report=report, agency="pemkot-surabaya")
    steps = {
        Status.NEEDS_INFO: [lambda r: services.report_request_info(
            caller=admin_a, report=r, message="Mohon data tambahan.")],
        Status.IN_PROGRESS: [lambda r: services.report_accept(caller=admin_a, report=r)],
        Status.RESPONDED: [lambda r: services.report_respond(
            caller=admin_a, report=r, message="Sudah ditangani.")],
        Status.CLOSED: [lambda r: services.report_respond(caller=admin_a, report=r,
                                                          message="Selesai."),
                        lambda r: services.report_close(caller=reporter, report=r, rating=4)],
        Status.ARCHIVED: [lambda r: services.report_archive(caller=national, report=r,
                                                            reason="spam")],
    }
    for step in steps.get(status, []):
        report = step(report)
    assert report.status == status
    return report, pin


# action -> (url, body, who)
CALLS = {
    Action.DISPATCH: ("dispatch", {"agency": AGENCY_A_UNIT}, "national"),
    Action.FORWARD: ("forward", {"agency": AGENCY_B_UNIT, "reason": "Kewenangan provinsi."},
                     "admin_a"),
    Action.RETURN: ("return", {"reason": "Tidak tahu siapa yang berwenang."}, "admin_a"),
    Action.DISPATCH_INTERNAL: ("dispatch-internal", {"agency": AGENCY_A_UNIT}, "admin_a"),
    Action.ACCEPT: ("accept", None, "admin_a"),
    Action.REQUEST_INFO: ("request-info", {"message": "Mohon foto."}, "national"),
    Action.PROVIDE_INFO: ("info", {"message": "Ini fotonya."}, "pin"),
    Action.RESPOND: ("respond", {"message": "Sudah diperbaiki."}, "admin_a"),
    Action.REPLY: ("reply", {"message": "Belum beres."}, "pin"),
    Action.CLOSE: ("close", {"rating": 5}, "pin"),
    Action.ARCHIVE: ("archive", {"reason": "spam"}, "national"),
    Action.REOPEN: ("reopen", {"reason": "Perlu ditinjau."}, "national"),
    Action.RESTRICT: ("restrict", {"confidential": True}, "national"),
}


@pytest.mark.parametrize("status", Status.values)
def test_every_status_and_action_through_the_api(api, cast, status):
    for action, (url, body, who) in CALLS.items():
        report, pin = report_in(status, cast)
        before = ReportEvent.objects.filter(report=report).count()
        auth = {"pin": pin} if who == "pin" else {"token": getattr(cast, who).token}
        response = api.post(f"/reports/{report.tracking_id}/{url}", body, **auth)
        expected = EXPECTED.get((status, action))
        after = ReportEvent.objects.filter(report=report).count()
        if expected is None:
            assert response.status_code == 409, (status, action, response.content)
            assert response.json()["error"]["code"] == "invalid_transition"
            assert after == before
        else:
            assert response.status_code == 200, (status, action, response.content)
            assert after == before + 1
            new_status = Report.objects.get(pk=report.pk).status
            if expected not in ("previous", "reopened"):
                assert new_status == expected, (status, action)
            assert response.json()["status"] == new_status


def test_wrong_roles_are_refused(api, cast):
    report, pin = report_in(Status.DISPATCHED, cast)
    tid = report.tracking_id
    # the reporter may not act for the agency, and staff may not act for the reporter
    assert api.post(f"/reports/{tid}/accept", pin=pin).status_code == 403
    assert api.post(f"/reports/{tid}/respond", {"message": "x"},
                    token=cast.leader_a.token).status_code == 403
    responded, pin2 = report_in(Status.RESPONDED, cast)
    assert api.post(f"/reports/{responded.tracking_id}/close", {"rating": 5},
                    token=cast.admin_a.token).status_code == 403
    # nobody at all: the report is published, so they must authenticate
    assert api.post(f"/reports/{tid}/accept").status_code == 401
    # another agency sees the published report but may not act on it...
    assert api.post(f"/reports/{tid}/accept", token=cast.admin_b.token).status_code == 403
    # ...and never learns that a confidential one exists: 404, not 403
    services.report_restrict(caller=cast.national.caller, report=report, confidential=True)
    assert api.post(f"/reports/{tid}/accept", token=cast.admin_b.token).status_code == 404
    # without any credentials every ID answers 401 alike, known or not, before the body
    assert api.post(f"/reports/{tid}/accept").status_code == 401
    assert api.post("/reports/ZZZZZZZZZ/accept").status_code == 401


def test_rating_must_be_1_to_5(api, cast):
    report, pin = report_in(Status.RESPONDED, cast)
    for rating in (0, 6, "5", 4.5, None):
        response = api.post(f"/reports/{report.tracking_id}/close", {"rating": rating}, pin=pin)
        assert response.status_code == 422, rating
    assert Report.objects.get(pk=report.pk).status == Status.RESPONDED


def test_events_are_append_only(cast):
    report, _ = submit()
    event = ReportEvent.objects.get(report=report)
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()
    from django.db import IntegrityError, InternalError, OperationalError, transaction

    with pytest.raises((IntegrityError, InternalError, OperationalError)):
        with transaction.atomic():
            ReportEvent.objects.filter(pk=event.pk).update(message="rewritten")


BAD_ACTION_BODIES = [
    ("dispatch", {}), ("dispatch", {"agency": ""}), ("dispatch", {"agency": 5}),
    ("dispatch", {"agency": "pemkot-surabaya", "extra": 1}),
    ("forward", {"agency": AGENCY_B_UNIT, "reason": ""}), ("forward", {"reason": "x"}),
    ("dispatch-internal", {"unit": AGENCY_A_UNIT}),
    ("request-info", {"message": ""}), ("request-info", {"message": "x" * 10_001}),
    ("respond", {}), ("respond", {"message": ["a"]}),
    ("archive", {"reason": ""}), ("archive", {"reason": "spam", "note": "x" * 2001}),
    ("reopen", {}), ("restrict", {"anonymous": "yes"}), ("return", {"reason": 7}),
]


@pytest.mark.parametrize("url,body", BAD_ACTION_BODIES)
def test_bad_action_bodies_are_refused_and_change_nothing(api, cast, url, body):
    report, _pin = report_in(Status.DISPATCHED, cast)
    before = (Report.objects.get(pk=report.pk).status, ReportEvent.objects.count())
    response = api.post(f"/reports/{report.tracking_id}/{url}", body, token=cast.national.token)
    assert response.status_code == 422, response.content
    assert response.json()["error"]["code"] == "invalid_input"
    assert (Report.objects.get(pk=report.pk).status, ReportEvent.objects.count()) == before


@pytest.mark.parametrize("url,body", [("info", {"message": ""}), ("reply", {}),
                                      ("close", {"rating": 5, "comment": "x" * 2001})])
def test_bad_reporter_bodies_are_refused(api, cast, url, body):
    report, pin = report_in(Status.RESPONDED, cast)
    response = api.post(f"/reports/{report.tracking_id}/{url}", body, pin=pin)
    assert response.status_code == 422


def test_listing_filters_and_pagination(api, cast):
    made = []
    for category, region in (("kesehatan", "35.78.01"), ("lingkungan", "35.78.02"),
                             ("kesehatan", "64.72")):
        report, _ = submit(category=category, region_code=region)
        services.report_dispatch(caller=cast.national.caller, report=report,
                                 agency="pemkot-surabaya")
        made.append(report.tracking_id)

    def ids(**params):
        response = api.get("/reports", **params)
        assert response.status_code == 200, response.content
        return [item["tracking_id"] for item in response.json()["items"]]

    assert ids() == made[::-1]
    assert ids(category="kesehatan") == [made[2], made[0]]
    assert ids(region="35.78") == [made[1], made[0]]
    assert ids(region="35.78.01") == [made[0]]
    assert ids(region="64") == [made[2]]
    assert ids(agency="pemkot-surabaya") == made[::-1]
    assert ids(agency="pemprov-jawa-timur") == []
    assert ids(status="dispatched") == made[::-1]
    first = api.get("/reports", limit=2).json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    second = api.get("/reports", limit=2, cursor=first["next_cursor"]).json()
    assert [i["tracking_id"] for i in second["items"]] == [made[0]]
    assert second["next_cursor"] is None
    for bad in ({"status": "open"}, {"cursor": "!!!"}, {"limit": 0}, {"limit": 101},
                {"scope": "everything"}, {"agency": "tidak-ada"}):
        assert api.get("/reports", **bad).status_code == 422, bad
