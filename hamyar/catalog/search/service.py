"""`item_search`: the pool of matches, its counts, and the ranked page."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from hamyar.accounts.scoping import scope
from hamyar.directory.models import Provider, ServiceDomain

from ..models import CatalogItem
from ..selectors import _offered, hides_unoffered, item_base_queryset
from . import planner
from .sql import PLAIN, TEXT, checked, fetch, fetch_sparse, match, name_is, name_starts
from .terms import Filters, Terms, parse, rank_key
from .typos import correct

# Matches read per query: enough to count and rank what a clerk refines, few enough
# that a word found in a hundredth of a million-item catalog costs ten thousand rows.
POOL = 100


@dataclass
class SearchResult:
    """One page of ranked items, with the counts beside them."""

    items: list[CatalogItem]
    total: int
    # (domain, count) of the matches before the domain filter, most first.
    domain_counts: list[tuple[ServiceDomain, int]]
    # False when more items match than were read: `total` and the counts are then lower bounds.
    total_is_exact: bool = True
    # The query with its typos corrected, when the results are for it.
    corrected_query: str | None = None


def _subtree(user, domain_id: int) -> frozenset[int]:
    children: dict[int | None, list[int]] = {}
    for pk, parent in scope(ServiceDomain.objects.all(), user).values_list("pk", "parent_id"):
        children.setdefault(parent, []).append(pk)
    found, todo = set(), [domain_id]
    while todo:
        pk = todo.pop()
        if pk not in found:
            found.add(pk)
            todo.extend(children.get(pk, []))
    return frozenset(found)


def _offered_providers(user) -> frozenset[int] | None:
    """For a user who sees only offered items, the providers whose items are offered, else None.

    Only narrows what `item_base_queryset` already lets through (by the selectors' own rule,
    at the provider): it lets the index skip a lapsed supplier's items instead of reading them.
    """
    if not hides_unoffered(user):
        return None
    today = timezone.localdate()
    cached = getattr(user, "_hamyar_offered_providers", None)
    if cached is not None and cached[0] == today:
        return cached[1]
    offered = scope(Provider.objects.all(), user).annotate(offered=_offered("pk", "kind"))
    providers = frozenset(offered.filter(offered=True).values_list("pk", flat=True))
    user._hamyar_offered_providers = (today, providers)  # like membership_of: for this request's user
    return providers


def _matches(qs: QuerySet, terms: Terms, filters: Filters, offered: frozenset[int] | None,
             limit: int) -> list[tuple]:
    """Up to `limit` matching rows, read the way the sample says is cheap (PostgreSQL)."""
    if connection.vendor != "postgresql" or not terms.indexed:
        return fetch(match(filters.apply(qs), terms), limit)
    sample = planner.sample()
    if offered is not None:
        # When most matches are of providers not offered to the user, the index skips them.
        narrowed = filters.narrowed(offered)
        if sample.density(terms, narrowed) < sample.density(terms, filters) / 2:
            filters = narrowed
    plan = sample.plan(terms, filters, limit)
    qs = filters.apply(qs, in_index=plan.filters_in_index)
    if plan.scan is not None:
        # As typed, the scan finds a subset of the matches: enough for a capped pool. Should
        # it find fewer than `limit`, the table was small and the index below is cheap.
        column = PLAIN if plan.scan == "typed" else TEXT
        rows = fetch(checked(qs, terms.indexed + terms.filtered, column), limit)
        if len(rows) >= limit or column == TEXT:
            return rows
    return fetch_sparse(match(qs, terms, patterns=plan.patterns), limit)


def _pool(qs: QuerySet, terms: Terms, filters: Filters, *, offered: frozenset[int] | None = None,
          size: int, page_end: int) -> tuple[list[tuple], bool]:
    """Up to `size` + 1 matching rows, and whether that is all of them.

    A capped pool also holds every exact-name match and enough names starting with the
    query to fill the page, wherever they are in the table.
    """
    rows = _matches(qs, terms, filters, offered, size + 1)
    if len(rows) <= size:
        return rows, True
    seen = {row[0] for row in rows}
    qs = filters.apply(qs)
    for row in fetch(name_is(qs, terms.compact), POOL) + fetch(name_starts(qs, terms.compact), page_end):
        if row[0] not in seen:
            seen.add(row[0])
            rows.append(row)
    return rows, False


def _domain_counts(counts: Counter) -> list[tuple[ServiceDomain, int]]:
    domains = ServiceDomain.objects.in_bulk(list(counts)) if counts else {}
    return sorted(
        ((domains[pk], n) for pk, n in counts.items() if pk in domains),
        key=lambda pair: (-pair[1], pair[0].name),
    )


def _page(qs: QuerySet, ids: list[int]) -> list[CatalogItem]:
    items = {item.pk: item for item in qs.filter(pk__in=ids)} if ids else {}
    return [items[pk] for pk in ids if pk in items]


def item_search(
    *,
    user,
    query: str,
    domain_id: int | None = None,
    provider_id: int | None = None,
    price_min: int | None = None,
    price_max: int | None = None,
    max_lead_time: int | None = None,
    in_stock: bool | None = None,
    limit: int = 20,
    offset: int = 0,
) -> SearchResult:
    """The items `user` may see that match `query` and the filters, ranked; see the module docstring."""
    qs = item_base_queryset(user=user)
    filters = Filters(
        providers=None if provider_id is None else frozenset({provider_id}), price_min=price_min,
        price_max=price_max, max_lead_time=max_lead_time, in_stock=in_stock,
    )
    offered = _offered_providers(user)
    limit, offset = max(0, limit), max(0, offset)
    terms = parse(query)
    if not terms.groups:
        return _browse(user, filters.apply(qs), domain_id, limit, offset)

    page_end = offset + limit
    size = max(POOL, page_end)
    rows, exact = _pool(qs, terms, filters, offered=offered, size=size, page_end=page_end)
    corrected = None
    if not rows and (fixed := correct(terms)) is not None:
        rows, exact = _pool(qs, fixed, filters, offered=offered, size=size, page_end=page_end)
        if rows:
            terms, corrected = fixed, str(fixed)
    counts = Counter(row[1] for row in rows)
    if domain_id is not None:
        subtree = _subtree(user, domain_id)
        if exact:
            rows = [row for row in rows if row[1] in subtree]
        else:
            rows, exact = _pool(qs, terms, replace(filters, domains=subtree), offered=offered,
                                size=size, page_end=page_end)
    rows.sort(key=lambda row: rank_key(row, terms))
    ids = [row[0] for row in rows[offset:offset + limit]]
    return SearchResult(
        items=_page(qs, ids), total=len(rows), domain_counts=_domain_counts(counts),
        total_is_exact=exact, corrected_query=corrected,
    )


def _browse(user, qs: QuerySet, domain_id: int | None, limit: int, offset: int) -> SearchResult:
    """No query: every item the filters let through, by name."""
    size = max(POOL, offset + limit)
    pool = list(qs.order_by().values_list("domain_id", flat=True)[:size + 1])
    exact = len(pool) <= size
    counts = Counter(pool)
    if domain_id is not None:
        qs = qs.filter(domain_id__in=_subtree(user, domain_id))
        pool = list(qs.order_by().values_list("domain_id", flat=True)[:size + 1])
        exact = len(pool) <= size
    items = list(qs.order_by("name", "pk")[offset:offset + limit])
    return SearchResult(items=items, total=len(pool),
                        domain_counts=_domain_counts(counts), total_is_exact=exact)
