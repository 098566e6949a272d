"""The SQL of a search: what each engine looks up, and how rows come back.

A search reads its rows with a few statements over the same base: the items the
user may see, as (id, domain, search name, rating). The base is compiled by the ORM
once per search, from the scoped queryset (the scope stays in one place), and each
statement adds its conditions to it as SQL: compiling a queryset costs more than
the database takes to answer most of them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import OuterRef, QuerySet, Subquery

from hamyar.directory.models import Provider

from .clauses import (
    FTS_TABLE,
    SQLITE_TEXT,
    TABLE,
    TEXT,
    Clause,
    checked,
    contains,
    fts5_phrase,
    name_starts,
)
from .terms import Terms

COLUMNS = ("id", "domain_id", "search_name", "provider_rating")


@dataclass(frozen=True)
class Base:
    """The compiled SELECT of the rows a user may see; statements add their conditions to it."""

    sql: str
    params: tuple

    @classmethod
    def of(cls, qs: QuerySet, *, fts: bool = False) -> Base | None:
        """`qs` compiled (None when it can match nothing); `fts`: joined to the SQLite FTS table."""
        # The rating in a subquery of the page's rows, not a join: a join lets the planner put
        # the items on the inner side of a nested loop, materialized, where no LIMIT stops it.
        rating = Provider.objects.filter(pk=OuterRef("provider_id")).values("rating")[:1]
        qs = qs.order_by().annotate(provider_rating=Subquery(rating))
        if fts:
            # A join, not "id IN (…)": SQLite would first list every match of the subquery, where
            # the FTS table driving the join stops at the LIMIT.
            qs = qs.extra(tables=[FTS_TABLE], where=[f'{FTS_TABLE}.rowid = "{TABLE}"."id"'])
        try:
            sql, params = qs.values_list(*COLUMNS).query.sql_with_params()
        except EmptyResultSet:  # e.g. the scope of a user without a membership
            return None
        if " WHERE " not in sql:
            sql += " WHERE 1 = 1"
        return cls(sql, tuple(params))

    def statement(self, clauses: list[Clause], limit: int, *, order: str = "") -> Clause:
        sql = self.sql + "".join(f" AND {clause}" for clause, _ in clauses)
        sql += (f" ORDER BY {order}" if order else "") + f" LIMIT {int(limit)}"
        return sql, [*self.params, *(p for _, params in clauses for p in params)]


def match(terms: Terms, *, patterns: tuple[tuple[str, ...], ...] | None = None) -> list[Clause]:
    """Items whose search text (without spaces) contains every group of `terms`: the contract.

    SQLite finds them in its FTS5 trigram table (the base must be joined to it). On
    PostgreSQL the trigram index looks up `patterns` (by default every group it can
    take) and every group is checked on the rows it finds.
    """
    if not terms.indexed:  # one or two letters: names that start with them (read in `name_order`)
        return [name_starts(terms.compact)]
    if connection.vendor == "sqlite":
        query = " AND ".join("(" + " OR ".join(fts5_phrase(w) for w in g) + ")" for g in terms.indexed)
        return [(f"{FTS_TABLE} MATCH %s", [query]), *checked(terms.filtered, SQLITE_TEXT)]
    looked_up = [contains(TEXT, group, indexed=True) for group in (patterns or terms.indexed)]
    rest = terms.filtered if patterns is None else terms.indexed + terms.filtered
    return looked_up + checked(rest, TEXT)


def providers_with(words: set[str]) -> frozenset[int] | None:
    """The providers with an item holding every one of `words` (PostgreSQL; None: not known).

    A superset: the providers with every four letters of each word, or for a word of three
    letters some four letters starting with it (migration 0005)."""
    words = {w for w in words if len(w) >= 3}
    if connection.vendor != "postgresql" or not words:
        return None
    parts: list[str] = []
    params: list = []
    for word in sorted(words):
        grams = sorted({word[i:i + 4] for i in range(len(word) - 3)})
        if grams:
            parts.append("SELECT provider_id FROM catalog_search_provider_gram WHERE gram = ANY(%s) "
                         "GROUP BY provider_id HAVING count(*) = %s")
            params += [grams, len(grams)]
        else:
            parts.append('SELECT provider_id FROM catalog_search_provider_gram '
                         'WHERE gram >= %s COLLATE "C" AND gram < %s COLLATE "C"')
            params += [word, word + "\U0010ffff"]
    return frozenset(row[0] for row in run((" INTERSECT ".join(parts), params)))


# PostgreSQL settings for every search statement: the planner's cost of a LIMIT query it
# misjudges can pass jit_above_cost (compiling then takes 50 ms for a 1 ms answer), and
# parallel workers read the whole table where one scan would stop at the LIMIT.
SETTINGS = (("jit", "off"), ("max_parallel_workers_per_gather", "0"))
# A bitmap of every candidate, never a scan of the table (the sample chose the index).
SPARSE = (("enable_seqscan", "off"), ("enable_indexscan", "off"))
# The names' index read in its order, stopping at the LIMIT: never a bitmap of every name
# with a common prefix, sorted.
ORDERED = (("enable_seqscan", "off"), ("enable_bitmapscan", "off"))


def run(statement: Clause, settings: tuple[tuple[str, str], ...] = ()) -> list[tuple]:
    """The rows of `statement`; on PostgreSQL with `settings` (and SETTINGS) for it alone.

    One round trip: the settings and the query go together (client-side binding), in one
    implicit transaction, so an error leaves no setting behind either.
    """
    sql, params = statement
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute(sql, params)
            return cursor.fetchall()
        pairs = (*SETTINGS, *settings)
        cursor.execute("".join(f"SET {name} = {value}; " for name, value in pairs) + sql
                       + "".join(f"; RESET {name}" for name, _ in pairs), params)
        for _ in pairs:
            cursor.nextset()
        return cursor.fetchall()


def fetch(base: Base | None, clauses: list[Clause], limit: int, *, order: str = "",
          settings: tuple[tuple[str, str], ...] = ()) -> list[tuple]:
    """(id, domain, search name, rating) of up to `limit` rows, straight from the cursor."""
    if base is None or limit <= 0:
        return []
    return run(base.statement(clauses, limit, order=order), settings)


def fetch_union(parts: list[tuple[Base | None, list[Clause], int, str]],
                settings: tuple[tuple[str, str], ...] = ()) -> list[tuple]:
    """`fetch` of each (base, clauses, limit, order) part, in one statement."""
    statements = [base.statement(clauses, limit, order=order) for base, clauses, limit, order in parts
                  if base is not None and limit > 0]
    if not statements:
        return []
    sql = " UNION ALL ".join(f"SELECT * FROM ({sql}) AS part{n}" for n, (sql, _) in enumerate(statements))
    return run((sql, [p for _, params in statements for p in params]), settings)


def fetch_sparse(base: Base | None, clauses: list[Clause], limit: int) -> list[tuple]:
    """`fetch` through bitmap index scans only: a planner expecting dense matches would scan the table."""
    return fetch(base, clauses, limit, settings=SPARSE)
