"""Every message of finance has a compiled Persian translation (the page of a clerk is Persian)."""

import re
from pathlib import Path

from django.conf import settings

PO = Path(settings.BASE_DIR) / "hamyar" / "finance" / "locale" / "fa" / "LC_MESSAGES" / "django.po"


def entries() -> list[tuple[str, str, bool]]:
    """(msgid, msgstr, fuzzy) of each entry but the header; plural entries give their first form."""
    rows = []
    for block in PO.read_text(encoding="utf-8").split("\n\n"):
        if "\nmsgid " not in "\n" + block:
            continue
        msgid = "".join(re.findall(r'"(.*)"', block.split("msgid ", 1)[1].split("\nmsg", 1)[0]))
        match = re.search(r'^msgstr(?:\[0\])? ((?:".*"\n?)+)', block, re.M)
        msgstr = "".join(re.findall(r'"(.*)"', match.group(1))) if match else ""
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in block.splitlines())
        if msgid:
            rows.append((msgid, msgstr, fuzzy))
    return rows


def test_every_finance_message_is_translated_and_compiled():
    rows = entries()
    assert len(rows) > 150
    assert [msgid for msgid, msgstr, fuzzy in rows if not msgstr or fuzzy] == []
    mo = PO.with_suffix(".mo")
    assert mo.exists() and mo.stat().st_mtime >= PO.stat().st_mtime - 1


def test_the_placeholders_of_each_translation_are_those_of_its_message():
    for msgid, msgstr, _fuzzy in entries():
        assert sorted(re.findall(r"%\(\w+\)s", msgid)) == sorted(re.findall(r"%\(\w+\)s", msgstr)), msgid
