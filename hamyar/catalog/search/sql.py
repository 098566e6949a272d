"""The SQL of a search: what each engine looks up, and how rows come back."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL

from ..models import CatalogItem

if TYPE_CHECKING:
    from .terms import Terms

TABLE = CatalogItem._meta.db_table
# The search text without spaces: stored on PostgreSQL (migration 0003), computed on SQLite.
TEXT = f'"{TABLE}"."search_compact"'
SQLITE_TEXT = f'replace("{TABLE}"."search_text", \' \', \'\')'
NAME = f'replace("{TABLE}"."search_name", \' \', \'\')'
PLAIN = f'"{TABLE}"."search_text"'
COLUMNS = ("id", "domain_id", "search_name", "provider__rating")


def like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def where(qs: QuerySet, sql: str, params: list) -> QuerySet:
    return qs.filter(RawSQL(sql, params, output_field=BooleanField()))


def contains(column: str, words: tuple[str, ...], *, indexed: bool = False) -> tuple[str, list[str]]:
    """SQL true when `column` contains any of `words`.

    LIKE '%word%' is what the PostgreSQL trigram index answers; strpos/instr, three times
    cheaper per row, is what no planner sends to it.
    """
    if indexed:
        clause = " OR ".join(f"{column} LIKE %s ESCAPE '\\'" for _ in words)
        return f"({clause})", [f"%{like(w)}%" for w in words]
    find = "instr({}, %s)" if connection.vendor == "sqlite" else "strpos({}, %s)"
    clause = " OR ".join(find.format(column) + " > 0" for _ in words)
    return f"({clause})", list(words)


def all_of(qs: QuerySet, clauses: list[tuple[str, list[str]]]) -> QuerySet:
    """`qs` filtered by every (sql, params) clause, as one condition."""
    if not clauses:
        return qs
    return where(qs, " AND ".join(sql for sql, _ in clauses), [p for _, params in clauses for p in params])


def checked(qs: QuerySet, groups: tuple[tuple[str, ...], ...], column: str) -> QuerySet:
    return all_of(qs, [contains(column, group) for group in groups])


def name_is(qs: QuerySet, compact: str) -> QuerySet:
    return where(qs, f"{NAME} = %s", [compact])


def name_starts(qs: QuerySet, prefix: str) -> QuerySet:
    """Names (without spaces) starting with `prefix`, from the index over them."""
    if connection.vendor == "sqlite":  # SQLite uses an expression index for a range, not for LIKE
        return where(qs, f"{NAME} >= %s AND {NAME} < %s", [prefix, prefix + "\U0010ffff"])
    return where(qs, f"{NAME} LIKE %s ESCAPE '\\'", [like(prefix) + "%"])


def fts5_phrase(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


def match(qs: QuerySet, terms: Terms, *, patterns: tuple[tuple[str, ...], ...] | None = None) -> QuerySet:
    """Items whose search text (without spaces) contains every group of `terms`: the contract.

    SQLite finds them in its FTS5 trigram table. On PostgreSQL the trigram index looks up
    `patterns` (by default every group it can take) and every group is checked on the
    rows it finds.
    """
    if not terms.indexed:  # one or two letters: names that start with them
        return name_starts(qs, terms.compact)
    if connection.vendor == "sqlite":
        query = " AND ".join("(" + " OR ".join(fts5_phrase(w) for w in g) + ")" for g in terms.indexed)
        # A join, not "id IN (…)": SQLite would first list every match of the subquery, where
        # the FTS table driving the join stops at the LIMIT.
        qs = qs.extra(
            tables=["catalog_item_search"],
            where=[f'catalog_item_search.rowid = "{TABLE}"."id"', "catalog_item_search MATCH %s"],
            params=[query],
        )
        return checked(qs, terms.filtered, SQLITE_TEXT)
    looked_up = [contains(TEXT, group, indexed=True) for group in (patterns or terms.indexed)]
    rest = terms.filtered if patterns is None else terms.indexed + terms.filtered
    return all_of(qs, looked_up + [contains(TEXT, group) for group in rest])


def fetch(qs: QuerySet, limit: int) -> list[tuple]:
    """(id, domain, search name, rating) of up to `limit` rows, unordered, straight from the cursor."""
    try:
        sql, params = qs.order_by().values_list(*COLUMNS)[:limit].query.sql_with_params()
    except EmptyResultSet:  # e.g. a provider filter outside what the user may see
        return []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def fetch_sparse(qs: QuerySet, limit: int) -> list[tuple]:
    """`fetch` through bitmap index scans only: a planner expecting dense matches would scan the table."""
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off; SET enable_indexscan = off")
        try:
            return fetch(qs, limit)
        finally:
            cursor.execute("RESET enable_seqscan; RESET enable_indexscan")
