"""Calendar data, SLA policies and escalation thresholds: all data that national admins edit."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aduan.agencies.models import Agency, Category
from aduan.reports.workflow import Severity


class HolidayKind(models.TextChoices):
    PUBLIC = "public", _("Public holiday")
    COLLECTIVE_LEAVE = "cuti_bersama", _("Collective leave (cuti bersama)")
    REGIONAL = "regional", _("Regional holiday")


class Holiday(models.Model):
    """A holiday held as data, on top of the ``holidays`` package's Indonesian calendar.

    ``removed`` marks a date that is a working day after all (a moved holiday,
    a revoked cuti bersama). ``region_code`` empty means nationwide; otherwise
    the holiday applies to that region and everything below it.
    """

    date = models.DateField()
    name = models.CharField(max_length=150)
    kind = models.CharField(max_length=16, choices=HolidayKind.choices, default=HolidayKind.PUBLIC)
    region_code = models.CharField(max_length=13, blank=True)
    removed = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["date", "region_code"]
        constraints = [models.UniqueConstraint(fields=["date", "region_code"],
                                               name="holiday_one_per_date_region")]
        indexes = [models.Index(fields=["date"], name="holiday_date_idx")]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class Timer(models.TextChoices):
    VERIFICATION = "verification", _("Verify and dispatch")
    FOLLOWUP = "followup", _("First follow-up after dispatch")
    RESOLUTION = "resolution", _("Resolution")
    REPLY_WINDOW = "reply_window", _("Reporter's reply window")
    AUTOCLOSE = "autoclose", _("Automatic close without a reply")
    INFO = "info", _("Waiting for information before archiving")


class DayUnit(models.TextChoices):
    WORKDAYS = "workdays", _("Working days")
    DAYS = "days", _("Calendar days")


class SlaPolicy(models.Model):
    """How long a timer runs; the most specific matching policy wins.

    Blank ``kind``/``severity`` and null ``category``/``agency`` match anything.
    An agency policy also covers the agency's whole subtree.
    """

    timer = models.CharField(max_length=16, choices=Timer.choices)
    kind = models.CharField(max_length=24, blank=True)
    severity = models.CharField(max_length=16, choices=Severity.choices, blank=True)
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.CASCADE)
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.CASCADE)
    days = models.PositiveSmallIntegerField()
    unit = models.CharField(max_length=10, choices=DayUnit.choices, default=DayUnit.WORKDAYS)

    class Meta:
        verbose_name = "SLA policy"
        verbose_name_plural = "SLA policies"
        constraints = [
            models.CheckConstraint(condition=Q(days__gte=1), name="sla_policy_days_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.timer}: {self.days} {self.unit}"


class EscalationStep(models.Model):
    """Escalate to ``level`` once a deadline is missed by ``after_workdays`` working days."""

    level = models.PositiveSmallIntegerField(unique=True)
    after_workdays = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["level"]

    def __str__(self) -> str:
        return f"level {self.level} after {self.after_workdays} HK"


class DeadlineReminder(models.Model):
    """A reminder already sent, so a second sweep never sends it again."""

    report = models.ForeignKey("reports.Report", on_delete=models.CASCADE, related_name="+")
    timer = models.CharField(max_length=16, choices=Timer.choices)
    due = models.DateTimeField()
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "timer", "due"],
                                               name="reminder_once")]


class SweepState(models.Model):
    """One row: serialises sweeps across processes and machines, and records the last one."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_started_at = models.DateTimeField(null=True, blank=True)
    last_finished_at = models.DateTimeField(null=True, blank=True)
    last_result = models.JSONField(default=dict, blank=True)
    next_enqueue_at = models.DateTimeField(null=True, blank=True)


class WorkerHeartbeat(models.Model):
    """One row per running worker process, touched by its scheduler every tick.

    ``/health/ready`` reads the newest one: no fresh heartbeat means no worker
    runs the queue anywhere (the sweep, routing and the outbox would stall).
    """

    worker = models.CharField(max_length=200, primary_key=True)  # host:pid
    seen_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["-seen_at"], name="heartbeat_seen_idx")]
