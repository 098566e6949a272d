"""Background work of finance: reminding of overdue invoices (periodic, safe to run again)."""

from django_tasks import task

from . import services


@task()
def invoice_overdue_reminders_task() -> int:
    """Remind, once, of each invoice past its due date with money owed; returns how many were reminded."""
    return services.invoice_remind_overdue()


# Queued every few minutes by `manage.py periodic`.
PERIODIC = [invoice_overdue_reminders_task]
