"""Who makes a request: the ``Caller`` every access rule is asked about, and how one is built.

These are facts about the caller (their account, memberships, PIN, partner scopes),
not rules: what a caller may see or do is decided in ``reports.access``.
"""

from dataclasses import dataclass, field

from aduan.agencies.models import Membership, Role


@dataclass(frozen=True)
class Grant:
    agency_code: str
    agency_path: str
    role: str


@dataclass
class Caller:
    """Whoever makes a request: nobody, a reporter (account or PIN), or staff."""

    user: object | None = None
    grants: list[Grant] = field(default_factory=list)
    pin_report_id: int | None = None
    # A partner system (API client) acting through its service account, with its scopes.
    client: object | None = None
    scopes: frozenset[str] = frozenset()

    @property
    def is_authenticated(self) -> bool:
        return self.user is not None

    def has_role(self, *roles: str) -> bool:
        return any(grant.role in roles for grant in self.grants)

    @property
    def is_national_admin(self) -> bool:
        return self.has_role(Role.NATIONAL_ADMIN)

    @property
    def is_staff_member(self) -> bool:
        return bool(self.grants)

    def agencies_with(self, roles: frozenset[str] | set[str]) -> list[str]:
        return [grant.agency_code for grant in self.grants if grant.role in roles]


ANONYMOUS = Caller()


def caller_for_user(user, *, pin_report_id: int | None = None) -> Caller:
    """Build a caller with the user's memberships (one query)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Caller(pin_report_id=pin_report_id)
    grants = [
        Grant(code, path, role)
        for code, path, role in Membership.objects.filter(user=user, agency__active=True)
        .values_list("agency_id", "agency__path", "role")
    ]
    return Caller(user=user, grants=grants, pin_report_id=pin_report_id)


def caller_for_client(client) -> Caller:
    """A partner system: it reads (``reports:read``) or also acts (``reports:act``) as its
    agency and that agency's subtree, through its service account; otherwise it only
    submits and sees what the public sees."""
    scopes = frozenset(client.scopes)
    grants = []
    if "reports:act" in scopes:
        grants.append(Grant(client.agency_id, client.agency.path, Role.AGENCY_ADMIN))
    elif "reports:read" in scopes:
        grants.append(Grant(client.agency_id, client.agency.path, Role.LEADER))
    return Caller(user=client.service_user, grants=grants, client=client, scopes=scopes)
