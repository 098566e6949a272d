"""SQL conditions over the catalog's items, as (sql, params) clauses the search's statements add up.

Shared by the statements (sql.py) and the query's filters (terms.py): the columns the
search reads, and the few ways it tests them on each engine.
"""

from django.db import connection

from ..models import CatalogItem

TABLE = CatalogItem._meta.db_table
# The search text without spaces: stored on PostgreSQL (migration 0003), computed on SQLite.
TEXT = f'"{TABLE}"."search_compact"'
SQLITE_TEXT = f'replace("{TABLE}"."search_text", \' \', \'\')'
NAME = f'replace("{TABLE}"."search_name", \' \', \'\')'
PLAIN = f'"{TABLE}"."search_text"'
FTS_TABLE = "catalog_item_search"

Clause = tuple[str, list]


def like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def contains(column: str, words: tuple[str, ...], *, indexed: bool = False) -> Clause:
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


def one_of(column: str, ids: frozenset[int], *, in_index: bool = True) -> Clause:
    """`column` is one of `ids`; `in_index=False`: the same test, which no planner sends to an index."""
    if not ids:
        return "1 = 0", []
    column = f'"{TABLE}"."{column}"' + ("" if in_index else " + 0")
    return f"{column} IN ({', '.join(['%s'] * len(ids))})", sorted(ids)


def checked(groups: tuple[tuple[str, ...], ...], column: str) -> list[Clause]:
    return [contains(column, group) for group in groups]


def name_is(compact: str) -> Clause:
    return f"{NAME} = %s", [compact]


def name_order() -> str:
    """The order of the index over the names without spaces: read in it, a prefix look-up stops at
    its LIMIT (a bitmap of every name with a common prefix costs 15 ms at 1,000,000 items)."""
    return NAME if connection.vendor == "sqlite" else f"{NAME} USING ~<~"


def name_starts(prefix: str) -> Clause:
    """Names (without spaces) starting with `prefix`, from the index over them."""
    if connection.vendor == "sqlite":  # SQLite uses an expression index for a range, not for LIKE
        return f"{NAME} >= %s AND {NAME} < %s", [prefix, prefix + "\U0010ffff"]
    return f"{NAME} LIKE %s ESCAPE '\\'", [like(prefix) + "%"]


def fts5_phrase(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'
