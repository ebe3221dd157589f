"""The measures, defined once: each one's code, name, rule and how it comes from cell counters.

``/statistik/definisi/`` renders this list in Indonesian and English, so every
number on a dashboard, in the API or in an export can be traced to its rule.
Counters (``rcv``, ``fu_ok``, ``fud:<n>`` ...) are written by ``facts.py``.
"""

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from aduan.reports.workflow import ArchiveReason

Counts = Mapping[str, int]


@dataclass(frozen=True)
class Measure:
    code: str
    label: str
    rule: str
    unit: str  # count, percent, workdays, rating
    compute: Callable[[Counts], float | int | None]


def _n(key: str) -> Callable[[Counts], int]:
    return lambda c: c.get(key, 0)


def _pct(num: str, den: str) -> Callable[[Counts], float | None]:
    def compute(c: Counts):
        return round(100 * c.get(num, 0) / c[den], 1) if c.get(den) else None
    return compute


def percentile(counts: Counts, prefix: str, p: float) -> int | None:
    """Nearest-rank percentile of the histogram ``<prefix>:<working days>`` counters."""
    hist = sorted((int(k.split(":")[1]), v) for k, v in counts.items()
                  if k.startswith(prefix + ":") and v > 0)
    total = sum(v for _, v in hist)
    if not total:
        return None
    rank, seen = math.ceil(p * total), 0
    for days, v in hist:
        seen += v
        if seen >= rank:
            return days
    return hist[-1][0]


def _pctl(prefix: str, p: float):
    return lambda c: percentile(c, prefix, p)


def _mean_rating(c: Counts):
    return round(c["rsum"] / c["rated"], 2) if c.get("rated") else None


_BASE = [
    Measure("received", _("Reports received"), _(
        "Reports whose receipt time (the original one, kept through forwards) falls in the "
        "period, counted in the region or agency that holds them now."), "count", _n("rcv")),
    Measure("dispatched", _("Reports dispatched"), _(
        "Reports received in the period that were verified and dispatched at least once."),
        "count", _n("dsp")),
    Measure("forwards", _("Forwards"), _(
        "Times reports received in the period were forwarded to another agency (no wrong "
        "door)."), "count", _n("fwd")),
    Measure("forwarded_away", _("Forwarded away"), _(
        "Agencies only: times this agency or one of its units forwarded a report away."),
        "count", _n("fwd_out")),
    Measure("forwarded_to", _("Forwarded to it"), _(
        "Agencies only: times a report was forwarded to this agency or one of its units."),
        "count", _n("fwd_in")),
    Measure("followed_up", _("Reports followed up"), _(
        "Reports with at least one published follow-up (tindak lanjut)."), "count", _n("fu")),
    Measure("closed", _("Reports completed"), _(
        "Reports now closed: accepted by the reporter or closed after the reply window."),
        "count", _n("cls")),
    Measure("pct_completed", _("Completed (%)"), _(
        "Completed reports as a share of the reports received (Permenpan-RB 46/2020)."),
        "percent", _pct("cls", "rcv")),
    Measure("archived", _("Reports archived"), _(
        "Reports now archived, each with its reason (below)."), "count", _n("arc")),
]
_ARCHIVED = [
    Measure(f"archived_{reason.value}", format_lazy("{}: {}", _("Archived"), reason.label),
            _("Reports now archived for this reason."), "count", _n(f"arc:{reason.value}"))
    for reason in ArchiveReason
]
_TIMING = [
    Measure("pct_verified_on_time", _("Verified on time (%)"), _(
        "Of the reports dispatched, the share whose first dispatch came by the verification "
        "deadline of the SLA clock (working days, same calendar)."), "percent",
        _pct("v_ok", "v_n")),
    Measure("pct_followup_on_time", _("Followed up on time (%)"), _(
        "Of the reports followed up, the share whose first follow-up came by the follow-up "
        "deadline (moved by any pause for missing information)."), "percent",
        _pct("fu_ok", "fu_n")),
    Measure("pct_resolved_on_time", _("Resolved on time (%)"), _(
        "Of the completed reports, the share whose last follow-up came by the resolution "
        "deadline."), "percent", _pct("r_ok", "r_n")),
    Measure("median_days_followup", _("Median working days to first follow-up"), _(
        "Working days from receipt to the first follow-up, less the working days paused "
        "waiting for the reporter; nearest-rank median."), "workdays", _pctl("fud", 0.5)),
    Measure("p90_days_followup", _("90th percentile working days to first follow-up"), _(
        "As above, the nearest-rank 90th percentile."), "workdays", _pctl("fud", 0.9)),
    Measure("median_days_close", _("Median working days to completion"), _(
        "Working days from receipt to closing, less the paused working days; nearest-rank "
        "median."), "workdays", _pctl("cld", 0.5)),
    Measure("p90_days_close", _("90th percentile working days to completion"), _(
        "As above, the nearest-rank 90th percentile."), "workdays", _pctl("cld", 0.9)),
    Measure("reopen_rate", _("Reopen rate"), _(
        "Of the reports followed up, the share the reporter replied to (reopened) or an "
        "admin reopened."), "percent", _pct("reo", "fu")),
]
_RATINGS = [
    Measure("rating_mean", _("Mean reporter rating"), _(
        "Mean of the reporters' ratings (1–5) of completed reports."), "rating", _mean_rating),
    Measure("rating_response_rate", _("Rating response rate"), _(
        "Of the completed reports, the share the reporter rated."), "percent",
        _pct("rated", "cls")),
    *[Measure(f"rating_{n}", format_lazy("{} {}", _("Rated"), n), _(
        "Completed reports the reporter rated with this score."), "count", _n(f"r:{n}"))
      for n in range(1, 6)],
]
_OTHER = [
    *[Measure(f"escalated_{level}", format_lazy("{} {}", _("Escalated to level"), level), _(
        "Reports whose escalation for a missed deadline reached this level (1 agency leader, "
        "2 national admin, 3 supervisor)."), "count", _n(f"esc:{level}"))
      for level in (1, 2, 3)],
    Measure("support", _("Support"), _(
        "Citizens who said \"I have this problem too\" on the reports."), "count", _n("sup")),
    Measure("open_backlog", _("Open backlog"), _(
        "Reports received in the period that are still open (not completed, not archived)."),
        "count", _n("open")),
]
MEASURES: list[Measure] = [*_BASE, *_ARCHIVED, *_TIMING, *_RATINGS, *_OTHER]
BY_CODE = {m.code: m for m in MEASURES}
# Measured live from the reports, not from the cells (it depends on the clock).
OVERDUE = Measure("overdue_now", _("Overdue now"), _(
    "Open reports whose current deadline has passed at the time of the request (all periods)."),
    "count", _n("overdue"))


def evaluate(counts: Counts, codes=None) -> dict[str, float | int | None]:
    """Every measure (or only those named in ``codes``) from summed counters."""
    if codes is None:
        return {m.code: m.compute(counts) for m in MEASURES}
    return {code: BY_CODE[code].compute(counts) for code in codes}
