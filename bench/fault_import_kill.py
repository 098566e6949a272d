"""A fault, for real: the task worker killed (SIGKILL) in the middle of applying a large price sheet.

    .venv/bin/python bench/fault_import_kill.py
    .venv/bin/python bench/fault_import_kill.py --database-url postgres://postgres@127.0.0.1:5432/h_faults
    .venv/bin/python bench/fault_import_kill.py --rows 5000      # a quick run

In the benchmark's own database (never the application's; migrated and given the demo when empty):
a supplier's sheet of `--rows` new items is uploaded and checked, its apply queued, and a real
`manage.py db_worker` started. Once the worker has taken the task and is inside the apply's
transaction it is killed with SIGKILL. Then: the catalog must be as before (nothing half-written) and
the import still "applying"; the periodic recovery (as if its timeout had passed) must queue it again;
a new worker must apply it whole. Prints each step's outcome and times; exits 1 when one fails.
A demonstration, not a test (the suite simulates the death: hamyar/catalog/tests/test_import_recovery.py).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from benchdb import configure  # noqa: E402

DEFAULT_URL = f"sqlite:///{Path(tempfile.gettempdir()) / 'hamyar-faults' / 'faults.sqlite3'}"


def worker(env: dict[str, str]) -> subprocess.Popen:
    # --no-reload: with DEBUG the worker runs under the autoreloader, whose child would survive the kill.
    command = [sys.executable, "manage.py", "db_worker", "--queue-name", "default", "--no-reload"]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--rows", type=int, default=20_000)
    args = parser.parse_args()
    media = Path(tempfile.gettempdir()) / "hamyar-faults" / "media"
    os.environ["HAMYAR_MEDIA_ROOT"] = str(media)
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    configure(args.database_url)

    from django.core.management import call_command
    from django.utils import timezone
    from django_tasks import TaskResultStatus

    from hamyar.accounts.models import Membership
    from hamyar.catalog import services, tasks
    from hamyar.catalog.models import CatalogItem, Price, PriceList
    from hamyar.catalog.services.price_imports import STALE_APPLY
    from hamyar.catalog.tests.sheetdata import bench_rows, upload, xlsx
    from hamyar.core.audit import audit_verify_chain
    from hamyar.core.roles import Role
    from hamyar.directory.models import ServiceDomain

    call_command("migrate", verbosity=0)
    call_command("load_demo", "--if-empty", stdout=io.StringIO())

    def counts() -> tuple[int, int, int]:
        return CatalogItem.objects.count(), Price.objects.count(), PriceList.objects.count()

    failures: list[str] = []

    def check(ok: bool, what: str) -> None:
        print(f"  {'ok  ' if ok else 'FAIL'} {what}")
        if not ok:
            failures.append(what)

    membership = Membership.objects.filter(role=Role.SUPPLIER_USER).select_related("user", "provider").first()
    user, provider = membership.user, membership.provider
    domain = ServiceDomain.objects.filter(organization=provider.organization).exclude(parent=None).first()
    prefix = f"K{int(time.time()) % 100000}-"
    data = xlsx(bench_rows(args.rows, domain=domain.code, prefix=prefix))
    price_import = services.price_import_create(acting_user=user, provider=provider, file=upload(data),
                                                title=f"fault test {prefix}", valid_from=dt.date(2026, 3, 21))
    services.price_import_validate(price_import=price_import)
    price_import.refresh_from_db()
    print(f"{args.database_url.split('@')[-1]}: import {price_import.pk}, {price_import.total_rows} rows, "
          f"{price_import.status}")
    before = counts()
    env = dict(os.environ)

    first = worker(env)
    tasks.price_import_apply_enqueue(price_import=price_import, acting_user=user)
    started = time.perf_counter()
    while not any(row.status == TaskResultStatus.RUNNING for row in tasks._apply_tasks(price_import.pk)):
        if time.perf_counter() - started > 60:
            print("the worker did not take the task")
            first.kill()
            return 1
        time.sleep(0.05)
    taken = time.perf_counter()
    time.sleep(1.0)  # inside the apply: reading the sheet, writing items
    first.send_signal(signal.SIGKILL)
    first.wait()
    print(f"worker killed (SIGKILL) {time.perf_counter() - taken:.1f} s after it took the task")
    time.sleep(0.5)
    price_import.refresh_from_db()
    check(counts() == before, f"nothing half-written: items, prices, lists {counts()} = {before}")
    check(price_import.status == "applying",
          f"the import is still {price_import.status!r} (its claim had committed)")

    t = time.perf_counter()
    outcomes = tasks.price_imports_recover(now=timezone.now() + STALE_APPLY + dt.timedelta(minutes=1))
    check(outcomes == {price_import.pk: "requeued"},
          f"the recovery queued it again: {outcomes} ({(time.perf_counter() - t) * 1000:.0f} ms)")

    second = worker(env)
    t = time.perf_counter()
    while price_import.status == "applying" and time.perf_counter() - t < 600:
        time.sleep(0.5)
        price_import.refresh_from_db()
    second.send_signal(signal.SIGTERM)
    second.wait(30)
    applied = price_import.price_list.prices.count() if price_import.price_list_id else 0
    check(price_import.status == "applied" and applied == args.rows,
          f"a new worker applied it whole: {price_import.status}, {applied} prices "
          f"in {time.perf_counter() - t:.1f} s")
    check(audit_verify_chain(provider.organization_id) is None, "the audit chain verifies")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
