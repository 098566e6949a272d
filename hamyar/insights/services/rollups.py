"""Keeping the rollups (`insights.models`) equal to the rows they sum.

A write pays one statement: the receiver of `core.changes.rows_changed` calls `record`, which notes the
orders, needs or domains behind the written rows in the backlog (`RollupBacklog`), inside the writing
service's transaction. `catch_up` works the backlog off in batches — a periodic task, and every read of
the cells first (`selectors.dashboard.up_to_date`), so no figure is read stale — by `refresh_orders`
and `refresh_needs`: they recompute the facts of the given rows from the source and add the difference
from the stored facts to the cells, the municipality × domain × month ones and the coarser ones that sum
them. `rebuild` throws everything away and recomputes it; after any sequence of writes the two give the
same cells (tested), cells left at all zeros aside.

What a batch of orders costs: their stored facts read (and locked), their source in one query, then —
only if a fact changed — one upsert per kind of cell and the facts written: about eight queries per 500
orders, whatever their number.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import astuple, dataclass, fields
from typing import Any

from django.db import connection, transaction
from django.db.models import BigIntegerField, Count, F, Max, Model, OuterRef, Subquery, Sum
from django.utils import timezone

from hamyar.commerce.choices import DeliveryStatus, OrderStatus
from hamyar.commerce.models import Delivery, Order, OrderLine, Rating
from hamyar.commerce.selectors import OPEN_ORDER_STATUSES
from hamyar.core.jalali import add_months, month_of, to_jalali
from hamyar.directory.models import ServiceDomain
from hamyar.finance.choices import OWED_STATUSES
from hamyar.finance.models import Invoice
from hamyar.needs.models import Need, ServiceLevel
from hamyar.needs.sla import ServiceLevels, need_clocks

from ..models import (
    DomainMonth,
    Figures,
    MunicipalityMonth,
    MunicipalityTotalMonth,
    NeedFact,
    OrderFact,
    ProviderMonth,
    RollupBacklog,
    WindowCell,
    WindowOf,
)

__all__ = ["DEFAULT_WINDOW", "catch_up", "default_window", "jalali_month", "rebuild", "record",
           "refresh_needs", "refresh_orders", "window_build", "window_ready", "windows_move_on"]

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
    open: int = 0
    deliveries_received: int = 0
    deliveries_rejected: int = 0


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
    rejected = (Delivery.objects.filter(order_id=order, status=DeliveryStatus.REJECTED).order_by()
                .values("order_id"))
    orders = Order.objects.filter(pk__in=ids).order_by().annotate(
        n_lines=Subquery(lines.annotate(n=Count("pk")).values("n")),
        received=Subquery(lines.annotate(
            s=Sum(F("received_quantity") * F("unit_price"), output_field=BigIntegerField())).values("s")),
        invoiced=Subquery(owed.annotate(s=Sum("total")).values("s")),
        score=Subquery(Rating.objects.filter(order_id=order).values("score")[:1]),
        last_received=Subquery(received.annotate(last=Max("delivered_on")).values("last")),
        n_received=Subquery(received.annotate(n=Count("pk")).values("n")),
        n_rejected=Subquery(rejected.annotate(n=Count("pk")).values("n")),
    ).values("pk", "organization_id", "municipality_id", "provider_id", "need__domain_id", "created_at",
             "total", "status", "due_date", "n_lines", "received", "invoiced", "score", "last_received",
             "n_received", "n_rejected")
    rows = {}
    for row in orders:
        is_closed = row["status"] == OrderStatus.CLOSED
        last, due = row["last_received"], row["due_date"]
        on_time = is_closed and (due is None or (last is not None and last <= due))
        rows[row["pk"]] = OrderRow(
            row["organization_id"], row["municipality_id"], row["provider_id"], row["need__domain_id"],
            jalali_month(row["created_at"]), row["n_lines"] or 0, row["total"], row["received"] or 0,
            row["invoiced"] or 0, int(is_closed), int(on_time), int(row["score"] is not None),
            row["score"] or 0, int(row["status"] in OPEN_ORDER_STATUSES), row["n_received"] or 0,
            row["n_rejected"] or 0)
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


def _add(deltas: dict[tuple, dict[str, int]], key: tuple, measures: dict[str, int], sign: int) -> None:
    cell = deltas[key]
    for name, value in measures.items():
        cell[name] = cell.get(name, 0) + sign * value


def _apply(model: Any, keys: tuple[str, ...], deltas: dict[tuple, dict[str, int]],
           conflict: tuple[str, ...] | None = None) -> None:
    """Add each delta to its cell, creating the cell the first time: one INSERT … ON CONFLICT DO UPDATE per
    batch of cells (PostgreSQL and SQLite alike), which adds in the database, so two transactions adding
    to one cell at once both count. A key is the organization and the `keys` columns; `conflict` names
    the cell's unique columns (default: `keys`)."""
    names = Figures.MEASURES
    rows = [(key, delta) for key, delta in sorted(deltas.items()) if any(delta.values())]
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    columns = ["organization_id", *keys, *names, "created_at", "updated_at"]
    row_sql = "(" + ", ".join(["%s"] * len(columns)) + ")"
    added = ", ".join(f"{quote(name)} = {table}.{quote(name)} + excluded.{quote(name)}" for name in names)
    unique = ", ".join(quote(column) for column in conflict or keys)
    for start in range(0, len(rows), CELLS_PER_STATEMENT):
        batch = rows[start:start + CELLS_PER_STATEMENT]
        params = [value for key, delta in batch
                  for value in (*key, *(delta.get(name, 0) for name in names), now, now)]
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(quote(c) for c in columns)}) "
                f"VALUES {', '.join([row_sql] * len(batch))} "
                f"ON CONFLICT ({unique}) "
                f"DO UPDATE SET {added}, {quote('updated_at')} = excluded.{quote('updated_at')}", params)


