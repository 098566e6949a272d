"""`item_search`: the pool of matches, its counts, and the ranked page."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from hamyar.accounts.models import User
from hamyar.core.scoping import membership_of, scope
from hamyar.directory.models import ServiceDomain

from ..models import CatalogItem
from ..selectors import item_base_queryset, offered_provider_ids
from . import planner
from .clauses import PLAIN, TEXT, checked, name_is, name_order, name_starts
from .sql import ORDERED, Base, fetch, fetch_sparse, fetch_union, match, providers_with
from .synonyms import SynonymTable, synonym_table
from .terms import MIN_INDEXED, Filters, Terms, parse, rank_key, text_rank
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
    # What to highlight in the results: the words searched for, synonyms and corrections included.
    marks: tuple[str, ...] = ()


def _subtree(user: User, domain_id: int) -> frozenset[int]:
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


def _offered_providers(user: User, *, everyone: bool = False) -> frozenset[int] | None:
    """`offered_provider_ids`, kept on the user object for the request (like membership_of)."""
    today = timezone.localdate()
    attribute = "_hamyar_offered_providers" + ("_all" if everyone else "")
    cached = getattr(user, attribute, None)
    if cached is None or cached[0] != today:
        cached = (today, offered_provider_ids(user=user, everyone=everyone))
        setattr(user, attribute, cached)
    return cached[1]


def _synonyms(user: User) -> SynonymTable:
    """The synonyms of the user's organization, kept on the user object for the request."""
    cached = getattr(user, "_hamyar_synonyms", None)
    if cached is None:
        membership = membership_of(user)
        cached = synonym_table(membership.organization_id if membership else None)
        user._hamyar_synonyms = cached
    return cached


def _marks(terms: Terms) -> tuple[str, ...]:
    """The strings to highlight: every alternative long enough to mean something, and the joined query."""
    found = dict.fromkeys(w for g in terms.groups for w in g if len(w) >= MIN_INDEXED)
    if len(terms.compact) >= 2:
        found[terms.compact] = None
    return tuple(found)


class _Reader:
    """The rows a search may read: the user's scoped items, compiled once into the base of each statement.

    No annotations: a municipality user's visibility is the providers filter (the offered
    providers, from the selectors' rule) and `is_active`, so the indexes can use it too.
    """

    def __init__(self, qs: QuerySet, offered: frozenset[int] | None) -> None:
        self.qs = qs
        self.offered = offered
        self._providers: dict[frozenset[str], frozenset[int] | None] = {}
        self._bases: dict[bool, Base | None] = {}

    def providers_with(self, terms: Terms) -> frozenset[int] | None:
        words = frozenset(g[0] for g in terms.indexed if len(g) == 1)  # a typo's alternatives: any
        if words not in self._providers:
            self._providers[words] = providers_with(set(words))
        return self._providers[words]

    def base(self, *, fts: bool = False) -> Base | None:
        if fts not in self._bases:
            self._bases[fts] = Base.of(self.qs, fts=fts)
        return self._bases[fts]


def _matches(reader: _Reader, terms: Terms, filters: Filters, limit: int) -> list[tuple]:
    """Up to `limit` matching rows, read the way the sample says is cheap (PostgreSQL)."""
    if connection.vendor != "postgresql" or not terms.indexed:
        if not terms.indexed:
            clauses = match(terms) + filters.clauses(in_index=(False, False))
            return fetch(reader.base(), clauses, limit, order=name_order(), settings=ORDERED)
        return fetch(reader.base(fts=True), match(terms) + filters.clauses(), limit)
    plan = planner.sample().plan(terms, filters, limit)
    if plan.scan is not None:
        # As typed, the scan finds a subset of the matches: enough for a capped pool. Should
        # it find fewer than `limit`, the table was small and the index below is cheap. The
        # filters stay out of the indexes: a bitmap of a domain's items is no scan that stops.
        column = PLAIN if plan.scan == "typed" else TEXT
        clauses = checked(terms.indexed + terms.filtered, column) + filters.clauses(in_index=(False, False))
        rows = fetch(reader.base(), clauses, limit)
        if len(rows) >= limit or column == TEXT:
            return rows
    clauses = match(terms, patterns=plan.patterns) + filters.clauses(in_index=plan.filters_in_index)
    return fetch_sparse(reader.base(), clauses, limit)


