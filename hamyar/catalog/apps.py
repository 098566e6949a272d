from importlib import import_module

from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate

# The FTS5 tables of the search and the triggers that keep them in step with the items (SQLite).
_SEARCH_MIGRATION = "hamyar.catalog.migrations.0002_item_search"
_SQLITE_REFILL = (
    "INSERT INTO catalog_item_search (rowid, text) "
    "SELECT id, replace(search_text, ' ', '') FROM catalog_catalogitem",
    "INSERT INTO catalog_item_words (rowid, text) SELECT id, search_text FROM catalog_catalogitem",
)
SEARCH_TRIGGERS = ("catalog_item_search_insert", "catalog_item_search_delete", "catalog_item_search_update")


def sqlite_search_triggers_missing(using: str = "default") -> list[str]:
    """The search triggers an SQLite catalog lacks (none while the search tables do not exist)."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'catalog_item_search'")
        if cursor.fetchone() is None:
            return []
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'catalog_catalogitem'")
        present = {row[0] for row in cursor.fetchall()}
    return [name for name in SEARCH_TRIGGERS if name not in present]


def restore_sqlite_search_triggers(*, using: str = "default", **_kwargs) -> list[str]:
    """Create the search triggers again where a migration dropped them, and refill the FTS tables.

    Django rebuilds an SQLite table for some column changes (create, copy, drop, rename), and
    the triggers go with the old table: the search would silently stop following the items.
    The rows may have changed in between, so the FTS tables are refilled from the items.
    """
    missing = sqlite_search_triggers_missing(using)
    if not missing:
        return []
    migration = import_module(_SEARCH_MIGRATION)
    connection = connections[using]
    with connection.cursor() as cursor:
        for table in ("catalog_item_search", "catalog_item_words"):
            cursor.execute(f"INSERT INTO {table} ({table}) VALUES ('delete-all')")
        for statement in (*_SQLITE_REFILL, *migration.SQLITE_TRIGGERS):
            cursor.execute(statement)
    return missing


class CatalogConfig(AppConfig):
    name = "hamyar.catalog"
    label = "catalog"

    def ready(self) -> None:
        post_migrate.connect(restore_sqlite_search_triggers, sender=self,
                             dispatch_uid="hamyar.catalog.restore_sqlite_search_triggers")
