"""OCDS merging: a process's releases, oldest first, compiled into the record's `compiledRelease`.

The rules of the standard (1.1, "Merging"): a later release's value replaces an earlier one; objects
are merged field by field; an array of objects that all carry an `id` is merged by that id (identifier
merge: an object of the same id is merged into its earlier self, a new id is appended); any other array
(of strings, of objects without ids) is replaced whole; a `null` removes the field. `id`, `date` and
`tag` are not merged: the compiled release gets the tag `compiled`, the latest date and an id of its own.
"""

import copy
from datetime import datetime
from typing import Any

__all__ = ["compile_release", "merge_into"]

OMIT_WHEN_MERGED = {"id", "date", "tag"}


def _by_id(items: list[Any]) -> bool:
    return bool(items) and all(isinstance(item, dict) and "id" in item for item in items)


def merge_into(target: dict[str, Any], update: dict[str, Any]) -> None:
    """Merge `update` (a later release, or a part of it) into `target` in place."""
    for key, value in update.items():
        if value is None:
            target.pop(key, None)
        elif isinstance(value, dict):
            if not isinstance(target.get(key), dict):
                target[key] = {}
            merge_into(target[key], value)
        elif isinstance(value, list) and _by_id(value) and (key not in target or _by_id(target[key])):
            merged = {str(item["id"]): item for item in target.get(key, [])}
            order = list(merged)
            for item in value:
                known = merged.get(str(item["id"]))
                if known is None:
                    known = merged[str(item["id"])] = {}
                    order.append(str(item["id"]))
                merge_into(known, item)
            target[key] = [merged[item_id] for item_id in order]
        else:
            target[key] = copy.deepcopy(value)


def compile_release(releases: list[dict[str, Any]]) -> dict[str, Any]:
    """The compiled release of one process's releases (sorted here by date, the standard's order)."""
    ordered = sorted(releases, key=lambda release: datetime.fromisoformat(release["date"]))
    compiled: dict[str, Any] = {}
    for release in ordered:
        merge_into(compiled, {key: value for key, value in release.items() if key not in OMIT_WHEN_MERGED})
    latest = ordered[-1]["date"]
    compiled = {
        "ocid": ordered[-1]["ocid"],
        "id": f"{ordered[-1]['ocid']}-compiled-{latest[:19]}",
        "date": latest,
        "tag": ["compiled"],
        **{k: v for k, v in compiled.items() if k != "ocid"},
    }
    return compiled
