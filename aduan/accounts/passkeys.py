"""Passkeys and security keys (WebAuthn) as a second factor, verified by py_webauthn.

The browser asks for options, the authenticator signs, the server verifies: the
challenge (kept in the caller's session by the view), the origin and RP ID, the
signature over authenticator data and client data, and that the signature counter
moved forward. Attestation is not asked for ("none"): which brand of key a staff
member uses is not the office's business, and nothing here relies on it.
"""

import hashlib
import hmac
import json

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import bytes_to_base64url
from webauthn.helpers.exceptions import InvalidAuthenticationResponse, InvalidRegistrationResponse
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from aduan.errors import InvalidInput

from .challenge import attempt_allowed
from .models import AuditEntry, WebAuthnCredential
from .ratelimit import rate_clear

RP_NAME = "Aduan"
TIMEOUT_MS = 120_000


def _user_handle(user) -> bytes:
    # Stable per account, and not the database id (authenticators may show or sync it).
    return hmac.new(settings.SECRET_KEY.encode(), f"webauthn-user:{user.pk}".encode(),
                    hashlib.sha256).digest()


def _descriptors(user) -> list[PublicKeyCredentialDescriptor]:
    return [PublicKeyCredentialDescriptor(id=bytes(c.credential_id))
            for c in WebAuthnCredential.objects.filter(user=user, confirmed=True)]


def passkey_registration_options(user) -> tuple[str, bytes]:
    """Options for ``navigator.credentials.create()`` (JSON) and the challenge to keep."""
    options = generate_registration_options(
        rp_id=settings.WEBAUTHN_RP_ID, rp_name=RP_NAME, user_name=user.get_username(),
        user_id=_user_handle(user), timeout=TIMEOUT_MS,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED,
            user_verification=UserVerificationRequirement.PREFERRED),
        exclude_credentials=_descriptors(user))
    return options_to_json(options), options.challenge


def _credential_json(credential) -> str:
    if isinstance(credential, (bytes, str)):
        try:
            json.loads(credential)
        except ValueError:
            raise InvalidInput(_("The passkey's answer could not be read."),
                               field="credential") from None
        return credential.decode() if isinstance(credential, bytes) else credential
    return json.dumps(credential)


def passkey_register(*, user, credential, challenge: bytes | None,
                     name: str = "") -> WebAuthnCredential:
    """Verify a registration answer against the challenge we issued and keep the key."""
    if not challenge:
        raise InvalidInput(_("Start again: the passkey request has expired."), field="credential")
    try:
        verified = verify_registration_response(
            credential=_credential_json(credential), expected_challenge=challenge,
            expected_rp_id=settings.WEBAUTHN_RP_ID, expected_origin=settings.WEBAUTHN_ORIGINS)
    except (InvalidRegistrationResponse, ValueError, KeyError, TypeError):
        raise InvalidInput(_("The passkey could not be verified. Try again."),
                           field="credential") from None
    key = bytes_to_base64url(verified.credential_id)
    transports = []
    if isinstance(credential, dict):
        transports = list(credential.get("response", {}).get("transports", []) or [])[:8]
    with transaction.atomic():
        if WebAuthnCredential.objects.filter(credential_key=key).exists():
            raise InvalidInput(_("This passkey is already registered."), field="credential")
        device = WebAuthnCredential.objects.create(
            user=user, name=(name or "").strip()[:64] or _("Passkey"), confirmed=True,
            credential_id=verified.credential_id, credential_key=key,
            public_key=verified.credential_public_key, sign_count=verified.sign_count,
            transports=[str(t) for t in transports], aaguid=str(verified.aaguid))
        AuditEntry.objects.create(actor=user, action=AuditEntry.Action.TWO_FACTOR_ADDED,
                                  target=user.get_username(), detail={"kind": "webauthn"})
    return device


def passkey_authentication_options(user) -> tuple[str, bytes]:
    """Options for ``navigator.credentials.get()`` listing the account's keys."""
    options = generate_authentication_options(
        rp_id=settings.WEBAUTHN_RP_ID, timeout=TIMEOUT_MS, allow_credentials=_descriptors(user),
        user_verification=UserVerificationRequirement.PREFERRED)
    return options_to_json(options), options.challenge


def passkey_authenticate(*, user, credential, challenge: bytes | None, client: str,
                         proof: str = "") -> WebAuthnCredential:
    """The account's key that signed this challenge (counted like any second-step try)."""
    attempt_allowed([("otp_account", str(user.pk)), ("otp_client", client)], proof)
    refused = InvalidInput(_("The passkey could not be verified. Try again, or type a code."),
                           field="credential")
    raw = _credential_json(credential)
    try:
        key = str(json.loads(raw).get("id", ""))
    except AttributeError:
        raise refused from None
    with transaction.atomic():
        device = (WebAuthnCredential.objects.select_for_update()
                  .filter(user=user, confirmed=True, credential_key=key).first())
        if device is None or not challenge:
            raise refused
        try:
            verified = verify_authentication_response(
                credential=raw, expected_challenge=challenge,
                expected_rp_id=settings.WEBAUTHN_RP_ID,
                expected_origin=settings.WEBAUTHN_ORIGINS,
                credential_public_key=bytes(device.public_key),
                credential_current_sign_count=device.sign_count)
        except (InvalidAuthenticationResponse, ValueError, KeyError, TypeError):
            raise refused from None
        device.sign_count = verified.new_sign_count
        device.last_used_at = timezone.now()
        device.save(update_fields=["sign_count", "last_used_at"])
    rate_clear("otp_account", str(user.pk))
    return device
