"""Who may see and do what with a report: the one place these rules live.

The API, the portal and the back office load reports only through these
functions. A report the caller may not know exists raises ``ReportNotFound``
(404), never a 403: a confidential report's existence is itself protected.

What the rules are asked about lives beside them: the caller (``callers``), the
data subject a privacy request proves (``subjects``) and the agency's sign-off
configuration (``policy``).
"""

from datetime import timedelta
from enum import IntEnum

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from aduan.accounts.audit import AuditAction, audit_once_per
from aduan.agencies.models import Role
from aduan.errors import Forbidden, NotFound, ReportNotFound, Unauthenticated
from aduan.lib import tracking

from .callers import Caller
from .models import PUBLIC_Q, Attachment, Report, ReportAccess, Visibility
from .subjects import DataSubject
from .workflow import Actor

# Roles that read the reports their agencies hold or held.
READER_ROLES = frozenset({Role.AGENCY_ADMIN, Role.UNIT_ADMIN, Role.LIAISON, Role.LEADER,
                          Role.SUPERVISOR})
# Escalation level at which a report is referred to the supervisor (Ombudsman).
SUPERVISOR_LEVEL = 3


CONFIDENTIAL_READ_WINDOW = timedelta(minutes=1)


class View(IntEnum):
    """How much of a report a caller sees, from least to most."""

    PUBLIC = 0
    REPORTER = 1
    # An agency the report was forwarded away from: what it saw up to the forward
    # (``former_cutoff``), plus the status and the current holder's name (ADR 0008).
    FORMER = 2
    STAFF = 3
    NATIONAL = 4


def client_may_submit(caller: Caller) -> bool:
    """Staff, reporters and the public submit freely; a partner needs ``reports:submit``."""
    return caller.client is None or "reports:submit" in caller.scopes


def _holds(caller: Caller, report: Report, roles: set[str]) -> bool:
    if report.holder_id is None:
        return False
    path = report.holder.path
    return any(g.role in roles and path.startswith(g.agency_path) for g in caller.grants)


def is_reporter(caller: Caller, report: Report) -> bool:
    if caller.pin_report_id is not None and caller.pin_report_id == report.pk:
        return True
    return caller.user is not None and report.reporter_id == caller.user.pk


def _supervises(caller: Caller, report: Report) -> bool:
    # DESIGN: the supervisor (Ombudsman) reads a report from its referral, escalation
    # level 3, not as soon as a deadline passes.
    return caller.has_role(Role.SUPERVISOR) and report.escalation_level >= SUPERVISOR_LEVEL


def relations(caller: Caller, report: Report) -> set[str]:
    """The caller's relations to the report, as workflow ``Actor`` values."""
    found: set[str] = set()
    if is_reporter(caller, report):
        found.add(Actor.REPORTER)
    if caller.is_national_admin:
        found.add(Actor.NATIONAL_ADMIN)
    if _holds(caller, report, {Role.AGENCY_ADMIN}):
        found.add(Actor.HOLDER_ADMIN)
    if _holds(caller, report, {Role.UNIT_ADMIN}):
        found.add(Actor.HOLDER_STAFF)
    if _holds(caller, report, {Role.LIAISON}):
        found.add(Actor.HOLDER_LIAISON)
    if _supervises(caller, report):
        found.add(Actor.SUPERVISOR)
    return found


def _agency_access(caller: Caller, report: Report) -> list:
    """The ``until`` of each access row of the caller's agencies (None: current access)."""
    codes = caller.agencies_with(READER_ROLES)
    if not codes:
        return []
    return list(ReportAccess.objects.filter(report=report, agency__in=codes)
                .values_list("until", flat=True))


def former_cutoff(caller: Caller, report: Report):
    """When the caller's agencies lost the report to a forward, or None if they hold it
    (or never did). Events and files after this moment are not theirs to read."""
    untils = _agency_access(caller, report)
    if not untils or any(until is None for until in untils):
        return None
    return max(untils)


def view_level(caller: Caller, report: Report) -> View | None:
    """The most the caller may see of the report, or None if it must stay unknown."""
    if caller.is_national_admin:
        return View.NATIONAL
    untils = _agency_access(caller, report)
    if any(until is None for until in untils) or _supervises(caller, report):
        return View.STAFF
    if untils:
        return View.FORMER
    if is_reporter(caller, report):
        return View.REPORTER
    if report.is_public:
        return View.PUBLIC
    return None


def report_get_for_caller(caller: Caller, tracking_id: str) -> tuple[Report, View]:
    """Load a report the caller may see, with how much they may see; else ``ReportNotFound``."""
    canonical = tracking.normalize(tracking_id)
    if canonical is None:
        raise ReportNotFound()
    report = (Report.objects.select_related("holder", "category", "region")
              .filter(tracking_id=canonical).first())
    if report is None:
        raise ReportNotFound()
    level = view_level(caller, report)
    if level is None:
        raise ReportNotFound()
    if report.confidential and level >= View.FORMER:
        # Every staff read of a confidential report is audited (one entry a minute per
        # person and report: a page and its files are one read).
        audit_once_per(CONFIDENTIAL_READ_WINDOW, AuditAction.CONFIDENTIAL_READ, actor=caller.user,
                       target=f"report:{report.tracking_id}", view=level.name.lower())
    return report, level


