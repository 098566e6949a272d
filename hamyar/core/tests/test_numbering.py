"""Document numbers: «Q-1405-00001», counted per organization, prefix and Jalali year, never given twice."""

import datetime as dt
import threading

import pytest
from django.db import connection, transaction

from hamyar.core.models import NumberSequence
from hamyar.core.numbering import next_number

# 1405/01/01 is 21 March 2026; the day before is the last of 1404.
LAST_DAY_OF_1404 = dt.date(2026, 3, 20)
FIRST_DAY_OF_1405 = dt.date(2026, 3, 21)


def test_numbers_follow_each_other_per_prefix(tenant):
    org = tenant.org.pk
    on = FIRST_DAY_OF_1405
    numbers = [next_number(org, "N", on=on) for _ in range(3)]
    assert numbers == ["N-1405-00001", "N-1405-00002", "N-1405-00003"]
    assert next_number(org, "Q", on=on) == "Q-1405-00001"
    assert next_number(org, "N", on=on) == "N-1405-00004"


def test_a_new_jalali_year_starts_again_at_one(tenant):
    org = tenant.org.pk
    assert next_number(org, "O", on=LAST_DAY_OF_1404) == "O-1404-00001"
    assert next_number(org, "O", on=LAST_DAY_OF_1404) == "O-1404-00002"
    assert next_number(org, "O", on=FIRST_DAY_OF_1405) == "O-1405-00001"
    assert next_number(org, "O", on=LAST_DAY_OF_1404) == "O-1404-00003"


def test_the_default_year_is_todays_jalali_year(tenant):
    from django.utils import timezone

    from hamyar.core.jalali import to_jalali

    assert next_number(tenant.org.pk, "D") == f"D-{to_jalali(timezone.localdate()).year}-00001"


def test_each_organization_counts_its_own(tenant, other_tenant):
    on = FIRST_DAY_OF_1405
    assert next_number(tenant.org.pk, "N", on=on) == "N-1405-00001"
    assert next_number(tenant.org.pk, "N", on=on) == "N-1405-00002"
    assert next_number(other_tenant.org.pk, "N", on=on) == "N-1405-00001"


def test_a_rolled_back_write_gives_its_number_back(tenant):
    org = tenant.org.pk
    assert next_number(org, "N", on=FIRST_DAY_OF_1405) == "N-1405-00001"
    with pytest.raises(RuntimeError), transaction.atomic():
        assert next_number(org, "N", on=FIRST_DAY_OF_1405) == "N-1405-00002"
        raise RuntimeError("the need was refused after numbering")
    assert next_number(org, "N", on=FIRST_DAY_OF_1405) == "N-1405-00002"


@pytest.mark.django_db(transaction=True)
def test_two_writers_at_once_never_get_the_same_number(tenant):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL")
    org, per_thread, writers = tenant.org.pk, 15, 2
    barrier = threading.Barrier(writers)
    numbers: list[str] = []
    errors: list[BaseException] = []

    def write():
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            for _ in range(per_thread):
                with transaction.atomic():  # as a service would: the number inside its transaction
                    numbers.append(next_number(org, "Q", on=FIRST_DAY_OF_1405))
        except BaseException as error:  # noqa: BLE001 — reported below, in the test's thread
            errors.append(error)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=write) for _ in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(numbers) == [f"Q-1405-{n:05d}" for n in range(1, per_thread * writers + 1)]
    assert NumberSequence.objects.get(organization_id=org, prefix="Q", year=1405).last == per_thread * writers
