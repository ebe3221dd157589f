"""Reads over agencies, regions and memberships: who holds a role where (the staff a
notification is for), and the small indexed look-ups behind pickers and search boxes."""

from collections import defaultdict

from django.db.models import Q

from aduan.lib import versions

from .models import NON_HOLDING_KINDS, Agency, AgencyKind, Category, Membership, Region, Role

Member = tuple[int, str]  # (user id, e-mail or "")


def members(role: str, *, agencies=None, kind: str | None = None) -> dict[str, set[Member]]:
    """{agency path: members} of the active users who hold ``role``."""
    found = Membership.objects.filter(role=role, user__is_active=True, agency__active=True)
    if agencies is not None:
        found = found.filter(agency__in=agencies)
    if kind:
        found = found.filter(agency__kind=kind)
    by_path: dict[str, set[Member]] = defaultdict(set)
    for path, user_id, email in found.values_list("agency__path", "user_id", "user__email"):
        by_path[path].add((user_id, email))
    return by_path


def members_above(holders: set[str], role: str) -> dict[str, set[Member]]:
    """{holder code: members with ``role`` at the holder or at any agency above it}."""
    paths = dict(Agency.objects.filter(pk__in=holders).values_list("code", "path"))
    ancestors = {code for path in paths.values() for code in path.split("/") if code}
    by_path = members(role, agencies=ancestors)
    return {holder: set().union(*[m for p, m in by_path.items() if path.startswith(p)])
            for holder, path in paths.items()}


def national_admins() -> set[Member]:
    return set().union(*members(Role.NATIONAL_ADMIN).values())


def supervisors() -> set[Member]:
    return set().union(*members(Role.SUPERVISOR, kind=AgencyKind.SUPERVISOR).values())


# --- look-ups for pickers and search boxes -----------------------------------------

SEARCH_LIMIT = 15
AGENCY_LIMIT = 15


def region_chain(code: str) -> list[str]:
    """The codes from the province down to ``code``: 35.78.01 → [35, 35.78, 35.78.01]."""
    parts = code.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts) + 1)][:4]


def region_children(parent: str | None) -> list[tuple[str, str]]:
    rows = Region.objects.filter(parent=parent) if parent else Region.objects.filter(level=1)
    return list(rows.order_by("name").values_list("code", "name"))


def region_search(text: str, limit: int = SEARCH_LIMIT) -> list[dict]:
    """Regions whose name holds every word typed, biggest first, with where they lie."""
    words = [w for w in text.split() if len(w) >= 2][:4]
    if not words:
        return []
    q = Q()
    for word in words:
        q &= Q(name__icontains=word)
    found = list(Region.objects.filter(q).order_by("level", "name")
                 .values("code", "name", "level")[:limit])
    ancestors = {c for row in found for c in region_chain(row["code"])[:-1]}
    names = dict(Region.objects.filter(code__in=ancestors).values_list("code", "name"))
    for row in found:
        above = reversed(region_chain(row["code"])[:-1])
        row["within"] = ", ".join(names.get(c, c) for c in above)
    return found


def agency_search(text: str, *, holding_only: bool = True) -> list[dict]:
    """Agencies whose code starts with, or whose name holds every word of, ``text``."""
    words = text.split()[:4]
    if not words:
        return []
    rows = Agency.objects.filter(active=True)
    if holding_only:
        rows = rows.exclude(kind__in=NON_HOLDING_KINDS)
    by_code = list(rows.filter(code__startswith=text.strip().lower())
                   .values("code", "name")[:AGENCY_LIMIT])
    for word in words:
        rows = rows.filter(name__icontains=word)
    seen = {r["code"] for r in by_code}
    by_name = [r for r in rows.order_by("path").values("code", "name")[:AGENCY_LIMIT]
               if r["code"] not in seen]
    return (by_code + by_name)[:AGENCY_LIMIT]


# Reference data read on every submission: kept per process for a short while. Regions
# only change when a release reloads them; categories when a national admin edits one.
_CATEGORY_TTL, _REGION_TTL = 60.0, 600.0
# An edit bumps the "agencies" version (``aduan.lib.versions``): every process sees it
# within a few seconds when the cache is shared (ADUAN_CACHE_URL), else within the TTL.
_cached = versions.Memo("agencies")


def _remember(name: str, ttl: float, load):
    return _cached.get(name, ttl, load)


def active_category(code: str) -> Category | None:
    """The active category with this code (children know their parent's code)."""
    categories = _remember("categories", _CATEGORY_TTL, lambda: {
        c.code: c for c in Category.objects.filter(active=True)})
    return categories.get(code)


def region_exists(code: str) -> bool:
    codes = _remember("regions", _REGION_TTL,
                      lambda: frozenset(Region.objects.values_list("code", flat=True)))
    # A miss is asked of the database too: a region loaded after this copy was taken (a
    # release's reload, another machine's) must never be refused as unknown.
    return code in codes or Region.objects.filter(code=code).exists()


def province_names() -> dict[str, str]:
    """Province code → name (38 rows), kept like the other reference data."""
    return _remember("province_names", _REGION_TTL, lambda: dict(
        Region.objects.filter(level=1).values_list("code", "name")))


def forget_reference_cache() -> None:
    _cached.clear()
