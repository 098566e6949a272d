"""SQLite: a migration that rebuilds the items' table drops the search triggers; migrate puts them back."""

import pytest
from django.db import connection

from hamyar.catalog.apps import (
    SEARCH_TRIGGERS,
    restore_sqlite_search_triggers,
    sqlite_search_triggers_missing,
)
from hamyar.catalog.search import item_search
from hamyar.catalog.services import item_create, item_update

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite",
                                reason="only SQLite keeps its search by triggers")


def _drop_triggers() -> None:
    """What Django's table rebuild (create, copy, drop, rename) does to them."""
    with connection.cursor() as cursor:
        for name in SEARCH_TRIGGERS:
            cursor.execute(f"DROP TRIGGER {name}")


def _found(user, query: str) -> list[int]:
    return [item.pk for item in item_search(user=user, query=query).items]


def test_migrations_leave_every_search_trigger_in_place(tenant):
    assert sqlite_search_triggers_missing() == []


def test_dropped_triggers_are_created_again_and_the_search_catches_up(tenant):
    commerce = tenant.users["commerce"]
    bench = item_create(acting_user=commerce, data={
        "provider": tenant.supplier, "domain": tenant.furniture, "code": "BN-1", "name": "نیمکت پارک فلزی",
        "unit": "piece"})
    _drop_triggers()
    assert sorted(sqlite_search_triggers_missing()) == sorted(SEARCH_TRIGGERS)
    # Changed while the triggers were gone: the FTS tables do not know.
    item_update(item=bench, acting_user=commerce, data={"name": "صندلی پارکی کامپوزیت"})
    lamp = item_create(acting_user=commerce, data={
        "provider": tenant.supplier, "domain": tenant.furniture, "code": "LT-1", "name": "چراغ خورشیدی",
        "unit": "piece"})
    assert _found(commerce, "کامپوزیت") == [] and _found(commerce, "خورشیدی") == []

    assert sorted(restore_sqlite_search_triggers()) == sorted(SEARCH_TRIGGERS)
    assert sqlite_search_triggers_missing() == []
    assert _found(commerce, "کامپوزیت") == [bench.pk] and _found(commerce, "خورشیدی") == [lamp.pk]
    assert _found(commerce, "فلزی") == []
    # And they follow the items again.
    item_update(item=lamp, acting_user=commerce, data={"name": "چراغ چمنی"})
    assert _found(commerce, "چمنی") == [lamp.pk] and _found(commerce, "خورشیدی") == []
    assert restore_sqlite_search_triggers() == []
