"""The monthly report for an agency's leaders: the month's measures (every report of the
subtree counted, no content), its categories, the month before, the predikat; as data for
a printable page and as an XLSX workbook; and the monthly sending of its link.
"""

from datetime import date
from io import BytesIO

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.styles import Font

from aduan.agencies.models import Agency, Category, Membership, Role
from aduan.channels.messages import Recipient, compose, send

from . import selectors
from .measures import BY_CODE, MEASURES, OVERDUE
from .models import LeaderReport
from .predikat import grade, scheme_active

_MESSAGE = (_("Monthly report %(month)s: %(agency)s"), _(
    "The monthly complaint-handling report of %(agency)s for %(month)s is ready: %(url)s\n"
    "It opens after you log in to the back office."))


def previous_month(day: date) -> date:
    return date(day.year - (day.month == 1), (day.month - 2) % 12 + 1, 1)


def leader_report_data(agency: Agency, month: date) -> dict:
    subject = selectors.Subject("agency", agency.code, agency.name, agency.path)
    period = selectors.Period(month, month)
    before = selectors.Period(previous_month(month), previous_month(month))
    values = selectors.measures(subject, period, public=False)
    earlier = selectors.measures(subject, before, public=False)
    names = dict(Category.objects.values_list("code", "name"))
    categories = selectors.breakdown(subject, period, False, "category")
    return {
        "agency": agency, "month": month, "grade": grade(values, scheme_active()),
        "rows": [{"code": m.code, "label": m.label, "value": values.get(m.code),
                  "before": earlier.get(m.code)} for m in [*MEASURES, OVERDUE]],
        "categories": sorted(((names.get(c, c or "-"), v) for c, v in categories.items()),
                             key=lambda kv: -kv[1]["received"]),
    }


def leader_report_xlsx(data: dict) -> bytes:
    """The report as a workbook: a summary sheet and a category sheet."""
    book = Workbook()
    sheet = book.active
    sheet.title = str(_("Summary"))[:31]
    sheet.append([data["agency"].name, f"{data['month']:%Y-%m}"])
    sheet["A1"].font = Font(bold=True)
    g = data["grade"]
    sheet.append([str(_("Predikat")), str(g.label), g.score, f"v{g.version}"])
    sheet.append([str(_("Measure")), str(_("This month")), str(_("Month before")), "code"])
    for row in data["rows"]:
        sheet.append([str(row["label"]), row["value"], row["before"], row["code"]])
    cats = book.create_sheet(str(_("Categories"))[:31])
    cats.append([str(_("Category")), str(BY_CODE["received"].label),
                 str(BY_CODE["closed"].label), str(BY_CODE["pct_followup_on_time"].label)])
    for name, values in data["categories"]:
        cats.append([name, values["received"], values["closed"], values["pct_followup_on_time"]])
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _leaders() -> dict[str, list[Recipient]]:
    by_agency: dict[str, list[Recipient]] = {}
    for code, user_id, email in Membership.objects.filter(
            role=Role.LEADER, agency__active=True, user__is_active=True).values_list(
            "agency_id", "user_id", "user__email"):
        by_agency.setdefault(code, []).append(Recipient(user_id, email))
    return by_agency


def leader_reports_send(month: date | None = None) -> int:
    """Send last month's report link to every agency's leaders once; return agencies sent to."""
    month = month or previous_month(timezone.localdate().replace(day=1))
    sent = 0
    for code, recipients in _leaders().items():
        agency = Agency.objects.get(code=code)
        url = settings.SITE_URL + reverse("backoffice:leader_report",
                                          kwargs={"code": code, "month": f"{month:%Y-%m}"})
        try:
            with transaction.atomic():
                LeaderReport.objects.create(agency=agency, month=month, recipients=len(recipients))
                with translation.override("id"):
                    send([compose(recipients, _MESSAGE, {"agency": agency.name, "url": url,
                                                         "month": f"{month:%Y-%m}"},
                                  purpose="leader_report")])
        except IntegrityError:
            continue  # already sent for this month (another worker, or a re-run)
        sent += 1
    return sent