def _apply_municipal(deltas: Deltas) -> None:
    """The deltas of municipality × domain × month cells, added to those cells and to the coarser ones
    that sum them: domain × month, municipality × month, and municipality × domain over the
    organization's window when the month is in it (the window's row locked, so that a rebuild of the
    window and this addition take turns)."""
    if not any(any(delta.values()) for delta in deltas.values()):
        return
    by_domain: dict[tuple, dict[str, int]] = defaultdict(dict)
    by_town: dict[tuple, dict[str, int]] = defaultdict(dict)
    in_window: dict[tuple, dict[str, int]] = defaultdict(dict)
    windows = {org: (first, last) for org, first, last in WindowOf.objects.select_for_update()
               .filter(organization_id__in={key[0] for key in deltas}).order_by("organization_id")
               .values_list("organization_id", "first_month", "last_month")}
    for (org, municipality, domain, month), delta in deltas.items():
        _add(by_domain, (org, domain, month), delta, 1)
        _add(by_town, (org, municipality, month), delta, 1)
        window = windows.get(org)
        if window is not None and window[0] <= month <= window[1]:
            _add(in_window, (org, municipality, domain), delta, 1)
    _apply(MunicipalityMonth, ("municipality_id", "domain_id", "month"), deltas)
    _apply(DomainMonth, ("domain_id", "month"), by_domain, ("organization_id", "domain_id", "month"))
    _apply(MunicipalityTotalMonth, ("municipality_id", "month"), by_town)
    _apply(WindowCell, ("municipality_id", "domain_id"), in_window)


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
        _apply_municipal(by_municipality)
        _apply(ProviderMonth, ("provider_id", "domain_id", "month"), by_provider)
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
        _apply_municipal(deltas)
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
    for model in (MunicipalityMonth, ProviderMonth, DomainMonth, MunicipalityTotalMonth, WindowCell,
                  OrderFact, NeedFact, RollupBacklog):
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
    _sum_coarse(organization_id)
    kept = WindowOf.objects.filter(organization_id=organization_id).values_list("first_month", "last_month")
    window_build(organization_id, *(kept.first() or default_window()))
    return {"orders": len(order_ids), "needs": len(need_ids),
            "municipality_cells": MunicipalityMonth.objects.filter(organization_id=organization_id).count(),
            "provider_cells": ProviderMonth.objects.filter(organization_id=organization_id).count()}


def _sum_coarse(organization_id: int) -> None:
    """The domain × month and municipality × month cells of one organization, summed from its
    municipality × domain × month cells."""
    for model, keys in ((DomainMonth, ("domain_id", "month")),
                        (MunicipalityTotalMonth, ("municipality_id", "month"))):
        _insert_sums(model, keys, organization_id, "")


def _insert_sums(model: Any, keys: tuple[str, ...], organization_id: int, where: str,
                 params: tuple = ()) -> None:
    """INSERT … SELECT the sums of the organization's municipality × domain × month cells by `keys`."""
    quote = connection.ops.quote_name
    names = Figures.MEASURES
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    columns = ", ".join(quote(c) for c in ("organization_id", "created_at", "updated_at", *keys, *names))
    grouped = ", ".join(quote(k) for k in keys)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(model._meta.db_table)} ({columns}) "
            f"SELECT organization_id, %s, %s, {grouped}, "
            f"{', '.join(f'SUM({quote(n)})' for n in names)} "
            f"FROM {quote(MunicipalityMonth._meta.db_table)} WHERE organization_id = %s {where} "
            f"GROUP BY organization_id, {grouped}", [now, now, organization_id, *params])


# ---------------------------------------------------------------- the window


DEFAULT_WINDOW = 12  # months, ending with the current one


