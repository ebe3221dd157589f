"""Staff accounts and memberships, reporter accounts, and API tokens."""

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from aduan.agencies.models import Agency, AgencyKind, Membership, Role
from aduan.errors import Forbidden, InvalidInput, NotFound

from .models import ApiToken, AuditEntry, hash_token

# Some roles only make sense at one kind of body (DESIGN §1).
_ROLE_KINDS = {Role.NATIONAL_ADMIN: AgencyKind.NATIONAL_MANAGER,
               Role.SUPERVISOR: AgencyKind.SUPERVISOR}


def staff_add(*, username: str, agency_code: str, role: str, password: str | None,
              email: str = "", actor=None) -> tuple[object, bool]:
    """Create the user if needed and give them ``role`` at ``agency``; return (user, created)."""
    if role not in Role.values:
        raise InvalidInput(_("Unknown role %(role)r; allowed: %(allowed)s.")
                           % {"role": role, "allowed": ", ".join(Role.values)}, field="role")
    agency = Agency.objects.filter(pk=agency_code).first()
    if agency is None:
        raise InvalidInput(_("Unknown agency code %(code)r.") % {"code": agency_code},
                           field="agency")
    needed = _ROLE_KINDS.get(role)
    if needed and agency.kind != needed:
        raise InvalidInput(_("The role %(role)s belongs at a %(kind)s agency.")
                           % {"role": role, "kind": needed}, field="role")
    User = get_user_model()
    with transaction.atomic():
        user = User.objects.filter(username=username).first()
        created = user is None
        if created:
            if not password:
                raise InvalidInput(_("A new staff member needs a password."), field="password")
            if email and User.objects.filter(email__iexact=email).exists():
                raise InvalidInput(_("This e-mail address already belongs to another account."),
                                   field="email")
            user = User(username=username, email=email)
            try:
                validate_password(password, user)
            except ValidationError as exc:
                raise InvalidInput(" ".join(exc.messages), field="password") from None
            user.set_password(password)
            user.save()
        Membership.objects.get_or_create(user=user, agency=agency, role=role)
        AuditEntry.objects.create(actor=actor, action=AuditEntry.Action.STAFF_ADDED,
                                  target=username, detail={"agency": agency.pk, "role": role})
    return user, created


def token_create(*, user, name: str = "", actor=None, verified_device=None,
                 from_cli: bool = False) -> str:
    """Create an API token for ``user``; return the raw token (it is not stored).

    Only the operator's command line (``from_cli``) or a session whose second factor
    ``verified_device`` belongs to the user may create one: a stolen password alone
    must not mint a credential that outlives the session.
    """
    if not from_cli and (verified_device is None or verified_device.user_id != user.pk):
        raise Forbidden(_("Creating an API token needs a login with a second factor."),
                        code="second_factor_required")
    raw = ApiToken.new_raw()
    ApiToken.objects.create(user=user, name=name, key_hash=hash_token(raw), prefix=raw[:12])
    AuditEntry.objects.create(actor=actor, action=AuditEntry.Action.TOKEN_CREATED,
                              target=user.get_username(), detail={"name": name})
    return raw


def tokens_list(user) -> list[ApiToken]:
    return list(ApiToken.objects.filter(user=user, revoked_at__isnull=True).order_by("-pk"))


def token_revoke(*, user, token_id: int) -> None:
    """Revoke one of the user's own tokens (404 for anyone else's)."""
    if not ApiToken.objects.filter(user=user, pk=token_id, revoked_at__isnull=True).update(
            revoked_at=timezone.now()):
        raise NotFound()


# --- reporter accounts ---------------------------------------------------------------


def reporter_register(*, email: str, password: str, name: str = "") -> object:
    """Create a reporter account that logs in with its e-mail address."""
    email = (email or "").strip().lower()
    User = get_user_model()
    try:
        EmailValidator()(email)
    except ValidationError:
        raise InvalidInput(_("Enter a valid e-mail address."), field="email") from None
    if User.objects.filter(Q(email__iexact=email) | Q(username__iexact=email)).exists():
        raise InvalidInput(_("An account with this e-mail address already exists; log in "
                             "instead."), field="email")
    user = User(username=email[:150], email=email, first_name=(name or "").strip()[:150])
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise InvalidInput(" ".join(exc.messages), field="password") from None
    user.set_password(password)
    with transaction.atomic():
        user.save()
    return user


