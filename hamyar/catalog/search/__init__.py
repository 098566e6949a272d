"""Catalog search that finds what a clerk types, the same on PostgreSQL and SQLite.

The contract, on both engines:

- The query and the items go through the one normalizer (`search_key`): Arabic ي/ك,
  Persian/Arabic/Latin digits, diacritics, hamza forms and ZWNJ are folded.
- Spaces do not matter: an item matches when each word of the query occurs in its
  search text with the spaces taken out (so "می شود", "می‌شود" and "میشود" find the
  same items, whichever way the supplier wrote the name). Words shorter than three
  letters are looked up together ("ال ای دی" → "الایدی").
- The organization's synonyms (`SearchSynonym`: «ال ای دی» = LED) apply on write and on search:
  an item's search text holds the equivalents of the terms it contains, and a run of query
  words that is a term also accepts its equivalents (synonyms.py). Matches are marked in the
  results the same way (highlight.py).
- When nothing matches, each query word that is not a catalog word also accepts the
  catalog words one typo away (a letter substituted, dropped, added or two swapped),
  and `corrected_query` says what was searched.
- Ranking: the exact name first, then text rank (name starting with the query, name
  containing it, name containing every word, some words, other fields only), then the
  supplier's rating (unrated last), then id.
- At most `POOL` matches (or offset + limit, for a later page or an export) are read
  per query: beyond that `total` and the domain counts are lower bounds
  (`total_is_exact` is False) and the page is ranked among the matches read, the
  exact-name and name-prefix matches always included.

PostgreSQL: one pg_trgm GIN index over the search text without spaces (a stored
generated column, so no row computes it again per word), which also holds the domain
and the provider (btree_gin), so a domain, supplier or visibility filter can narrow
inside the index. A municipality user's visibility is the list of offered providers
(`offered_provider_ids`, the selectors' rule), narrowed first to those whose items hold
every trigram of the query (a small table kept by a trigger): the words of a lapsed
supplier's products then cost nothing instead of a walk over all its items.

PostgreSQL's planner cannot see how common a word is inside a text, nor how a filter
correlates with the words ("آسفالت" among benches), and with a LIMIT it bets on the
wrong plan (a full scan for a word nobody has). So a sample of the catalog, kept in
memory, prices the ways to read POOL matches (a scan that stops early, or the index
looking up the rarest trigram of the rarest words) and the cheapest is forced. SQLite:
an FTS5 trigram table kept by triggers, which reads its matches lazily. Typo
candidates come from a vocabulary of catalog words (a table kept by a trigger on
PostgreSQL, an FTS5 vocabulary on SQLite): trigram similarity cannot tell one typo
from noise in three- to five-letter Persian words (0.1-0.3), an exact one-edit look-up
can.

Full-text search (tsvector) is not used: its words do not match across ZWNJ and
spaces ("آتش نشانی" must find "آتش‌نشانی"), its prefix look-ups union whole posting
lists (200 ms for a typed name at 1,000,000 items) and its LIMIT plans parse every row.
"""

from .service import POOL, SearchResult, item_search
from .terms import parse

__all__ = ["POOL", "SearchResult", "item_search", "parse"]
