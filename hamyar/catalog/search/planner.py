"""How PostgreSQL reads a search's matches: a scan that stops early, or the trigram index.

PostgreSQL's planner cannot see how common a word is inside a text, nor how a filter
correlates with the words ("آسفالت" among benches), and with a LIMIT it bets on the
wrong plan (a full scan for a word nobody has). A sample of the catalog, kept in
memory, prices the ways to read the matches; the search forces the cheapest.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from django.db import connection

from .clauses import TABLE
from .terms import Filters, Terms

# Rough costs (µs), measured at 1,000,000 items with the table in the OS cache (not in
# PostgreSQL's buffers): a scan checks a row, as typed or without spaces (a stored column,
# so alike); the trigram index walks an entry of its rarest posting list (skipping through
# the others, a tenth more for each); a bitmap heap scan fetches and checks a candidate row.
SCAN_ROW_AS_TYPED = 1.0
SCAN_ROW = 1.05
INDEX_ENTRY = 0.35
INDEX_ROW = 9.0
# Groups the index intersects at most.
INDEX_GROUPS = 3
_SAMPLE_ROWS = 1000
_SAMPLE_SECONDS = 600.0


@dataclass
class Plan:
    """How to read the matches: a scan (as typed or without spaces), or the index looking up
    `patterns` (with the domain and provider filters too when `filters_in_index`)."""

    scan: str | None
    patterns: tuple[tuple[str, ...], ...] = ()
    # (domain, provider): whether each filter is tested in the index.
    filters_in_index: tuple[bool, bool] = (True, True)


@dataclass
class Sample:
    """About a thousand rows of the catalog (every tenant's: only plans are drawn from them)."""

    taken: float
    total: float
    rows: list[tuple[int, int, int | None, int, bool, str, str]]
    having: dict[tuple[str, bool], frozenset[int]] = field(default_factory=dict)
    admitted: dict[tuple[Filters, bool], frozenset[int]] = field(default_factory=dict)

    def _having(self, word: str, *, typed: bool = False) -> frozenset[int]:
        """Indexes of the rows whose text (without spaces, or as typed) contains `word`."""
        key = (word, typed)
        if key not in self.having:
            column = 5 if typed else 6
            self.having[key] = frozenset(i for i, row in enumerate(self.rows) if word in row[column])
        return self.having[key]

    def _group(self, group: tuple[str, ...], *, typed: bool = False) -> frozenset[int]:
        return frozenset().union(*(self._having(w, typed=typed) for w in group))

    def _admitted(self, filters: Filters, *, index_only: bool = False) -> frozenset[int]:
        """Rows the filters admit (`index_only`: the domain and provider filters alone)."""
        if index_only:
            filters = Filters(domains=filters.domains, providers=filters.providers)
        if (filters, index_only) not in self.admitted:
            self.admitted[filters, index_only] = frozenset(
                i for i, row in enumerate(self.rows) if filters.admits(*row[:5]))
        return self.admitted[filters, index_only]

    def density(self, terms: Terms, filters: Filters) -> float:
        """Share of the rows matching the words and the filters."""
        if not self.rows:
            return 0.0
        matched = self._estimate([self._group(g) for g in terms.groups], self._admitted(filters))
        return matched / len(self.rows)

    def _estimate(self, row_sets: list[frozenset[int]], within: frozenset[int]) -> float:
        """Rows of the sample in all of `row_sets` (and `within`): counted, or, when none are,
        estimated (so a rarer combination is not taken for none).

        Words and filters correlate ("تابلو" is a sign, and a lapsed supplier's): where the
        count runs out, the next set is taken as independent of what was found, unless three
        or more were expected (none found then says they exclude each other), and the sets
        left as independent.
        """
        n = len(self.rows)
        found = within
        ordered = sorted(row_sets, key=len)
        for i, rows in enumerate(ordered):
            narrowed = found & rows
            if not narrowed:
                # As many expected as independent, unless so many were expected that none
                # found says they exclude each other.
                expected = len(found) * max(len(rows), 0.5) / n
                guess = expected if expected < 3 else 0.5
                for rest in ordered[i + 1:]:
                    guess *= max(len(rest), 0.5) / n
                return max(guess, 0.05)
            found = narrowed
        return max(len(found), 0.05)

    def plan(self, terms: Terms, filters: Filters, needed: int) -> Plan:
        """The cheapest way to read `needed` matches, by the costs above."""
        n = len(self.rows)
        if not n:
            return Plan(None, terms.indexed)
        scale = self.total / n
        admitted = self._admitted(filters)
        matched = self._estimate([self._group(g) for g in terms.groups], admitted)
        typed = self._estimate([self._group(g, typed=True) for g in terms.groups], admitted)
        # A scan stops once it has `needed` rows.
        costs: dict[str, tuple[float, Plan]] = {
            "typed": (SCAN_ROW_AS_TYPED * min(self.total, needed * n / typed), Plan("typed")),
            "compact": (SCAN_ROW * min(self.total, needed * n / matched), Plan("compact")),
        }
        options = [(d, p) for d in ((True, False) if filters.domains is not None else (True,))
                   for p in ((True, False) if filters.providers is not None else (True,))]
        for in_index in options:
            # PostgreSQL scans the index once for each domain and provider it tests there.
            tested = Filters(domains=filters.domains if in_index[0] else None,
                             providers=filters.providers if in_index[1] else None)
            scans = len(tested.domains or (0,)) * len(tested.providers or (0,))
            scope = self._admitted(tested, index_only=True)
            cost, patterns = self._index_cost(terms, matched, scope, scans, scale, needed)
            costs[f"index {in_index}"] = (cost, Plan(None, patterns, in_index))
        return min(costs.values(), key=lambda pair: pair[0])[1]

    def _index_cost(self, terms: Terms, matched: float, scope: frozenset[int], scans: int,
                    scale: float, needed: int) -> tuple[float, tuple[tuple[str, ...], ...]]:
        """The cheapest index look-up: each group by the rarest trigram of each of its words,
        groups added while they cut more candidate rows than the extra posting list costs.
        Each of `scans` look-ups walks the rarest of its lists: a filter's (`scope` is what
        the filters in the index admit) or a trigram's."""
        options = [tuple(min((w[i:i + 3] for i in range(len(w) - 2)), key=lambda t: len(self._having(t)))
                         for w in group) for group in terms.indexed]
        n = len(self.rows)

        def cost(chosen: list[tuple[str, ...]]) -> float:
            row_sets = [self._group(pattern) for pattern in chosen]
            lists = [len(rows) for rows in row_sets] + ([len(scope)] if len(scope) < n else [])
            candidates = self._estimate(row_sets, scope) * scale
            visited = min(candidates, needed * candidates / max(matched * scale, needed))
            rarest = min(len(scope), scans * max(min(len(rows) for rows in row_sets), 0.5))
            walked = INDEX_ENTRY * max(rarest, 0.5) * scale * (1 + 0.1 * (len(lists) - 1))
            return walked + INDEX_ROW * visited

        chosen: list[tuple[str, ...]] = []
        best = float("inf")
        while options and len(chosen) < INDEX_GROUPS:
            option = min(options, key=lambda o: cost([*chosen, o]))
            if cost([*chosen, option]) >= best:
                break
            best = cost([*chosen, option])
            chosen.append(option)
            options.remove(option)
        return best, tuple(chosen)


_sampled: Sample | None = None


def sample() -> Sample:
    global _sampled
    if _sampled is None or time.monotonic() - _sampled.taken > _SAMPLE_SECONDS:
        with connection.cursor() as cursor:
            cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [TABLE])
            estimate = float((cursor.fetchone() or [0])[0])
            percent = 100.0 if estimate < _SAMPLE_ROWS * 20 else 100.0 * _SAMPLE_ROWS / estimate
            cursor.execute(
                f"SELECT domain_id, provider_id, current_price, lead_time_days, in_stock, search_text, "
                f"search_compact FROM {TABLE} TABLESAMPLE SYSTEM (%s) REPEATABLE (1405)",
                [percent],
            )
            rows = cursor.fetchall()
            _sampled = Sample(time.monotonic(), max(estimate, len(rows)), rows)
    return _sampled