def reporter_identity_visible(report: Report, view: View) -> bool:
    """Anonymous reporters are hidden from the public and every agency (DESIGN §2).

    The national admin sees an anonymous reporter only through the audited
    ``reporter_identity_reveal`` service, never in an ordinary response.
    """
    if view == View.REPORTER:
        return True
    if view >= View.FORMER:
        return not report.anonymous
    return False


def public_name_visible(report: Report) -> bool:
    return not report.anonymous


def event_visibilities(view: View) -> list[str]:
    if view >= View.FORMER:
        return list(Visibility.values)
    if view == View.REPORTER:
        return [Visibility.PUBLIC, Visibility.REPORTER]
    return [Visibility.PUBLIC]


def reports_visible_to(caller: Caller, scope: str) -> QuerySet[Report]:
    """Reports for a listing: ``public``, ``mine`` (the caller's own) or ``agency`` (staff)."""
    reports = Report.objects.all()
    if scope == "mine":
        if caller.user is None:
            return reports.none()
        return reports.filter(reporter=caller.user)
    if scope == "agency":
        if caller.is_national_admin:
            return reports
        q = Q(pk__in=[])
        codes = caller.agencies_with(READER_ROLES)
        if codes:
            # Former holders keep the report in their listings (status and holder).
            q |= Exists(ReportAccess.objects.filter(report=OuterRef("pk"), agency__in=codes))
        if caller.has_role(Role.SUPERVISOR):
            q |= Q(escalation_level__gte=SUPERVISOR_LEVEL)
        return reports.filter(q)
    return reports.filter(PUBLIC_Q)


def attachment_visible(attachment: Attachment, view: View, cutoff=None) -> bool:
    """Who sees an attachment.

    Reporters' files are never public: a photo or scan may show who sent it, and
    redaction cannot read pictures. The public sees only files an agency published
    with its follow-up, on a public report. Drafts' files stay with the staff.
    """
    if view >= View.STAFF:
        return True
    if view == View.FORMER:
        return attachment.created_at <= (cutoff or attachment.created_at)
    if view == View.REPORTER:
        return attachment.visibility != Visibility.STAFF
    return (attachment.visibility == Visibility.PUBLIC and not attachment.from_reporter
            and attachment.report.is_public)


def attachment_get_for_caller(caller: Caller, public_id: str) -> tuple[Attachment, View]:
    """Load an attachment the caller may see; anything else is ``NotFound`` (404)."""
    attachment = (Attachment.objects.select_related("report__holder")
                  .filter(public_id=public_id).first())
    if attachment is None:
        raise NotFound()
    level = view_level(caller, attachment.report)
    cutoff = former_cutoff(caller, attachment.report) if level == View.FORMER else None
    if level is None or not attachment_visible(attachment, level, cutoff):
        raise NotFound()
    return attachment, level


# --- channels ------------------------------------------------------------------------------


def channels_admin_allowed(caller: Caller) -> bool:
    """The channels page (doors, outbound queues, dead letters and their retry): national admins.

    Dead letters carry reporters' messages to every agency, so no agency role reads them.
    """
    return caller.is_national_admin


def contact_address_visible(report: Report, view: View) -> bool:
    """A report's channel address (masked phone, handle): national admins, never if anonymous."""
    return view == View.NATIONAL and reporter_identity_visible(report, view)


def identity_reveals_allowed(caller: Caller) -> bool:
    """The list of reporter identity reveals (who looked, when, why; never the identity):
    the supervisor (Ombudsman) it is sent to, national admins and auditors."""
    return caller.is_national_admin or caller.has_role(Role.SUPERVISOR) \
        or caller.has_role(Role.AUDITOR)


def channel_simulator_allowed(caller: Caller) -> bool:
    """The channel simulator, for training: national admins and agency admins."""
    return caller.is_national_admin or caller.has_role(Role.AGENCY_ADMIN)


# --- statistics ----------------------------------------------------------------------------
# Who sees a subtree's counts with its confidential reports in them (never their content).
STATS_ROLES = READER_ROLES | {Role.AUDITOR}
LEADER_REPORT_ROLES = frozenset({Role.AGENCY_ADMIN, Role.LEADER})


