"""Staff second factors: who needs one, TOTP enrolment, recovery codes, the second step.

A staff member whose roles are in ``settings.TWO_FACTOR_ROLES`` (national admins, agency
admins and liaisons by default), or anyone who enrolled a device, completes every login
with a second factor: a TOTP code, a passkey (``accounts.webauthn``) or a recovery code.
The second step is counted like passwords (``accounts.ratelimit``): past a limit per
account or per client it asks for a proof-of-work solution; nobody is locked out.
"""

import secrets

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp import devices_for_user
from django_otp.plugins.otp_totp.models import TOTPDevice

from aduan.agencies.models import Membership
from aduan.errors import InvalidInput, NotFound

from .challenge import attempt_allowed
from .models import (
    AuditEntry,
    RecoveryCode,
    RecoveryCodeSet,
    WebAuthnCredential,
    hash_token,
    normalize_recovery_code,
)
from .ratelimit import rate_clear

RECOVERY_CODE_COUNT = 10
# 16 characters of Crockford-like base32 (no 0/O, 1/I/L): 80 bits.
_RECOVERY_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
_RECOVERY_LENGTH = 16


def two_factor_required(user) -> bool:
    """Whether this account must complete its logins with a second factor."""
    if user is None or not user.is_authenticated:
        return False
    roles = settings.TWO_FACTOR_ROLES
    if roles and Membership.objects.filter(user=user, role__in=roles,
                                           agency__active=True).exists():
        return True
    return has_second_factor(user)


def has_second_factor(user) -> bool:
    """Whether the account has a confirmed TOTP device or passkey (recovery codes alone
    are no factor to enrol with)."""
    return (TOTPDevice.objects.filter(user=user, confirmed=True).exists()
            or WebAuthnCredential.objects.filter(user=user, confirmed=True).exists())


# --- TOTP -------------------------------------------------------------------------------


def totp_pending(user) -> TOTPDevice:
    """The unconfirmed TOTP device being enrolled (the same one across page reloads)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    return device or TOTPDevice.objects.create(user=user, name=_("Authenticator app"),
                                               confirmed=False)


def totp_confirm(*, user, code: str, name: str, client: str, proof: str = "") -> TOTPDevice:
    """Confirm the pending TOTP device with a code from the app (counted like a login)."""
    attempt_allowed([("otp_account", str(user.pk)), ("otp_client", client)], proof)
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    with transaction.atomic():
        if device is None or not device.verify_token(_digits(code)):
            raise InvalidInput(_("The code is not right. Type the 6 digits the app shows "
                                 "now."), field="code")
        device.confirmed = True
        device.name = (name or "").strip()[:64] or _("Authenticator app")
        device.save(update_fields=["confirmed", "name"])
        _audit(user, AuditEntry.Action.TWO_FACTOR_ADDED, {"kind": "totp"})
    rate_clear("otp_account", str(user.pk))
    return device


def _digits(code: str) -> str:
    return "".join(ch for ch in str(code or "") if ch.isdigit())[:8]


# --- the second step of a login ---------------------------------------------------------


def second_factor_verify(*, user, code: str, client: str, proof: str = ""):
    """The device that accepts ``code`` (TOTP, or a recovery code, each usable once).

    Counted per account and per client before any check; a wrong code raises
    ``InvalidInput``, and past a limit ``ChallengeRequired`` asks for proof-of-work.
    """
    attempt_allowed([("otp_account", str(user.pk)), ("otp_client", client)], proof)
    raw = (code or "").strip()
    device = None
    with transaction.atomic():
        if len(_digits(raw)) in (6, 8) and len(normalize_recovery_code(raw)) <= 8:
            device = next((d for d in TOTPDevice.objects.filter(user=user, confirmed=True)
                           .select_for_update() if d.verify_token(_digits(raw))), None)
        else:
            device = next((d for d in RecoveryCodeSet.objects.filter(user=user, confirmed=True)
                           if d.verify_token(raw)), None)
    if device is None:
        raise InvalidInput(_("The code is not right. Type the code your app shows now, or "
                             "one of your recovery codes."), field="code")
    rate_clear("otp_account", str(user.pk))
    return device


# --- recovery codes -------------------------------------------------------------------


def _recovery_code() -> str:
    raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_LENGTH))
    return "-".join(raw[i:i + 4] for i in range(0, _RECOVERY_LENGTH, 4))


def recovery_codes_new(user) -> list[str]:
    """Replace the account's recovery codes with new ones; return them (shown once)."""
    codes = [_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    with transaction.atomic():
        RecoveryCodeSet.objects.filter(user=user).delete()
        device = RecoveryCodeSet.objects.create(user=user, name=_("Recovery codes"),
                                                confirmed=True)
        RecoveryCode.objects.bulk_create(
            RecoveryCode(device=device, code_hash=hash_token(normalize_recovery_code(c)))
            for c in codes)
        _audit(user, AuditEntry.Action.RECOVERY_CODES_NEW, {})
    return codes


def recovery_codes_left(user) -> int:
    device = RecoveryCodeSet.objects.filter(user=user).first()
    return device.codes_left() if device else 0


# --- managing one's devices -------------------------------------------------------------


def devices_list(user) -> list:
    """The account's confirmed TOTP devices and passkeys (not the recovery codes)."""
    return [d for d in devices_for_user(user) if not isinstance(d, RecoveryCodeSet)]


def device_remove(*, user, persistent_id: str) -> None:
    """Remove one of the caller's own devices; the last one stays while 2FA is required."""
    device = next((d for d in devices_list(user) if d.persistent_id == persistent_id), None)
    if device is None:
        raise NotFound()
    with transaction.atomic():
        if len(devices_list(user)) == 1 and _role_requires(user):
            raise InvalidInput(_("Your role needs a second factor: add another one before you "
                                 "remove this one."), field="device")
        device.delete()
        if not has_second_factor(user):
            RecoveryCodeSet.objects.filter(user=user).delete()
        _audit(user, AuditEntry.Action.TWO_FACTOR_REMOVED,
               {"kind": device._meta.model_name})


def _role_requires(user) -> bool:
    roles = settings.TWO_FACTOR_ROLES
    return bool(roles) and Membership.objects.filter(user=user, role__in=roles).exists()


def two_factor_reset(user) -> int:
    """Remove every second factor of an account (operator command for a lost phone)."""
    with transaction.atomic():
        removed = sum(model.objects.filter(user=user).delete()[0]
                      for model in (TOTPDevice, WebAuthnCredential, RecoveryCodeSet))
        _audit(None, AuditEntry.Action.TWO_FACTOR_REMOVED, {"kind": "all"}, target=user)
    return removed


def _audit(user, action, detail, target=None) -> None:
    AuditEntry.objects.create(actor=user, action=action,
                              target=(target or user).get_username(), detail=detail)
