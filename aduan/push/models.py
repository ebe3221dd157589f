"""A browser's (or app's) push subscription, for a reporter account or for one report."""

from django.db import models
from django.db.models import Q


class PushSubscription(models.Model):
    """Where a push service accepts messages for one device (RFC 8030), and its keys (RFC 8291).

    A subscription belongs to a reporter's account (every report of the account,
    on every device the reporter allowed) or, for a reporter without an account,
    to the one report whose PIN the device proved.
    """

    endpoint = models.URLField(max_length=1000)
    # The device's P-256 public key (uncompressed point) and auth secret, base64url.
    p256dh = models.CharField(max_length=100)
    auth = models.CharField(max_length=40)
    user = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.CASCADE,
                             related_name="push_subscriptions")
    report = models.ForeignKey("reports.Report", null=True, blank=True,
                               on_delete=models.CASCADE, related_name="push_subscriptions")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(user__isnull=False) | Q(report__isnull=False),
                                   name="push_owner_present"),
            models.UniqueConstraint(fields=["endpoint", "user"], condition=Q(user__isnull=False),
                                    name="push_once_per_user"),
            models.UniqueConstraint(fields=["endpoint", "report"],
                                    condition=Q(report__isnull=False),
                                    name="push_once_per_report"),
        ]
        indexes = [
            models.Index(fields=["user"], condition=Q(user__isnull=False),
                         name="push_user_idx"),
            models.Index(fields=["report"], condition=Q(report__isnull=False),
                         name="push_report_idx"),
        ]

    def __str__(self) -> str:
        return f"push#{self.pk}"
