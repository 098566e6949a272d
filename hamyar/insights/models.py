"""The rollups behind the dashboards: figures kept up to date on each write, so that no page sums the
order lines at request time.

Two levels, both rebuilt from scratch by `manage.py rebuild_rollups` (see `services.rollups`):

- a *fact* per order and per submitted need: what that one row contributes (its amount, whether it was
  closed on time, its rating; whether the need was a capability gap, its service-level clocks met) and
  the cell it counts in. When a service changes an order, a delivery, a rating, an invoice or a need,
  the row's fact is recomputed from the source and the difference is added to its cells;
- *cells*: the facts added up per municipality × domain × Jalali month (`MunicipalityMonth`) and per
  provider × domain × Jalali month (`ProviderMonth`); the same sums coarser, so that a figure reads the
  smallest table that answers it: per domain × month (`DomainMonth`, the whole organization), per
  municipality × month (`MunicipalityTotalMonth`, all domains), and per municipality × domain over the
  organization's default window of 12 months (`WindowCell`, its window in `WindowOf`: the coverage
  heatmap and the opportunities). Every dashboard reads these.

A write does not touch them: it records the order or need it changed in `RollupBacklog` (one statement),
and the backlog is worked off in batches — by a periodic task, and by every read of the cells first — so
the figures are never read stale.

A month is the Jalali year and month as one number, `year * 100 + month` (e.g. 140509), of the day the
order was placed or the need submitted, in Tehran.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from hamyar.core.models import TenantModel

__all__ = ["CRITERIA", "DomainMonth", "MunicipalityMonth", "MunicipalityTotalMonth", "NeedFact", "OrderFact",
           "ProviderMonth", "RollupBacklog", "SurveyAnswer", "SurveyRound", "WindowCell", "WindowOf"]


class OrderFact(TenantModel):
    """What one order contributes to its cells; recomputed from the order whenever it changes."""

    order = models.OneToOneField("commerce.Order", on_delete=models.CASCADE, related_name="+")
    municipality = models.ForeignKey("directory.Municipality", on_delete=models.CASCADE, related_name="+")
    provider = models.ForeignKey("directory.Provider", on_delete=models.CASCADE, related_name="+")
    domain = models.ForeignKey("directory.ServiceDomain", on_delete=models.CASCADE, related_name="+")
    month = models.PositiveIntegerField()
    lines = models.PositiveIntegerField(default=0)
    amount = models.BigIntegerField(default=0)  # the order's total, Rial
    received_amount = models.BigIntegerField(default=0)  # received quantity × unit price
    invoiced_amount = models.BigIntegerField(default=0)  # issued invoices of its deliveries, not void
    closed = models.PositiveSmallIntegerField(default=0)  # 1 once received in full and closed
    on_time = models.PositiveSmallIntegerField(default=0)  # 1 if closed by its due date
    rated = models.PositiveSmallIntegerField(default=0)
    score = models.PositiveSmallIntegerField(default=0)  # 1–5 when rated
    # A provider's scorecard counts these over all time (not in the cells: no figure sums them by month).
    open = models.PositiveSmallIntegerField(default=0)  # 1 while placed, in fulfilment or partly delivered
    deliveries_received = models.PositiveIntegerField(default=0)
    deliveries_rejected = models.PositiveIntegerField(default=0)

    scope_paths = {"municipality": "municipality", "provider": "provider"}

    class Meta:
        # The scorecard's sums over one provider's facts read from the index alone (PostgreSQL).
        indexes = [models.Index(fields=["provider", "organization"], name="order_fact_provider",
                                include=["open", "closed", "rated", "score", "deliveries_received",
                                         "deliveries_rejected"])]


class NeedFact(TenantModel):
    """What one submitted need contributes to its municipality's cell."""

    need = models.OneToOneField("needs.Need", on_delete=models.CASCADE, related_name="+")
    municipality = models.ForeignKey("directory.Municipality", on_delete=models.CASCADE, related_name="+")
    domain = models.ForeignKey("directory.ServiceDomain", on_delete=models.CASCADE, related_name="+")
    month = models.PositiveIntegerField()
    gap = models.PositiveSmallIntegerField(default=0)  # 1 if marked as a capability gap
    clocks_measured = models.PositiveSmallIntegerField(default=0)  # stopped by their own step
    clocks_met = models.PositiveSmallIntegerField(default=0)  # of those, within the target

    scope_paths = {"municipality": "municipality", "provider": None}

    class Meta:
        # The capability gaps of a window, with their needs' budget estimates (growth): few of all needs.
        indexes = [models.Index(fields=["organization", "month"], condition=models.Q(gap=1),
                                name="need_fact_gaps")]


