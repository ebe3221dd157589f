"""Staff accounts, memberships and API tokens."""

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from aduan.agencies.models import Agency, AgencyKind, Membership, Role
from aduan.reports.errors import InvalidInput

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


def token_create(*, user, name: str = "", actor=None) -> str:
    """Create an API token for ``user``; return the raw token (it is not stored)."""
    raw = ApiToken.new_raw()
    ApiToken.objects.create(user=user, name=name, key_hash=hash_token(raw), prefix=raw[:12])
    AuditEntry.objects.create(actor=actor, action=AuditEntry.Action.TOKEN_CREATED,
                              target=user.get_username(), detail={"name": name})
    return raw
