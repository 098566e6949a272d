"""The demo organization's projects: a few months of urban-management work from the source article.

- District 9 of Mashhad — the redevelopment of Vakilabad Park, in progress, with three progress
  reports (the last with a site photo), a resolved and an open constraint, a change order and its
  signed contract as a PDF document;
- District 9 — the development of the barren land of Kooh Park, a special project held up by a
  blocking land-ownership constraint (and an urban-planning approval still open);
- District 9 — drip irrigation of Vafa Garden, completed and handed over (signed off by District 9);
- Shandiz (a small town) — the entrance boulevard's paving, in progress and behind its schedule;
- Torqabeh (a small town) — the central square's redesign, still in planning.

The executing providers are the demo's affiliated companies (the construction company's project
manager is the demo user «projects»). Photos are drawn with Pillow and the contract PDF is made with
WeasyPrint (hamyar.core.pdf), never downloaded.

`load_projects_demo` goes through the services and is idempotent: a project is matched by its title
in the organization, and one that exists is left as it is. The services stamp their clocks (started,
completed, handed over) with the time of loading; the story happened over the past months, so those
clocks are then set back to the story's days (presentation only: the audit log keeps when the demo
was loaded).
"""

from .loader import load_projects_demo
from .story import PROJECTS

__all__ = ["PROJECTS", "load_projects_demo"]
