"""Predikat Baik / Sedang / Kurang from a weighted score; weights and thresholds are data.

The score is the weighted mean (0–100) of the measures named in the active
scheme's weights; a measure with no value in the period (nothing to measure)
is left out and the other weights count for it. The mean rating (1–5) enters
as (rating − 1) / 4 × 100.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from aduan.errors import InvalidInput

from .measures import BY_CODE
from .models import PredikatScheme

BAIK, SEDANG, KURANG = "baik", "sedang", "kurang"
GRADE_LABELS = {BAIK: _("Good (Baik)"), SEDANG: _("Fair (Sedang)"), KURANG: _("Poor (Kurang)")}
DEFAULT_WEIGHTS = {"pct_verified_on_time": 1, "pct_followup_on_time": 3,
                   "pct_resolved_on_time": 2, "pct_completed": 2, "rating_mean": 2}


@dataclass(frozen=True)
class Grade:
    grade: str | None  # None: too few reports to grade
    score: float | None
    version: int

    @property
    def label(self):
        return GRADE_LABELS.get(self.grade, _("Not graded"))


def scheme_active() -> PredikatScheme:
    """The newest scheme (a default version 1 is created when there is none)."""
    scheme = PredikatScheme.objects.order_by("-version").first()
    if scheme is None:
        scheme = scheme_add(weights=DEFAULT_WEIGHTS, baik_from=Decimal("80"),
                            sedang_from=Decimal("60"), min_reports=10,
                            note="Default scheme", user=None)
    return scheme


def scheme_add(*, weights: dict, baik_from: Decimal, sedang_from: Decimal, min_reports: int,
               note: str, user) -> PredikatScheme:
    """Record a new version of the scheme (the old ones stay, for the grades they gave)."""
    scheme_validate(weights=weights, baik_from=baik_from, sedang_from=sedang_from)
    last = PredikatScheme.objects.order_by("-version").values_list("version", flat=True).first()
    return PredikatScheme.objects.create(
        version=(last or 0) + 1, weights=weights, baik_from=baik_from, sedang_from=sedang_from,
        min_reports=min_reports, note=note, created_by=user)


def scheme_validate(*, weights, baik_from, sedang_from) -> None:
    """Refuse weights that name unknown measures or thresholds out of order (InvalidInput)."""
    if not isinstance(weights, dict):
        raise InvalidInput(_("Weights must be an object of measure code -> number."),
                           field="weights")
    unknown = sorted(set(weights) - set(BY_CODE))
    if unknown or not weights or any(not isinstance(w, (int, float)) or w < 0
                                     for w in weights.values()):
        raise InvalidInput(_("Weights must name known measures with non-negative numbers; "
                        "unknown: %(codes)s") % {"codes": ", ".join(unknown) or "-"})
    if not Decimal(0) <= Decimal(sedang_from) <= Decimal(baik_from) <= Decimal(100):
        raise InvalidInput(_("Thresholds must satisfy 0 ≤ Sedang ≤ Baik ≤ 100."))


def score(values: dict, weights: dict) -> float | None:
    total = weight_sum = 0.0
    for code, weight in weights.items():
        value = values.get(code)
        if value is None or not weight:
            continue
        if code == "rating_mean":
            value = (value - 1) / 4 * 100
        total += float(weight) * float(value)
        weight_sum += float(weight)
    return round(total / weight_sum, 1) if weight_sum else None


def grade(values: dict, scheme: PredikatScheme) -> Grade:
    """The predikat of a period's measures under ``scheme``."""
    if (values.get("received") or 0) < scheme.min_reports:
        return Grade(None, None, scheme.version)
    points = score(values, scheme.weights)
    if points is None:
        return Grade(None, None, scheme.version)
    if points >= float(scheme.baik_from):
        return Grade(BAIK, points, scheme.version)
    if points >= float(scheme.sedang_from):
        return Grade(SEDANG, points, scheme.version)
    return Grade(KURANG, points, scheme.version)
