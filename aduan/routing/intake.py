"""The one intake entry point: every door (web form, API, channels, partners, demo) files here.

A submission, its hand-over to the router and its receipt happen the same way
whatever the door: ``report_submit`` writes the report, its first event and the
receipt notification in one transaction, and the router is kicked from inside
that transaction (or right after it commits), so no report is left unrouted.
"""

from datetime import datetime
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from aduan.accounts.challenge import attempt_allowed
from aduan.accounts.ratelimit import rate_hit
from aduan.errors import RateLimited
from aduan.reports.attachments import Prepared
from aduan.reports.models import Report
from aduan.reports.services import Filed, NewReport, Submission, report_prepare, reports_submit

from .services import report_route
from .tasks import routing_kick


def report_intake(*, data: NewReport, user=None, now: datetime | None = None,
                  attachments: list[Prepared] = (), client: str | None = None,
                  proof: str = "", client_scope: str = "submit_client") -> tuple[Report, str]:
    """File a new report from any door and hand it to the router; return it with its PIN.

    A door serving the public passes ``client`` (its caller's address): submissions are
    then limited per client (``client_scope``; past it a solved ``proof`` is needed) and
    per reporter identity (e-mail, phone, account: refused past it). Internal doors
    (demo, imports) pass nothing.
    """
    if client is not None:
        submission_allowed(data=data, user=user, client=client, proof=proof,
                           client_scope=client_scope)
    filed = reports_intake([report_prepare(data=data, user=user, now=now,
                                           attachments=attachments)])
    return filed[0].report, filed[0].pin


def reports_intake(items: list[Submission]) -> list[Filed]:
    """File many prepared reports (``report_prepare``) in one go and kick the router once.

    ``report_intake`` is a batch of one: the same rows, events, receipts and routing.
    For internal doors that file many messages at once (the channel worker): the
    per-client limits are the caller's to apply.
    """
    return reports_submit(items, after_insert=_queue_routing)


def submission_allowed(*, data: NewReport, user, client: str, proof: str,
                       client_scope: str) -> None:
    attempt_allowed([(client_scope, client)], proof)
    identities = [data.reporter_email.strip().lower(), "".join(
        ch for ch in data.reporter_phone if ch.isdigit()),
        f"user:{user.pk}" if user is not None and user.is_authenticated else ""]
    # Every identity is counted; one over its limit refuses the submission.
    if not all([rate_hit("submit_identity", identity) for identity in identities]):
        raise RateLimited(_("Too many reports from this e-mail address, phone number or "
                            "account today; add to an earlier report instead, or try "
                            "again tomorrow."))


def _queue_routing(reports: list[Report]) -> None:
    """Hand the reports to the router (no wrong door) once the submission has committed.

    With the database task queue the kick is written in the submission's own
    transaction, so the sweep it starts can never miss the report because of a
    crash between commit and kick.
    """
    mode = settings.ADUAN["ROUTING"]
    if mode == "task" and settings.TASKS["default"]["BACKEND"].startswith("django_tasks_db."):
        routing_kick()
    elif mode == "task":
        transaction.on_commit(routing_kick, robust=True)
    elif mode == "inline":
        for report in reports:
            transaction.on_commit(partial(report_route, report_id=report.pk), robust=True)
