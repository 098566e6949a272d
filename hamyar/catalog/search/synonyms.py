"""An organization's synonyms, as the search applies them on write and on search.

A synonym's term and equivalents are compared as keys: the search key without spaces
(«ال ای دی», «ال‌ای‌دی» and «الایدی» are one key). A key is found in a text or a query
where a run of whole consecutive words, joined, equals it: «ال ای دی» in
«چراغ ال ای دی پارکی», «led» in «چراغ led ۱۵۰», but not «led» inside «filled».

On write, an item's search text gets the other keys of every synonym found in it, so
the index, the typo vocabulary and the providers' letters know them. On search, a
query's words that form a key become one group of alternatives (the key as typed, then
the synonym's other keys): any of them matches. The two agree, so a synonym added or
removed needs the affected items' text written again (`items_with_keys` finds them).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection

from hamyar.core.text import search_key

from .clauses import FTS_TABLE, TABLE, fts5_phrase, like
from .terms import Terms

_WORD = re.compile(r"[^\W_]+")


def synonym_key(text: str | None) -> str:
    """The form in which synonyms are compared: the search key without spaces."""
    return "".join(_WORD.findall(search_key(text or "")))


@dataclass(frozen=True)
class SynonymTable:
    """Each key of an organization's synonyms, with every key of its synonym (itself first)."""

    groups: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def of(cls, key_lists: Iterable[Iterable[str]]) -> SynonymTable:
        groups: dict[str, tuple[str, ...]] = {}
        for keys in key_lists:
            keys = tuple(dict.fromkeys(k for k in keys if k))
            for key in keys:
                groups[key] = (key, *(k for k in keys if k != key))
        return cls(groups)

    @property
    def longest(self) -> int:
        return max((len(k) for k in self.groups), default=0)

    def runs(self, words: list[str]) -> list[tuple[int, int, str]]:
        """(start, end, key) of the runs of `words` that are keys: from the left, longest, not overlapping."""
        found: list[tuple[int, int, str]] = []
        if not self.groups:
            return found
        longest, i = self.longest, 0
        while i < len(words):
            best = None
            joined = ""
            for j in range(i, len(words)):
                joined += words[j]
                if len(joined) > longest:
                    break
                if joined in self.groups:
                    best = (i, j + 1, joined)
            if best is None:
                i += 1
            else:
                found.append(best)
                i = best[1]
        return found

    def equivalents_in(self, text: str) -> list[str]:
        """The keys `text` (a search text) does not hold as words but a synonym of one of its words has."""
        words = _WORD.findall(text)
        present = set(words)
        extra: dict[str, None] = {}
        for _start, _end, key in self.runs(words):
            for other in self.groups[key][1:]:
                if other not in present:
                    extra[other] = None
        return list(extra)

    def expand(self, terms: Terms) -> Terms:
        """`terms` with each run of words that is a key made one group: the key, then its synonyms."""
        if not self.groups or not terms.groups:
            return terms
        words = [g[0] for g in terms.groups]
        runs = self.runs(words)
        if not runs:
            return terms
        groups: list[tuple[str, ...]] = []
        i = 0
        for start, end, key in runs:
            groups.extend(terms.groups[i:start])
            groups.append(self.groups[key])
            i = end
        groups.extend(terms.groups[i:])
        return Terms(tuple(groups))


EMPTY = SynonymTable()


def synonym_table(organization_id: int | None) -> SynonymTable:
    """The synonyms of an organization: one small statement per search, as SQL (compiling a
    queryset would cost more than the database takes to answer it)."""
    from django.db import connection

    from ..models import SearchSynonym

    if organization_id is None:
        return EMPTY
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT keys FROM {SearchSynonym._meta.db_table} WHERE organization_id = %s "
                       "ORDER BY id", [organization_id])
        rows = [row[0] for row in cursor.fetchall()]
    return SynonymTable.of(json.loads(keys) if isinstance(keys, str) else keys for keys in rows)


def items_with_keys(organization_id: int, keys: Iterable[str]) -> list[int]:
    """Ids of the organization's items whose search text (without spaces) contains one of `keys`.

    A superset of the items a synonym of `keys` applies to, read through the search's own
    index (FTS5 on SQLite, the trigram index on PostgreSQL) rather than the whole table.
    """
    keys = sorted({k for k in keys if len(k) >= 3})
    if not keys:
        return []
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            query = " OR ".join(fts5_phrase(k) for k in keys)
            cursor.execute(
                f'SELECT "{TABLE}".id FROM {FTS_TABLE} JOIN "{TABLE}" ON "{TABLE}".id = {FTS_TABLE}.rowid '
                f'WHERE {FTS_TABLE} MATCH %s AND "{TABLE}".organization_id = %s', [query, organization_id])
        else:
            clause = " OR ".join("search_compact LIKE %s ESCAPE '\\'" for _ in keys)
            cursor.execute(f'SELECT id FROM "{TABLE}" WHERE organization_id = %s AND ({clause})',
                           [organization_id, *(f"%{like(k)}%" for k in keys)])
        return [row[0] for row in cursor.fetchall()]
