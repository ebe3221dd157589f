"""Reports, their append-only events, and which agencies may read them."""

import uuid

from django.conf import settings
from django.core.validators import validate_email
from django.db import models
from django.db.models import Case, Q, When
from django.utils.translation import gettext_lazy as _

from aduan.accounts.models import ChainedRow
from aduan.accounts.sealing import seal_on_commit
from aduan.agencies.models import Agency, Category, Region
from aduan.lib.sealed import SealedTextField

from .workflow import Action, ArchiveReason, Severity, Status


class Kind(models.TextChoices):
    COMPLAINT = "complaint", _("Complaint")
    ASPIRATION = "aspiration", _("Aspiration")
    INFORMATION_REQUEST = "information_request", _("Information request")


class Channel(models.TextChoices):
    WEB = "web", _("Web portal")
    API = "api", _("API / mobile app")
    SMS = "sms", _("SMS")
    TWITTER = "twitter", _("X/Twitter")
    WHATSAPP = "whatsapp", _("WhatsApp")
    TELEGRAM = "telegram", _("Telegram")
    EMAIL = "email", _("E-mail")
    PARTNER = "partner", _("Partner system")
    OPEN311 = "open311", _("Open311")


# Published: dispatched at least once, not confidential, not archived.
PUBLIC_Q = Q(confidential=False, published_at__isnull=False) & ~Q(status=Status.ARCHIVED)
# Statuses in which an agency (or the verifier) is on the clock.
CLOCKED_STATUSES = (Status.SUBMITTED, Status.DISPATCHED, Status.IN_PROGRESS)
CLOCKED_Q = Q(status__in=CLOCKED_STATUSES)
# The running deadline of each status: whoever must act next has until then.
DUE_FIELD_BY_STATUS = {
    Status.SUBMITTED: "verification_due",
    Status.NEEDS_INFO: "info_due",
    Status.DISPATCHED: "followup_due",
    Status.IN_PROGRESS: "resolution_due",
    Status.RESPONDED: "reply_due",
}
DUE_NOW = Case(*(When(status=status, then=field)
                 for status, field in DUE_FIELD_BY_STATUS.items()), default=None)


