"""Keeping the rollups (`insights.models`) equal to the rows they sum.

`refresh_orders` and `refresh_needs` recompute the facts of the given rows from the source and add
the difference from the stored facts to the cells; the receiver of `core.changes.rows_changed` calls
them, inside the writing service's transaction. `rebuild` throws everything away and recomputes it;
after any sequence of writes the two give the same cells (tested), cells left at all zeros aside.

What one order written costs: its stored fact read (and locked), its source in one query, then — only
if the fact changed — one upsert per kind of cell and one write of the fact: five queries, two when
nothing it counts in changed.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import astuple, dataclass, fields
from typing import Any

from django.db import connection, transaction
from django.db.models import BigIntegerField, Count, F, Max, OuterRef, Subquery, Sum
from django.utils import timezone

from hamyar.commerce.choices import DeliveryStatus, OrderStatus
from hamyar.commerce.models import Delivery, Order, OrderLine, Rating
from hamyar.core.jalali import to_jalali
from hamyar.directory.models import ServiceDomain
from hamyar.finance.choices import OWED_STATUSES
from hamyar.finance.models import Invoice
from hamyar.needs.models import Need, ServiceLevel
from hamyar.needs.sla import ServiceLevels, need_clocks

from ..models import Figures, MunicipalityMonth, NeedFact, OrderFact, ProviderMonth

__all__ = ["jalali_month", "rebuild", "refresh_needs", "refresh_orders"]

CHUNK = 500  # rows per query (SQLite's limit on parameters is far above)
CELLS_PER_STATEMENT = 500  # cells added to by one statement: 19 parameters each
FEW = 3  # changed facts updated one by one; more are deleted and inserted again


def jalali_month(moment: dt.datetime | dt.date) -> int:
    """The Jalali year and month of a moment, in Tehran, as one number: 140509."""
    day = to_jalali(moment)
    return day.year * 100 + day.month


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start:start + CHUNK]


# ---------------------------------------------------------------- facts from the source


@dataclass(frozen=True)
class OrderRow:
    organization_id: int
    municipality_id: int
    provider_id: int
    domain_id: int
    month: int
    lines: int
    amount: int
    received_amount: int
    invoiced_amount: int
    closed: int
    on_time: int
    rated: int
    score: int


@dataclass(frozen=True)
class NeedRow:
    organization_id: int
    municipality_id: int
    domain_id: int
    month: int
    gap: int
    clocks_measured: int
    clocks_met: int


def _order_rows(ids: list[int]) -> dict[int, OrderRow]:
    """The facts of these orders as the source says now (absent: the order is gone), in one query: each
    figure of an order's lines, invoices, rating and receipts is a subquery on that order."""
    order = OuterRef("pk")
    lines = OrderLine.objects.filter(order_id=order).order_by().values("order_id")
    owed = (Invoice.objects.filter(delivery__order_id=order, status__in=OWED_STATUSES).order_by()
            .values("delivery__order_id"))
    received = (Delivery.objects.filter(order_id=order, status=DeliveryStatus.RECEIVED).order_by()
                .values("order_id"))
    orders = Order.objects.filter(pk__in=ids).order_by().annotate(
        n_lines=Subquery(lines.annotate(n=Count("pk")).values("n")),
        received=Subquery(lines.annotate(
            s=Sum(F("received_quantity") * F("unit_price"), output_field=BigIntegerField())).values("s")),
        invoiced=Subquery(owed.annotate(s=Sum("total")).values("s")),
        score=Subquery(Rating.objects.filter(order_id=order).values("score")[:1]),
        last_received=Subquery(received.annotate(last=Max("delivered_on")).values("last")),
    ).values("pk", "organization_id", "municipality_id", "provider_id", "need__domain_id", "created_at",
             "total", "status", "due_date", "n_lines", "received", "invoiced", "score", "last_received")
    rows = {}
    for row in orders:
        is_closed = row["status"] == OrderStatus.CLOSED
        last, due = row["last_received"], row["due_date"]
        on_time = is_closed and (due is None or (last is not None and last <= due))
        rows[row["pk"]] = OrderRow(
            row["organization_id"], row["municipality_id"], row["provider_id"], row["need__domain_id"],
            jalali_month(row["created_at"]), row["n_lines"] or 0, row["total"], row["received"] or 0,
            row["invoiced"] or 0, int(is_closed), int(on_time), int(row["score"] is not None),
            row["score"] or 0)
    return rows


class _Levels(ServiceLevels):
    """An organization's service levels as `ServiceLevels` resolves them, read in one query: its domains,
    each with its own level if it has one."""

    def __init__(self, organization_id: int) -> None:
        self.organization_id = organization_id
        self.levels, self.parents = {}, {}
        names = ("triage_hours", "first_quotation_hours", "delivery_days")
        for pk, parent_id, level_id, *targets in ServiceDomain.objects.filter(
                organization_id=organization_id).values_list(
                "pk", "parent_id", "service_levels__pk", *(f"service_levels__{name}" for name in names)):
            self.parents[pk] = parent_id
            if level_id is not None:
                self.levels[pk] = ServiceLevel(pk=level_id, organization_id=organization_id, domain_id=pk,
                                               **dict(zip(names, targets, strict=True)))


