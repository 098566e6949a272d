"""The rollups as plain values, to compare the incremental ones with a full rebuild."""

from typing import Any

from django.db import transaction

from hamyar.insights.models import (
    DomainMonth,
    Figures,
    MunicipalityMonth,
    MunicipalityTotalMonth,
    NeedFact,
    OrderFact,
    ProviderMonth,
    WindowCell,
    WindowOf,
)
from hamyar.insights.services import catch_up, rebuild
from hamyar.insights.services.rollups import default_window, window_build

ORDER_FACT = ("organization_id", "municipality_id", "provider_id", "domain_id", "month", "lines", "amount",
              "received_amount", "invoiced_amount", "closed", "on_time", "rated", "score", "open",
              "deliveries_received", "deliveries_rejected")
NEED_FACT = ("organization_id", "municipality_id", "domain_id", "month", "gap", "clocks_measured",
             "clocks_met")


def rollups(organization_id: int) -> dict[str, Any]:
    """The organization's facts and cells (cells whose measures are all zero left out), once its backlog
    is worked off. The window of `WindowCell` is built the first time, and kept by the writes after."""
    catch_up(organization_id)
    if not WindowOf.objects.filter(organization_id=organization_id).exists():
        window_build(organization_id, *default_window())

    def cells(model: Any, *keys: str) -> dict[tuple, tuple]:
        rows = model.objects.filter(organization_id=organization_id).values_list(*keys, *Figures.MEASURES)
        return {tuple(row[:len(keys)]): tuple(row[len(keys):]) for row in rows if any(row[len(keys):])}

    return {
        "orders": {row[0]: row[1:] for row in OrderFact.objects.filter(organization_id=organization_id)
                   .values_list("order_id", *ORDER_FACT)},
        "needs": {row[0]: row[1:] for row in NeedFact.objects.filter(organization_id=organization_id)
                  .values_list("need_id", *NEED_FACT)},
        "municipality_cells": cells(MunicipalityMonth, "municipality_id", "domain_id", "month"),
        "provider_cells": cells(ProviderMonth, "provider_id", "domain_id", "month"),
        "domain_cells": cells(DomainMonth, "domain_id", "month"),
        "municipality_total_cells": cells(MunicipalityTotalMonth, "municipality_id", "month"),
        "window_cells": cells(WindowCell, "municipality_id", "domain_id"),
    }


def rebuilt(organization_id: int) -> dict[str, Any]:
    """What a rebuild gives, without keeping it (the incremental rollups stay as they were)."""
    with transaction.atomic():
        rebuild(organization_id)
        figures = rollups(organization_id)
        transaction.set_rollback(True)
    return figures


def differences(organization_id: int) -> dict[str, Any]:
    """Where the incremental rollups differ from a rebuild: {part: {key: (incremental, rebuilt)}}."""
    now, then = rollups(organization_id), rebuilt(organization_id)
    found = {}
    for part in now:
        keys = set(now[part]) | set(then[part])
        wrong = {key: (now[part].get(key), then[part].get(key)) for key in sorted(keys)
                 if now[part].get(key) != then[part].get(key)}
        if wrong:
            found[part] = wrong
    return found
