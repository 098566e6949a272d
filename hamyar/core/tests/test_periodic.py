"""`manage.py periodic`: it finds the PERIODIC list in every app's tasks module and queues each task once."""

from io import StringIO

import pytest
from django.core.management import call_command
from django_tasks import task

from hamyar.accounts import tasks as accounts_tasks
from hamyar.core.management.commands.periodic import periodic_tasks

RUNS: list[str] = []


@task()
def expire_quotations() -> int:
    RUNS.append("expire")
    return 1


@task()
def remind_overdue() -> int:
    RUNS.append("remind")
    return 2


@pytest.fixture(autouse=True)
def clean_runs():
    RUNS.clear()
    yield
    RUNS.clear()


def test_a_task_listed_in_an_apps_periodic_list_is_found(monkeypatch):
    monkeypatch.setattr(accounts_tasks, "PERIODIC", [expire_quotations, remind_overdue], raising=False)
    found = periodic_tasks()
    assert expire_quotations in found and remind_overdue in found


def test_a_task_not_listed_is_not_found(monkeypatch):
    monkeypatch.setattr(accounts_tasks, "PERIODIC", [expire_quotations], raising=False)
    assert remind_overdue not in periodic_tasks()


def test_the_command_queues_every_periodic_task_once(db, monkeypatch):
    # Listed twice (an app re-exporting another's task): still queued once.
    monkeypatch.setattr(accounts_tasks, "PERIODIC", [expire_quotations, remind_overdue, expire_quotations],
                        raising=False)
    out = StringIO()
    call_command("periodic", stdout=out)
    # The test settings run tasks at once (immediate back-end): queued means run here.
    assert sorted(r for r in RUNS if r in {"expire", "remind"}) == ["expire", "remind"]
    assert f"queued {expire_quotations.name}" in out.getvalue()
    assert out.getvalue().count(f"queued {expire_quotations.name}") == 1


def test_an_app_without_a_tasks_module_is_skipped(monkeypatch):
    # web has no tasks module; the search neither fails nor finds anything in it.
    assert all(not t.module_path.startswith("hamyar.web.tasks") for t in periodic_tasks())
