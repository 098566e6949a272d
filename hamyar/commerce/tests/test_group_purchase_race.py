"""Municipalities joining, changing and withdrawing on their own connections while the officer closes:
every quantity counts exactly once, nothing is joined after the close, and of two closes at once one wins.

Real threads, each with its own connection, on PostgreSQL (row locks between connections).
"""

import datetime as dt
import random
import threading
from itertools import count

import pytest
from django.db import connection
from django.db.models import Sum
from django.utils import timezone

from conftest import make_user
from hamyar.catalog.tests.catalog_data import build_catalog
from hamyar.commerce.choices import GroupPurchaseStatus, ParticipantStatus
from hamyar.commerce.models import GroupPurchase, Order, OrderLine, Participant, ParticipantLine
from hamyar.commerce.services import (
    group_purchase_close,
    group_purchase_create,
    group_purchase_invite,
    participant_change,
    participant_join,
    participant_withdraw,
)
from hamyar.core.audit import audit_verify_chain
from hamyar.core.errors import ApplicationError
from hamyar.core.roles import Role
from hamyar.directory.choices import MunicipalityKind
from hamyar.directory.models import Municipality
from hamyar.needs.models import Need

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="needs PostgreSQL: row locks between connections (SQLite locks the file)"),
    pytest.mark.django_db(transaction=True),
]

TOWNS = 10
_rounds = count(1)


def a_pool(tenant, catalog):
    """A fresh pool of benches (both items), ten towns invited, each with its user."""
    n = next(_rounds)
    today = timezone.localdate()
    officer = tenant.users["commerce"]
    pool = group_purchase_create(
        acting_user=officer, title=f"نیمکت دور {n}", item_ids=[catalog.bench.pk, catalog.concrete_bench.pk],
        opens_on=today, closes_on=today + dt.timedelta(days=3), minimum_quantity=1, target_quantity=50)
    towns, users = [], []
    for i in range(TOWNS):
        name = f"شهر {n}-{i}"
        towns.append(Municipality.objects.create(organization=tenant.org, name=name, search_name=name,
                                                 kind=MunicipalityKind.CITY, population=30_000))
        users.append(make_user(tenant.org, f"race{n}-{i}", Role.MUNICIPALITY_USER, municipality=towns[-1]))
    group_purchase_invite(group_purchase=pool, acting_user=officer,
                          invitations={town.pk: ("آزمون همزمانی", None) for town in towns})
    return pool, towns, users


def run_municipality(pool_pk, town, user, catalog, seed, started, record):
    """Join, change and withdraw at random until the pool refuses; record what succeeded, in order."""
    rng = random.Random(seed)
    joined = False
    try:
        started.wait(60)
        for _attempt in range(200):
            place = Participant.objects.get(group_purchase_id=pool_pk, municipality=town)
            lines = {catalog.bench.pk: rng.randint(1, 30)}
            if rng.random() < 0.5:
                lines[catalog.concrete_bench.pk] = rng.randint(1, 30)
            try:
                if not joined:
                    participant_join(participant=place, acting_user=user, lines=lines)
                    record.append(("join", lines))
                    joined = True
                elif rng.random() < 0.2:
                    participant_withdraw(participant=place, acting_user=user)
                    record.append(("withdraw", {}))
                    joined = False
                else:
                    participant_change(participant=place, acting_user=user, lines=lines)
                    record.append(("change", lines))
            except ApplicationError as refused:
                record.append(("refused", refused.code))
                if refused.code == "group_purchase_closed":
                    return
                raise
    except Exception as error:  # reported to the test, which asserts on it
        record.append(("error", repr(error)))
    finally:
        connection.close()


def run_close(pool_pk, user, started, outcome):
    try:
        started.wait(60)
        outcome["value"] = group_purchase_close(group_purchase=GroupPurchase.objects.get(pk=pool_pk),
                                                acting_user=user)
    except Exception as error:  # reported to the test
        outcome["error"] = error
    finally:
        connection.close()


def enough_done(records, at_least):
    return sum(1 for record in records for step, _ in record if step in ("join", "change")) >= at_least


def test_joining_and_closing_at_once_count_every_quantity_once(tenant):
    catalog = build_catalog(tenant)
    for round_ in range(3):
        race_once(tenant, catalog, round_)


def race_once(tenant, catalog, round_):
    pool, towns, users = a_pool(tenant, catalog)
    records: list[list] = [[] for _ in towns]
    started = threading.Event()
    threads = [threading.Thread(target=run_municipality,
                                args=(pool.pk, town, user, catalog, 1000 * round_ + i, started, records[i]))
               for i, (town, user) in enumerate(zip(towns, users, strict=True))]
    closes = [{}, {}]
    closers = [threading.Thread(target=run_close, args=(pool.pk, tenant.users[name], started, outcome))
               for name, outcome in zip(("commerce", "admin"), closes, strict=True)]
    for thread in threads:
        thread.start()
    started.set()
    deadline = threading.Event()
    while not enough_done(records, TOWNS) and not deadline.wait(0.01):
        if not any(thread.is_alive() for thread in threads):
            break
    for thread in closers:  # two officers close at once, while the towns keep going
        thread.start()
    for thread in [*threads, *closers]:
        thread.join(120)
        assert not thread.is_alive()

    errors = [step for record in records for step in record if step[0] == "error"]
    assert not errors, errors
    wins = [outcome for outcome in closes if "value" in outcome]
    losses = [outcome["error"] for outcome in closes if "error" in outcome]
    assert len(wins) == 1 and len(losses) == 1, closes
    assert isinstance(losses[0], ApplicationError) and losses[0].status == 409

    closed = GroupPurchase.objects.get(pk=pool.pk)
    assert closed.status == GroupPurchaseStatus.ALLOCATED
    orders = Order.objects.filter(group_share__group_purchase=closed)
    for town, record in zip(towns, records, strict=True):
        assert record and record[-1] == ("refused", "group_purchase_closed"), record  # each saw the close
        assert all(step != "refused" for step, _ in record[:-1])
        expected: dict = {}
        for step, lines in record[:-1]:
            expected = lines if step in ("join", "change") else {}
        place = Participant.objects.get(group_purchase=closed, municipality=town)
        assert dict(place.lines.values_list("item_id", "quantity")) == expected
        assert place.status == (ParticipantStatus.JOINED if expected else ParticipantStatus.WITHDRAWN)
        assert place.quantity == sum(expected.values())
        if expected:
            ordered_lines = OrderLine.objects.filter(order=place.order).values_list("item_id", "quantity")
            assert dict(ordered_lines) == expected
        else:
            assert place.order_id is None
        # a refused join wrote nothing: one need made per join that succeeded
        joins = sum(1 for step, _ in record if step == "join")
        assert Need.objects.filter(municipality=town).count() == joins
    joined_lines = (ParticipantLine.objects.filter(participant__group_purchase=closed,
                                                   participant__status=ParticipantStatus.JOINED)
                    .aggregate(s=Sum("quantity"))["s"])
    ordered = OrderLine.objects.filter(order__in=orders).aggregate(s=Sum("quantity"))["s"]
    assert closed.pooled_quantity == joined_lines == ordered
    assert orders.count() == Participant.objects.filter(group_purchase=closed,
                                                        status=ParticipantStatus.JOINED).count()
    assert audit_verify_chain(tenant.org.pk) is None
