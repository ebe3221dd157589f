"""Update many rows, each with its own values, in one statement.

Django's ``bulk_update`` writes ``CASE WHEN id = ... THEN ...`` for every column, so each
row's update scans the whole CASE: the cost grows with the square of the batch, and it
was a tenth of the router's batch (and most of the channel worker's, building the
expressions alone). On PostgreSQL this writes one ``UPDATE ... FROM unnest(<one array
per column>)`` (one parameter per column, whatever the batch's size); on SQLite one
``UPDATE ... FROM (VALUES ...)`` per few thousand values (SQLite 3.33+; the columns'
affinity types the values); elsewhere it falls back to ``bulk_update``.
"""

from collections.abc import Sequence

from django.db import connection, models

# SQLite allows 32,766 parameters to a statement.
_SQLITE_PARAMETERS = 30_000


def rows_update(objects: Sequence[models.Model], fields: Sequence[str]) -> None:
    """Write ``fields`` of every object (all of one model, saved before) by primary key."""
    if not objects:
        return
    model = type(objects[0])
    sqlite = connection.vendor == "sqlite" and connection.Database.sqlite_version_info >= (3, 33)
    if connection.vendor != "postgresql" and not sqlite:
        model.objects.bulk_update(objects, list(fields), batch_size=500)
        return
    meta = model._meta
    pk = meta.pk
    columns = [meta.get_field(name) for name in fields]
    arrays = [[pk.get_db_prep_save(obj.pk, connection) for obj in objects]]
    arrays += [[field.get_db_prep_save(getattr(obj, field.attname), connection)
                for obj in objects] for field in columns]
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    if sqlite:
        _sqlite_update(table, quote(pk.column), [quote(field.column) for field in columns],
                       list(zip(*arrays, strict=True)))
        return
    names = [f"c{n}" for n in range(len(columns))]
    types = [pk.rel_db_type(connection) if pk.is_relation else pk.db_type(connection),
             *(field.db_type(connection) for field in columns)]
    unnest = ", ".join(f"%s::{kind}[]" for kind in types)
    sets = ", ".join(f"{quote(field.column)} = v.{name}" for field, name in zip(columns, names))
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {sets} FROM unnest({unnest}) AS v(pk, "
                       f"{', '.join(names)}) WHERE {table}.{quote(pk.column)} = v.pk", arrays)


def _sqlite_update(table: str, pk: str, columns: list[str], rows: list[tuple]) -> None:
    # VALUES names its columns column1, column2, ...: column1 is the key.
    sets = ", ".join(f"{column} = v.column{n}" for n, column in enumerate(columns, 2))
    one = "(" + ", ".join(["%s"] * (len(columns) + 1)) + ")"
    per_statement = max(1, _SQLITE_PARAMETERS // (len(columns) + 1))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            chunk = rows[start:start + per_statement]
            cursor.execute(f"UPDATE {table} SET {sets} FROM (VALUES {', '.join([one] * len(chunk))})"
                           f" AS v WHERE {table}.{pk} = v.column1",
                           [value for row in chunk for value in row])
