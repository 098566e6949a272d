"""Background work of transparency: the bulk file of every published release (django-tasks).

Arguments are ids, so a task's arguments stay JSON. The policy page calls `ocds_export_start`; in tests the
immediate backend runs the task at once.
"""

from django_tasks import task

from hamyar.accounts.models import User
from hamyar.directory.models import Organization

from .services import ocds_export_build, publication_policy_editor


@task()
def ocds_export_task(organization_id: int) -> int:
    """Build the organization's JSON-lines file of releases; returns the OcdsExport's id."""
    return ocds_export_build(organization=Organization.objects.get(pk=organization_id)).pk


def ocds_export_start(*, acting_user: User) -> None:
    """Queue a new bulk file of the actor's organization (its org admin only)."""
    membership = publication_policy_editor(acting_user=acting_user)
    ocds_export_task.enqueue(membership.organization_id)
