"""Writing a big pool's close in bulk: rows copied in (COPY) and shares updated in one statement on
PostgreSQL, Django's bulk methods elsewhere. Used by group_closing.py only."""

from django.db import connection
from django.db.models import Model
from django.utils import timezone

from ..models import Participant

BATCH = 2000


def _insert(model: type[Model], columns: tuple[str, ...], rows: list[tuple]) -> list[int]:
    """Insert `rows` (values of `columns`; every other field at its default, the timestamps now) and
    return their keys in order. On PostgreSQL the keys are drawn from the table's sequence in one
    statement and the rows copied in (COPY: no SQL built per value, no model instance per row: the
    70,000 lines of a big pool go in a second or two); elsewhere `bulk_create`."""
    if not rows:
        return []
    if connection.vendor != "postgresql":
        created = model._default_manager.bulk_create([model(**dict(zip(columns, row, strict=True)))
                                                      for row in rows], batch_size=BATCH)
        return [obj.pk for obj in created]
    now = timezone.now()
    meta = model._meta
    others = [f for f in meta.concrete_fields if not f.primary_key and f.attname not in columns]
    fixed = tuple(now if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
                  else f.get_default() for f in others)
    column_of = {f.attname: str(f.column) for f in meta.concrete_fields}
    names = ", ".join(connection.ops.quote_name(name) for name in (
        column_of[meta.pk.attname], *(column_of[c] for c in columns),
        *(column_of[f.attname] for f in others)))
    table = connection.ops.quote_name(meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                       [meta.db_table, column_of[meta.pk.attname], len(rows)])
        keys = [key for (key,) in cursor.fetchall()]
        with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for key, row in zip(keys, rows, strict=True):
                copy.write_row((key, *row, *fixed))
    return keys


def _update_shares(joined: list[Participant]) -> None:
    """Each place's order and share: on PostgreSQL one UPDATE … FROM (VALUES …) per 2,000 places (Django's
    bulk_update builds a CASE of 1,400 branches per column, seconds of Python for a big pool)."""
    fields = ["order", "subtotal", "vat_amount", "total", "alone_subtotal"]
    if connection.vendor != "postgresql":
        Participant.objects.bulk_update(joined, fields, batch_size=500)
        return
    table = connection.ops.quote_name(Participant._meta.db_table)
    row = "(" + ", ".join(["%s::bigint"] * 6) + ")"
    for start in range(0, len(joined), BATCH):
        batch = joined[start:start + BATCH]
        params = [value for place in batch for value in (
            place.pk, place.order_id, place.subtotal, place.vat_amount, place.total, place.alone_subtotal)]
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} AS p SET order_id = v.order_id, subtotal = v.subtotal, "
                "vat_amount = v.vat_amount, total = v.total, alone_subtotal = v.alone_subtotal, "
                f"updated_at = now() FROM (VALUES {', '.join([row] * len(batch))}) "
                "AS v(id, order_id, subtotal, vat_amount, total, alone_subtotal) WHERE p.id = v.id", params)
