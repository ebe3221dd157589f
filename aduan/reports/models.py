"""Reports, their append-only events, and which agencies may read them."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Case, Q, When
from django.utils.translation import gettext_lazy as _

from aduan.agencies.models import Agency, Category, Region

from .workflow import Action, ArchiveReason, Status


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
    EMAIL = "email", _("E-mail")
    PARTNER = "partner", _("Partner system")
    OPEN311 = "open311", _("Open311")


# Published: dispatched at least once, not confidential, not archived.
PUBLIC_Q = Q(confidential=False, published_at__isnull=False) & ~Q(status=Status.ARCHIVED)
# Statuses in which an agency (or the verifier) is on the clock.
CLOCKED_STATUSES = (Status.SUBMITTED, Status.DISPATCHED, Status.IN_PROGRESS)
CLOCKED_Q = Q(status__in=CLOCKED_STATUSES)
# The deadline that matters now, by status; needs_info pauses the clock, so it has none.
DUE_NOW = Case(
    When(status=Status.SUBMITTED, then="verification_due"),
    When(status=Status.DISPATCHED, then="followup_due"),
    When(status=Status.IN_PROGRESS, then="resolution_due"),
    When(status=Status.RESPONDED, then="reply_due"),
    default=None,
)


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

    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    # Denormalised prefixes of the region code for indexed filters at national scale.
    province_code = models.CharField(max_length=2, blank=True)
    regency_code = models.CharField(max_length=5, blank=True)
    address = models.CharField(max_length=500, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    requested_agency = models.ForeignKey(Agency, null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="+")

    anonymous = models.BooleanField(default=False)
    confidential = models.BooleanField(default=False)
    channel = models.CharField(max_length=16, choices=Channel.choices, default=Channel.API)

    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="reports")
    reporter_name = models.CharField(max_length=150, blank=True)
    reporter_email = models.EmailField(blank=True)
    reporter_phone = models.CharField(max_length=32, blank=True)
    pin_hash = models.CharField(max_length=100, editable=False)
    pin_failures = models.PositiveSmallIntegerField(default=0)
    pin_locked_until = models.DateTimeField(null=True, blank=True)

    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SUBMITTED)
    status_before_info = models.CharField(max_length=16, choices=Status.choices, blank=True)
    holder = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="held_reports")

    # The original receipt time: kept through every forward, so a wrong door costs
    # the agencies time, never the citizen.
    received_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    verification_due = models.DateTimeField(null=True, blank=True)
    followup_due = models.DateTimeField(null=True, blank=True)
    resolution_due = models.DateTimeField(null=True, blank=True)
    reply_due = models.DateTimeField(null=True, blank=True)
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
            models.Index(fields=["status", "-published_at"], condition=PUBLIC_Q,
                         name="report_public_status_idx"),
            models.Index(fields=["holder", "status", "received_at"], name="report_holder_queue_idx"),
            models.Index(fields=["status", "received_at"], name="report_status_queue_idx"),
            models.Index(fields=["reporter", "-created_at"], name="report_reporter_idx"),
            models.Index(fields=["status", "due_at", "id"], name="report_status_due_idx"),
            models.Index(fields=["holder", "status", "due_at"], name="report_holder_due_idx"),
            models.Index(fields=["due_at", "id"], condition=CLOCKED_Q,
                         name="report_overdue_idx"),
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


class ReportEvent(models.Model):
    """One step in a report's history. Append-only: never updated, never deleted.

    The database enforces this too (triggers in migration 0002).
    """

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="events")
    created_at = models.DateTimeField()
    action = models.CharField(max_length=24)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    actor_role = models.CharField(max_length=20, blank=True)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, blank=True)
    from_agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    to_agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    message = models.TextField(blank=True)
    public_message = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    visibility = models.CharField(max_length=10, choices=Visibility.choices)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["report", "created_at", "id"], name="event_report_idx"),
                   models.Index(fields=["action", "created_at"], name="event_action_idx")]

    def __str__(self) -> str:
        return f"{self.report_id} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("report events are append-only")
        super().save(*args, **kwargs)

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

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "agency"],
                                               name="report_access_unique")]
        indexes = [models.Index(fields=["agency", "-report"], name="report_access_agency_idx")]


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
           "ReportEvent", "ResponseDraft", "Status", "Visibility"]
