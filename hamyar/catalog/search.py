"""Catalog search that finds what a clerk types, the same on PostgreSQL and SQLite.

The contract, on both engines:

- The query and the items go through the one normalizer (`search_key`): Arabic ي/ك,
  Persian/Arabic/Latin digits, diacritics, hamza forms and ZWNJ are folded.
- Spaces do not matter: an item matches when each word of the query occurs in its
  search text with the spaces taken out (so "می شود", "می‌شود" and "میشود" find the
  same items, whichever way the supplier wrote the name). Words shorter than three
  letters are looked up together ("ال ای دی" → "الایدی").
- When nothing matches, each query word that is not a catalog word also accepts the
  catalog words one typo away (a letter substituted, dropped, added or two swapped),
  and `corrected_query` says what was searched.
- Ranking: the exact name first, then text rank (name starting with the query, name
  containing it, name containing every word, some words, other fields only), then the
  supplier's rating (unrated last), then id.
- At most `POOL` matches (or offset + limit, for a later page or an export) are read
  per query: beyond that `total` and the domain counts are lower bounds
  (`total_is_exact` is False) and the page is ranked among the matches read, the
  exact-name and name-prefix matches always included.

PostgreSQL: one pg_trgm GIN index over the search text without spaces, which also
holds the domain and the provider (btree_gin), so a domain, supplier or visibility
filter can narrow inside the index. PostgreSQL's planner cannot see how common a word
is inside a text, nor how a filter correlates with the words ("آسفالت" among benches),
and with a LIMIT it bets on the wrong plan (a full scan for a word nobody has). So a
sample of the catalog, kept in memory, prices the ways to read POOL matches (a scan
that stops early, or the index looking up the rarest trigram of the rarest words) and
the cheapest is forced. SQLite: an FTS5 trigram table kept by triggers, which reads its
matches lazily. Typo candidates come from a vocabulary of catalog words (a table kept
by a trigger on PostgreSQL, an FTS5 vocabulary on SQLite): trigram similarity cannot
tell one typo from noise in three- to five-letter Persian words (0.1-0.3), an exact
one-edit look-up can.

Full-text search (tsvector) is not used: its words do not match across ZWNJ and
spaces ("آتش نشانی" must find "آتش‌نشانی"), its prefix look-ups union whole posting
lists (200 ms for a typed name at 1,000,000 items) and its LIMIT plans parse every row.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from dataclasses import dataclass, field, replace

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from hamyar.accounts.scoping import scope
from hamyar.core.text import search_key
from hamyar.directory.models import Provider, ServiceDomain

from .models import CatalogItem
from .selectors import _offered, hides_unoffered, item_base_queryset

# Matches read per query: enough to count and rank what a clerk refines, few enough
# that a word found in a hundredth of a million-item catalog costs ten thousand rows.
POOL = 100
# Words shorter than this are not in the trigram indexes: they are looked up joined to
# their neighbours, or filtered among the rows the longer words found.
MIN_INDEXED = 3
_WORD = re.compile(r"[^\W_]+")
_PERSIAN_LETTERS = "ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی"
_LATIN_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_TABLE = CatalogItem._meta.db_table
_TEXT = f'replace("{_TABLE}"."search_text", \' \', \'\')'
_NAME = f'replace("{_TABLE}"."search_name", \' \', \'\')'


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


@dataclass(frozen=True)
class Terms:
    """A query as the engines see it: groups of alternative words, every group must match."""

    groups: tuple[tuple[str, ...], ...]
    compact: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "compact", "".join(g[0] for g in self.groups))

    @property
    def indexed(self) -> tuple[tuple[str, ...], ...]:
        """The groups the index looks up: long words, or the whole query joined when all are short."""
        long = tuple(g for g in self.groups if all(len(w) >= MIN_INDEXED for w in g))
        if long:
            return long
        if len(self.compact) >= MIN_INDEXED:
            return ((self.compact,),)
        return ()

    @property
    def filtered(self) -> tuple[tuple[str, ...], ...]:
        """The groups checked on the rows the index found."""
        indexed = self.indexed
        if indexed == ((self.compact,),) and len(self.groups) > 1:
            return ()  # the joined query contains every short word
        return tuple(g for g in self.groups if g not in indexed)

    def __str__(self) -> str:
        return " ".join(g[0] for g in self.groups)


def parse(query: str | None) -> Terms:
    return Terms(tuple((w,) for w in _WORD.findall(search_key(query or ""))))


# --------------------------------------------------------------------------- filters


@dataclass(frozen=True)
class Filters:
    """What narrows the matches besides the words; the sample estimates them the same way."""

    domains: frozenset[int] | None = None
    providers: frozenset[int] | None = None
    price_min: int | None = None
    price_max: int | None = None
    max_lead_time: int | None = None
    in_stock: bool | None = None

    def apply(self, qs: QuerySet, *, in_index: bool = True) -> QuerySet:
        """`qs` filtered; `in_index=False` keeps the domain and provider out of the index (PostgreSQL)."""
        for column, ids in (("domain_id", self.domains), ("provider_id", self.providers)):
            if ids is None:
                continue
            if in_index:
                qs = qs.filter(**{f"{column}__in": sorted(ids)})
            else:  # "+ 0": the same test, which no planner sends to the index
                qs = _where(qs, f'"{_TABLE}"."{column}" + 0 = ANY(%s)', [sorted(ids)])
        if self.price_min is not None:
            qs = qs.filter(current_price__gte=self.price_min)
        if self.price_max is not None:
            qs = qs.filter(current_price__lte=self.price_max)
        if self.max_lead_time is not None:
            qs = qs.filter(lead_time_days__lte=self.max_lead_time)
        if self.in_stock is not None:
            qs = qs.filter(in_stock=self.in_stock)
        return qs

    def narrowed(self, providers: frozenset[int]) -> Filters:
        return replace(self, providers=providers if self.providers is None else self.providers & providers)

    def admits(self, domain: int, provider: int, price: int | None, lead: int, stock: bool) -> bool:
        return (
            (self.domains is None or domain in self.domains)
            and (self.providers is None or provider in self.providers)
            and (self.price_min is None or (price is not None and price >= self.price_min))
            and (self.price_max is None or (price is not None and price <= self.price_max))
            and (self.max_lead_time is None or lead <= self.max_lead_time)
            and (self.in_stock is None or stock == self.in_stock)
        )


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


# --------------------------------------------------------------------------- matching


def _like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _where(qs: QuerySet, sql: str, params: list) -> QuerySet:
    return qs.filter(RawSQL(sql, params, output_field=BooleanField()))


def _contains(column: str, words: tuple[str, ...], *, indexed: bool = False) -> tuple[str, list[str]]:
    """SQL true when `column` contains any of `words`.

    LIKE '%word%' is what the PostgreSQL trigram index answers; strpos/instr, three times
    cheaper per row, is what no planner sends to it.
    """
    if indexed:
        clause = " OR ".join(f"{column} LIKE %s ESCAPE '\\'" for _ in words)
        return f"({clause})", [f"%{_like(w)}%" for w in words]
    find = "instr({}, %s)" if connection.vendor == "sqlite" else "strpos({}, %s)"
    clause = " OR ".join(find.format(column) + " > 0" for _ in words)
    return f"({clause})", list(words)


def _all(qs: QuerySet, clauses: list[tuple[str, list[str]]]) -> QuerySet:
    """`qs` filtered by every (sql, params) clause, as one condition."""
    if not clauses:
        return qs
    return _where(qs, " AND ".join(sql for sql, _ in clauses), [p for _, params in clauses for p in params])


def _checked(qs: QuerySet, groups: tuple[tuple[str, ...], ...], column: str) -> QuerySet:
    return _all(qs, [_contains(column, group) for group in groups])


def _name_is(qs: QuerySet, compact: str) -> QuerySet:
    return _where(qs, f"{_NAME} = %s", [compact])


def _name_starts(qs: QuerySet, prefix: str) -> QuerySet:
    """Names (without spaces) starting with `prefix`, from the index over them."""
    if connection.vendor == "sqlite":  # SQLite uses an expression index for a range, not for LIKE
        return _where(qs, f"{_NAME} >= %s AND {_NAME} < %s", [prefix, prefix + "\U0010ffff"])
    return _where(qs, f"{_NAME} LIKE %s ESCAPE '\\'", [_like(prefix) + "%"])


def _fts5_phrase(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


def _match(qs: QuerySet, terms: Terms, *, patterns: tuple[tuple[str, ...], ...] | None = None) -> QuerySet:
    """Items whose search text (without spaces) contains every group of `terms`: the contract.

    SQLite finds them in its FTS5 trigram table. On PostgreSQL the trigram index looks up
    `patterns` (by default every group it can take) and every group is checked on the
    rows it finds.
    """
    if not terms.indexed:  # one or two letters: names that start with them
        return _name_starts(qs, terms.compact)
    if connection.vendor == "sqlite":
        query = " AND ".join("(" + " OR ".join(_fts5_phrase(w) for w in g) + ")" for g in terms.indexed)
        # A join, not "id IN (…)": SQLite would first list every match of the subquery, where
        # the FTS table driving the join stops at the LIMIT.
        qs = qs.extra(
            tables=["catalog_item_search"],
            where=[f'catalog_item_search.rowid = "{_TABLE}"."id"', "catalog_item_search MATCH %s"],
            params=[query],
        )
        return _checked(qs, terms.filtered, _TEXT)
    looked_up = [_contains(_TEXT, group, indexed=True) for group in (patterns or terms.indexed)]
    checked = terms.filtered if patterns is None else terms.indexed + terms.filtered
    return _all(qs, looked_up + [_contains(_TEXT, group) for group in checked])


# --------------------------------------------------------------------------- planning (PostgreSQL)

# Rough costs (µs), measured at 1,000,000 items with the table in the OS cache: a scan
# checks a row as typed, or with the spaces taken out first; the trigram index walks an
# entry of its rarest posting list (skipping through the others, a tenth more for each);
# a bitmap heap scan fetches and checks a candidate row.
SCAN_ROW_AS_TYPED = 1.3
SCAN_ROW = 3.0
INDEX_ENTRY = 0.2
INDEX_ROW = 15.0
# Groups the index intersects at most.
INDEX_GROUPS = 3
_SAMPLE_ROWS = 1000
_SAMPLE_SECONDS = 600.0
_PLAIN = f'"{_TABLE}"."search_text"'


@dataclass
class _Plan:
    """How to read the matches: a scan (as typed or without spaces), or the index looking up
    `patterns` (with the domain and provider filters too when `filters_in_index`)."""

    scan: str | None
    patterns: tuple[tuple[str, ...], ...] = ()
    filters_in_index: bool = True


@dataclass
class _Sample:
    """About a thousand rows of the catalog (every tenant's), to see how common words are.

    PostgreSQL's planner cannot: it estimates a word's rows from a hundred whole texts,
    and a filter as if it were independent of the words ("آسفالت" among benches).
    """

    taken: float
    total: float
    rows: list[tuple[int, int, int | None, int, bool, str, str]]
    having: dict[tuple[str, bool], frozenset[int]] = field(default_factory=dict)
    admitted: dict[tuple[Filters, bool], frozenset[int]] = field(default_factory=dict)

    def _having(self, word: str, *, typed: bool = False) -> frozenset[int]:
        """Indexes of the rows whose text (without spaces, or as typed) contains `word`."""
        key = (word, typed)
        if key not in self.having:
            column = 5 if typed else 6
            self.having[key] = frozenset(i for i, row in enumerate(self.rows) if word in row[column])
        return self.having[key]

    def _group(self, group: tuple[str, ...], *, typed: bool = False) -> frozenset[int]:
        return frozenset().union(*(self._having(w, typed=typed) for w in group))

    def _admitted(self, filters: Filters, *, index_only: bool = False) -> frozenset[int]:
        """Rows the filters admit (`index_only`: the domain and provider filters alone)."""
        if index_only:
            filters = Filters(domains=filters.domains, providers=filters.providers)
        if (filters, index_only) not in self.admitted:
            self.admitted[filters, index_only] = frozenset(
                i for i, row in enumerate(self.rows) if filters.admits(*row[:5]))
        return self.admitted[filters, index_only]

    def density(self, terms: Terms, filters: Filters) -> float:
        """Share of the rows matching the words and the filters."""
        if not self.rows:
            return 0.0
        matched = self._estimate([self._group(g) for g in terms.groups], self._admitted(filters))
        return matched / len(self.rows)

    def _estimate(self, row_sets: list[frozenset[int]], within: frozenset[int]) -> float:
        """Rows of the sample in all of `row_sets` (and `within`): counted, or, when too few to
        count, estimated as if independent (so a rarer combination is not taken for none)."""
        n = len(self.rows)
        found = within.intersection(*row_sets) if row_sets else within
        guess = len(within)
        for rows in row_sets:
            guess *= max(len(rows), 0.5) / n
        return max(len(found), min(guess, 3.0), 0.05)

    def plan(self, terms: Terms, filters: Filters, needed: int) -> _Plan:
        """The cheapest way to read `needed` matches, by the costs above."""
        n = len(self.rows)
        if not n:
            return _Plan(None, terms.indexed)
        scale = self.total / n
        admitted = self._admitted(filters)
        matched = self._estimate([self._group(g) for g in terms.groups], admitted)
        typed = self._estimate([self._group(g, typed=True) for g in terms.groups], admitted)
        # A scan stops once it has `needed` rows.
        costs: dict[str, tuple[float, _Plan]] = {
            "typed": (SCAN_ROW_AS_TYPED * min(self.total, needed * n / typed), _Plan("typed")),
            "compact": (SCAN_ROW * min(self.total, needed * n / matched), _Plan("compact")),
        }
        for in_index in (True, False) if filters.domains or filters.providers else (True,):
            scope = self._admitted(filters, index_only=True) if in_index else frozenset(range(n))
            keys = [len(scope)] if in_index and len(scope) < n else []
            cost, patterns = self._index_cost(terms, matched, scope, keys, scale, needed)
            costs[f"index {in_index}"] = (cost, _Plan(None, patterns, in_index))
        return min(costs.values(), key=lambda pair: pair[0])[1]

    def _index_cost(self, terms: Terms, matched: float, scope: frozenset[int], keys: list[int],
                    scale: float, needed: int) -> tuple[float, tuple[tuple[str, ...], ...]]:
        """The cheapest index look-up: each group by the rarest trigram of each of its words,
        groups added while they cut more candidate rows than the extra posting list costs."""
        options = [tuple(min((w[i:i + 3] for i in range(len(w) - 2)), key=lambda t: len(self._having(t)))
                         for w in group) for group in terms.indexed]

        def cost(chosen: list[tuple[str, ...]]) -> float:
            row_sets = [self._group(pattern) for pattern in chosen]
            lists = keys + [len(rows) for rows in row_sets]
            candidates = self._estimate(row_sets, scope) * scale
            visited = min(candidates, needed * candidates / max(matched * scale, needed))
            walked = INDEX_ENTRY * max(min(lists), 0.5) * scale * (1 + 0.1 * (len(lists) - 1))
            return walked + INDEX_ROW * visited

        chosen: list[tuple[str, ...]] = []
        best = float("inf")
        while options and len(chosen) < INDEX_GROUPS:
            option = min(options, key=lambda o: cost([*chosen, o]))
            if cost([*chosen, option]) >= best:
                break
            best = cost([*chosen, option])
            chosen.append(option)
            options.remove(option)
        return best, tuple(chosen)


_sampled: _Sample | None = None


def _sample() -> _Sample:
    global _sampled
    if _sampled is None or time.monotonic() - _sampled.taken > _SAMPLE_SECONDS:
        with connection.cursor() as cursor:
            cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [_TABLE])
            estimate = float((cursor.fetchone() or [0])[0])
            percent = 100.0 if estimate < _SAMPLE_ROWS * 20 else 100.0 * _SAMPLE_ROWS / estimate
            cursor.execute(
                f"SELECT domain_id, provider_id, current_price, lead_time_days, in_stock, search_text, "
                f"replace(search_text, ' ', '') FROM {_TABLE} TABLESAMPLE SYSTEM (%s) REPEATABLE (1405)",
                [percent],
            )
            rows = cursor.fetchall()
            _sampled = _Sample(time.monotonic(), max(estimate, len(rows)), rows)
    return _sampled


def _fetch_sparse(qs: QuerySet, limit: int) -> list[tuple]:
    """`_fetch` through bitmap index scans only: a planner expecting dense matches would scan the table."""
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off; SET enable_indexscan = off")
        try:
            return _fetch(qs, limit)
        finally:
            cursor.execute("RESET enable_seqscan; RESET enable_indexscan")


# --------------------------------------------------------------------------- the pool

_COLUMNS = ("id", "domain_id", "search_name", "provider__rating")


def _fetch(qs: QuerySet, limit: int) -> list[tuple]:
    """(id, domain, search name, rating) of up to `limit` rows, unordered, straight from the cursor."""
    try:
        sql, params = qs.order_by().values_list(*_COLUMNS)[:limit].query.sql_with_params()
    except EmptyResultSet:  # e.g. a provider filter outside what the user may see
        return []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _matches(qs: QuerySet, terms: Terms, filters: Filters, offered: frozenset[int] | None,
             limit: int) -> list[tuple]:
    """Up to `limit` matching rows, read the way the sample says is cheap (PostgreSQL)."""
    if connection.vendor != "postgresql" or not terms.indexed:
        return _fetch(_match(filters.apply(qs), terms), limit)
    sample = _sample()
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
        column = _PLAIN if plan.scan == "typed" else _TEXT
        rows = _fetch(_checked(qs, terms.indexed + terms.filtered, column), limit)
        if len(rows) >= limit or column == _TEXT:
            return rows
    return _fetch_sparse(_match(qs, terms, patterns=plan.patterns), limit)


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
    for row in _fetch(_name_is(qs, terms.compact), POOL) + _fetch(_name_starts(qs, terms.compact), page_end):
        if row[0] not in seen:
            seen.add(row[0])
            rows.append(row)
    return rows, False


# --------------------------------------------------------------------------- ranking


def _text_rank(name: str, terms: Terms) -> int:
    """0 exact name, 1 name starts with the query, 2 contains it, 3 every word, 4 some words, 5 none."""
    name = name.replace(" ", "")
    if not terms.groups:
        return 5
    if name == terms.compact:
        return 0
    if name.startswith(terms.compact):
        return 1
    if terms.compact in name:
        return 2
    found = sum(1 for group in terms.groups if any(w in name for w in group))
    if found == len(terms.groups):
        return 3
    return 4 if found else 5


def _rank_key(row: tuple, terms: Terms) -> tuple:
    pk, _domain_id, name, rating = row
    return (_text_rank(name, terms), rating is None, -float(rating or 0), pk)


# --------------------------------------------------------------------------- typos


def _edits(word: str) -> set[str]:
    """Every string one substitution, deletion, insertion or transposition away from `word`."""
    letters = _LATIN_LETTERS if word.isascii() else _PERSIAN_LETTERS
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    edits = {a + b[1:] for a, b in splits if b}
    edits |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    edits |= {a + c + b[1:] for a, b in splits if b for c in letters}
    edits |= {a + c + b for a, b in splits for c in letters}
    edits.discard(word)
    return {e for e in edits if len(e) >= MIN_INDEXED}


def _known(words: set[str]) -> set[str]:
    """Those of `words` that are words of some item's search text."""
    if not words:
        return set()
    ordered = sorted(words)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            found: set[str] = set()
            for start in range(0, len(ordered), 500):
                chunk = ordered[start:start + 500]
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(f"SELECT term FROM catalog_item_words_vocab WHERE term IN ({marks})", chunk)
                found.update(row[0] for row in cursor.fetchall())
            return found
        cursor.execute("SELECT word FROM catalog_search_word WHERE word = ANY(%s)", [ordered])
        return {row[0] for row in cursor.fetchall()}


def _trigrams(word: str) -> set[str]:
    padded = f"  {word} "
    return {padded[i:i + 3] for i in range(len(padded) - 2)}


def _closeness(a: str, b: str) -> float:
    """Trigram similarity, as pg_trgm computes it: the nearer spelling is tried first."""
    ta, tb = _trigrams(a), _trigrams(b)
    return len(ta & tb) / len(ta | tb)


def _correct(terms: Terms) -> Terms | None:
    """`terms` with the catalog words one typo away from each word that is not a catalog word.

    Each such word keeps itself as the last alternative: a word that is only part of a
    catalog word, or spans two, is no typo, and its matches stay found.
    """
    words = {g[0] for g in terms.groups
             if len(g) == 1 and len(g[0]) >= MIN_INDEXED and not any(c.isdigit() for c in g[0])}
    edits = {word: _edits(word) for word in words - _known(words)}
    if not edits:
        return None
    known = _known(set().union(*edits.values()))
    groups: list[tuple[str, ...]] = []
    for group in terms.groups:
        word = group[0]
        if word in edits:
            candidates = sorted(edits[word] & known, key=lambda c: (-_closeness(word, c), c))
            if candidates:
                group = (*candidates, word)
        groups.append(group)
    corrected = Terms(tuple(groups))
    return corrected if corrected != terms else None


# --------------------------------------------------------------------------- the search


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
    if not rows and (fixed := _correct(terms)) is not None:
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
    rows.sort(key=lambda row: _rank_key(row, terms))
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
