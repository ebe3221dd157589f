"""Routing data: trained models, per-report suggestions and citizens' support.

The routing rules themselves are agency data: ``agencies.RoutingRule``.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from aduan.agencies.models import Agency, Category, Level, Region


class ModelKind(models.TextChoices):
    CATEGORY = "category", _("Category")
    AGENCY = "agency", _("Agency (from history)")


class ClassifierModel(models.Model):
    """A trained classifier, stored in the database so every process and machine shares it.

    ``blob`` is a pickle written by this application (never loaded from
    elsewhere); ``library_version`` lets a process refuse a blob written by
    another scikit-learn and retrain instead.
    """

    kind = models.CharField(max_length=10, choices=ModelKind.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    active = models.BooleanField(default=True)
    blob = models.BinaryField()
    library_version = models.CharField(max_length=40)
    samples = models.PositiveIntegerField()
    history_samples = models.PositiveIntegerField(default=0)
    threshold = models.FloatField()
    metrics = models.JSONField(default=dict)

    class Meta:
        indexes = [models.Index(fields=["kind", "active", "-created_at"],
                                name="classifier_active_idx")]

    def __str__(self) -> str:
        return f"{self.kind} model {self.pk} ({self.created_at:%Y-%m-%d %H:%M})"


class Decision(models.TextChoices):
    AUTO_DISPATCHED = "auto_dispatched", _("Dispatched automatically")
    NEEDS_VERIFIER = "needs_verifier", _("Waiting for the verifier")


class RoutingSuggestion(models.Model):
    """What the router proposed for a report, and whether it dispatched it."""

    report = models.OneToOneField("reports.Report", on_delete=models.CASCADE,
                                  related_name="routing")
    created_at = models.DateTimeField()
    category = models.ForeignKey(Category, null=True, on_delete=models.SET_NULL, related_name="+")
    region = models.ForeignKey(Region, null=True, on_delete=models.SET_NULL, related_name="+")
    level = models.CharField(max_length=16, choices=Level.choices, blank=True)
    agency = models.ForeignKey(Agency, null=True, on_delete=models.SET_NULL, related_name="+")
    confidence = models.FloatField()
    threshold = models.FloatField()
    candidates = models.JSONField(default=list)
    # Why: the words that made the place ("kec tebet", "@pemkotmedan"), the agency named.
    evidence = models.JSONField(default=dict)
    decision = models.CharField(max_length=20, choices=Decision.choices)
    reason = models.CharField(max_length=40, blank=True)
    model = models.ForeignKey(ClassifierModel, null=True, on_delete=models.SET_NULL,
                              related_name="+")

    def __str__(self) -> str:
        return f"{self.report_id}: {self.agency_id} ({self.confidence:.2f})"


class ReportSupport(models.Model):
    """A citizen who has the same problem supports an open report instead of filing again."""

    # The unique (report, user) index serves lookups and counts by report.
    report = models.ForeignKey("reports.Report", on_delete=models.CASCADE,
                               related_name="supports", db_index=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "user"],
                                               name="report_support_once")]


class AliasKind(models.TextChoices):
    CAPITAL = "capital", _("Regency capital")
    TOWN = "town", _("Town or everyday name")
    ABBREVIATION = "abbreviation", _("Abbreviation")
    LOCAL = "local", _("Local term")
    HANDLE = "handle", _("Agency handle or common name")


class RegionAlias(models.Model):
    """A name citizens use for a region, added by a national admin.

    The curated list shipped with the code is ``routing/data/region_aliases.csv``;
    rows here add to it, and a row with ``active`` off withdraws a shipped alias
    for that region (the file is never edited on a running site).
    """

    alias = models.CharField(_("alias"), max_length=80)
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("region"))
    kind = models.CharField(_("kind"), max_length=16, choices=AliasKind.choices,
                            default=AliasKind.TOWN)
    note = models.CharField(_("note"), max_length=200, blank=True)
    active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("region alias")
        verbose_name_plural = _("region aliases")
        constraints = [models.UniqueConstraint(fields=["alias", "region"],
                                               name="region_alias_once")]

    def __str__(self) -> str:
        return f"{self.alias} → {self.region_id}"


class RoutingState(models.Model):
    """One row: when the worker next retrains the router and next looks for agency changes.

    Every worker's scheduler looks; the locked row makes one of them enqueue per interval.
    """

    next_retrain_at = models.DateTimeField(null=True)
    next_flags_at = models.DateTimeField(null=True)


class FlagKind(models.TextChoices):
    VOLUME = "volume", _("Volume jump")
    NEW_CATEGORY = "new_category", _("New kind of complaint")


class AgencyFlag(models.Model):
    """An agency whose routed volume jumped or that started getting a new kind of complaint:
    national admins look, and a few labelled examples (re-categorised reports) go in."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("agency"))
    kind = models.CharField(_("kind"), max_length=16, choices=FlagKind.choices)
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="+", verbose_name=_("category"))
    recent = models.PositiveIntegerField(_("reports in the last week"))
    usual = models.FloatField(_("usual weekly reports"))
    created_at = models.DateTimeField(_("flagged at"))
    seen = models.BooleanField(_("seen"), default=False)

    class Meta:
        verbose_name = _("agency flag")
        verbose_name_plural = _("agency flags")
        indexes = [models.Index(fields=["seen", "-created_at"], name="agency_flag_open_idx")]

    def __str__(self) -> str:
        return f"{self.agency_id}: {self.kind}"


class AgencyAlias(models.Model):
    """A social-media handle or common name of one agency ("@sapawargasby", "Dishub Sby"),
    kept by national admins: named in a report, it is strong evidence for the agency and
    its region. Office types by their common names ("dinsos", "kantor pertanahan") are
    shipped in ``routing/data/agency_names.csv`` and need no row here."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("agency"))
    alias = models.CharField(_("handle or name"), max_length=80, unique=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("agency handle or name")
        verbose_name_plural = _("agency handles and names")

    def __str__(self) -> str:
        return f"{self.alias} → {self.agency_id}"
