"""Every write to the catalog, by entity: items, price lists (published whole, never edited in place),
price-sheet imports and search synonyms. Reads are in selectors.py, the xlsx exports in exports.py,
and what runs on the task worker (and the choice of running it there) in tasks.py."""

from .items import *  # noqa: F403
from .price_imports import *  # noqa: F403
from .price_lists import *  # noqa: F403
from .synonyms import *  # noqa: F403