def _need_rows(ids: list[int]) -> dict[int, NeedRow]:
    """The facts of these needs as the source says now (absent: gone, or not submitted)."""
    needs = Need.objects.filter(pk__in=ids, submitted_at__isnull=False).order_by().only(
        "organization_id", "municipality_id", "domain_id", "status", "is_capability_gap", "submitted_at",
        "triaged_at", "first_quoted_at", "closed_at")
    levels: dict[int, ServiceLevels] = {}
    rows = {}
    for need in needs:
        if need.organization_id not in levels:
            levels[need.organization_id] = _Levels(need.organization_id)
        clocks = need_clocks(need, levels=levels[need.organization_id])
        measured = [clock.met for clock in clocks if clock.met is not None]
        rows[need.pk] = NeedRow(need.organization_id, need.municipality_id, need.domain_id,
                                jalali_month(need.submitted_at or need.created_at),
                                int(need.is_capability_gap), len(measured), sum(measured))
    return rows


# ---------------------------------------------------------------- cells

Key = tuple[int, int, int, int]  # organization, municipality or provider, domain, month
Deltas = dict[Key, dict[str, int]]


def _order_measures(row: OrderRow) -> dict[str, int]:
    return {"orders": 1, "lines": row.lines, "amount": row.amount, "received_amount": row.received_amount,
            "invoiced_amount": row.invoiced_amount, "closed": row.closed, "on_time": row.on_time,
            "rated": row.rated, "score_sum": row.score}


def _need_measures(row: NeedRow) -> dict[str, int]:
    return {"needs": 1, "gaps": row.gap, "clocks_measured": row.clocks_measured, "clocks_met": row.clocks_met}


def _add(deltas: Deltas, key: Key, measures: dict[str, int], sign: int) -> None:
    cell = deltas[key]
    for name, value in measures.items():
        cell[name] = cell.get(name, 0) + sign * value


def _apply(model: Any, owner: str, deltas: Deltas) -> None:
    """Add each delta to its cell, creating the cell the first time: one INSERT … ON CONFLICT DO UPDATE per
    batch of cells (PostgreSQL and SQLite alike), which adds in the database, so two transactions adding
    to one cell at once both count."""
    names = Figures.MEASURES
    rows = [(key, delta) for key, delta in sorted(deltas.items()) if any(delta.values())]
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    columns = ["organization_id", f"{owner}_id", "domain_id", "month", *names, "created_at", "updated_at"]
    row_sql = "(" + ", ".join(["%s"] * len(columns)) + ")"
    added = ", ".join(f"{quote(name)} = {table}.{quote(name)} + excluded.{quote(name)}" for name in names)
    for start in range(0, len(rows), CELLS_PER_STATEMENT):
        batch = rows[start:start + CELLS_PER_STATEMENT]
        params = [value for key, delta in batch
                  for value in (*key, *(delta.get(name, 0) for name in names), now, now)]
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(quote(c) for c in columns)}) "
                f"VALUES {', '.join([row_sql] * len(batch))} "
                f"ON CONFLICT ({quote(owner + '_id')}, {quote('domain_id')}, {quote('month')}) "
                f"DO UPDATE SET {added}, {quote('updated_at')} = excluded.{quote('updated_at')}", params)


def _store(model: Any, link: str, ids: list[int], old: dict[int, Any], new: dict[int, Any]) -> None:
    """Keep the stored facts equal to the new ones, writing only those that changed: a few changed facts
    are updated in place, many are deleted and inserted again."""
    gone = [pk for pk in ids if pk in old and pk not in new]
    changed = [pk for pk in new if pk in old and astuple(old[pk]) != astuple(new[pk])]
    if len(changed) <= FEW:
        now = timezone.now()
        for pk in changed:
            model.objects.filter(**{f"{link}_id": pk}).update(**vars(new[pk]), updated_at=now)
    else:
        gone += changed
    if gone:
        model.objects.filter(**{f"{link}_id__in": gone}).delete()
    added = [model(**{f"{link}_id": pk}, **vars(new[pk])) for pk in new
             if pk not in old or (pk in changed and len(changed) > FEW)]
    if added:
        model.objects.bulk_create(added)


def _stored(model: Any, link: str, row_class: type, ids: list[int]) -> dict[int, Any]:
    """The stored facts of these rows, locked (PostgreSQL): two transactions refreshing one row take
    turns, the second reading the source as the first left it."""
    names = [f.name for f in fields(row_class)]
    return {values[0]: row_class(*values[1:]) for values in
            model.objects.select_for_update().filter(**{f"{link}_id__in": ids}).order_by(f"{link}_id")
            .values_list(f"{link}_id", *names)}


