"""Every extracted message of needs has a Persian translation, compiled, and the pages speak Persian."""

from pathlib import Path

from django.conf import settings
from django.utils import translation

from hamyar.web.tests.test_translations import entries

PO = Path(settings.BASE_DIR) / "hamyar" / "needs" / "locale" / "fa" / "LC_MESSAGES" / "django.po"


def test_every_needs_message_is_translated_and_compiled():
    rows = entries(PO)
    assert len(rows) > 200
    assert [msgid for msgid, msgstr, fuzzy in rows if not msgstr or fuzzy] == []
    mo = PO.with_suffix(".mo")
    assert mo.exists() and mo.stat().st_mtime >= PO.stat().st_mtime - 1


def test_a_refusal_reads_in_persian():
    from hamyar.needs.choices import NeedStatus, Transition

    with translation.override("fa"):
        assert str(Transition.ASSIGN.label) == "ارجاع"
        assert str(NeedStatus.TRIAGED.label) == "بررسی‌شده"
