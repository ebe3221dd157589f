"""Routing rules: which agency answers a (category, region, level of government).

The rules are data (``RoutingRule``). The defaults are generated, never typed in
per region: for each category, its regional office (``data/default_routes.csv``,
by office type) in every province and regency/city, the regional offices of
national bodies (police, religious affairs, land offices) where a category has
them, and one national body. National admins add their own rules, which win
over a default at the same place and are never touched by a reload.

Resolution is one pure function over a mapping, so the single-report path
(rules loaded for one category and one region chain) and the batch path (all
rules in memory) cannot disagree.
"""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from aduan.accounts.audit import AuditAction, audit_record

from .generate import read_csv
from .models import Agency, Category, Level, Region, RoutingRule, RuleSource

# Levels from the closest to the citizen outwards: where a rule is missing at the
# category's level (a regency matter in a text naming only the province), the
# government above can still answer, and the router knows it is a fallback.
LEVELS = (Level.REGENCY, Level.PROVINCE, Level.NATIONAL)

RuleKey = tuple[str, str, str]  # (category, level, region code or "")


@dataclass(frozen=True)
class Resolution:
    agency: str | None
    level: str
    region: str | None
    # False when no rule matched at the requested level and a higher one answered.
    exact: bool


def region_chain(code: str | None) -> list[str]:
    """``35.78.02.1001`` -> [``35.78.02.1001``, ``35.78.02``, ``35.78``, ``35``, ``""``]."""
    if not code:
        return [""]
    parts = code.split(".")
    return [".".join(parts[:n]) for n in range(len(parts), 0, -1)] + [""]


def resolve(rules: Mapping[RuleKey, str], *, categories: list[str], region: str | None,
            level: str) -> Resolution:
    """The agency of the most specific matching rule; region specificity first.

    ``categories`` is the category and then its parents.
    """
    start = LEVELS.index(level) if level in LEVELS else 0
    for step, current in enumerate(LEVELS[start:]):
        for place in region_chain(region):
            if step and not place:
                continue  # a local matter with no known place is not a ministry's
            for category in categories:
                agency = rules.get((category, current, place))
                if agency:
                    return Resolution(agency, current, place or None, exact=step == 0)
    return Resolution(None, level, None, exact=False)


def rules_for(categories: list[str], region: str | None) -> dict[RuleKey, str]:
    """The rules that can apply to one report (one indexed query)."""
    places = [p for p in region_chain(region) if p]
    rows = (RoutingRule.objects.filter(category__in=categories)
            .filter(Q(region__in=places) | Q(region__isnull=True))
            .values_list("category_id", "level", "region_id", "agency_id"))
    return {(c, lvl, r or ""): a for c, lvl, r, a in rows}


def rules_for_many(categories: set[str], regions: set[str | None]) -> dict[RuleKey, str]:
    """The rules that can apply to a batch of reports (one indexed query for all of them).

    A superset of each report's own ``rules_for``: ``resolve`` looks up only the
    report's own places, so it answers exactly as with the single-report rules.
    """
    places = {p for region in regions for p in region_chain(region) if p}
    rows = (RoutingRule.objects.filter(category__in=categories)
            .filter(Q(region__in=places) | Q(region__isnull=True))
            .values_list("category_id", "level", "region_id", "agency_id"))
    return {(c, lvl, r or ""): a for c, lvl, r, a in rows.iterator(chunk_size=5000)}


def rules_all() -> dict[RuleKey, str]:
    rows = RoutingRule.objects.values_list("category_id", "level", "region_id", "agency_id")
    return {(c, lvl, r or ""): a for c, lvl, r, a in rows.iterator(chunk_size=5000)}


def category_chain(code: str) -> list[str]:
    """The category and its parents, most specific first."""
    chain, seen = [], set()
    parents = dict(Category.objects.values_list("code", "parent_id"))
    while code and code not in seen:
        chain.append(code)
        seen.add(code)
        code = parents.get(code)
    return chain


def route_agency(*, category: str, region: str | None, level: str | None = None) -> Resolution:
    """Resolve one (category, region, level); the level defaults to the category's own."""
    chain = category_chain(category)
    if level is None:
        level = Category.objects.filter(pk=category).values_list(
            "default_level", flat=True).first() or Level.REGENCY
    return resolve(rules_for(chain, region), categories=chain, region=region, level=level)


# --- defaults -------------------------------------------------------------------------


