"""Follow-ups drafted by a unit and signed off by a liaison officer, where the agency requires it."""

import pytest
from conftest import _member, submit

from aduan.agencies.models import Agency, Role
from aduan.errors import Forbidden, InvalidTransition, ReportNotFound
from aduan.reports import services
from aduan.reports.access import View
from aduan.reports.models import DraftStatus, ReportEvent, ResponseDraft
from aduan.reports.presenters import caller_actions, events_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(cast):
    Agency.objects.filter(pk="pemkot-surabaya").update(requires_signoff=True)
    report, pin = submit()
    services.report_dispatch(caller=cast.national.caller, report=report,
                             agency="pemkot-surabaya.dinkes")
    report.refresh_from_db()
    return report, pin


@pytest.fixture
def liaison(db):
    return _member("liaison_a", "pemkot-surabaya", Role.LIAISON)


def test_a_unit_drafts_and_a_liaison_signs_off(cast, held, liaison):
    report, _pin = held
    assert "respond" not in caller_actions(cast.unit_a.caller, report)
    assert "draft_response" in caller_actions(cast.unit_a.caller, report)
    with pytest.raises(InvalidTransition) as exc:
        services.report_respond(caller=cast.unit_a.caller, report=report, message="Selesai.")
    assert exc.value.code == "signoff_required"
    draft = services.report_draft_response(caller=cast.unit_a.caller, report=report,
                                           message="Draf: obat sudah tersedia.")
    report.refresh_from_db()
    assert report.status == "dispatched" and draft.status == DraftStatus.PENDING
    assert caller_actions(liaison.caller, report) == ["sign_off", "return_draft"]
    # The public and the reporter do not see a draft.
    assert "Draf" not in str(events_for(report, View.PUBLIC) + events_for(report, View.REPORTER))
    services.report_sign_off(caller=liaison.caller, report=report)
    report.refresh_from_db()
    draft.refresh_from_db()
    assert report.status == "responded" and report.responded_at is not None
    assert draft.status == DraftStatus.SIGNED_OFF and draft.decided_by == liaison.user
    event = ReportEvent.objects.filter(report=report).last()
    assert event.action == "sign_off" and event.actor_role == "holder_liaison"
    assert event.visibility == "public" and event.message == "Draf: obat sudah tersedia."
    assert "Draf: obat" in str(events_for(report, View.PUBLIC))


def test_a_returned_draft_goes_back_with_the_reason(cast, held, liaison):
    report, _pin = held
    services.report_draft_response(caller=cast.unit_a.caller, report=report, message="v1")
    services.report_draft_response(caller=cast.unit_a.caller, report=report, message="v2")
    assert list(ResponseDraft.objects.filter(report=report).values_list("status", flat=True)
                .order_by("id")) == [DraftStatus.SUPERSEDED, DraftStatus.PENDING]
    services.report_return_draft(caller=liaison.caller, report=report,
                                 reason="Sebutkan tanggal ketersediaan obat.")
    report.refresh_from_db()
    assert report.status == "dispatched"
    assert ResponseDraft.objects.get(report=report, status=DraftStatus.RETURNED).decision_note
    with pytest.raises(InvalidTransition) as exc:
        services.report_sign_off(caller=liaison.caller, report=report)
    assert exc.value.code == "no_pending_draft"


def test_only_the_holders_liaison_signs_off(cast, held):
    report, _pin = held
    services.report_draft_response(caller=cast.unit_a.caller, report=report, message="Draf")
    outsider = _member("liaison_b", "pemprov-jawa-timur", Role.LIAISON)
    for caller in (outsider.caller, cast.unit_a.caller, cast.admin_a.caller):
        with pytest.raises((Forbidden, ReportNotFound)):
            services.report_sign_off(caller=caller, report=report)


def test_without_signoff_the_agency_responds_directly(cast, liaison):
    report, _pin = submit()
    services.report_dispatch(caller=cast.national.caller, report=report,
                             agency="pemkot-surabaya.dinkes")
    report.refresh_from_db()
    assert "draft_response" not in caller_actions(cast.unit_a.caller, report)
    with pytest.raises(InvalidTransition) as exc:
        services.report_draft_response(caller=cast.unit_a.caller, report=report, message="x")
    assert exc.value.code == "signoff_not_required"
    services.report_respond(caller=cast.unit_a.caller, report=report, message="Selesai.")


def test_the_api_refuses_a_direct_response_where_signoff_is_required(api, cast, held):
    report, _pin = held
    response = api.post(f"/reports/{report.tracking_id}/respond", {"message": "Selesai."},
                        token=cast.admin_a.token)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "signoff_required"


def test_the_api_drafts_signs_off_and_returns(api, cast, held, liaison):
    report, pin = held
    tid = report.tracking_id
    drafted = api.post(f"/reports/{tid}/draft-response", {"message": "Obat tersedia."},
                       token=cast.unit_a.token)
    assert drafted.status_code == 200 and drafted.json()["status"] == "dispatched"
    assert api.post(f"/reports/{tid}/sign-off", token=cast.unit_a.token).status_code == 403
    returned = api.post(f"/reports/{tid}/return-draft", {"reason": "Tambah tanggal."},
                        token=liaison.token)
    assert returned.status_code == 200
    assert api.post(f"/reports/{tid}/sign-off", token=liaison.token).json()["error"]["code"] \
        == "no_pending_draft"
    api.post(f"/reports/{tid}/draft-response", {"message": "Obat tersedia mulai Senin."},
             token=cast.unit_a.token)
    signed = api.post(f"/reports/{tid}/sign-off", {"note": "OK"}, token=liaison.token)
    assert signed.status_code == 200 and signed.json()["status"] == "responded"
    events = api.get(f"/reports/{tid}/events", pin=pin).json()["items"]
    assert events[-1]["action"] == "sign_off" and events[-1]["message"] == \
        "Obat tersedia mulai Senin."


def test_the_reporter_adds_information_through_the_api(api, cast):
    report, pin = submit()
    added = api.post(f"/reports/{report.tracking_id}/add-info", {"message": "Lokasi: depan pasar."},
                     pin=pin)
    assert added.status_code == 200 and added.json()["status"] == "submitted"
    assert api.post(f"/reports/{report.tracking_id}/add-info", {"message": "x"},
                    token=cast.admin_b.token).status_code == 404
