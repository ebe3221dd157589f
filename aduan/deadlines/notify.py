"""Who hears about a sweep's events, in bulk: one outbox message per event and recipient.

Level 1 goes to the leaders of the holding agency (and of the agencies above
it), level 2 to the national admins, level 3 to the Ombudsman's supervisors.
Reminders go to the holder's admins (the national admins while a report waits
for verification). Reporters hear that their report was closed or archived.
"""

from collections import defaultdict
from datetime import datetime

from django.conf import settings
from django.db import connection
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from aduan.agencies.models import Agency, AgencyKind, Membership, Role
from aduan.channels.models import OutboundChannel
from aduan.channels.outbox import outbox_add_many
from aduan.lib.tracking import display
from aduan.reports.models import Report, ReportAccess
from aduan.reports.workflow import Action

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


def _translations(template) -> tuple[str, ...]:
    """The template in Indonesian and English (once per batch, not once per message)."""
    texts = []
    for language in ("id", "en"):
        with translation.override(language):
            texts.append(str(template))
    return tuple(dict.fromkeys(texts))  # one copy when both read the same


def _fill(texts: tuple[str, ...], context: dict) -> str:
    return "\n\n".join(text % context for text in texts)


def _emails(role: str, agencies=None, kind: str | None = None) -> dict[str, set[str]]:
    """{agency path: e-mails} of active members with ``role``."""
    members = Membership.objects.filter(role=role, user__is_active=True).exclude(user__email="")
    if agencies is not None:
        members = members.filter(agency__in=agencies)
    if kind:
        members = members.filter(agency__kind=kind)
    found: dict[str, set[str]] = defaultdict(set)
    for path, email in members.values_list("agency__path", "user__email"):
        found[path].add(email)
    return found


def _chain_recipients(holders: set[str], role: str) -> dict[str | None, set[str]]:
    """{holder code: e-mails of ``role`` members at the holder or above it}."""
    paths = dict(Agency.objects.filter(pk__in=holders).values_list("code", "path"))
    ancestors = {code for path in paths.values() for code in path.split("/") if code}
    by_path = _emails(role, agencies=ancestors)
    return {holder: set().union(*[emails for p, emails in by_path.items() if path.startswith(p)])
            for holder, path in paths.items()}


def _national_admins() -> set[str]:
    return set().union(*_emails(Role.NATIONAL_ADMIN).values())


def _queue(rows, recipients_of, template, context_of, purpose: str) -> None:
    """Rows are (report id, status, holder code, tracking ID, event id)."""
    url = f"{settings.SITE_URL}/kantor/"
    subjects, bodies = _translations(template[0]), _translations(template[1])
    messages = []
    for row in rows:
        recipients = recipients_of(row)
        if not recipients:
            continue
        context = {"id": display(row[3]), "url": url, **context_of(row)}
        subject, body = subjects[0] % context, _fill(bodies, context)
        for email in sorted(recipients):
            messages.append({"channel": OutboundChannel.EMAIL, "recipient": email,
                             "subject": subject, "body": body, "purpose": purpose,
                             "event_id": row[4]})
    outbox_add_many(messages)


def escalated(rows: list[tuple], level: int) -> None:
    if not rows:
        return
    if level >= 3:
        supervisors = set().union(*_emails(Role.SUPERVISOR, kind=AgencyKind.SUPERVISOR).values())
        recipients = lambda row: supervisors  # noqa: E731
    elif level == 2:
        admins = _national_admins()
        recipients = lambda row: admins  # noqa: E731
    else:
        leaders = _chain_recipients({row[2] for row in rows if row[2]}, Role.LEADER)
        admins = _national_admins()
        recipients = lambda row: leaders.get(row[2], set()) if row[2] else admins  # noqa: E731
    _queue(rows, recipients, _ESCALATED, lambda row: {"level": level},
           f"escalation_{level}")


def reminded(rows: list[tuple], timer: str) -> None:
    if not rows:
        return
    holders = _chain_recipients({row[2] for row in rows if row[2]}, Role.AGENCY_ADMIN)
    admins = _national_admins()
    from .models import Timer

    label = str(Timer(timer).label)
    _queue(rows, lambda row: holders.get(row[2], set()) if row[2] else admins,
           _REMINDER, lambda row: {"timer": label}, f"reminder_{timer}")


def to_reporters(rows: list[tuple], action: str) -> None:
    if not rows:
        return
    emails = {}
    for pk, email, account_email in Report.objects.filter(pk__in=[r[0] for r in rows]) \
            .values_list("pk", "reporter_email", "reporter__email"):
        if email or account_email:
            emails[pk] = {email or account_email}
    _queue(rows, lambda row: emails.get(row[0], set()), _REPORTER[action],
           lambda row: {}, f"report_{action}_auto")


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
    supervisors = list(Agency.objects.filter(kind=AgencyKind.SUPERVISOR, active=True)
                       .values_list("code", flat=True))
    ReportAccess.objects.bulk_create(
        [ReportAccess(report_id=pk, agency_id=code, granted_at=now)
         for pk in report_ids for code in supervisors], batch_size=2000, ignore_conflicts=True)
