"""Background work of the core: anchoring the audit chains' heads (django-tasks).

`manage.py periodic` queues every task in PERIODIC; an unchanged head adds no anchor, so running it
often is harmless.
"""

from django_tasks import task

from .audit import audit_anchor_record


@task()
def audit_anchor_task() -> int:
    """Anchor every audit chain's head that moved; returns how many were anchored."""
    return len(audit_anchor_record())


PERIODIC = [audit_anchor_task]