def _default_rules() -> Iterator[tuple[str, str | None, str, str]]:
    """(category, region or None, level, agency) for every generated default."""
    routes = {row["category"]: row for row in read_csv("default_routes.csv")}
    agencies = list(Agency.objects.filter(active=True)
                    .values_list("code", "kind", "level", "region_id", "office_type", "parent_id"))
    governments = {region: code for code, kind, _lvl, region, _o, parent in agencies
                   if parent is None and region and kind.endswith("government")}
    offices = {(region, office): code for code, _k, _lvl, region, office, _p in agencies
               if region and office}
    vertical = {}
    for row in read_csv("vertical_offices.csv"):
        for category in row["categories"].split():
            vertical[category] = (row["province_prefix"], row["regency_prefix"])
    known = {code for code, *_rest in agencies}
    for category, route in routes.items():
        national = route["national_agency"]
        if national in known:
            yield category, None, Level.NATIONAL, national
        for region, government in governments.items():
            level = Level.PROVINCE if "." not in region else Level.REGENCY
            office = offices.get((region, route["regional_office"]))
            yield category, region, level, office or government
            prefixes = vertical.get(category)
            if prefixes:
                own = offices.get((region, prefixes[0] if level == Level.PROVINCE
                                   else prefixes[1]))
                if own:
                    yield category, region, Level.NATIONAL, own


def rules_load_defaults() -> int:
    """Regenerate the default rules; rules set by admins stay as they are."""
    admin_keys = set(RoutingRule.objects.filter(source=RuleSource.ADMIN)
                     .values_list("category_id", "region_id", "level"))
    categories = set(Category.objects.values_list("code", flat=True))
    rows = [RoutingRule(category_id=c, region_id=r, level=lvl, agency_id=a,
                        source=RuleSource.DEFAULT)
            for c, r, lvl, a in _default_rules()
            if c in categories and (c, r, lvl) not in admin_keys]
    with transaction.atomic():
        RoutingRule.objects.filter(source=RuleSource.DEFAULT).delete()
        RoutingRule.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


# --- what national admins call (back office, command, Django admin) -------------------


class RuleError(ValueError):
    """A rule that cannot be saved; the message says why and what is allowed."""


def rule_set(*, category: str, region: str | None, level: str, agency: str, note: str = "",
             user=None) -> RoutingRule:
    """Create or replace the rule at (category, region, level); it becomes an admin rule."""
    if not Category.objects.filter(pk=category).exists():
        raise RuleError(_("Unknown category %(code)r.") % {"code": category})
    if region and not Region.objects.filter(pk=region).exists():
        raise RuleError(_("Unknown region code %(code)r.") % {"code": region})
    if level not in Level.values:
        raise RuleError(_("Unknown level %(level)r; allowed: %(allowed)s.")
                        % {"level": level, "allowed": ", ".join(Level.values)})
    target = Agency.objects.filter(pk=agency).first()
    if target is None or not target.can_hold_reports:
        raise RuleError(_("%(code)r is not an agency that can hold reports.") % {"code": agency})
    with transaction.atomic():
        RoutingRule.objects.filter(category=category, region=region or None, level=level).delete()
        rule = RoutingRule.objects.create(
            category_id=category, region_id=region or None, level=level, agency=target,
            source=RuleSource.ADMIN, note=note[:300], updated_by=user)
        audit_record(AuditAction.ROUTING_RULE_CHANGED, actor=user,
                     target=f"rule:{category}:{region or '*'}:{level}", change="set",
                     agency=target.pk)
    return rule


def rule_delete(*, category: str, region: str | None, level: str, actor=None) -> bool:
    """Remove an admin rule (the default at that place, if any, comes back on the next load)."""
    with transaction.atomic():
        deleted, _rows = RoutingRule.objects.filter(
            category=category, region=region or None, level=level).delete()
        if deleted:
            audit_record(AuditAction.ROUTING_RULE_CHANGED, actor=actor,
                         target=f"rule:{category}:{region or '*'}:{level}", change="delete")
    return bool(deleted)


def rule_list(*, category: str | None = None, region: str | None = None,
              source: str | None = None):
    rules = RoutingRule.objects.select_related("agency").order_by("category", "level", "region")
    if category:
        rules = rules.filter(category=category)
    if region:
        rules = rules.filter(Q(region__in=[p for p in region_chain(region) if p])
                             | Q(region__isnull=True))
    if source:
        rules = rules.filter(source=source)
    return rules
