"""Regions, categories, agencies and the staff memberships that give access."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    """Level of government, as in the taxonomy's ``default_level``."""

    NATIONAL = "nasional", _("National")
    PROVINCE = "provinsi", _("Province")
    REGENCY = "kabupaten_kota", _("Regency/city")


class RegionKind(models.TextChoices):
    PROVINCE = "provinsi", _("Province")
    REGENCY = "kabupaten", _("Regency")
    CITY = "kota", _("City")
    DISTRICT = "kecamatan", _("District")
    URBAN_VILLAGE = "kelurahan", _("Urban village")
    VILLAGE = "desa", _("Village")


class Region(models.Model):
    """An administrative region with its Kemendagri code (e.g. ``35.78.01.1001``)."""

    code = models.CharField(max_length=13, primary_key=True)
    name = models.CharField(max_length=100)
    level = models.PositiveSmallIntegerField()  # 1 province .. 4 village
    kind = models.CharField(max_length=12, choices=RegionKind.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        ordering = ["code"]
        indexes = [models.Index(fields=["parent", "name"], name="region_parent_name_idx")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Category(models.Model):
    """A complaint category; top-level codes are fixed by the taxonomy, sub-categories are data."""

    code = models.SlugField(max_length=50, primary_key=True)
    name = models.CharField(_("name (Indonesian)"), max_length=150)
    name_en = models.CharField(_("name (English)"), max_length=200)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    default_level = models.CharField(max_length=16, choices=Level.choices, default=Level.REGENCY)
    typical_handler = models.CharField(max_length=200, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


class AgencyKind(models.TextChoices):
    NATIONAL_MANAGER = "national_manager", _("National manager")
    SUPERVISOR = "supervisor", _("Supervisor")
    MINISTRY = "ministry", _("Ministry")
    AGENCY = "agency", _("Government agency")
    PUBLIC_BODY = "public_body", _("Public legal body")
    STATE_COMPANY = "state_company", _("State-owned company")
    PROVINCIAL_GOVERNMENT = "provincial_government", _("Provincial government")
    REGENCY_GOVERNMENT = "regency_government", _("Regency government")
    CITY_GOVERNMENT = "city_government", _("City government")
    REGIONAL_OFFICE = "regional_office", _("Regional government office")
    REGIONAL_COMPANY = "regional_company", _("Regional company")
    VERTICAL_OFFICE = "vertical_office", _("Regional office of a national body")
    UNIT = "unit", _("Work unit")


# Bodies that manage or supervise the system but never hold a report themselves.
NON_HOLDING_KINDS = frozenset({AgencyKind.NATIONAL_MANAGER, AgencyKind.SUPERVISOR})


class Agency(models.Model):
    """A government body (or one of its units) that can hold reports.

    ``path`` is the materialised chain of codes from the root, e.g.
    ``/pemkot-surabaya/pemkot-surabaya.dinkes/``; it is written only by the
    services that create or move agencies.
    """

    code = models.SlugField(max_length=80, primary_key=True)
    name = models.CharField(max_length=255)
    name_en = models.CharField(max_length=255, blank=True)
    kind = models.CharField(max_length=24, choices=AgencyKind.choices)
    level = models.CharField(max_length=16, choices=Level.choices)
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=400, editable=False)
    office_type = models.SlugField(max_length=40, blank=True)
    categories = models.ManyToManyField(Category, blank=True, related_name="agencies")
    active = models.BooleanField(default=True)
    requires_signoff = models.BooleanField(
        default=False, help_text=_("Follow-ups drafted by units need a liaison's sign-off.")
    )

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "agencies"
        indexes = [
            models.Index(fields=["region", "kind"], name="agency_region_kind_idx"),
            models.Index(fields=["parent"], name="agency_parent_idx"),
            models.Index(fields=["path"], name="agency_path_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def ancestor_codes(self) -> list[str]:
        """Codes from the root down to this agency, inclusive."""
        return [code for code in self.path.split("/") if code]

    @property
    def root_code(self) -> str:
        return self.ancestor_codes[0]

    @property
    def can_hold_reports(self) -> bool:
        return self.active and self.kind not in NON_HOLDING_KINDS

    def is_within(self, other: "Agency") -> bool:
        """True when this agency is ``other`` or lies in its subtree."""
        return self.path.startswith(other.path)


class Role(models.TextChoices):
    NATIONAL_ADMIN = "national_admin", _("National admin")
    AGENCY_ADMIN = "agency_admin", _("Agency admin")
    UNIT_ADMIN = "unit_admin", _("Unit admin")
    LIAISON = "liaison", _("Liaison officer")
    SUPERVISOR = "supervisor", _("Supervisor")
    LEADER = "leader", _("Leader")
    AUDITOR = "auditor", _("Auditor")
    DEVELOPER = "developer", _("Developer")


class Membership(models.Model):
    """A staff user's role in an agency; it reaches the agency's whole subtree."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "agency", "role"], name="membership_unique_role"
            )
        ]
        indexes = [models.Index(fields=["agency", "role"], name="membership_agency_role_idx")]

    def __str__(self) -> str:
        return f"{self.user} {self.role} @ {self.agency_id}"


class RuleSource(models.TextChoices):
    DEFAULT = "default", _("Generated default")
    ADMIN = "admin", _("Set by an admin")


class RoutingRule(models.Model):
    """(category, region, level of government) -> the agency that must answer.

    The most specific rule wins: a rule for a village beats one for its
    district, regency, province, and the nationwide rule (no region). Defaults
    are generated from the taxonomy and the agency tree; admins override them
    with their own rules, which a reload of the defaults never touches.
    """

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="+")
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.CASCADE,
                               related_name="+", help_text=_("Empty: the whole country."))
    level = models.CharField(max_length=16, choices=Level.choices)
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="routing_rules")
    source = models.CharField(max_length=10, choices=RuleSource.choices,
                              default=RuleSource.ADMIN)
    note = models.CharField(max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["category", "region", "level"],
                                    name="routing_rule_unique"),
            models.UniqueConstraint(fields=["category", "level"], condition=Q(region=None),
                                    name="routing_rule_unique_national"),
        ]
        indexes = [models.Index(fields=["category", "level", "region"],
                                name="routing_rule_lookup_idx")]

    def __str__(self) -> str:
        return f"{self.category_id} {self.region_id or '*'} {self.level} -> {self.agency_id}"


class ReferenceDataset(models.Model):
    """Which version of a shipped reference file is loaded, so loading is idempotent."""

    name = models.CharField(max_length=50, primary_key=True)
    fingerprint = models.CharField(max_length=64)
    rows = models.PositiveIntegerField()
    loaded_at = models.DateTimeField(auto_now=True)