@transaction.atomic(savepoint=False)
def refresh_orders(ids: Iterable[int]) -> None:
    """Bring the facts of these orders, and the cells they count in, up to date with the source."""
    for chunk in _chunks(sorted(set(ids))):
        old = _stored(OrderFact, "order", OrderRow, chunk)
        new = _order_rows(chunk)
        by_municipality: Deltas = defaultdict(dict)
        by_provider: Deltas = defaultdict(dict)
        for pk in chunk:
            for row, sign in ((old.get(pk), -1), (new.get(pk), 1)):
                if row is None:
                    continue
                measures = _order_measures(row)
                _add(by_municipality, (row.organization_id, row.municipality_id, row.domain_id, row.month),
                     measures, sign)
                _add(by_provider, (row.organization_id, row.provider_id, row.domain_id, row.month),
                     measures, sign)
        _apply(MunicipalityMonth, "municipality", by_municipality)
        _apply(ProviderMonth, "provider", by_provider)
        _store(OrderFact, "order", chunk, old, new)


@transaction.atomic(savepoint=False)
def refresh_needs(ids: Iterable[int]) -> None:
    """Bring the facts of these needs, and their municipalities' cells, up to date with the source."""
    for chunk in _chunks(sorted(set(ids))):
        old = _stored(NeedFact, "need", NeedRow, chunk)
        new = _need_rows(chunk)
        deltas: Deltas = defaultdict(dict)
        for pk in chunk:
            for row, sign in ((old.get(pk), -1), (new.get(pk), 1)):
                if row is not None:
                    _add(deltas, (row.organization_id, row.municipality_id, row.domain_id, row.month),
                         _need_measures(row), sign)
        _apply(MunicipalityMonth, "municipality", deltas)
        _store(NeedFact, "need", chunk, old, new)


# ---------------------------------------------------------------- from scratch


def _sum_cells(model: Any, owner: str, organization_id: int) -> None:
    """The cells of one organization as the sums of its facts (orders, then needs)."""
    cells: dict[tuple[int, int, int], dict[str, int]] = defaultdict(dict)
    order_sums = {"orders": Count("pk"), "lines": Sum("lines"), "amount": Sum("amount"),
                  "received_amount": Sum("received_amount"), "invoiced_amount": Sum("invoiced_amount"),
                  "closed": Sum("closed"), "on_time": Sum("on_time"), "rated": Sum("rated"),
                  "score_sum": Sum("score")}
    for row in (OrderFact.objects.filter(organization_id=organization_id).order_by()
                .values(f"{owner}_id", "domain_id", "month").annotate(**order_sums)):
        cells[(row[f"{owner}_id"], row["domain_id"], row["month"])].update(
            {name: row[name] or 0 for name in order_sums})
    if owner == "municipality":
        need_sums = {"needs": Count("pk"), "gaps": Sum("gap"), "clocks_measured": Sum("clocks_measured"),
                     "clocks_met": Sum("clocks_met")}
        for need in (NeedFact.objects.filter(organization_id=organization_id).order_by()
                     .values("municipality_id", "domain_id", "month").annotate(**need_sums)):
            found: dict[str, Any] = dict(need)
            cells[(found["municipality_id"], found["domain_id"], found["month"])].update(
                {name: found[name] or 0 for name in need_sums})
    model.objects.bulk_create([
        model(organization_id=organization_id, **{f"{owner}_id": owner_id}, domain_id=domain_id, month=month,
              **measures)
        for (owner_id, domain_id, month), measures in sorted(cells.items())
    ], batch_size=2000)


@transaction.atomic
def rebuild(organization_id: int) -> dict[str, int]:
    """Every fact and cell of the organization recomputed from its orders and needs."""
    for model in (MunicipalityMonth, ProviderMonth, OrderFact, NeedFact):
        model.objects.filter(organization_id=organization_id).delete()
    order_ids = list(Order.objects.filter(organization_id=organization_id).order_by("pk")
                     .values_list("pk", flat=True))
    for chunk in _chunks(order_ids):
        orders = _order_rows(chunk)
        OrderFact.objects.bulk_create([OrderFact(order_id=pk, **vars(row)) for pk, row in orders.items()])
    need_ids = list(Need.objects.filter(organization_id=organization_id, submitted_at__isnull=False)
                    .order_by("pk").values_list("pk", flat=True))
    for chunk in _chunks(need_ids):
        needs = _need_rows(chunk)
        NeedFact.objects.bulk_create([NeedFact(need_id=pk, **vars(row)) for pk, row in needs.items()])
    _sum_cells(MunicipalityMonth, "municipality", organization_id)
    _sum_cells(ProviderMonth, "provider", organization_id)
    return {"orders": len(order_ids), "needs": len(need_ids),
            "municipality_cells": MunicipalityMonth.objects.filter(organization_id=organization_id).count(),
            "provider_cells": ProviderMonth.objects.filter(organization_id=organization_id).count()}
