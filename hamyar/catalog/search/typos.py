"""Typo correction: the catalog words one substitution, deletion, insertion or transposition away.

Trigram similarity cannot tell one typo from noise in three- to five-letter Persian
words (0.1-0.3 for "نیمکت"/"نیکمت"); an exact look-up of every one-edit variant in
the vocabulary of catalog words can.
"""

from __future__ import annotations

from django.db import connection

from .terms import MIN_INDEXED, Terms

_PERSIAN_LETTERS = "ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی"
_LATIN_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def edits(word: str) -> set[str]:
    """Every string one substitution, deletion, insertion or transposition away from `word`."""
    letters = _LATIN_LETTERS if word.isascii() else _PERSIAN_LETTERS
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    found = {a + b[1:] for a, b in splits if b}
    found |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    found |= {a + c + b[1:] for a, b in splits if b for c in letters}
    found |= {a + c + b for a, b in splits for c in letters}
    found.discard(word)
    return {e for e in found if len(e) >= MIN_INDEXED}


def known(words: set[str]) -> set[str]:
    """Those of `words` that are words of some item's search text."""
    if not words:
        return set()
    ordered = sorted(words)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            found: set[str] = set()
            for start in range(0, len(ordered), 500):
                chunk = ordered[start:start + 500]
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(f"SELECT term FROM catalog_item_words_vocab WHERE term IN ({marks})", chunk)
                found.update(row[0] for row in cursor.fetchall())
            return found
        cursor.execute("SELECT word FROM catalog_search_word WHERE word = ANY(%s)", [ordered])
        return {row[0] for row in cursor.fetchall()}


def _trigrams(word: str) -> set[str]:
    padded = f"  {word} "
    return {padded[i:i + 3] for i in range(len(padded) - 2)}


def closeness(a: str, b: str) -> float:
    """Trigram similarity, as pg_trgm computes it: the nearer spelling is tried first."""
    ta, tb = _trigrams(a), _trigrams(b)
    return len(ta & tb) / len(ta | tb)


def correct(terms: Terms) -> Terms | None:
    """`terms` with the catalog words one typo away from each word that is not a catalog word.

    Each such word keeps itself as the last alternative: a word that is only part of a
    catalog word, or spans two, is no typo, and its matches stay found.
    """
    words = {g[0] for g in terms.groups
             if len(g) == 1 and len(g[0]) >= MIN_INDEXED and not any(c.isdigit() for c in g[0])}
    variants = {word: edits(word) for word in words - known(words)}
    if not variants:
        return None
    catalog_words = known(set().union(*variants.values()))
    groups: list[tuple[str, ...]] = []
    for group in terms.groups:
        word = group[0]
        if word in variants:
            candidates = sorted(variants[word] & catalog_words, key=lambda c: (-closeness(word, c), c))
            if candidates:
                group = (*candidates, word)
        groups.append(group)
    corrected = Terms(tuple(groups))
    return corrected if corrected != terms else None
