"""Marking what matched in a result, the way the search matched it.

The search compares search keys without spaces, so a mark is found the same way: the
shown text is folded letter by letter (the one normalizer's search key) with each
folded letter remembering where it came from, the marks are looked up in the folded
text, and the spans found are wrapped in <mark> in the shown text. «الایدی» thus marks
«ال ای دی», «نيمكت» marks «نیمکت» and «150» marks «۱۵۰». Every piece of the text is
escaped; only the <mark> tags are markup.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from hamyar.core.text import search_key


@functools.lru_cache(maxsize=4096)
def _fold(char: str) -> str:
    """One shown character as the search key has it ("" for spaces, ZWNJ, diacritics)."""
    return search_key(char).replace(" ", "")


def spans(text: str, marks: Iterable[str]) -> list[tuple[int, int]]:
    """The (start, end) ranges of `text` where a mark matches, merged and in order."""
    folded: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        for letter in _fold(char):
            folded.append(letter)
            origin.append(index)
    haystack = "".join(folded)
    found: list[tuple[int, int]] = []
    for mark in {m for m in marks if m}:
        start = haystack.find(mark)
        while start != -1:
            found.append((origin[start], origin[start + len(mark) - 1] + 1))
            start = haystack.find(mark, start + 1)
    merged: list[tuple[int, int]] = []
    for start, end in sorted(found):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def highlight(text: str, marks: Iterable[str]) -> SafeString:
    """`text` escaped, with each match of `marks` in <mark>."""
    text = str(text)
    parts: list[str] = []
    last = 0
    for start, end in spans(text, marks):
        parts.append(escape(text[last:start]))
        parts.append(f"<mark>{escape(text[start:end])}</mark>")
        last = end
    parts.append(escape(text[last:]))
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text is escaped above
