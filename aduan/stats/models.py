"""Statistics storage: one fact row per report, additive rollup cells, cursors, predikat schemes.

Facts and cells are derived data: ``aduan stats rebuild`` can always recreate
them from the reports and their events (ADR 0009).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class StatsCursor(models.Model):
    """How far the incremental refresh has read a source table (by id)."""

    name = models.CharField(max_length=32, primary_key=True)
    last_id = models.BigIntegerField(default=0)
    # Ids below ``last_id`` not yet seen: [low, high, first seen (ISO)]. A row whose
    # transaction commits after a later one fills its gap on a later run (ADR 0009).
    gaps = models.JSONField(default=list)
    updated_at = models.DateTimeField(null=True, blank=True)


class ReportFact(models.Model):
    """What the measures need to know about one report, worked out from its history.

    ``counts`` is the report's additive contribution (received, on time, working-day
    buckets ...); a cell is the sum of its facts' contributions, so a changed fact
    moves its cells by the difference.
    """

    report_id = models.BigIntegerField(primary_key=True)
    month = models.DateField()
    week = models.DateField()  # Monday of the receipt week (early warning)
    agency_path = models.CharField(max_length=400, blank=True)
    province_code = models.CharField(max_length=2, blank=True)
    regency_code = models.CharField(max_length=5, blank=True)
    category = models.CharField(max_length=50, blank=True)
    channel = models.CharField(max_length=16)
    kind = models.CharField(max_length=24)
    confidential = models.BooleanField()
    counts = models.JSONField(default=dict)
    flows = models.JSONField(default=dict)  # {"out": [agency codes], "in": [...]}


class Scope(models.TextChoices):
    NATIONAL = "national", _("National")
    AGENCY = "agency", _("Agency (with its units)")
    PROVINCE = "province", _("Province")
    REGENCY = "regency", _("Regency or city")
    WEEK = "week", _("Regency or city, by week")
    LEAGUE = "league", _("Top-level agency (league table)")


class Dim(models.TextChoices):
    ALL = "all", _("Total")
    CATEGORY = "category", _("Category")
    CHANNEL = "channel", _("Channel")
    KIND = "kind", _("Kind")
    PROVINCE = "province", _("Province")
    REGENCY = "regency", _("Regency or city")


class StatsCell(models.Model):
    """The summed contributions of the facts in one (scope, month, breakdown) cell.

    ``public`` cells leave confidential reports out; the others count every report
    (staff dashboards of a subtree). Keyed by a text ``key`` so a batch loads the
    cells it touches with one ``IN`` list.
    """

    key = models.CharField(max_length=200, unique=True)
    public = models.BooleanField()
    scope = models.CharField(max_length=10, choices=Scope.choices)
    scope_code = models.CharField(max_length=80, blank=True)
    month = models.DateField()
    dim = models.CharField(max_length=10, choices=Dim.choices)
    dim_code = models.CharField(max_length=80, blank=True)
    counts = models.JSONField(default=dict)

    class Meta:
        indexes = [models.Index(fields=["scope", "scope_code", "public", "dim", "month"],
                                name="stats_cell_lookup_idx"),
                   models.Index(fields=["scope", "public", "dim", "month"],
                                name="stats_cell_league_idx")]


class PredikatScheme(models.Model):
    """Weights and thresholds of the predikat (Baik / Sedang / Kurang), one row per version.

    Versions are never edited: a change is a new version, so every grade shown can
    name the rule that gave it.
    """

    version = models.PositiveIntegerField(unique=True, editable=False)
    weights = models.JSONField(
        help_text=_("Measure code -> weight, e.g. {\"pct_followup_on_time\": 3}"))
    baik_from = models.DecimalField(max_digits=5, decimal_places=2,
                                    help_text=_("Score (0–100) from which the grade is Baik."))
    sedang_from = models.DecimalField(max_digits=5, decimal_places=2,
                                      help_text=_("Score (0–100) from which the grade is Sedang."))
    min_reports = models.PositiveIntegerField(default=10, help_text=_(
        "Fewer reports received in the period: no grade."))
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-version"]
        constraints = [models.CheckConstraint(
            condition=models.Q(baik_from__gte=models.F("sedang_from")),
            name="predikat_thresholds_ordered")]

    def __str__(self) -> str:
        return f"v{self.version}"


class LeaderReport(models.Model):
    """A monthly report sent to an agency's leaders: one row per (agency, month), so the
    worker sends each month's link once however many workers run."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    month = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "month"],
                                               name="leader_report_once")]
