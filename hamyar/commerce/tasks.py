"""Background work of commerce: expiring quotations past their validity (periodic)."""

from django_tasks import task

from .services.approvals import quotation_expire_due


@task()
def quotation_expire_task() -> int:
    """Expire every quotation still waiting for the municipality past its validity; returns how many."""
    return quotation_expire_due()


# Queued every few minutes by `manage.py periodic`; safe to run again.
PERIODIC = [quotation_expire_task]
