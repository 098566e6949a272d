"""Every write of insights: its rollups, kept up to date and rebuilt."""

from .rollups import jalali_month, rebuild, refresh_needs, refresh_orders

__all__ = ["jalali_month", "rebuild", "refresh_needs", "refresh_orders"]
