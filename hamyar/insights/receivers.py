"""Insights listens to the rows the services announce (`core.changes`) and notes, in the writing
service's transaction, which orders, needs and domains its rollups must look at again: one INSERT … SELECT
into the backlog (`services.rollups.record`). An order's figures change with the order, its lines,
deliveries, rating and invoices; a need's with the need and with the service levels of its domain.

A domain is announced when its targets change (a service level set or cleared) or when it moves in the
tree (its inherited targets change): every submitted need of the domain and of its sub-domains is
judged again when the backlog is worked off. The domain is announced rather than the service level,
which a clear has deleted."""

from typing import Any

from django.db.models import Model

from .services.rollups import record


def on_rows_changed(sender: type[Model], ids: list[int], **_: Any) -> None:
    record(sender, ids)
