"""Test helpers for the rule every service keeps: one AuditEvent on success, nothing at all on failure."""

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, cast

from django.apps import apps
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver

from .models import AuditEvent


def _fingerprint(app_labels: tuple[str, ...]) -> dict[str, list[dict]]:
    """Every row of every model of the given apps (and the audit log), field by field."""
    labels = {*app_labels, "core"}
    prints: dict[str, list[dict]] = {}
    for model in apps.get_models():
        if model._meta.app_label in labels and not model._meta.proxy:
            prints[model._meta.label] = list(model._default_manager.order_by("pk").values())
            for field in model._meta.many_to_many:
                through = cast(type[models.Model], field.remote_field.through)
                prints[through._meta.label] = list(through._default_manager.order_by("pk").values())
    return prints


@contextmanager
def nothing_written(*app_labels: str) -> Iterator[None]:
    """Assert that the block leaves every row of these apps and the audit log exactly as it found them.

    Put `pytest.raises` inside it: `with nothing_written("directory"), pytest.raises(InvalidInput):`.
    """
    before = _fingerprint(app_labels)
    yield
    after = _fingerprint(app_labels)
    changed = [label for label in before if before[label] != after.get(label)]
    assert not changed, f"rows were written on a refused action: {changed}"


@dataclass
class Recorded:
    event: AuditEvent | None = None


@contextmanager
def one_audit_event(action: str) -> Iterator[Recorded]:
    """Assert that the block writes exactly one AuditEvent, with this action; the event is on `.event`."""
    last = AuditEvent.objects.aggregate(last=models.Max("pk"))["last"] or 0
    recorded = Recorded()
    yield recorded
    events = list(AuditEvent.objects.filter(pk__gt=last))
    assert [e.action for e in events] == [action], f"expected one {action!r} event, got {events}"
    recorded.event = events[0]


# ---------------------------------------------------------------- races between connections (PostgreSQL)


def in_thread(name: str, work: Callable[[], Any]) -> tuple[threading.Thread, dict]:
    """Start `work` in a thread with its own database connection; its value or error lands in the dict."""
    from django.db import connection

    outcome: dict = {}

    def run() -> None:
        try:
            outcome["value"] = work()
        except Exception as error:  # reported to the test, which asserts on it
            outcome["error"] = error
        finally:
            connection.close()

    thread = threading.Thread(target=run, name=name)
    thread.start()
    return thread, outcome


def wait_until(condition: Callable[[], bool], what: str, limit: float = 60) -> None:
    """Poll a condition that another connection will make true; the limit only stops a hung test."""
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting until {what}")
        time.sleep(0.05)


@contextmanager
def pause_after_save(model: type[models.Model], thread_name: str = "first") -> Iterator[tuple]:
    """Hold the thread named `thread_name` inside its transaction just after it saves a `model` row,
    until the test sets `release`; `inside` is set once it is held. Yields (inside, release)."""
    from django.db.models.signals import post_save

    inside, release = threading.Event(), threading.Event()
    uid = f"test-pause-{model._meta.label_lower}-{thread_name}"

    def hold(sender: type[models.Model], **kwargs: Any) -> None:
        if threading.current_thread().name == thread_name:
            inside.set()
            release.wait(120)

    post_save.connect(hold, sender=model, dispatch_uid=uid)
    try:
        yield inside, release
    finally:
        release.set()
        post_save.disconnect(sender=model, dispatch_uid=uid)


def url_patterns(
    patterns: list[URLPattern | URLResolver] | None = None, namespace: str | None = None
) -> Iterator[tuple[str | None, URLPattern]]:
    """Every URL pattern of the site with the namespace it sits in, for tests that try every route."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            yield from url_patterns(entry.url_patterns, entry.namespace or namespace)
        elif isinstance(entry, URLPattern):
            yield namespace, entry