class Report(models.Model):
    """A complaint, aspiration or information request and its current state.

    ``status``, ``holder`` and the counters are denormalised copies of the
    event history, written only by the services in ``services.py``.
    """

    tracking_id = models.CharField(max_length=10, unique=True, editable=False)
    kind = models.CharField(max_length=24, choices=Kind.choices)
    title = models.CharField(max_length=200)
    body = models.TextField()
    # What the public sees: the same text with personal data redacted.
    public_title = models.CharField(max_length=200)
    public_body = models.TextField()
    occurred_on = models.DateField(null=True, blank=True)

    # FK indexes that other indexes already cover (or that only a rare admin delete would
    # use) are left out: every index costs each non-HOT update of a report.
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+", db_index=False)
    # Denormalised prefixes of the region code for indexed filters at national scale.
    province_code = models.CharField(max_length=2, blank=True)
    regency_code = models.CharField(max_length=5, blank=True)
    address = models.CharField(max_length=500, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    requested_agency = models.ForeignKey(Agency, null=True, blank=True, db_index=False,
                                         on_delete=models.PROTECT, related_name="+")

    anonymous = models.BooleanField(default=False)
    confidential = models.BooleanField(default=False)
    channel = models.CharField(max_length=16, choices=Channel.choices, default=Channel.API)

    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="reports",
                                 db_index=False)  # report_reporter_idx leads with it
    # Personal data, sealed at rest (aduan.lib.vault); read and written as plain text.
    reporter_name = SealedTextField(max_length=150, blank=True)
    reporter_email = SealedTextField(max_length=254, blank=True, validators=[validate_email])
    reporter_phone = SealedTextField(max_length=32, blank=True)
    pin_hash = models.CharField(max_length=100, editable=False)
    pin_failures = models.PositiveSmallIntegerField(default=0)
    pin_locked_until = models.DateTimeField(null=True, blank=True)

    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SUBMITTED)
    status_before_info = models.CharField(max_length=16, choices=Status.choices, blank=True)
    holder = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="held_reports",
                               db_index=False)  # report_holder_queue_idx leads with it

    # The original receipt time: kept through every forward, so a wrong door costs
    # the agencies time, never the citizen.
    received_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    # Deadlines (DESIGN §4), written by aduan.deadlines.services on every transition.
    severity = models.CharField(max_length=16, choices=Severity.choices, default=Severity.SIMPLE)
    verification_due = models.DateTimeField(null=True, blank=True)
    followup_due = models.DateTimeField(null=True, blank=True)
    resolution_due = models.DateTimeField(null=True, blank=True)
    reply_due = models.DateTimeField(null=True, blank=True)
    autoclose_due = models.DateTimeField(null=True, blank=True)
    info_due = models.DateTimeField(null=True, blank=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    paused_workdays = models.PositiveIntegerField(default=0)
    # Computed by the database from the status and the due dates above, so staff queues
    # sort by the deadline that matters now with an index and no service has to keep it.
    due_at = models.GeneratedField(expression=DUE_NOW, output_field=models.DateTimeField(),
                                   db_persist=True)
    escalation_level = models.PositiveSmallIntegerField(default=0)

    forward_count = models.PositiveSmallIntegerField(default=0)
    return_count = models.PositiveSmallIntegerField(default=0)
    reopen_count = models.PositiveSmallIntegerField(default=0)
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    rating_comment = models.TextField(blank=True)
    archive_reason = models.CharField(max_length=20, choices=ArchiveReason.choices, blank=True)
    archive_note = models.TextField(blank=True)
    duplicate_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="duplicates")

    class Meta:
        indexes = [
            models.Index(fields=["-published_at", "-id"], condition=PUBLIC_Q,
                         name="report_public_feed_idx"),
            models.Index(fields=["category", "-published_at"], condition=PUBLIC_Q,
                         name="report_public_category_idx"),
            models.Index(fields=["province_code", "-published_at"], condition=PUBLIC_Q,
                         name="report_public_province_idx"),
            models.Index(fields=["regency_code", "-published_at"], condition=PUBLIC_Q,
                         name="report_public_regency_idx"),
            # Region feeds: the public reports of a region followed up last (ADR 0009).
            models.Index(fields=["province_code", "-responded_at"], condition=PUBLIC_Q,
                         name="report_public_prov_fu_idx"),
            models.Index(fields=["regency_code", "-responded_at"], condition=PUBLIC_Q,
                         name="report_public_reg_fu_idx"),
            models.Index(fields=["status", "-published_at"], condition=PUBLIC_Q,
                         name="report_public_status_idx"),
            # Open311 GET requests: public reports by requested_datetime (received_at), newest
            # first, optionally of one service (category); ADR 0016.
            models.Index(fields=["-received_at", "-id"], condition=PUBLIC_Q,
                         name="report_open311_idx"),
            models.Index(fields=["category", "-received_at", "-id"], condition=PUBLIC_Q,
                         name="report_open311_category_idx"),
            # The back office's "find a report" list for national admins: all, newest first.
            models.Index(fields=["-received_at", "-id"], name="report_received_idx"),
            models.Index(fields=["holder", "status", "received_at"], name="report_holder_queue_idx"),
            models.Index(fields=["status", "received_at"], name="report_status_queue_idx"),
            models.Index(fields=["reporter", "-created_at"], name="report_reporter_idx"),
            models.Index(fields=["status", "due_at", "id"], name="report_status_due_idx"),
            models.Index(fields=["holder", "status", "due_at"], name="report_holder_due_idx"),
            models.Index(fields=["due_at", "id"], condition=CLOCKED_Q,
                         name="report_overdue_idx"),
            # No index names ``escalation_level`` (not even in a condition): the sweep changes
            # it on hundreds of thousands of rows at once, and only then are those updates
            # heap-only. The supervisor's queue (referred, overdue first) reads
            # report_overdue_idx in due order: the most overdue are the referred ones.
            # One small index per sweep step: each covers only the reports it can act on.
            models.Index(fields=["verification_due"], condition=Q(status=Status.SUBMITTED),
                         name="report_verification_due_idx"),
            models.Index(fields=["followup_due"], condition=Q(status=Status.DISPATCHED),
                         name="report_followup_due_idx"),
            models.Index(fields=["resolution_due"], condition=Q(status=Status.IN_PROGRESS),
                         name="report_resolution_due_idx"),
            models.Index(fields=["autoclose_due"], condition=Q(status=Status.RESPONDED),
                         name="report_autoclose_due_idx"),
            models.Index(fields=["info_due"], condition=Q(status=Status.NEEDS_INFO),
                         name="report_info_due_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="report_rating_1_5",
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.ARCHIVED) | ~Q(archive_reason=""),
                name="report_archived_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.tracking_id

    @property
    def is_public(self) -> bool:
        return (not self.confidential and self.published_at is not None
                and self.status != Status.ARCHIVED)


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    REPORTER = "reporter", _("Reporter and staff")
    STAFF = "staff", _("Staff only")


class ReportEvent(ChainedRow):
    """One step in a report's history. Append-only: never updated, never deleted.

    The database enforces this too (triggers in migration 0012), and every event is
    chained by hash (``reports.chain``). The one change allowed after sealing is an
    erasure: ``message``, ``public_message`` and ``data`` rewritten without personal
    data, once, with ``erased_at`` set; ``content_hash`` keeps the digest of what was
    there, so the chain still holds.
    """

    # Events are the largest table; only the indexes that reads need (event_report_idx
    # leads with the report), none for foreign keys that are only ever joined outward.
    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="events",
                               db_index=False)
    created_at = models.DateTimeField()
    action = models.CharField(max_length=24)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+", db_index=False)
    actor_role = models.CharField(max_length=20, blank=True)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, blank=True)
    from_agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", db_index=False)
    to_agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", db_index=False)
    message = models.TextField(blank=True)
    public_message = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    visibility = models.CharField(max_length=10, choices=Visibility.choices)
    content_hash = models.CharField(max_length=64, blank=True, editable=False,
                                    db_default="")
    erased_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["report", "created_at", "id"], name="event_report_idx"),
                   models.Index(fields=["action", "created_at"], name="event_action_idx"),
                   models.Index(fields=["id"], condition=Q(row_hash__isnull=True),
                                name="event_unsealed_idx")]

    def __str__(self) -> str:
        return f"{self.report_id} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("report events are append-only")
        super().save(*args, **kwargs)
        seal_on_commit("events")

    def delete(self, *args, **kwargs):
        raise ValueError("report events are append-only")


