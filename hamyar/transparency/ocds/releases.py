"""The pieces of an OCDS release: dates with their offset, Rial amounts, content-hash ids, and the stages
of a process (one event each) folded into releases by `_Builder.finish`."""

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings

from ..choices import ProcessKind
from .merge import compile_release

__all__ = ["CURRENCY", "Process", "Stage", "clean", "deep_update", "digest", "money", "ocds_date",
           "release_hash"]

CURRENCY = "IRR"


def ocds_date(value: datetime | date | None) -> str | None:
    """ISO 8601 with its offset, in Tehran time; a bare date is midnight in Tehran."""
    if value is None:
        return None
    zone = ZoneInfo(settings.TIME_ZONE)
    if not isinstance(value, datetime):
        value = datetime.combine(value, time(0), tzinfo=zone)
    return value.astimezone(zone).isoformat(timespec="seconds")


def money(amount: int | None) -> dict[str, Any] | None:
    return None if amount is None else {"amount": int(amount), "currency": CURRENCY}


def digest(*parts: object) -> str:
    return hashlib.sha256(":".join(map(str, parts)).encode()).hexdigest()[:10]


def release_hash(release: dict[str, Any]) -> str:
    """The hash of a release's content (its `id` left out): the same content, the same id."""
    content = {key: value for key, value in release.items() if key != "id"}
    return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def clean(value: Any) -> Any:
    """Drop empty values (None, "", [], {}) so a release says only what is known."""
    if isinstance(value, dict):
        cleaned = {key: clean(item) for key, item in value.items()}
        return {key: item for key, item in cleaned.items() if item not in (None, "", [], {})}
    if isinstance(value, list):
        return [item for item in (clean(v) for v in value) if item not in (None, "", [], {})]
    return value


def deep_update(target: dict[str, Any], update: dict[str, Any]) -> None:
    """Fold one stage into another of the same instant (lists of objects with ids by id)."""
    for key, value in update.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            deep_update(target[key], value)
        elif isinstance(value, list) and isinstance(target.get(key), list) and all(
                isinstance(v, dict) and "id" in v for v in [*value, *target[key]]):
            by_id = {item["id"]: item for item in target[key]}
            for item in value:
                if item["id"] in by_id:
                    deep_update(by_id[item["id"]], item)
                else:
                    target[key].append(item)
        else:
            target[key] = value


@dataclass
class Stage:
    """One event of a process: what it added or changed, when it was recorded, and the parties it names."""

    when: datetime
    tags: list[str]
    content: dict[str, Any]
    roles: dict[str, set[str]] = field(default_factory=dict)


@dataclass
class Process:
    """A contracting process as published: its ocid, kind, domain, releases (oldest first) and record."""

    ocid: str
    kind: ProcessKind
    domain_id: int
    title: str
    releases: list[dict[str, Any]]

    @property
    def date(self) -> str:
        return self.releases[-1]["date"]

    def record(self) -> dict[str, Any]:
        """The OCDS record: every release of the process and their compiled release."""
        return {"ocid": self.ocid, "releases": self.releases,
                "compiledRelease": compile_release(self.releases)}
