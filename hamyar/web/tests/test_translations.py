"""Every extracted message of every app has a Persian translation with the same placeholders, compiled.

A clerk's page is Persian: an English sentence left on it is a bug, and so is a translation that
drops or renames a %(placeholder)s (the page would fail or show the wrong figure).
"""

import re
from pathlib import Path

import pytest
from django.conf import settings

APPS = ["core", "directory", "accounts", "catalog", "needs", "commerce", "projects", "finance", "insights",
        "transparency", "web"]
# Apps of the second wave with few messages yet: checked the same, only not for the catalogue's size.
YOUNG_APPS = {"insights", "transparency"}
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def catalogue(app: str) -> Path:
    """The app's catalogue; "hamyar" is the project's own (the API glue outside any app)."""
    base = Path(settings.BASE_DIR) / "hamyar"
    return (base if app == "hamyar" else base / app) / "locale" / "fa" / "LC_MESSAGES" / "django.po"


def entries(po: Path) -> list[tuple[str, str, bool]]:
    """(msgid, msgstr, fuzzy) of each entry but the header; plural entries give their first form."""
    rows = []
    for block in po.read_text(encoding="utf-8").split("\n\n"):
        if "\nmsgid " not in "\n" + block:
            continue
        msgid = "".join(re.findall(r'"(.*)"', block.split("msgid ", 1)[1].split("\nmsg", 1)[0]))
        match = re.search(r'^msgstr(?:\[0\])? ((?:".*"\n?)+)', block, re.M)
        msgstr = "".join(re.findall(r'"(.*)"', match.group(1))) if match else ""
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in block.splitlines())
        if msgid:
            rows.append((msgid, msgstr, fuzzy))
    return rows


@pytest.mark.parametrize("app", [*APPS, "hamyar"])
def test_every_message_is_translated_with_its_placeholders_and_compiled(app):
    po = catalogue(app)
    rows = entries(po)
    assert len(rows) > 20 or app in YOUNG_APPS
    assert [msgid for msgid, msgstr, fuzzy in rows if not msgstr or fuzzy] == []
    for msgid, msgstr, _fuzzy in rows:
        assert set(PLACEHOLDER.findall(msgid)) == set(PLACEHOLDER.findall(msgstr)), msgid
    mo = po.with_suffix(".mo")
    assert mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime - 1


def test_every_app_with_messages_is_checked():
    found = (Path(settings.BASE_DIR) / "hamyar").glob("*/locale/fa/LC_MESSAGES/django.po")
    apps_with_catalogues = {po.parents[3].name for po in found}
    assert apps_with_catalogues == set(APPS)
