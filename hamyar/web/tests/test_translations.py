"""Every extracted message of web, directory and accounts has a Persian translation, compiled."""

from pathlib import Path

import pytest
from django.conf import settings

APPS = ["web", "directory", "accounts"]


def entries(po: Path) -> list[tuple[str, str, bool]]:
    """(msgid, msgstr, fuzzy) for each entry; a tiny reader for the files makemessages writes."""
    result, msgid, msgstr, fuzzy, key = [], None, None, False, None
    for line in po.read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            if msgid:
                result.append((msgid, msgstr or "", fuzzy))
            msgid, msgstr, fuzzy, key = None, None, False, None
        elif line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
        elif line.startswith(("msgid ", "msgstr ", "msgstr[0] ")):
            key, text = line.split(" ", 1)
            if key == "msgid":
                msgid = text.strip('"')
            elif key in ("msgstr", "msgstr[0]"):
                msgstr = text.strip('"')
        elif line.startswith('"') and key is not None:
            if key == "msgid":
                msgid = (msgid or "") + line.strip('"')
            elif key in ("msgstr", "msgstr[0]"):
                msgstr = (msgstr or "") + line.strip('"')
    return result


@pytest.mark.parametrize("app", APPS)
def test_every_message_is_translated_and_compiled(app):
    po = Path(settings.BASE_DIR) / "hamyar" / app / "locale" / "fa" / "LC_MESSAGES" / "django.po"
    rows = entries(po)
    assert len(rows) > 20
    untranslated = [msgid for msgid, msgstr, fuzzy in rows if not msgstr or fuzzy]
    assert untranslated == []
    mo = po.with_suffix(".mo")
    assert mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime - 1
