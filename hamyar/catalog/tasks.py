"""Background work of the catalog: checking and applying large price sheets (django-tasks), and the
choice, for each sheet, between the request and the task worker.

The page polls the PriceImport for status and processed_rows / total_rows.
Arguments are ids, so a task's arguments stay JSON. The services never enqueue:
the pages call the `…_start` functions here, which run a small sheet at once.
"""

import datetime as dt

from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from hamyar.accounts.models import User
from hamyar.core.errors import InvalidInput

from .choices import ImportStatus
from .models import PriceImport
from .selectors import price_import_in_background
from .services.price_imports import (
    STALE_APPLY,
    RecoveryOutcome,
    price_import_apply,
    price_import_apply_claim,
    price_import_apply_claimed,
    price_import_recover,
    price_import_validate,
)


@task()
def price_import_validate_task(price_import_id: int) -> str:
    """Check every row of an uploaded sheet; the outcome is on the PriceImport."""
    price_import = PriceImport.objects.select_related("provider").get(pk=price_import_id)
    return price_import_validate(price_import=price_import).status


@task()
def price_import_apply_task(price_import_id: int, acting_user_id: int) -> int:
    """Apply a sheet that price_import_apply_enqueue moved to "applying"; returns the new price list's id."""
    price_import = PriceImport.objects.select_related("provider").get(pk=price_import_id)
    acting_user = User.objects.get(pk=acting_user_id)
    return price_import_apply_claimed(price_import=price_import, acting_user=acting_user).pk


def price_import_validate_enqueue(*, price_import: PriceImport) -> None:
    """Queue the check of every row; the page polls processed_rows / total_rows for its progress bar."""
    price_import_validate_task.enqueue(price_import.pk)


def price_import_apply_enqueue(*, price_import: PriceImport, acting_user: User) -> PriceImport:
    """Queue the apply of a valid sheet; the import is "applying" from now, so a second click is refused."""
    price_import_apply_claim(price_import=price_import, acting_user=acting_user)
    price_import_apply_task.enqueue(price_import.pk, acting_user.pk)
    return price_import


def price_import_validate_start(*, price_import: PriceImport) -> PriceImport:
    """Check a new sheet's rows now when small, else queue the check; the import in its new state."""
    if price_import_in_background(price_import):
        price_import_validate_enqueue(price_import=price_import)
    else:
        price_import_validate(price_import=price_import)
    price_import.refresh_from_db()
    return price_import


def price_import_apply_start(*, price_import: PriceImport, acting_user: User) -> PriceImport:
    """Apply a valid sheet now when small, else queue it; sheet errors end up on the import, not raised.

    Returns the import: "applied" (with its price_list), "invalid" (its errors
    stored, nothing written) or "applying" (queued for the worker).
    """
    if price_import_in_background(price_import):
        return price_import_apply_enqueue(price_import=price_import, acting_user=acting_user)
    try:
        price_import_apply(price_import=price_import, acting_user=acting_user)
    except InvalidInput as error:
        if error.code != "sheet_invalid":
            raise
    price_import.refresh_from_db()
    return price_import


def _apply_tasks(price_import_id: int) -> list[DBTaskResult]:
    """The queued or started applies of this import in the task database, newest first (few rows)."""
    rows = DBTaskResult.objects.filter(task_path=price_import_apply_task.module_path,
                                       status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING])
    return [row for row in rows.order_by("-enqueued_at")
            if (row.args_kwargs.get("args") or [None])[0] == price_import_id]


def price_imports_recover(*, now: dt.datetime | None = None) -> dict[int, RecoveryOutcome]:
    """Every import left "applying" by a dead worker, queued again (once) or marked failed.

    Not stuck: an import claimed less than STALE_APPLY ago, one whose apply is still waiting in the
    queue (the worker will reach it), and one whose apply holds its provider (price_import_recover).
    The user who applied it is read from its task's arguments; without them it is marked failed.
    """
    stale_before = (now or timezone.now()) - STALE_APPLY
    outcomes: dict[int, RecoveryOutcome] = {}
    stuck = PriceImport.objects.filter(status=ImportStatus.APPLYING, price_list__isnull=True,
                                       updated_at__lt=stale_before).order_by("pk")
    for price_import in stuck:
        queued = _apply_tasks(price_import.pk)
        if any(row.status == TaskResultStatus.READY for row in queued):
            continue
        user_id = queued[0].args_kwargs["args"][1] if queued else None
        requeue_as = User.objects.filter(pk=user_id, is_active=True).first() if user_id else None
        outcome = price_import_recover(price_import=price_import, stale_before=stale_before,
                                       requeue_as=requeue_as)
        if outcome is None:
            continue
        # The dead worker's task would read "running" for ever: it ended with its worker.
        dead = [row.pk for row in queued if row.status == TaskResultStatus.RUNNING]
        DBTaskResult.objects.filter(pk__in=dead).update(
            status=TaskResultStatus.FAILED, finished_at=timezone.now(),
            exception_class_path="hamyar.catalog.tasks.WorkerLost")
        if outcome == RecoveryOutcome.REQUEUED and requeue_as is not None:
            price_import_apply_task.enqueue(price_import.pk, requeue_as.pk)
        outcomes[price_import.pk] = outcome
    return outcomes


@task()
def price_imports_recover_task() -> dict[str, str]:
    """Periodic: no import stays "applying" after its worker died (see price_imports_recover)."""
    return {str(pk): str(outcome) for pk, outcome in price_imports_recover().items()}


PERIODIC = [price_imports_recover_task]
