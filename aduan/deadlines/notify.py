"""Who hears about a sweep's events: one message per event and recipient, in bulk.

Level 1 goes to the leaders of the holding agency (and of the agencies above
it), level 2 to the national admins, level 3 to the Ombudsman's supervisors.
Reminders go to the holder's admins (the national admins while a report waits
for verification). Staff get an e-mail and a back-office notice; reporters
hear by e-mail that their report was closed or archived.

Rows are the sweep's (report id, status, holder code, tracking ID, event id, reporter's
e-mail).
"""

from datetime import datetime

from django.conf import settings
from django.db import connection
from django.utils.translation import gettext_lazy as _

from aduan.agencies.models import Agency, AgencyKind, Role
from aduan.agencies.selectors import members_above, national_admins, supervisors
from aduan.channels.messages import Message, Recipient, bilingual, fill, send
from aduan.lib.tracking import display
from aduan.push.services import push_queue
from aduan.reports.notifications import push_note
from aduan.reports.models import Report, ReportAccess
from aduan.reports.workflow import Action

from .models import Timer

_ESCALATED = (_("Report %(id)s is overdue (escalation level %(level)d)"),
              _("Report %(id)s has missed its deadline and is escalated to level %(level)d. "
                "Please see that it is followed up: %(url)s"))
_REMINDER = (_("Report %(id)s is due soon"),
             _("The %(timer)s deadline of report %(id)s falls within one working day. %(url)s"))
_REPORTER = {
    Action.CLOSE: (_("Report %(id)s completed"),
                   _("You did not reply to the follow-up on report %(id)s within the reply "
                     "window, so it is now completed. Thank you.")),
    Action.ARCHIVE: (_("Report %(id)s archived"),
                     _("The information requested for report %(id)s did not arrive in time, so "
                       "it is archived. You can file a new report with the information.")),
}


def _send(rows, recipients_of, template, extra: dict, purpose: str, url: str) -> None:
    subjects, bodies = bilingual(template[0]), bilingual(template[1])
    messages = []
    for row in rows:
        recipients = recipients_of(row)
        if recipients:
            context = {"id": display(row[3]), "url": url, **extra}
            messages.append(Message(frozenset(Recipient(*r) for r in recipients),
                                    subjects[0] % context, fill(bodies, context), purpose, row[4]))
    send(messages)


def _staff(rows, recipients_of, template, extra: dict, purpose: str) -> None:
    _send(rows, recipients_of, template, extra, purpose, f"{settings.SITE_URL}/kantor/")


def _by_holder(by_holder: dict, fallback: set):
    """Recipients for the row's holder; the national admins while nobody holds the report."""
    return lambda row: by_holder.get(row[2], set()) if row[2] else fallback


def escalated(rows: list[tuple], level: int) -> None:
    if not rows:
        return
    if level >= 3:
        everyone = supervisors()
        recipients = lambda row: everyone  # noqa: E731 - the same people for every row
    elif level == 2:
        everyone = national_admins()
        recipients = lambda row: everyone  # noqa: E731
    else:
        leaders = members_above({row[2] for row in rows if row[2]}, Role.LEADER)
        recipients = _by_holder(leaders, national_admins())
    _staff(rows, recipients, _ESCALATED, {"level": level}, f"escalation_{level}")


def reminded(rows: list[tuple], timer: str) -> None:
    if not rows:
        return
    admins = members_above({row[2] for row in rows if row[2]}, Role.AGENCY_ADMIN)
    _staff(rows, _by_holder(admins, national_admins()), _REMINDER,
           {"timer": str(Timer(timer).label)}, f"reminder_{timer}")


def to_reporters(rows: list[tuple], action: str) -> None:
    """Rows carry the reporter's e-mail last (the report's own, else their account's)."""
    if not rows:
        return
    purpose = f"report_{action}_auto"
    _send(rows, lambda row: {(None, row[5])} if row[5] else None, _REPORTER[action], {},
          purpose, f"{settings.SITE_URL}/lacak/")
    if action == Action.CLOSE:
        accounts = {}
        ids = [row[0] for row in rows]
        for start in range(0, len(ids), 5000):
            accounts.update(Report.objects.filter(pk__in=ids[start:start + 5000],
                                                  reporter__isnull=False)
                            .values_list("pk", "reporter_id"))
        _push(rows, accounts, _REPORTER[action], purpose)


def _push(rows: list[tuple], accounts: dict, template, purpose: str) -> None:
    """A closure also reaches the devices the reporter allowed to be notified."""
    subject, body = bilingual(template[0])[0], bilingual(template[1])[0]
    push_queue([push_note(row[0], accounts.get(row[0]), subject % {"id": display(row[3])},
                          body % {"id": display(row[3])}, purpose, row[4]) for row in rows])


def grant_supervisor(report_ids: list[int], now: datetime) -> None:
    """A referral lets the Ombudsman read the report from now on (DESIGN §1)."""
    if not report_ids:
        return
    if connection.vendor == "postgresql":  # one statement, whatever the number of reports
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO reports_reportaccess (report_id, agency_id, granted_at) "
                "SELECT r.id, a.code, %s FROM unnest(%s::bigint[]) AS r(id) CROSS JOIN "
                "agencies_agency a WHERE a.kind = %s AND a.active "
                "ON CONFLICT (report_id, agency_id) DO NOTHING",
                [now, report_ids, AgencyKind.SUPERVISOR])
        return
    codes = list(Agency.objects.filter(kind=AgencyKind.SUPERVISOR, active=True)
                 .values_list("code", flat=True))
    ReportAccess.objects.bulk_create(
        [ReportAccess(report_id=pk, agency_id=code, granted_at=now)
         for pk in report_ids for code in codes], batch_size=2000, ignore_conflicts=True)
