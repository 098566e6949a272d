"""Catalog search that finds what a clerk types, the same on PostgreSQL and SQLite.

The contract, on both engines:

- The query and the items go through the one normalizer (`search_key`): Arabic ي/ك,
  Persian/Arabic/Latin digits, diacritics, hamza forms and ZWNJ are folded.
- Spaces do not matter: an item matches when each word of the query occurs in its
  search text with the spaces taken out (so "می شود", "می‌شود" and "میشود" find the
  same items, whichever way the supplier wrote the name). Words shorter than three
  letters are looked up together ("ال ای دی" → "الایدی").
- When nothing matches, each query word that occurs nowhere is replaced by the words
  of the catalog one typo away (a letter substituted, dropped, added or two swapped),
  and `corrected_query` says so.
- Ranking: the exact name first, then text rank (name starting with the query, name
  containing it, name containing every word, some words, other fields only), then the
  supplier's rating (unrated last), then id.
- At most `POOL` matches are read per query: beyond that `total` and the domain counts
  are lower bounds (`total_is_exact` is False) and the page is ranked among them, the
  exact-name and name-prefix matches always included.

PostgreSQL finds the words with a pg_trgm GIN index over the search text without
spaces (substring, prefix and infix) and, for a broad query, first with a full-text
GIN index ('simple' configuration), whose plain word look-ups are cheaper than
trigram intersections. SQLite uses an FTS5 trigram table kept by triggers. Typo
candidates come from a vocabulary of catalog words (a table kept by a trigger on
PostgreSQL, an FTS5 vocabulary on SQLite): trigram similarity cannot tell one typo
from noise in three- to five-letter Persian words, an exact one-edit look-up can.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL

from hamyar.accounts.scoping import scope
from hamyar.core.text import search_key
from hamyar.directory.models import ServiceDomain

from .models import CatalogItem
from .selectors import item_base_queryset

# Matches read per query; enough to count and rank any query a clerk refines, small
# enough that a query matching a third of a million-item catalog stays fast.
POOL = 500
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
    # False when more than POOL items match: `total` and the counts are then lower bounds.
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


# --------------------------------------------------------------------------- matching


def _like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _where(qs: QuerySet, sql: str, params: list) -> QuerySet:
    return qs.filter(RawSQL(sql, params, output_field=BooleanField()))


def _any_in_text(words: tuple[str, ...], *, indexed: bool) -> tuple[str, list[str]]:
    """SQL true when the search text without spaces contains any of `words`.

    LIKE '%word%' is what the PostgreSQL trigram index answers; words too short for it
    are checked with strpos/instr, which no planner sends to that index.
    """
    if indexed:
        clause = " OR ".join(f"{_TEXT} LIKE %s ESCAPE '\\'" for _ in words)
        return f"({clause})", [f"%{_like(w)}%" for w in words]
    find = "instr({}, %s)" if connection.vendor == "sqlite" else "strpos({}, %s)"
    clause = " OR ".join(find.format(_TEXT) + " > 0" for _ in words)
    return f"({clause})", list(words)


def _name_is(qs: QuerySet, compact: str) -> QuerySet:
    return _where(qs, f"{_NAME} = %s", [compact])


def _name_starts(qs: QuerySet, prefix: str) -> QuerySet:
    """Names (without spaces) starting with `prefix`, from the index over them."""
    if connection.vendor == "sqlite":  # SQLite uses an expression index for a range, not for LIKE
        return _where(qs, f"{_NAME} >= %s AND {_NAME} < %s", [prefix, prefix + "\U0010ffff"])
    return _where(qs, f"{_NAME} LIKE %s ESCAPE '\\'", [_like(prefix) + "%"])


def _fts5_phrase(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


def _match(qs: QuerySet, terms: Terms) -> QuerySet:
    """Items whose search text (without spaces) contains every group of `terms`."""
    indexed = terms.indexed
    if not indexed:  # one or two letters: names that start with them
        return _name_starts(qs, terms.compact)
    if connection.vendor == "sqlite":
        query = " AND ".join("(" + " OR ".join(_fts5_phrase(w) for w in group) + ")" for group in indexed)
        qs = _where(
            qs,
            f'"{_TABLE}"."id" IN (SELECT rowid FROM catalog_item_search WHERE catalog_item_search MATCH %s)',
            [query],
        )
    else:
        for group in indexed:
            qs = _where(qs, *_any_in_text(group, indexed=True))
    for group in terms.filtered:
        qs = _where(qs, *_any_in_text(group, indexed=False))
    return qs


def _word_match(qs: QuerySet, terms: Terms) -> QuerySet | None:
    """PostgreSQL full text: items having a word that starts with each word of the query.

    A subset of `_match`: used to fill the pool of a broad query from plain word
    look-ups, which cost less than trigram intersections.
    """
    if connection.vendor != "postgresql" or not terms.groups:
        return None
    words = [g[0] for g in terms.groups if len(g) == 1]
    if len(words) != len(terms.groups) or any(len(w) < MIN_INDEXED for w in words):
        return None
    tsquery = " & ".join(f"'{w}':*" for w in words)
    return _where(
        qs, f"to_tsvector('simple'::regconfig, \"{_TABLE}\".\"search_text\") @@ to_tsquery('simple', %s)",
        [tsquery],
    )


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
    rating = rating if isinstance(rating, Decimal) or rating is None else Decimal(str(rating))
    return (_text_rank(name, terms), rating is None, -(rating or 0), pk)


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


def _correct(qs: QuerySet, terms: Terms) -> Terms | None:
    """`terms` with each word that matches nothing replaced by the catalog words one typo away."""
    groups: list[tuple[str, ...]] = []
    changed = False
    for group in terms.groups:
        word = group[0]
        if len(group) == 1 and len(word) >= MIN_INDEXED and not any(c.isdigit() for c in word) \
                and not _match(qs, Terms((group,))).exists():
            candidates = sorted(_known(_edits(word)), key=lambda c: (-_closeness(word, c), c))
            if candidates:
                groups.append(tuple(candidates))
                changed = True
                continue
        groups.append(group)
    return Terms(tuple(groups)) if changed else None


# --------------------------------------------------------------------------- the search


def _subtree(user, domain_id: int) -> set[int]:
    children: dict[int | None, list[int]] = {}
    for pk, parent in scope(ServiceDomain.objects.all(), user).values_list("pk", "parent_id"):
        children.setdefault(parent, []).append(pk)
    found, todo = set(), [domain_id]
    while todo:
        pk = todo.pop()
        if pk not in found:
            found.add(pk)
            todo.extend(children.get(pk, []))
    return found


def _pool(qs: QuerySet, terms: Terms) -> tuple[list[tuple], bool]:
    """Up to POOL matching rows (id, domain, search name, rating), and whether that is all of them."""
    columns = ("id", "domain_id", "search_name", "provider__rating")
    qs = qs.order_by()
    broad = _word_match(qs, terms)
    if broad is not None:
        rows = list(broad.values_list(*columns)[:POOL + 1])
        if len(rows) > POOL:  # the word matches alone exceed the pool: the query is broad
            return _with_best_names(qs, terms, rows[:POOL], columns), False
    rows = list(_match(qs, terms).values_list(*columns)[:POOL + 1])
    if len(rows) > POOL:
        return _with_best_names(qs, terms, rows[:POOL], columns), False
    return rows, True


def _with_best_names(qs: QuerySet, terms: Terms, rows: list[tuple], columns) -> list[tuple]:
    """A capped pool always holds the exact-name matches and the names starting with the query."""
    if not terms.compact:
        return rows
    seen = {row[0] for row in rows}
    for extra in (_name_is(qs, terms.compact), _name_starts(qs, terms.compact)):
        for row in extra.values_list(*columns)[:POOL]:
            if row[0] not in seen:
                seen.add(row[0])
                rows.append(row)
    return rows


def _domain_counts(counts: Counter) -> list[tuple[ServiceDomain, int]]:
    domains = ServiceDomain.objects.in_bulk(list(counts))
    return sorted(
        ((domains[pk], n) for pk, n in counts.items() if pk in domains),
        key=lambda pair: (-pair[1], pair[0].name),
    )


def _page(user, ids: list[int]) -> list[CatalogItem]:
    items = item_base_queryset(user=user).filter(pk__in=ids).in_bulk()
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
    if provider_id is not None:
        qs = qs.filter(provider_id=provider_id)
    if price_min is not None:
        qs = qs.filter(current_price__gte=price_min)
    if price_max is not None:
        qs = qs.filter(current_price__lte=price_max)
    if max_lead_time is not None:
        qs = qs.filter(lead_time_days__lte=max_lead_time)
    if in_stock is not None:
        qs = qs.filter(in_stock=in_stock)
    limit, offset = max(0, limit), max(0, offset)
    terms = parse(query)
    if not terms.groups:
        return _browse(user, qs, domain_id, limit, offset)

    rows, exact = _pool(qs, terms)
    corrected = None
    if not rows and (fixed := _correct(qs, terms)) is not None:
        rows, exact = _pool(qs, fixed)
        if rows:
            terms, corrected = fixed, str(fixed)
    counts = Counter(row[1] for row in rows)
    if domain_id is not None:
        subtree = _subtree(user, domain_id)
        if exact:
            rows = [row for row in rows if row[1] in subtree]
        else:
            rows, exact = _pool(qs.filter(domain_id__in=subtree), terms)
    rows.sort(key=lambda row: _rank_key(row, terms))
    ids = [row[0] for row in rows[offset:offset + limit]]
    return SearchResult(
        items=_page(user, ids), total=len(rows), domain_counts=_domain_counts(counts),
        total_is_exact=exact, corrected_query=corrected,
    )


def _browse(user, qs: QuerySet, domain_id: int | None, limit: int, offset: int) -> SearchResult:
    """No query: every item the filters let through, by name."""
    pool = list(qs.order_by().values_list("domain_id", flat=True)[:POOL + 1])
    exact = len(pool) <= POOL
    counts = Counter(pool[:POOL])
    if domain_id is not None:
        qs = qs.filter(domain_id__in=_subtree(user, domain_id))
        pool = list(qs.order_by().values_list("domain_id", flat=True)[:POOL + 1])
        exact = len(pool) <= POOL
    items = list(qs.order_by("name", "pk")[offset:offset + limit])
    return SearchResult(items=items, total=min(len(pool), POOL), domain_counts=_domain_counts(counts),
                        total_is_exact=exact)


