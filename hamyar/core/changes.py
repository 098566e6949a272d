"""Rows a service has changed, announced to whoever keeps figures over them.

Insights keeps rollups over orders, deliveries, ratings, invoices and needs, but sits above the apps
that write them and may not be imported by them. So each service, once its rows are written (inside
its transaction), announces them here; insights listens and brings its figures up to date in the same
transaction, so a failed write leaves the figures as they were.
"""

from collections.abc import Iterable

from django.db.models import Model
from django.dispatch import Signal

__all__ = ["announce", "rows_changed"]

# sender: the model class; ids: the primary keys of the rows written (created, changed or deleted).
rows_changed = Signal()


def announce(model: type[Model], ids: Iterable[int | None]) -> None:
    """Tell the listeners that these rows of `model` were written."""
    keys = sorted({pk for pk in ids if pk is not None})
    if keys:
        rows_changed.send(sender=model, ids=keys)
