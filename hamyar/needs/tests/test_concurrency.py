"""Two officers assigning the same need at the same moment, on PostgreSQL with one connection each:
exactly one assignment is made, the other officer is refused with 409."""

import threading

import pytest
from django.db import connection

from hamyar.catalog.tests.catalog_data import build_catalog
from hamyar.core.errors import ApplicationError
from hamyar.core.models import AuditEvent
from hamyar.needs import services
from hamyar.needs.choices import NeedStatus
from hamyar.needs.models import Assignment, Need

from .helpers import goods_need, submitted, triaged


def _race(need_pk: int, users: list, run) -> list:
    """Run `run(need, user)` in one thread per user, all released at once; each result or error."""
    barrier = threading.Barrier(len(users))
    results: list = [None] * len(users)

    def worker(index: int, user) -> None:
        try:
            need = Need.objects.get(pk=need_pk)
            barrier.wait()
            results[index] = run(need, user)
        except Exception as error:  # noqa: BLE001 - the refusal is the result under test
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, u)) for i, u in enumerate(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_two_officers_assigning_at_once_make_exactly_one_assignment(transactional_db, tenant):
    need = triaged(tenant, goods_need(tenant, build_catalog(tenant)))
    results = _race(need.pk, [tenant.users["commerce"], tenant.users["admin"]],
                    lambda n, u: services.need_assign(need=n, acting_user=u))
    refused = [r for r in results if isinstance(r, ApplicationError)]
    assert len(refused) == 1 and refused[0].status == 409, results
    assert sum(isinstance(r, Need) for r in results) == 1
    assert Assignment.objects.filter(need=need).count() == 1
    assert Need.objects.get(pk=need.pk).status == NeedStatus.ASSIGNED
    assert AuditEvent.objects.filter(action="need.assign", object_id=str(need.pk)).count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_two_officers_triaging_at_once_write_one_step(transactional_db, tenant):
    need = submitted(tenant, goods_need(tenant, build_catalog(tenant)))
    results = _race(need.pk, [tenant.users["commerce"], tenant.users["admin"]],
                    lambda n, u: services.need_triage(need=n, acting_user=u))
    assert sum(isinstance(r, Need) for r in results) == 1, results
    assert sum(isinstance(r, ApplicationError) and r.status == 409 for r in results) == 1
    assert AuditEvent.objects.filter(action="need.triage", object_id=str(need.pk)).count() == 1
