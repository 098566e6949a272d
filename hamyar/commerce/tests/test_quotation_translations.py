"""Every message of the quotation code (and commerce's models and choices) has a compiled Persian translation.

The orders code's messages are merged into the same catalogue separately, so this test reads the
source references and checks the entries that come from quotation files.
"""

import re
from pathlib import Path

from django.conf import settings

PO = Path(settings.BASE_DIR) / "hamyar" / "commerce" / "locale" / "fa" / "LC_MESSAGES" / "django.po"
OURS = re.compile(r"(quotation|^models\.py|^choices\.py|^forms\.py|^tasks\.py|^admin\.py)")


def entries() -> list[tuple[list[str], str, str, bool]]:
    """(source files, msgid, first msgstr, fuzzy) of each entry."""
    rows = []
    for block in PO.read_text(encoding="utf-8").split("\n\n"):
        refs = [
            ref.split(":")[0]
            for line in block.splitlines()
            if line.startswith("#:")
            for ref in line[2:].split()
        ]
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in block.splitlines())
        msgid = (
            "".join(re.findall(r'"(.*)"', block.split("msgid ", 1)[1].split("\nmsg", 1)[0]))
            if "\nmsgid " in "\n" + block
            else ""
        )
        match = re.search(r'^msgstr(?:\[0\])? ((?:".*"\n?)+)', block, re.M)
        msgstr = "".join(re.findall(r'"(.*)"', match.group(1))) if match else ""
        if msgid:
            rows.append((refs, msgid, msgstr, fuzzy))
    return rows


def test_every_quotation_message_is_translated_and_compiled():
    ours = [
        (msgid, msgstr, fuzzy)
        for refs, msgid, msgstr, fuzzy in entries()
        if any(OURS.search(ref.split("/", 1)[-1]) or "quotation" in ref for ref in refs)
    ]
    assert len(ours) > 150
    assert [msgid for msgid, msgstr, fuzzy in ours if not msgstr or fuzzy] == []
    mo = PO.with_suffix(".mo")
    assert mo.exists() and mo.stat().st_mtime >= PO.stat().st_mtime - 1