class ReportAccess(models.Model):
    """An agency that may read a report: every holder so far and each holder's ancestors.

    Access checks become one indexed lookup: does any of the caller's agencies
    appear here for this report?
    """

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="access")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField()
    # Set when the report was forwarded away from this agency's line: it then reads
    # only what happened up to this moment, plus the status and the current holder.
    until = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "agency"],
                                               name="report_access_unique")]
        indexes = [models.Index(fields=["agency", "-report"], name="report_access_agency_idx")]


class ReportLink(models.Model):
    """Two reports about the same problem or place, linked by staff (stored once per pair)."""

    # The unique (report, other) index serves lookups by report; "other" has its own.
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="links_out",
                               db_index=False)
    other = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="links_in",
                              db_index=False)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["report", "other"], name="report_link_unique"),
            models.CheckConstraint(condition=Q(report__lt=models.F("other")),
                                   name="report_link_ordered"),
        ]
        indexes = [models.Index(fields=["other"], name="report_link_other_idx")]


class DraftStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for sign-off")
    SIGNED_OFF = "signed_off", _("Signed off and published")
    RETURNED = "returned", _("Sent back")
    SUPERSEDED = "superseded", _("Replaced by a newer draft")


class ResponseDraft(models.Model):
    """A follow-up drafted in an agency that requires a liaison's sign-off before publishing.

    At most one draft per report waits for sign-off; a newer draft supersedes it.
    """

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="drafts")
    message = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    status = models.CharField(max_length=12, choices=DraftStatus.choices,
                              default=DraftStatus.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report"],
                                               condition=Q(status="pending"),
                                               name="draft_one_pending_per_report")]
        indexes = [models.Index(fields=["agency", "created_at"], condition=Q(status="pending"),
                                name="draft_pending_idx")]


def _attachment_path(instance, filename: str) -> str:
    # Random names: a stored path says nothing about the report or the reporter.
    return f"attachments/{instance.created_at:%Y/%m}/{instance.public_id.hex}{filename}"


class Attachment(models.Model):
    """A photo or PDF on a report. Images are re-encoded without metadata before saving.

    ``visibility`` says who may see it, like an event's; the presenters decide.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="attachments")
    event = models.ForeignKey(ReportEvent, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="attachments")
    draft = models.ForeignKey(ResponseDraft, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="attachments")
    file = models.FileField(upload_to=_attachment_path, max_length=200)
    name = models.CharField(max_length=100)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    from_reporter = models.BooleanField()
    visibility = models.CharField(max_length=10, choices=Visibility.choices)
    created_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["report", "created_at"], name="attachment_report_idx")]

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


__all__ = ["Action", "Attachment", "Channel", "DraftStatus", "Kind", "Report", "ReportAccess",
           "ReportEvent", "ReportLink", "ResponseDraft", "Status", "Visibility"]
