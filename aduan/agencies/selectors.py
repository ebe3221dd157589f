"""Who holds a role where: the staff a notification is for."""

from collections import defaultdict

from .models import Agency, AgencyKind, Membership, Role

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