def user_for_login(identifier: str):
    """The account a login name or e-mail address refers to, or None."""
    identifier = (identifier or "").strip()
    if not identifier:
        return None
    User = get_user_model()
    if "@" in identifier:
        return User.objects.filter(email__iexact=identifier).first()
    return User.objects.filter(username=identifier).first()


# --- members of an agency, managed by its admins ------------------------------------

# Roles an agency admin may hand out inside its subtree; the national and
# supervisory roles are given only by national admins.
AGENCY_GRANTABLE = (Role.AGENCY_ADMIN, Role.UNIT_ADMIN, Role.LIAISON, Role.LEADER,
                    Role.AUDITOR, Role.DEVELOPER)


def managed_paths(caller) -> list[str] | None:
    """Agency paths whose members the caller manages; None means every agency."""
    if caller.is_national_admin:
        return None
    return [g.agency_path for g in caller.grants if g.role == Role.AGENCY_ADMIN]


def _managed_q(caller, field: str = "path") -> Q:
    paths = managed_paths(caller)
    if paths is None:
        return Q()
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(**{f"{field}__startswith": path})
    return q


def grantable_roles(caller) -> list[str]:
    return list(Role.values) if caller.is_national_admin else list(AGENCY_GRANTABLE)


def members_list(caller, *, agency_code: str = "", limit: int = 200):
    """Memberships in the agencies the caller manages (404 for anything else)."""
    if managed_paths(caller) == []:
        raise NotFound()
    rows = Membership.objects.filter(_managed_q(caller, "agency__path"))
    if agency_code:
        rows = rows.filter(agency__path__contains=f"/{agency_code}/")
    return list(rows.select_related("user", "agency").order_by("agency__path", "user__username")
                [:limit])


def managed_agency(caller, code: str) -> Agency:
    agency = Agency.objects.filter(_managed_q(caller), pk=(code or "").strip()).first()
    if agency is None:
        raise InvalidInput(_("Choose an agency you manage."), field="agency")
    return agency


def membership_add(*, caller, username: str, agency_code: str, role: str,
                   password: str = "", email: str = "") -> Membership:
    """Give a user a role in an agency the caller manages; a new user needs a password."""
    if managed_paths(caller) == []:
        raise Forbidden()
    agency = managed_agency(caller, agency_code)
    if role not in grantable_roles(caller):
        raise InvalidInput(_("You may not give the role %(role)s.") % {"role": role},
                           field="role")
    username = (username or "").strip()
    if not username:
        raise InvalidInput(_("Give the user name of the staff member."), field="username")
    _existing_account_check(caller, username)
    user, _created = staff_add(username=username, agency_code=agency.pk, role=role,
                               password=password or None, email=(email or "").strip(),
                               actor=caller.user)
    return Membership.objects.get(user=user, agency=agency, role=role)


def _existing_account_check(caller, username: str) -> None:
    """An agency admin gives roles to new accounts, or to staff already in its subtree.

    Any other existing account (a citizen's, another agency's staff) could otherwise be
    made an admin without its owner knowing and read confidential reports; only a
    national admin may attach a role to it.
    """
    if caller.is_national_admin:
        return
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        return
    if not Membership.objects.filter(_managed_q(caller, "agency__path"), user=user).exists():
        raise Forbidden(_("This account already exists outside the agencies you manage; ask a "
                          "national admin to give it a role."), code="existing_account")


def membership_remove(*, caller, membership_id: int) -> None:
    """Take a role away; an admin cannot remove their own admin role (no lock-out)."""
    membership = Membership.objects.filter(_managed_q(caller, "agency__path"),
                                           pk=membership_id).first()
    if membership is None:
        raise NotFound()
    if membership.user_id == caller.user.pk and membership.role in (Role.AGENCY_ADMIN,
                                                                     Role.NATIONAL_ADMIN):
        raise InvalidInput(_("You cannot remove your own admin role; ask another admin."),
                           field="membership")
    with transaction.atomic():
        membership.delete()
        AuditEntry.objects.create(actor=caller.user, action=AuditEntry.Action.STAFF_REMOVED,
                                  target=membership.user.get_username(),
                                  detail={"agency": membership.agency_id,
                                          "role": membership.role})