def stats_full_counts_allowed(caller: Caller, scope: str, agency_path: str = "") -> bool:
    """Whether ``caller`` may see the counts of ``scope`` including confidential reports.

    National admins see every scope whole; other staff only their agencies' subtrees.
    Regions cut across agencies, so staff see their public counts only.
    """
    if caller.is_national_admin:
        return True
    if scope != "agency" or not agency_path:
        return False
    return any(agency_path.startswith(grant.agency_path) for grant in caller.grants
               if grant.role in STATS_ROLES)


def stats_home_agencies(caller: Caller) -> list[str]:
    """The agencies whose dashboards a staff member opens first (their memberships)."""
    return sorted({grant.agency_code for grant in caller.grants if grant.role in STATS_ROLES})


def leader_report_allowed(caller: Caller, agency_path: str) -> bool:
    """Leaders and admins of the agency (or above it), and national admins, read its monthly report."""
    return caller.is_national_admin or any(
        agency_path.startswith(grant.agency_path) for grant in caller.grants
        if grant.role in LEADER_REPORT_ROLES)


# --- push notifications --------------------------------------------------------------------


def push_owner_for_caller(caller: Caller, tracking_id: str | None) -> dict:
    """Whose notifications a device may receive: one report the caller reported, or their account.

    Staff accounts hear through back-office notices and e-mail, not push. A
    report the caller may see but did not send is refused; one it may not see is
    not found.
    """
    if tracking_id:
        report, _view = report_get_for_caller(caller, tracking_id)
        if not is_reporter(caller, report):
            raise Forbidden(_("Only the reporter may receive this report's notifications; send "
                              "the report's PIN in X-Report-PIN."))
        return {"report": report}
    if caller.user is None:
        raise Unauthenticated(_("Send a reporter account's token, or a tracking_id with the "
                                "report's PIN in X-Report-PIN."))
    if caller.grants or caller.user.is_staff:
        raise Forbidden(_("Staff accounts receive their messages in the back office."))
    return {"user": caller.user}


# --- partner systems (API clients): webhooks and the changes feed -------------------------


def partners_manage_allowed(caller: Caller) -> bool:
    """National admins (people, not partner systems) manage API clients and their webhooks."""
    return caller.client is None and caller.is_national_admin


def open_data_allowed(caller: Caller) -> bool:
    """Open data (the dump and the statistics) is public; a partner's key reads it only with
    ``open-data:read``, so a key grants no more than it was given."""
    return caller.client is None or "open-data:read" in caller.scopes


def changes_feed_allowed(caller: Caller) -> bool:
    """Clients with ``reports:read`` and national staff follow the changes feed."""
    if caller.client is not None:
        return "reports:read" in caller.scopes
    return caller.is_national_admin


def partner_view(*, scopes, untils: list, submitted: bool, report: Report) -> View | None:
    """How much of a report an event sent to a client shows (``untils``: the client agency's
    access rows). The submitter of a report knows it exists; a confidential one it hears
    of only while its agency holds it."""
    holds = any(until is None for until in untils)
    if "reports:read" in scopes or "reports:act" in scopes:
        if holds:
            return View.STAFF
        if untils:
            return View.FORMER
    if report.is_public or (submitted and (not report.confidential or holds)):
        return View.PUBLIC
    return None


def feed_visible_q(caller: Caller) -> Q:
    """The feed entries (``report``, ``event`` relations) the caller may read.

    Staff-level readers see every event of the reports their agencies hold, and the events
    up to the forward of those they held; a client sees the public events of the reports
    it submitted. Public reports of other agencies are not in a caller's feed.
    """
    if caller.is_national_admin:
        return Q()
    codes = caller.agencies_with(READER_ROLES)
    access = ReportAccess.objects.filter(report=OuterRef("report_id"), agency__in=codes)
    holds = Exists(access.filter(until__isnull=True))
    q = holds | Exists(access.filter(until__gte=OuterRef("event__created_at")))
    if caller.client is not None:
        q |= (Q(report__partner_link__client_id=caller.client.pk)
              & (Q(report__confidential=False) | holds)
              & Q(event__visibility=Visibility.PUBLIC))
    return q


# --- data subjects (UU PDP) --------------------------------------------------------------


def data_subject_for_caller(caller: Caller, tracking_id: str | None = None) -> DataSubject:
    """The data subject the caller is; 404 for a report not theirs, 403 for staff accounts.

    Staff accounts are the agencies' records, not a reporter's: a national admin closes
    them. With ``tracking_id`` only that report counts, and only through its PIN or the
    account that filed it.
    """
    if tracking_id is not None:
        report, _view = report_get_for_caller(caller, tracking_id)
        if not is_reporter(caller, report):
            raise ReportNotFound()
        return DataSubject(user=None, report_ids=(report.pk,))
    if caller.user is None:
        raise Unauthenticated()
    if caller.grants:
        raise Forbidden(_("Staff accounts are closed by a national admin, not here."),
                        code="staff_account")
    ids = Report.objects.filter(reporter=caller.user).values_list("pk", flat=True)
    return DataSubject(user=caller.user, report_ids=tuple(ids))
