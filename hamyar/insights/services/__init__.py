"""Every write of insights: its rollups, kept up to date and rebuilt; the municipalities' verdict."""

from .rollups import (
           catch_up,
           jalali_month,
           rebuild,
           refresh_needs,
           refresh_orders,
           window_build,
           window_ready,
)
from .verdicts import OVERALL, survey_answer, survey_round_open, survey_rounds_schedule

__all__ = ["OVERALL", "catch_up", "jalali_month", "rebuild", "refresh_needs", "refresh_orders",
           "survey_answer", "survey_round_open", "survey_rounds_schedule", "window_build", "window_ready"]
