"""Users (staff and reporters), API tokens, second factors and the audit log."""

import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device

from .sealing import seal_on_commit


class User(AbstractUser):
    """A staff member or a reporter with an account; roles come from memberships."""

    phone = models.CharField(_("phone"), max_length=32, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                Lower("email"), condition=~models.Q(email=""), name="user_email_unique_ci"
            )
        ]


TOKEN_PREFIX = "adn_"


def hash_token(raw: str) -> str:
    # Tokens are 256-bit random strings, so a fast hash is enough; only the hash is stored.
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for the JSON API; the raw value is shown once, at creation."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="api_tokens")
    name = models.CharField(max_length=100, blank=True)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @staticmethod
    def new_raw() -> str:
        return TOKEN_PREFIX + secrets.token_urlsafe(32)


class ChainedRow(models.Model):
    """A row in a hash chain (``accounts.chain``): sealed once, after it is written.

    ``chain_seq`` is the row's position in its stream, ``row_hash`` covers the row and
    the hash of the row before it. The database refuses deletes and any update but
    the one that seals the row (migrations ``0009_audit_chain`` and ``reports.0013``).
    """

    chain_seq = models.BigIntegerField(null=True, blank=True, unique=True, editable=False)
    prev_hash = models.CharField(max_length=64, blank=True, editable=False, db_default="")
    row_hash = models.CharField(max_length=64, null=True, blank=True, editable=False)

    class Meta:
        abstract = True


class AuditEntry(ChainedRow):
    """An append-only record of a sensitive read or change (who, what, when).

    Personal data stays out: a reporter is named by account id, never by e-mail.
    """

    class Action(models.TextChoices):
        REPORTER_IDENTITY_VIEWED = "reporter_identity_viewed", _("Viewed an anonymous reporter")
        TOKEN_CREATED = "token_created", _("API token created")
        STAFF_ADDED = "staff_added", _("Staff member added")
        STAFF_REMOVED = "staff_removed", _("Staff role removed")
        ADMIN_CHANGE = "admin_change", _("Changed in the admin")
        CLIENT_CREATED = "client_created", _("API client created")
        CLIENT_CHANGED = "client_changed", _("API client key rotated or revoked")
        CLIENT_CALL = "client_call", _("API call by a partner system")
        TWO_FACTOR_ADDED = "two_factor_added", _("Second factor added")
        TWO_FACTOR_REMOVED = "two_factor_removed", _("Second factor removed")
        RECOVERY_CODES_NEW = "recovery_codes_new", _("New recovery codes")
        LOGIN = "login", _("Logged in")
        LOGIN_FAILED = "login_failed", _("Failed log-in")
        TOKEN_USED = "token_used", _("API token used")
        ROLE_GRANTED = "role_granted", _("Role granted")
        CALENDAR_CHANGED = "calendar_changed", _("Calendar changed")
        SLA_CHANGED = "sla_changed", _("SLA policy changed")
        ROUTING_RULE_CHANGED = "routing_rule_changed", _("Routing rule changed")
        PIN_UNLOCKED = "pin_unlocked", _("Report opened with its PIN")
        CONFIDENTIAL_READ = "confidential_read", _("Confidential report read by staff")
        DATA_EXPORTED = "data_exported", _("Personal data downloaded by its owner")
        IDENTITY_ERASED = "identity_erased", _("Reporter identity erased")
        RETENTION_APPLIED = "retention_applied", _("Retention period applied")
        RETENTION_CHANGED = "retention_changed", _("Retention period changed")
        KEYS_ROTATED = "keys_rotated", _("Personal data sealed again under a new key")

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT,
                              related_name="+")
    action = models.CharField(max_length=40, choices=Action.choices)
    target = models.CharField(max_length=100, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["target", "-at"], name="audit_target_idx"),
                   # Lists of one kind of entry, newest first (the identity reveals).
                   models.Index(fields=["action", "-id"], name="audit_action_idx"),
                   models.Index(fields=["id"], condition=models.Q(row_hash__isnull=True),
                                name="audit_unsealed_idx")]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("audit entries are append-only")
        super().save(*args, **kwargs)
        seal_on_commit("audit")


class RateCounter(models.Model):
    """Attempts in one fixed window of one rate limit (``accounts.ratelimit``).

    The key holds the scope, a keyed hash of who or what is counted, and the window.
    """

    key = models.CharField(max_length=120, primary_key=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)


# --- second factors (django-otp devices besides its TOTP plugin; ADR 0010) ------------


class RecoveryCodeSet(Device):
    """A user's one-time recovery codes, as one django-otp device.

    Only SHA-256 hashes are kept: each code carries 80 random bits, so a fast hash
    cannot be reversed by trying codes, and one indexed look-up checks a code.
    """

    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(Device.Meta):
        verbose_name = "recovery codes"

    def verify_token(self, token) -> bool:
        # One conditional UPDATE: two requests with the same code cannot both succeed.
        used = self.codes.filter(code_hash=hash_token(normalize_recovery_code(token)),
                                 used_at__isnull=True).update(used_at=timezone.now())
        return used == 1

    def codes_left(self) -> int:
        return self.codes.filter(used_at__isnull=True).count()


def normalize_recovery_code(raw) -> str:
    return "".join(ch for ch in str(raw or "").upper() if ch.isalnum())


class RecoveryCode(models.Model):
    device = models.ForeignKey(RecoveryCodeSet, on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["device", "code_hash"],
                                               name="recovery_code_unique")]


class WebAuthnCredential(Device):
    """A passkey or security key registered through WebAuthn (verified by py_webauthn)."""

    credential_id = models.BinaryField(max_length=1023)
    # The credential id as base64url, unique and indexed (BinaryField cannot be).
    credential_key = models.CharField(max_length=1400, unique=True)
    public_key = models.BinaryField()
    sign_count = models.PositiveBigIntegerField(default=0)
    transports = models.JSONField(default=list, blank=True)
    aaguid = models.CharField(max_length=36, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta(Device.Meta):
        verbose_name = "WebAuthn credential"

    def verify_token(self, token) -> bool:
        # Verified by an assertion (accounts.webauthn), never by a typed token.
        return False
class ChainHead(models.Model):
    """The last sealed position and hash of one stream; its row lock serialises sealing."""

    stream = models.CharField(max_length=20, primary_key=True)
    seq = models.BigIntegerField(default=0)
    head_hash = models.CharField(max_length=64)
    anchored_at = models.DateTimeField(null=True, blank=True)


class Anchor(models.Model):
    """A stream's head at one moment, written by the worker and printed to its log.

    Copied out of the database (logs, a notary, a printed report), an anchor proves
    the rows up to its position even against someone able to rewrite the chain.
    """

    stream = models.CharField(max_length=20)
    seq = models.BigIntegerField()
    head_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["stream", "seq"],
                                               name="anchor_stream_seq_unique")]
