"""Update many rows, each with its own values, in one statement.

Django's ``bulk_update`` writes ``CASE WHEN id = ... THEN ...`` for every column, so each
row's update scans the whole CASE: the cost grows with the square of the batch, and it
was a tenth of the router's batch. On PostgreSQL this writes one
``UPDATE ... FROM unnest(<one array per column>)`` instead (one parameter per column,
whatever the batch's size); elsewhere it falls back to ``bulk_update``.
"""

from collections.abc import Sequence

from django.db import connection, models


def rows_update(objects: Sequence[models.Model], fields: Sequence[str]) -> None:
    """Write ``fields`` of every object (all of one model, saved before) by primary key."""
    if not objects:
        return
    model = type(objects[0])
    if connection.vendor != "postgresql":
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
    names = [f"c{n}" for n in range(len(columns))]
    types = [pk.rel_db_type(connection) if pk.is_relation else pk.db_type(connection),
             *(field.db_type(connection) for field in columns)]
    unnest = ", ".join(f"%s::{kind}[]" for kind in types)
    sets = ", ".join(f"{quote(field.column)} = v.{name}" for field, name in zip(columns, names))
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {sets} FROM unnest({unnest}) AS v(pk, "
                       f"{', '.join(names)}) WHERE {table}.{quote(pk.column)} = v.pk", arrays)
