"""A price sheet's apply is whole or nothing, and one left "applying" by a worker that died is taken back:
queued again once, then reported failed with a reason the page shows — never left "applying".

A worker's death is simulated as the task database and the import table are left by it: the import
"applying" since long ago, its task RUNNING (or gone), no transaction holding its provider.
"""

import datetime as dt
import threading
from unittest import mock

import pytest
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from hamyar.catalog import services, tasks
from hamyar.catalog.choices import ImportStatus
from hamyar.catalog.models import CatalogItem, Price, PriceImport, PriceList
from hamyar.catalog.services.common import lock_provider
from hamyar.catalog.services.price_imports import STALE_APPLY, RecoveryOutcome
from hamyar.core.audit import audit_verify_chain
from hamyar.core.models import AuditEvent

from .sheetdata import bench_rows, upload, xlsx

FROM = dt.date(2026, 3, 21)
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def counts() -> tuple[int, int, int]:
    return CatalogItem.objects.count(), Price.objects.count(), PriceList.objects.count()


def valid_import(tenant, rows) -> PriceImport:
    price_import = services.price_import_create(
        acting_user=tenant.users["supplier"], provider=tenant.supplier,
        file=upload(xlsx(rows), "prices.xlsx"), title="فهرست پاییز ۱۴۰۵", valid_from=FROM)
    services.price_import_validate(price_import=price_import)
    price_import.refresh_from_db()
    assert price_import.status == ImportStatus.VALID
    return price_import


def claimed_by_a_worker_that_died(tenant, price_import, *, minutes_ago: int = 20,
                                  with_task: bool = True) -> PriceImport:
    """The apply was queued and started; the worker was killed inside its transaction (rolled back)."""
    user = tenant.users["supplier"]
    services.price_import_apply_claim(price_import=price_import, acting_user=user)
    long_ago = timezone.now() - dt.timedelta(minutes=minutes_ago)
    PriceImport.objects.filter(pk=price_import.pk).update(updated_at=long_ago)
    if with_task:
        DBTaskResult.objects.create(
            status=TaskResultStatus.RUNNING, task_path=tasks.price_import_apply_task.module_path,
            args_kwargs={"args": [price_import.pk, user.pk], "kwargs": {}}, backend_name="default",
            queue_name="default", run_after=long_ago, started_at=long_ago, worker_ids=["dead-worker"],
        )
    return price_import


def actions(price_import) -> list[str]:
    return list(AuditEvent.objects.filter(object_type="catalog.priceimport", object_id=str(price_import.pk))
                .order_by("sequence").values_list("action", flat=True))


# ---------------------------------------------------------------- all or nothing


def test_an_apply_that_fails_half_way_writes_no_row(tenant):
    """Thousands of items are written (in batches) before the price list fails to publish: all rolled back."""
    price_import = valid_import(tenant, bench_rows(2500))
    before, events = counts(), AuditEvent.objects.count()
    written: list[int] = []

    def fail_after_the_items(**kwargs):
        written.append(CatalogItem.objects.filter(provider=tenant.supplier).count())
        raise RuntimeError("the worker's machine lost its disk")

    with mock.patch("hamyar.catalog.services.import_apply.price_list_publish", fail_after_the_items), \
            pytest.raises(RuntimeError):
        services.price_import_apply(price_import=price_import, acting_user=tenant.users["supplier"])

    assert written == [2500], "the items had been written inside the transaction"
    assert counts() == before
    assert not AuditEvent.objects.filter(action="catalog_item.create").exists()
    price_import.refresh_from_db()
    assert price_import.status == ImportStatus.FAILED and price_import.price_list is None
    assert [e["code"] for e in price_import.errors] == ["apply_failed"]
    assert AuditEvent.objects.count() == events + 1 and actions(price_import)[-1] == "price_import.fail"
    assert audit_verify_chain(tenant.org.pk) is None


# ---------------------------------------------------------------- a worker that died


