"""Seal, or seal again under the current data key, every value of some sealed columns.

Used by the migrations that introduced sealing (plaintext rows get sealed) and by
``aduan keys rotate`` (rows under an older key get the current one). Works in
batches by primary key, reading the stored text as it is (a cast skips opening),
so memory stays flat whatever the table's size and a run can be repeated.
"""

from django.db.models import TextField
from django.db.models.functions import Cast

from . import vault

BATCH = 1000


def stale_rows(model, field: str):
    """Rows whose stored ``field`` is neither empty nor sealed under the current key."""
    return (model._default_manager.annotate(_raw=Cast(field, TextField()))
            .exclude(_raw="").exclude(_raw__startswith=vault.ring().prefix()))


def reseal(model, field: str, *, batch: int = BATCH) -> int:
    column = model._meta.get_field(field)
    label = f"{model._meta.label}.{field}"
    done, last = 0, None
    while True:
        rows = stale_rows(model, field).order_by("pk")
        if last is not None:
            rows = rows.filter(pk__gt=last)
        page = list(rows.values_list("pk", "_raw")[:batch])
        if not page:
            return done
        changed = []
        for pk, raw in page:
            row = model(pk=pk)
            setattr(row, field, column.load(vault.open_sealed(raw, label)))
            changed.append(row)
        model._default_manager.bulk_update(changed, [field])
        done += len(changed)
        last = page[-1][0]


def count_by_key(model, field: str) -> dict[str, int]:
    """{key id: rows} of a sealed column, "other" for plaintext or keys no longer in the
    ring; counted in the database, one query per key."""
    rows = model._default_manager.annotate(_raw=Cast(field, TextField())).exclude(_raw="")
    counts = {key_id: rows.filter(_raw__startswith=vault.ring().prefix(key_id)).count()
              for key_id in vault.ring().keys}
    counts["other"] = rows.count() - sum(counts.values())
    return counts


def sealed_columns(models) -> list[tuple[type, str]]:
    """(model, field name) of every sealed column among ``models``."""
    from .sealed import SealedJSONField, SealedTextField
    return [(model, field.name) for model in models for field in model._meta.concrete_fields
            if isinstance(field, SealedTextField | SealedJSONField)]
