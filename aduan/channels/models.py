"""The outbox: every message to a citizen or staff member is a row before it is sent."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class OutboundChannel(models.TextChoices):
    """Where a message goes; each has a sender registered in ``transports``."""

    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
    WHATSAPP = "whatsapp", _("WhatsApp")
    TELEGRAM = "telegram", _("Telegram")
    TWITTER = "twitter", _("X/Twitter")
    WEBHOOK = "webhook", _("Partner webhook")
    WEBPUSH = "webpush", _("Web push")


class OutboundStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed for good")
    SKIPPED = "skipped", _("Not sent (training mode)")


class OutboundMessage(models.Model):
    """A message waiting for, or done with, delivery.

    Written in the same transaction as the event that causes it, so a crash
    either keeps both or neither; ``(event, channel, recipient)`` is unique, so
    one event never yields the same message twice.
    """

    channel = models.CharField(max_length=12, choices=OutboundChannel.choices)
    recipient = models.CharField(max_length=254)
    subject = models.CharField(max_length=250, blank=True)
    body = models.TextField()
    # What a non-mail sender needs beyond the text (a reply-to id, a webhook's event body).
    payload = models.JSONField(default=dict, blank=True)
    event = models.ForeignKey("reports.ReportEvent", null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField(max_length=40)
    status = models.CharField(max_length=10, choices=OutboundStatus.choices,
                              default=OutboundStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    claimed_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # The provider's id for the sent message (an SMS id, a tweet id), for threading and support.
    provider_ref = models.CharField(max_length=120, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "channel", "recipient"],
                                    condition=Q(event__isnull=False),
                                    name="outbound_once_per_event"),
        ]
        indexes = [
            models.Index(fields=["next_attempt_at"], condition=Q(status="pending"),
                         name="outbound_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.channel}:{self.purpose}#{self.pk}"


class Notice(models.Model):
    """A message for a staff member's back-office inbox (beside, or instead of, e-mail)."""

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="notices")
    event = models.ForeignKey("reports.ReportEvent", null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField(max_length=40)
    subject = models.CharField(max_length=250)
    body = models.TextField()
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "event", "purpose"],
                                    condition=Q(event__isnull=False), name="notice_once_per_event"),
        ]
        indexes = [models.Index(fields=["user", "-created_at"], name="notice_inbox_idx")]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.purpose}"
