"""The outbox: every message to a citizen or staff member is a row before it is sent."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aduan.lib.sealed import DigestField, SealedJSONField, SealedTextField


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
    either keeps both or neither; ``(event, channel, recipient)`` is unique (by the
    recipient's digest, the address being sealed), so
    one event never yields the same message twice.
    """

    channel = models.CharField(max_length=12, choices=OutboundChannel.choices)
    recipient = SealedTextField(max_length=254)  # sealed at rest (aduan.lib.vault)
    recipient_digest = DigestField(source="recipient", purpose="recipient")
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
            models.UniqueConstraint(fields=["event", "channel", "recipient_digest"],
                                    condition=Q(event__isnull=False),
                                    name="outbound_once_per_event"),
        ]
        indexes = [
            models.Index(fields=["next_attempt_at"], condition=Q(status="pending"),
                         name="outbound_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.channel}:{self.purpose}#{self.pk}"


def recipient_digest(recipient: str) -> str:
    """What ``OutboundMessage.recipient_digest`` holds for ``recipient``: look-ups go by it."""
    return OutboundMessage._meta.get_field("recipient_digest").digest_of(recipient)


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


class Provider(models.TextChoices):
    """The door a message came in by (two doors may share one outbound channel)."""

    SMS_GATEWAY = "sms", _("SMS gateway")
    TWILIO = "twilio", _("SMS (Twilio)")
    WHATSAPP = "whatsapp", _("WhatsApp")
    TELEGRAM = "telegram", _("Telegram")
    X = "x", _("X/Twitter")
    EMAIL = "email", _("E-mail")
    SIMULATOR = "simulator", _("Channel simulator (training)")


class Contact(models.Model):
    """A reporter's identity on one channel: a phone number, chat, account or address.

    The address is personal data: it is kept to reply, looked up only by its keyed
    digest (``contacts.address_digest``), and never shown outside the back office.
    """

    channel = models.CharField(max_length=12, choices=OutboundChannel.choices)
    address = SealedTextField(max_length=254)  # sealed at rest (aduan.lib.vault)
    address_digest = models.CharField(max_length=64)
    opted_out_at = models.DateTimeField(null=True, blank=True)
    # WhatsApp allows free-form replies only within 24 hours of the reporter's last message.
    last_inbound_at = models.DateTimeField(null=True, blank=True)
    # A message waiting for "where?" answers: {"text", "asked", "messages", "latitude", ...}.
    draft = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["channel", "address_digest"],
                                               name="contact_once_per_channel")]

    def __str__(self) -> str:
        return f"{self.channel}#{self.pk}"


class InboundOutcome(models.TextChoices):
    PENDING = "pending", _("Waiting to be read")
    REPORT = "report", _("Filed as a new report")
    CONVERSATION = "conversation", _("Added to a report")
    QUESTION = "question", _("Answered with a question")
    COMMAND = "command", _("Command answered")
    RATE_LIMITED = "rate_limited", _("Over the rate limit, kept to be read later")
    IGNORED = "ignored", _("Ignored")
    FAILED = "failed", _("Could not be read")


class InboundMessage(models.Model):
    """A provider's message, stored raw before anything is done with it.

    ``(provider, provider_message_id)`` is unique: a redelivery finds the row it
    already made and changes nothing. A message that cannot be read stays here
    as ``failed`` for staff to see; nothing is dropped.
    """

    provider = models.CharField(max_length=12, choices=Provider.choices)
    provider_message_id = models.CharField(max_length=200)
    # The sender's address and the provider's payload are sealed at rest (aduan.lib.vault).
    sender = SealedTextField(max_length=254)
    payload = SealedJSONField(default=dict)
    received_at = models.DateTimeField()
    contact = models.ForeignKey(Contact, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="messages")
    report = models.ForeignKey("reports.Report", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    text = models.TextField(blank=True)
    outcome = models.CharField(max_length=14, choices=InboundOutcome.choices,
                               default=InboundOutcome.PENDING)
    error = models.CharField(max_length=500, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_until = models.DateTimeField(null=True, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["provider", "provider_message_id"],
                                               name="inbound_once_per_provider_id")]
        indexes = [
            # What the worker claims: new messages and those a rate limit kept for later.
            models.Index(fields=["received_at"],
                         condition=Q(outcome__in=["pending", "rate_limited"]),
                         name="inbound_waiting_idx"),
            models.Index(fields=["contact", "received_at"], name="inbound_contact_idx"),
            models.Index(fields=["provider", "received_at"], name="inbound_provider_idx"),
            models.Index(fields=["report", "received_at"], name="inbound_report_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.provider}:{self.pk}"


class ReportContact(models.Model):
    """The contact a report came from: its conversation and notifications use that door.

    Kept in channels (not on ``Report``) so reports need not know about contacts.
    """

    report = models.OneToOneField("reports.Report", on_delete=models.CASCADE,
                                  primary_key=True, related_name="+")
    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="reports")
    provider = models.CharField(max_length=12, choices=Provider.choices)
    # Threading on the door: the first message's id (an e-mail Message-ID, a tweet id).
    thread_ref = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["contact", "-created_at"], name="reportcontact_idx")]

    def __str__(self) -> str:
        return f"{self.report_id}<-{self.contact_id}"
