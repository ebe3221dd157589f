"""Seal, or seal again under the current data key, every value of some sealed columns.

Used by the migrations that introduced sealing (plaintext rows get sealed) and by
``aduan keys rotate`` (rows under an older key get the current one). Works in
batches by primary key, reading the stored text as it is (a cast skips opening),
so memory stays flat whatever the table's size and a run can be repeated.
"""

from django.db import connections, transaction
from django.db.models import TextField
from django.db.models.functions import Cast

from . import vault

BATCH = 1000


def stale_rows(model, field: str):
    """Rows whose stored ``field`` is neither empty nor sealed under the current key."""
    return (model._default_manager.annotate(_raw=Cast(field, TextField()))
            .exclude(_raw="").exclude(_raw__startswith=vault.ring().prefix()))


def reseal(model, field: str, *, batch: int = BATCH) -> int:
    """Seal under the current key every stored value of ``field`` that is not; returns how
    many. One read and one UPDATE of the whole page per page."""
    column = model._meta.get_field(field)
    label = f"{model._meta.label}.{field}"
    manager = model._default_manager
    connection = connections[manager.db]
    write = _writer(connection, model._meta.db_table, model._meta.pk.column, column.column)
    done, last = 0, None
    while True:
        rows = stale_rows(model, field).order_by("pk")
        if last is not None:
            rows = rows.filter(pk__gt=last)
        page = list(rows.values_list("pk", "_raw")[:batch])
        if not page:
            return done
        values = [(column.get_db_prep_save(column.load(vault.open_sealed(raw, label)),
                                           connection), pk) for pk, raw in page]
        with transaction.atomic(using=manager.db), connection.cursor() as cursor:
            write(cursor, values)
        done += len(values)
        last = page[-1][0]


def _writer(connection, table: str, pk: str, column: str):
    """One UPDATE for a page on PostgreSQL (a VALUES list), executemany on SQLite."""
    quote = connection.ops.quote_name
    if connection.vendor == "postgresql":
        def write(cursor, values):
            rows = ", ".join(["(%s, %s::bigint)"] * len(values))
            cursor.execute(f"UPDATE {quote(table)} SET {quote(column)} = v.value FROM "
                           f"(VALUES {rows}) AS v(value, id) WHERE {quote(table)}.{quote(pk)} = v.id",
                           [item for row in values for item in row])
        return write
    sql = f"UPDATE {quote(table)} SET {quote(column)} = %s WHERE {quote(pk)} = %s"
    return lambda cursor, values: cursor.executemany(sql, values)


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