class Figures(TenantModel):
    """The measures every cell adds up. `updated_at` is the cell's "as of"."""

    orders = models.IntegerField(_("orders"), default=0)
    lines = models.IntegerField(_("order lines"), default=0)
    amount = models.BigIntegerField(_("ordered (Rial)"), default=0)
    received_amount = models.BigIntegerField(_("received (Rial)"), default=0)
    invoiced_amount = models.BigIntegerField(_("invoiced (Rial)"), default=0)
    closed = models.IntegerField(_("orders closed"), default=0)
    on_time = models.IntegerField(_("closed on time"), default=0)
    rated = models.IntegerField(_("orders rated"), default=0)
    score_sum = models.IntegerField(_("sum of scores"), default=0)
    needs = models.IntegerField(_("needs"), default=0)
    gaps = models.IntegerField(_("capability gaps"), default=0)
    clocks_measured = models.IntegerField(_("clocks measured"), default=0)
    clocks_met = models.IntegerField(_("clocks met"), default=0)

    MEASURES = ("orders", "lines", "amount", "received_amount", "invoiced_amount", "closed", "on_time",
                "rated", "score_sum", "needs", "gaps", "clocks_measured", "clocks_met")

    class Meta:
        abstract = True


class MunicipalityMonth(Figures):
    """A municipality's dealings in one domain and Jalali month."""

    municipality = models.ForeignKey("directory.Municipality", on_delete=models.CASCADE, related_name="+")
    domain = models.ForeignKey("directory.ServiceDomain", on_delete=models.CASCADE, related_name="+")
    month = models.PositiveIntegerField(_("month"))

    scope_paths = {"municipality": "municipality", "provider": None}

    class Meta:
        constraints = [models.UniqueConstraint(fields=["municipality", "domain", "month"],
                                               name="municipality_month_unique")]
        indexes = [models.Index(fields=["organization", "month"], name="municipality_month_org")]


class ProviderMonth(Figures):
    """A provider's orders in one domain and Jalali month (needs are not counted here)."""

    provider = models.ForeignKey("directory.Provider", on_delete=models.CASCADE, related_name="+")
    domain = models.ForeignKey("directory.ServiceDomain", on_delete=models.CASCADE, related_name="+")
    month = models.PositiveIntegerField(_("month"))

    scope_paths = {"municipality": None, "provider": "provider"}

    class Meta:
        constraints = [models.UniqueConstraint(fields=["provider", "domain", "month"],
                                               name="provider_month_unique")]
        indexes = [models.Index(fields=["organization", "month"], name="provider_month_org")]


class DomainMonth(Figures):
    """The organization's dealings in one domain and Jalali month, all municipalities together."""

    domain = models.ForeignKey("directory.ServiceDomain", on_delete=models.CASCADE, related_name="+")
    month = models.PositiveIntegerField(_("month"))

    scope_paths = {"municipality": None, "provider": None}

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "domain", "month"],
                                               name="domain_month_unique")]


class MunicipalityTotalMonth(Figures):
    """A municipality's dealings in one Jalali month, all domains together."""

    municipality = models.ForeignKey("directory.Municipality", on_delete=models.CASCADE, related_name="+")
    month = models.PositiveIntegerField(_("month"))

    scope_paths = {"municipality": "municipality", "provider": None}

    class Meta:
        constraints = [models.UniqueConstraint(fields=["municipality", "month"],
                                               name="municipality_total_month_unique")]
        indexes = [models.Index(fields=["organization", "month"], name="municipality_total_month_org")]


class WindowOf(TenantModel):
    """The months `WindowCell` sums for an organization: the default window (12 months ending with the
    current one) when it was last built; built again when the current month moves on."""

    first_month = models.PositiveIntegerField()
    last_month = models.PositiveIntegerField()
    built_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization"], name="window_of_unique")]


class WindowCell(Figures):
    """A municipality's dealings in one domain over its organization's window (`WindowOf`)."""

    municipality = models.ForeignKey("directory.Municipality", on_delete=models.CASCADE, related_name="+")
    domain = models.ForeignKey("directory.ServiceDomain", on_delete=models.CASCADE, related_name="+")

    scope_paths = {"municipality": "municipality", "provider": None}

    class Meta:
        constraints = [models.UniqueConstraint(fields=["municipality", "domain"], name="window_cell_unique")]
        indexes = [models.Index(fields=["organization"], name="window_cell_org")]


class RollupBacklog(TenantModel):
    """An order, a need or a domain written since the rollups were last brought up to date: what the
    writing service records (one INSERT … SELECT), for `services.rollups.catch_up` to work off."""

    ORDER, NEED, DOMAIN = "o", "n", "d"

    kind = models.CharField(max_length=1)
    row_id = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["organization"], name="rollup_backlog_org")]


from .verdict_models import CRITERIA, SurveyAnswer, SurveyRound  # noqa: E402
