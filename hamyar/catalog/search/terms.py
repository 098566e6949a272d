"""A query as the engines see it, the filters beside it, and the order of the results."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from django.db.models import QuerySet

from hamyar.core.text import search_key

from .clauses import TABLE, Clause, one_of

# Words shorter than this are not in the trigram indexes: they are looked up joined to
# their neighbours, or filtered among the rows the longer words found.
MIN_INDEXED = 3
_WORD = re.compile(r"[^\W_]+")


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


@dataclass(frozen=True)
class Filters:
    """What narrows the matches besides the words; the sample estimates them the same way."""

    domains: frozenset[int] | None = None
    providers: frozenset[int] | None = None
    price_min: int | None = None
    price_max: int | None = None
    max_lead_time: int | None = None
    in_stock: bool | None = None

    def apply(self, qs: QuerySet) -> QuerySet:
        """`qs` filtered (browsing without a query)."""
        if self.domains is not None:
            qs = qs.filter(domain_id__in=sorted(self.domains))
        if self.providers is not None:
            qs = qs.filter(provider_id__in=sorted(self.providers))
        if self.price_min is not None:
            qs = qs.filter(current_price__gte=self.price_min)
        if self.price_max is not None:
            qs = qs.filter(current_price__lte=self.price_max)
        if self.max_lead_time is not None:
            qs = qs.filter(lead_time_days__lte=self.max_lead_time)
        if self.in_stock is not None:
            qs = qs.filter(in_stock=self.in_stock)
        return qs

    def clauses(self, *, in_index: tuple[bool, bool] = (True, True)) -> list[Clause]:
        """The filters as SQL; `in_index` (domain, provider): False keeps that filter out of the indexes."""
        found: list[Clause] = []
        for column, ids, indexed in (("domain_id", self.domains, in_index[0]),
                                     ("provider_id", self.providers, in_index[1])):
            if ids is not None:
                found.append(one_of(column, ids, in_index=indexed))
        bounds = (("current_price", ">=", self.price_min), ("current_price", "<=", self.price_max),
                  ("lead_time_days", "<=", self.max_lead_time), ("in_stock", "=", self.in_stock))
        for column, test, value in bounds:
            if value is not None:
                found.append((f'"{TABLE}"."{column}" {test} %s', [value]))
        return found

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


def text_rank(name: str, terms: Terms) -> int:
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


def rank_key(row: tuple, terms: Terms) -> tuple:
    pk, _domain_id, name, rating = row
    return (text_rank(name, terms), rating is None, -float(rating or 0), pk)
