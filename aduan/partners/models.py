"""Partner systems: API clients and their keys, idempotent writes, webhooks, the changes feed."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

CLIENT_KEY_PREFIX = "adc_"


class Scope(models.TextChoices):
    REPORTS_SUBMIT = "reports:submit", _("Submit reports")
    REPORTS_READ = "reports:read", _("Read the reports the agency subtree holds")
    REPORTS_ACT = "reports:act", _("Take actions as the agency")
    OPEN_DATA_READ = "open-data:read", _("Read open data")


def key_hash(raw: str) -> str:
    # Keys are 256-bit random strings: a fast hash is enough, and only the hash is stored.
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiClient(models.Model):
    """A partner system (a ministry's or a city's own complaint app) acting for one agency."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    scopes = models.JSONField(_("scopes"), default=list)
    rate_limit_per_minute = models.PositiveIntegerField(_("requests per minute"), default=600)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    # The account the client acts through: events and audit entries name it.
    service_user = models.OneToOneField(settings.AUTH_USER_MODEL, null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="api_client")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes


class ApiClientKey(models.Model):
    """One key of a client; after a rotation the old key works until ``expires_at``."""

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="keys")
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.client})"

    @staticmethod
    def new_raw() -> str:
        return CLIENT_KEY_PREFIX + secrets.token_urlsafe(32)


class IdempotencyRecord(models.Model):
    """The first response to a POST sent with an ``Idempotency-Key``, kept 24 hours.

    ``scope`` says whose key it is (a hash of the bearer credential, of a report
    PIN, or ``anon``); the key itself is stored hashed. ``status`` is null while
    the first request is still running.
    """

    scope = models.CharField(max_length=80)
    key_hash = models.CharField(max_length=64)
    request_hash = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    response_body = models.BinaryField(blank=True, default=b"")
    created_at = models.DateTimeField(db_index=True)
    started_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "key_hash"],
                                               name="idempotency_once_per_scope")]


class ClientReport(models.Model):
    """A report a partner submitted, with the partner's own id for it."""

    client = models.ForeignKey(ApiClient, on_delete=models.PROTECT, related_name="reports")
    # The partner's own id for the report; blank when it sent none.
    external_id = models.CharField(max_length=100, blank=True)
    report = models.OneToOneField("reports.Report", on_delete=models.CASCADE,
                                  related_name="partner_link")
    created_at = models.DateTimeField(auto_now_add=True)
    # What the partner sent beyond the report's own fields (Open311: media_url, device_id,
    # account_id): for staff, never published, never fetched (ADR 0016).
    extra = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client", "external_id"],
                                               condition=~Q(external_id=""),
                                               name="client_external_id_unique")]


class EventType(models.TextChoices):
    RECEIVED = "report.received", _("Report received")
    DISPATCHED = "report.dispatched", _("Dispatched or forwarded to the agency")
    RESPONDED = "report.responded", _("Follow-up published")
    CLOSED = "report.closed", _("Report closed")
    ESCALATED = "report.escalated", _("Report escalated")


class WebhookEndpoint(models.Model):
    """Where a client hears about events; paused after repeated failure, with the reason."""

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="webhooks")
    url = models.URLField(max_length=500)
    secret = models.CharField(max_length=100)
    event_types = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    # Failed deliveries in a row, and since when the endpoint has failed without a success.
    failures = models.PositiveIntegerField(default=0)
    failing_since = models.DateTimeField(null=True, blank=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    pause_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["client", "id"]

    def __str__(self) -> str:
        return f"{self.client}: {self.url}"


class FeedEntry(models.Model):
    """One event in the changes feed.

    ``position`` is given when the writing transaction commits (see
    ``feed.py`` and ADR 0015): rows are numbered in commit order, so a reader
    paging by position never skips a row committed late.
    """

    event = models.OneToOneField("reports.ReportEvent", on_delete=models.CASCADE,
                                 related_name="+")
    report = models.ForeignKey("reports.Report", on_delete=models.CASCADE, related_name="+")
    event_type = models.CharField(max_length=40)
    position = models.BigIntegerField(null=True, blank=True, unique=True)
    created_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["id"], condition=Q(position__isnull=True),
                                name="feed_unnumbered_idx")]


class FeedCounter(models.Model):
    """The single row that numbers the feed; locking it serialises numbering."""

    last = models.BigIntegerField(default=0)
