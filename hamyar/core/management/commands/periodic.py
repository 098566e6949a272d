"""Queue every app's periodic tasks (quotation expiry, service-level reminders, …).

An app lists them as `PERIODIC` in its `tasks` module; `make run` calls this every few
minutes (cron or a systemd timer does in production). Each task must be safe to run again.
"""

from importlib import import_module
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django_tasks.base import Task


def periodic_tasks() -> list[Task[Any, Any]]:
    found: list[Task[Any, Any]] = []
    for config in apps.get_app_configs():
        if not config.name.startswith("hamyar."):
            continue
        try:
            module = import_module(f"{config.name}.tasks")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.tasks":
                raise
            continue
        found.extend(getattr(module, "PERIODIC", []))
    # A task listed twice (or re-exported by another app) is still queued once.
    return list({task.module_path: task for task in found}.values())


class Command(BaseCommand):
    help = "Queue the periodic tasks of every app."

    def handle(self, *args: Any, **options: Any) -> None:
        for task in periodic_tasks():
            task.enqueue()
            self.stdout.write(f"queued {task.name}")