def default_window() -> tuple[int, int]:
    """The first and last month of the default window: the current Jalali month and the 11 before."""
    last = month_of(timezone.now())
    return add_months(last, -(DEFAULT_WINDOW - 1)), last


@transaction.atomic
def window_build(organization_id: int, first: int, last: int) -> None:
    """The organization's municipality × domain sums over the months `first` to `last`, summed again from
    the cells (the window moves on each month; a rebuild does it too)."""
    WindowOf.objects.update_or_create(organization_id=organization_id, defaults={
        "first_month": first, "last_month": last, "built_at": timezone.now()})
    WindowCell.objects.filter(organization_id=organization_id).delete()
    _insert_sums(WindowCell, ("municipality_id", "domain_id"), organization_id,
                 "AND month >= %s AND month <= %s", (first, last))


def window_ready(organization_id: int, first: int, last: int) -> bool:
    """Whether `WindowCell` answers for the months `first` to `last`: only the organization's kept window
    does, built by `rebuild` and moved on each month by the periodic task (`windows_move_on`); any
    other window, or the month's before the task has run, is summed from the month cells."""
    return WindowOf.objects.filter(organization_id=organization_id, first_month=first,
                                   last_month=last).exists()


def windows_move_on() -> int:
    """Build the default window of every organization with dealings whose kept window is missing or is
    not the current one (the month has turned); how many were built."""
    window = default_window()
    kept = set(WindowOf.objects.filter(first_month=window[0], last_month=window[1])
               .values_list("organization_id", flat=True))
    dealing = set(DomainMonth.objects.order_by().values_list("organization_id", flat=True).distinct())
    for organization_id in sorted(dealing - kept):
        window_build(organization_id, *window)
    return len(dealing - kept)


# ---------------------------------------------------------------- the backlog


# How the rows a service announces lead to the order (or need) whose facts they change.
ORDER_OF: dict[type[Model], str] = {
    Order: "pk", OrderLine: "order_id", Delivery: "order_id", Rating: "order_id",
    Invoice: "delivery__order_id",
}


def record(model: type[Model], ids: list[int]) -> None:
    """Note the orders, needs or domains behind these written rows in the backlog: one INSERT … SELECT,
    in the writing service's transaction (a failed write leaves no note). `catch_up` works them off."""
    if model in ORDER_OF:
        kind, path = RollupBacklog.ORDER, ORDER_OF[model]
    elif model is Need:
        kind, path = RollupBacklog.NEED, "pk"
    elif model is ServiceDomain:
        kind, path = RollupBacklog.DOMAIN, "pk"
    else:
        return
    rows = model._default_manager.filter(pk__in=ids).order_by()
    if path != "pk":
        rows = rows.exclude(**{f"{path}__isnull": True})
    select, params = rows.values_list("organization_id", path).query.sql_with_params()
    quote = connection.ops.quote_name
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(RollupBacklog._meta.db_table)} (organization_id, row_id, kind, created_at, "
            f"updated_at) SELECT noted.*, %s, %s, %s FROM ({select}) noted", [kind, now, now, *params])


@transaction.atomic(savepoint=False)
def catch_up(organization_id: int | None = None) -> int:
    """Bring the facts and cells up to date with every order, need and domain in the backlog (of one
    organization, or of all), taking those notes off it; how many notes there were. One DELETE …
    RETURNING when there are none. Two at once take turns: the second waits for the first's notes and
    finds them gone, then reads the cells the first left."""
    quote = connection.ops.quote_name
    where, params = ("", [])
    if organization_id is not None:
        where, params = "WHERE organization_id = %s", [organization_id]
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {quote(RollupBacklog._meta.db_table)} {where} RETURNING kind, row_id",
                       params)
        notes = cursor.fetchall()
    if not notes:
        return 0
    orders = {pk for kind, pk in notes if kind == RollupBacklog.ORDER}
    needs = {pk for kind, pk in notes if kind == RollupBacklog.NEED}
    domains = {pk for kind, pk in notes if kind == RollupBacklog.DOMAIN}
    if domains:
        needs.update(Need.objects.filter(domain_id__in=with_descendants(domains), submitted_at__isnull=False)
                     .values_list("pk", flat=True))
    refresh_orders(orders)
    refresh_needs(needs)
    return len(notes)


def with_descendants(ids: Iterable[int]) -> set[int]:
    """These domains and every domain under them (the tree of their organizations, read once)."""
    ids = list(ids)
    organizations = ServiceDomain.objects.filter(pk__in=ids).values("organization_id")
    children: dict[int, list[int]] = {}
    for pk, parent_id in ServiceDomain.objects.filter(organization_id__in=organizations).values_list(
            "pk", "parent_id"):
        if parent_id is not None:
            children.setdefault(parent_id, []).append(pk)
    found, todo = set(ids), list(ids)
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found