def test_an_import_whose_worker_died_is_queued_again_and_applied(tenant):
    price_import = claimed_by_a_worker_that_died(tenant, valid_import(tenant, bench_rows(30)))
    assert counts() == (0, 0, 0)

    outcomes = tasks.price_imports_recover()  # the tests' task backend runs the queued apply at once

    assert outcomes == {price_import.pk: RecoveryOutcome.REQUEUED}
    dead = DBTaskResult.objects.get()  # the dead worker's; the tests' backend queues no row
    assert dead.status == TaskResultStatus.FAILED and dead.finished_at is not None
    price_import.refresh_from_db()
    assert price_import.status == ImportStatus.APPLIED
    assert price_import.price_list.prices.count() == 30
    assert actions(price_import)[-2:] == ["price_import.requeue", "price_import.apply"]
    assert audit_verify_chain(tenant.org.pk) is None


def test_an_import_whose_requeued_apply_died_too_is_marked_failed_and_the_page_says_why(
    tenant, settings, client
):
    settings.TASKS = DB_TASKS  # a real queue: the re-queued apply waits for a worker
    price_import = claimed_by_a_worker_that_died(tenant, valid_import(tenant, bench_rows(30)))

    assert tasks.price_imports_recover() == {price_import.pk: RecoveryOutcome.REQUEUED}
    requeued = DBTaskResult.objects.get(status=TaskResultStatus.READY)
    assert requeued.args_kwargs["args"] == [price_import.pk, tenant.users["supplier"].pk]
    later = timezone.now() + STALE_APPLY + dt.timedelta(minutes=1)
    assert tasks.price_imports_recover(now=later) == {}, "a queued apply waits for the worker"

    # The worker takes it, and dies again.
    DBTaskResult.objects.filter(pk=requeued.pk).update(status=TaskResultStatus.RUNNING,
                                                       started_at=timezone.now())
    assert tasks.price_imports_recover(now=later) == {price_import.pk: RecoveryOutcome.FAILED}

    price_import.refresh_from_db()
    assert price_import.status == ImportStatus.FAILED and counts() == (0, 0, 0)
    assert [e["code"] for e in price_import.errors] == ["worker_lost"]
    assert actions(price_import)[-2:] == ["price_import.requeue", "price_import.fail"]
    assert tasks.price_imports_recover(now=later) == {}, "nothing is left applying"
    client.force_login(tenant.users["supplier"])
    page = client.get(reverse("catalog:import_detail", args=[price_import.pk])).content.decode()
    assert "پردازشگر پس‌زمینه پیش از اعمال این فهرست از کار ایستاد" in page
    # From "failed" the sheet may be checked and applied again.
    services.price_import_validate(price_import=price_import)
    assert services.price_import_apply(price_import=price_import, acting_user=tenant.users["supplier"])
    assert audit_verify_chain(tenant.org.pk) is None


def test_an_import_whose_task_left_no_trace_is_marked_failed(tenant):
    price_import = claimed_by_a_worker_that_died(tenant, valid_import(tenant, bench_rows(5)), with_task=False)

    assert tasks.price_imports_recover() == {price_import.pk: RecoveryOutcome.FAILED}
    price_import.refresh_from_db()
    assert price_import.status == ImportStatus.FAILED


def test_a_recent_claim_is_left_to_its_worker(tenant):
    price_import = claimed_by_a_worker_that_died(tenant, valid_import(tenant, bench_rows(5)), minutes_ago=1)

    assert tasks.price_imports_recover() == {}
    price_import.refresh_from_db()
    assert price_import.status == ImportStatus.APPLYING


def test_the_recovery_is_a_periodic_task():
    from hamyar.core.management.commands.periodic import periodic_tasks

    assert tasks.price_imports_recover_task in periodic_tasks()


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="row locks between two connections (SQLite has one write lock)")
@pytest.mark.django_db(transaction=True)
def test_an_apply_still_holding_its_provider_is_not_taken_for_dead(tenant):
    price_import = claimed_by_a_worker_that_died(tenant, valid_import(tenant, bench_rows(5)))
    holding, release = threading.Event(), threading.Event()

    def slow_apply():
        try:
            with transaction.atomic():
                lock_provider(tenant.supplier)
                holding.set()
                release.wait(30)
        finally:
            connection.close()

    worker = threading.Thread(target=slow_apply)
    worker.start()
    try:
        assert holding.wait(30)
        assert tasks.price_imports_recover() == {}
    finally:
        release.set()
        worker.join(30)
    price_import.refresh_from_db()
    assert price_import.status == ImportStatus.APPLYING
    assert tasks.price_imports_recover() == {price_import.pk: RecoveryOutcome.REQUEUED}
