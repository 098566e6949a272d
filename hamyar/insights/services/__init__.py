"""Every write of insights: its rollups, kept up to date and rebuilt; the municipalities' verdict."""

from .rollups import jalali_month, rebuild, refresh_needs, refresh_orders
from .verdicts import OVERALL, survey_answer, survey_round_open, survey_rounds_schedule

__all__ = ["OVERALL", "jalali_month", "rebuild", "refresh_needs", "refresh_orders", "survey_answer",
           "survey_round_open", "survey_rounds_schedule"]
