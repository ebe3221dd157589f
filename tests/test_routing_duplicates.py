"""Similar reports at intake, support instead of a new report, duplicates and related links.

Suggestions never leak: the public is offered only published, non-confidential reports,
redacted, without any reporter; staff see only what their agencies may read.
"""

import pytest
from conftest import submit

from aduan.reports import services
from aduan.reports.models import ReportEvent

pytestmark = pytest.mark.django_db

TEXT = "Sampah menumpuk di TPS pasar tidak diangkut sudah seminggu, bau busuk"


@pytest.fixture
def garbage(cast):
    """Open reports about the same TPS: public, confidential, anonymous, and not yet dispatched."""
    made = {}
    for name, extra in (("public", {}), ("confidential", {"confidential": True}),
                        ("anonymous", {"anonymous": True, "reporter_name": "Rahasia Sekali"}),
                        ("waiting", {})):
        report, _pin = submit(title="Sampah TPS pasar tidak diangkut",
                              body="Sampah menumpuk di TPS pasar, bau busuk, hubungi "
                                   "0812-3456-7890",
                              category="lingkungan", region_code="35.78.01", **extra)
        if name != "waiting":
            services.report_dispatch(caller=cast.national.caller, report=report,
                                     agency="pemkot-surabaya.dlh")
        made[name] = report
    made["other"], _pin = submit(title="KTP belum jadi", body="e-KTP belum dicetak",
                                 category="kependudukan", region_code="35.78.01")
    return made


def similar(api, token=None, **params):
    response = api.get("/reports/similar", token=token, **params)
    assert response.status_code == 200, response.content
    return response.json()["items"]


def test_the_public_is_offered_only_published_open_reports_without_personal_data(api, garbage):
    items = similar(api, text=TEXT, region_code="35.78.01")
    ids = [item["tracking_id"] for item in items]
    assert set(ids) == {garbage["public"].tracking_id, garbage["anonymous"].tracking_id}
    assert items[0]["score"] > 0.12
    raw = str(items)
    assert "0812" not in raw and "Rahasia Sekali" not in raw and "reporter" not in raw


def test_place_and_category_are_guessed_from_the_text_when_the_form_is_empty(api, garbage):
    items = similar(api, text="sampah di TPS pasar tidak diangkut, Surabaya")
    assert garbage["public"].tracking_id in {item["tracking_id"] for item in items}
    assert api.get("/reports/similar", text="ab").status_code == 422


def test_staff_see_what_their_agencies_may_read(api, cast, garbage):
    national = {i["tracking_id"] for i in similar(api, cast.national.token, text=TEXT,
                                                  region_code="35.78.01")}
    assert {garbage[n].tracking_id for n in ("public", "confidential", "anonymous", "waiting")} \
        <= national
    agency_b = {i["tracking_id"] for i in similar(api, cast.admin_b.token, text=TEXT,
                                                  region_code="35.78.01")}
    assert agency_b == set()
    duplicates = api.get(f"/reports/{garbage['public'].tracking_id}/similar",
                         token=cast.admin_a.token)
    assert duplicates.status_code == 200
    found = {i["tracking_id"] for i in duplicates.json()["items"]}
    assert garbage["confidential"].tracking_id in found
    assert garbage["public"].tracking_id not in found and garbage["other"].tracking_id not in found
    assert api.get(f"/reports/{garbage['public'].tracking_id}/similar",
                   token=cast.citizen.token).status_code == 403


def test_a_citizen_supports_once_and_the_count_is_public(api, cast, garbage):
    tid = garbage["public"].tracking_id
    assert api.post(f"/reports/{tid}/support").status_code == 401
    first = api.post(f"/reports/{tid}/support", token=cast.citizen.token)
    again = api.post(f"/reports/{tid}/support", token=cast.citizen.token)
    assert first.json() == again.json() == {"tracking_id": tid, "support_count": 1}
    assert api.get(f"/reports/{tid}").json()["support_count"] == 1
    # what the citizen may not see stays unknown
    assert api.post(f"/reports/{garbage['confidential'].tracking_id}/support",
                    token=cast.citizen.token).status_code == 404
    assert api.post(f"/reports/{tid}/support", token=cast.admin_a.token).status_code == 403


def test_a_duplicate_is_archived_with_a_link_and_counts_as_support(api, cast, garbage):
    original, copy = garbage["public"], garbage["waiting"]
    response = api.post(f"/reports/{copy.tracking_id}/archive",
                        {"reason": "duplicate", "duplicate_of": original.tracking_id},
                        token=cast.national.token)
    assert response.status_code == 200
    assert response.json()["duplicate_of"] == original.tracking_id
    assert api.get(f"/reports/{original.tracking_id}").json()["support_count"] == 1
    # an agency cannot name an original it may not see
    hidden = api.post(f"/reports/{garbage['anonymous'].tracking_id}/archive",
                      {"reason": "duplicate", "duplicate_of": garbage["other"].tracking_id},
                      token=cast.admin_a.token)
    assert hidden.status_code == 422


def test_staff_link_related_reports_and_only_visible_links_are_shown(api, cast, garbage):
    public, confidential = garbage["public"], garbage["confidential"]
    response = api.post(f"/reports/{public.tracking_id}/link",
                        {"other": confidential.tracking_id}, token=cast.admin_a.token)
    assert response.status_code == 200 and response.json()["related"] == [confidential.tracking_id]
    again = api.post(f"/reports/{confidential.tracking_id}/link", {"other": public.tracking_id},
                     token=cast.admin_a.token)
    assert again.json()["related"] == [public.tracking_id]
    assert ReportEvent.objects.filter(action="link").count() == 2  # one per report, once
    assert api.get(f"/reports/{public.tracking_id}").json()["related"] == []
    assert api.post(f"/reports/{public.tracking_id}/link", {"other": garbage["other"].tracking_id},
                    token=cast.admin_a.token).status_code == 422
    # a citizen may not link at all: refused before the other report is even looked up
    assert api.post(f"/reports/{public.tracking_id}/link",
                    {"other": garbage["anonymous"].tracking_id},
                    token=cast.citizen.token).status_code == 403
    assert api.post(f"/reports/{public.tracking_id}/link", {"other": confidential.tracking_id},
                    token=cast.citizen.token).status_code == 403
