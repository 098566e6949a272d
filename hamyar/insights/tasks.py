"""Background work of insights: the rollups' backlog worked off, and the survey opened twice a year
(periodic)."""

from django_tasks import task

from .services import survey_rounds_schedule
from .services.rollups import catch_up, windows_move_on


@task()
def survey_rounds_schedule_task() -> int:
    """Open each organization's survey of the current half-year if it has none; returns how many."""
    return survey_rounds_schedule()


@task()
def rollups_catch_up_task() -> int:
    """Bring every organization's rollups up to date with its backlog, and move each kept window on when
    the month has turned (so that the first reader of the month does not pay for it); returns the notes
    worked off."""
    done = catch_up()
    windows_move_on()
    return done


# Queued every few minutes by `manage.py periodic`; safe to run again.
PERIODIC = [rollups_catch_up_task, survey_rounds_schedule_task]
