"""Background work of commerce: expiring quotations past their validity, closing group purchases at the end
of their window (periodic)."""

from django_tasks import task

from .services.approvals import quotation_expire_due
from .services.group_closing import group_purchase_close_due


@task()
def quotation_expire_task() -> int:
    """Expire every quotation still waiting for the municipality past its validity; returns how many."""
    return quotation_expire_due()


@task()
def group_purchase_close_task() -> int:
    """Close every open group purchase whose window has ended; returns how many."""
    return group_purchase_close_due()


# Queued every few minutes by `manage.py periodic`; safe to run again.
PERIODIC = [quotation_expire_task, group_purchase_close_task]
