"""Which SLA policy applies to a report: the most specific match wins.

Specificity, from strongest: the agency (the holder itself beats its parent,
which beats the grandparent ...), then the category (a sub-category beats its
parent), then severity, then kind. Defaults live in the database (data
migration 0002); ``DEFAULT_DAYS`` is only the safety net if an admin deletes
every row for a timer.
"""

from aduan.lib import versions

from .models import DayUnit, EscalationStep, SlaPolicy, Timer

DEFAULT_DAYS = {
    Timer.VERIFICATION: (3, DayUnit.WORKDAYS),
    Timer.FOLLOWUP: (5, DayUnit.WORKDAYS),
    Timer.RESOLUTION: (5, DayUnit.WORKDAYS),
    Timer.REPLY_WINDOW: (10, DayUnit.DAYS),
    Timer.AUTOCLOSE: (10, DayUnit.WORKDAYS),
    Timer.INFO: (10, DayUnit.WORKDAYS),
}
DEFAULT_ESCALATION = {1: 0, 2: 5, 3: 10}


# Policies change rarely and are read on every transition: each process keeps them for
# a minute (an edit shows in every process within POLICY_TTL seconds).
POLICY_TTL = 60.0
# An edit bumps the "deadlines" version: with a shared cache every process sees it within
# ``versions.CHECK_SECONDS``.
_cache = versions.Memo("deadlines")


def _policies(timer: str) -> list[SlaPolicy]:
    return _cache.get(timer, POLICY_TTL, lambda: list(SlaPolicy.objects.filter(timer=timer)))


def forget_policies() -> None:
    _cache.clear()


def _score(policy: SlaPolicy, agencies: list[str], categories: list[str]) -> tuple:
    agency_rank = agencies.index(policy.agency_id) + 1 if policy.agency_id else 0
    category_rank = categories.index(policy.category_id) + 1 if policy.category_id else 0
    return (agency_rank, category_rank, bool(policy.severity), bool(policy.kind), -policy.pk)


def sla_days(report, timer: str) -> tuple[int, str]:
    """(days, unit) for ``timer`` on this report."""
    # Root first, holder last: a later position is nearer and therefore more specific.
    agencies = report.holder.ancestor_codes if report.holder_id else []
    categories = []
    if report.category_id:
        parent = report.category.parent_id
        categories = [parent, report.category_id] if parent else [report.category_id]
    candidates = [
        p for p in _policies(timer)
        if p.kind in ("", report.kind) and p.severity in ("", report.severity)
        and (p.category_id is None or p.category_id in categories)
        and (p.agency_id is None or p.agency_id in agencies)
    ]
    best = max(candidates, key=lambda p: _score(p, agencies, categories), default=None)
    if best is None:
        return DEFAULT_DAYS[timer]
    return best.days, best.unit


def escalation_steps() -> dict[int, int]:
    """{level: working days past the deadline}, from the data (defaults if none)."""
    steps = dict(EscalationStep.objects.values_list("level", "after_workdays"))
    return steps or dict(DEFAULT_ESCALATION)
