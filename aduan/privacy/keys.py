"""The data keys that seal personal data at rest: status, a new key, rotation.

Rotation is: ``aduan keys add`` (or put a new ``id:key`` first in ADUAN_DATA_KEYS,
keeping the old ones after it), restart, ``aduan keys rotate`` (every value is sealed
again under the new key, in batches), ``aduan keys status`` (nothing left under the old
key), then drop the old key from the ring.
"""

from django.apps import apps
from django.conf import settings

from aduan.accounts.audit import audit_record
from aduan.accounts.models import AuditEntry
from aduan.lib import vault
from aduan.lib.reseal import count_by_key, reseal, sealed_columns


def _columns():
    return sealed_columns(apps.get_models())


def keys_status() -> dict[str, dict[str, int]]:
    """{"app.Model.field": {key id: rows, "other": plaintext or unknown key}}."""
    return {f"{model._meta.label}.{field}": count_by_key(model, field)
            for model, field in _columns()}


def keys_rotate(*, actor=None) -> dict[str, int]:
    """Seal under the current key every value that is not; audited when anything changed."""
    done = {f"{model._meta.label}.{field}": reseal(model, field) for model, field in _columns()}
    if any(done.values()):
        audit_record(AuditEntry.Action.KEYS_ROTATED, actor=actor, target=vault.ring().current,
                     resealed=sum(done.values()))
    return done


def keys_add(key_id: str) -> str:
    """A new current key: written first into the embedded ring (var/data_keys), or only
    returned when the ring comes from ADUAN_DATA_KEYS (the operator puts it there)."""
    if key_id in vault.ring().keys:
        raise vault.VaultError(f"data key {key_id!r} is already in the ring")
    entry = vault.new_key_entry(key_id)
    if settings.DATA_KEYS_EMBEDDED:
        path = settings.VAR_DIR / "data_keys"
        path.write_text(f"{entry}\n{settings.DATA_KEYS}\n")
        path.chmod(0o600)
    return entry