def _pool(reader: _Reader, terms: Terms, filters: Filters, *, size: int,
          page_end: int) -> tuple[list[tuple], bool]:
    """Up to `size` + 1 matching rows, and whether that is all of them.

    A capped pool also holds every exact-name match and enough names starting with the
    query to fill the page, wherever they are in the table.
    """
    if reader.offered is not None:
        # Only the offered providers whose items can match: when the words are a lapsed
        # supplier's, there is none to look for.
        possible = reader.providers_with(terms)
        if possible is not None:
            filters = filters.narrowed(possible)
    if filters.providers is not None and not filters.providers:
        return [], True
    rows = _matches(reader, terms, filters, size + 1)
    if len(rows) <= size:
        return rows, True
    seen = {row[0] for row in rows}
    clauses = filters.clauses(in_index=(False, False))  # the names' own index answers
    base = reader.base()
    parts = [(base, [name_is(terms.compact), *clauses], POOL, "")]
    if sum(1 for row in rows if text_rank(row[2], terms) <= 1) < page_end:  # else the page is full of them
        parts.append((base, [name_starts(terms.compact), *clauses], page_end, name_order()))
    for row in fetch_union(parts, settings=ORDERED):
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
    user: User,
    query: str,
    domain_id: int | None = None,
    provider_id: int | None = None,
    price_min: int | None = None,
    price_max: int | None = None,
    max_lead_time: int | None = None,
    in_stock: bool | None = None,
    limit: int = 20,
    offset: int = 0,
    offered_only: bool = False,
) -> SearchResult:
    """The items `user` may see that match `query` and the filters, ranked; see the module docstring.

    `offered_only`: only what a need may name (offered and active) whatever the user's role,
    as the need form's item picker asks, with the same ranking as the catalog.
    """
    filters = Filters(
        providers=None if provider_id is None else frozenset({provider_id}), price_min=price_min,
        price_max=price_max, max_lead_time=max_lead_time, in_stock=in_stock,
    )
    limit, offset = max(0, limit), max(0, offset)
    terms = parse(query)
    if not terms.groups:
        qs = item_base_queryset(user=user)
        if offered_only:
            qs = qs.filter(is_offered=True, is_active=True)
        return _browse(user, filters.apply(qs), domain_id, limit, offset)
    terms = _synonyms(user).expand(terms)

    qs = scope(CatalogItem.objects.all(), user)
    offered = _offered_providers(user, everyone=offered_only)
    if offered is not None:  # what item_base_queryset lets a municipality user see
        qs = qs.filter(is_active=True)
        filters = filters.narrowed(offered)
    reader = _Reader(qs, offered)
    page_end = offset + limit
    size = max(POOL, page_end)
    rows, exact = _pool(reader, terms, filters, size=size, page_end=page_end)
    corrected = None
    if not rows and (fixed := correct(terms)) is not None:
        rows, exact = _pool(reader, fixed, filters, size=size, page_end=page_end)
        if rows:
            terms, corrected = fixed, str(fixed)
    counts = Counter(row[1] for row in rows)
    if domain_id is not None:
        subtree = _subtree(user, domain_id)
        if exact:
            rows = [row for row in rows if row[1] in subtree]
        else:
            narrowed = replace(filters, domains=subtree)
            rows, exact = _pool(reader, terms, narrowed, size=size, page_end=page_end)
    rows.sort(key=lambda row: rank_key(row, terms))
    ids = [row[0] for row in rows[offset:offset + limit]]
    return SearchResult(
        items=_page(item_base_queryset(user=user), ids), total=len(rows),
        domain_counts=_domain_counts(counts), total_is_exact=exact, corrected_query=corrected,
        marks=_marks(terms),
    )


def _browse(user: User, qs: QuerySet, domain_id: int | None, limit: int, offset: int) -> SearchResult:
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
