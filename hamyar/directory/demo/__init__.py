"""The demo organization, as plain data: what `manage.py load_demo` loads.

Facts come from the source article (seeds/000_bc1ed591d00b6f53.txt: District 9 of
Mashhad, 4,400 ha, 365,000 residents, Vakilabad Park, Vafa Garden, Kooh Park,
barren land under development; 10+ represented domestic suppliers) and from the
shared municipalities CSV (census populations), embedded below because the shared
folder is not on every machine. Everything else — companies, people, IDs,
agreements — is fictional. Figures that are not facts are marked "illustrative";
an unknown area stays None and the pages show "—".
"""

from .places import (
    ASSETS,
    COUNTIES,
    ILLUSTRATIVE,
    MASHHAD_OTHER_DISTRICTS,
    MUNICIPALITIES_CSV,
    ORGANIZATION,
    SOURCES_FA,
    TOWN_POPULATION_LIMIT,
    municipality_rows,
)
from .providers import DOMAINS, GAP_DOMAINS, PROVIDERS
from .users import DEMO_PASSWORD, USERS

__all__ = ["ASSETS", "COUNTIES", "DEMO_PASSWORD", "DOMAINS", "GAP_DOMAINS", "ILLUSTRATIVE",
           "MASHHAD_OTHER_DISTRICTS", "MUNICIPALITIES_CSV", "ORGANIZATION", "PROVIDERS", "SOURCES_FA",
           "TOWN_POPULATION_LIMIT", "USERS", "municipality_rows"]
