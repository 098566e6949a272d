"""Background work of needs: the daily reminder of overdue needs (django-tasks).

`manage.py periodic` queues every task in PERIODIC; the service reminds each overdue need at
most once a day, so running it more often is harmless.
"""

from django_tasks import task

from . import services


@task()
def need_overdue_reminders_task() -> int:
    """Remind whoever each overdue need waits for; returns how many needs were reminded."""
    return services.need_remind_overdue()


PERIODIC = [need_overdue_reminders_task]
