"""Background work of insights: opening the satisfaction survey twice a year (periodic)."""

from django_tasks import task

from .services import survey_rounds_schedule


@task()
def survey_rounds_schedule_task() -> int:
    """Open each organization's survey of the current half-year if it has none; returns how many."""
    return survey_rounds_schedule()


# Queued every few minutes by `manage.py periodic`; safe to run again.
PERIODIC = [survey_rounds_schedule_task]
