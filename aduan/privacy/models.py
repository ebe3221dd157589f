"""Retention periods, held as data: how long each kind of personal data is kept."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RetentionKind(models.TextChoices):
    CLOSED_REPORT_IDENTITY = "closed_report_identity", _(
        "Reporter identity on closed or archived reports")
    INBOUND_RAW = "inbound_raw", _("Raw inbound channel messages")
    OUTBOX_BODY = "outbox_body", _("Texts and addresses of sent messages")


# Defaults (migration 0002); national admins change them in the admin.
DEFAULT_DAYS = {
    RetentionKind.CLOSED_REPORT_IDENTITY: 5 * 365,
    RetentionKind.INBOUND_RAW: 90,
    RetentionKind.OUTBOX_BODY: 30,
}


class RetentionPeriod(models.Model):
    """Keep one kind of personal data this many days; ``aduan retention apply`` acts on it."""

    kind = models.CharField(_("kind of data"), max_length=32, choices=RetentionKind.choices,
                            unique=True)
    days = models.PositiveIntegerField(_("days kept"))
    note = models.CharField(_("legal basis or note"), max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("retention period")
        verbose_name_plural = _("retention periods")
        constraints = [models.CheckConstraint(condition=models.Q(days__gte=1),
                                              name="retention_days_positive")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.days}"
