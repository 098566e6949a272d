"""The demo organization's needs, quotations and orders: a few months of the commerce deputy's work.

Twenty needs of District 9 of Mashhad (Vakilabad Park's 40 benches among them), other Mashhad
districts and small towns (Shandiz, Torqabeh, Kariz, Sangan, Bajestan), one in each state a page can show:
a draft; submitted (one fresh, one past its triage target); triaged with a ranking; assigned;
quoted (awaiting the commerce deputy, awaiting the mayor, sent to the municipality); two offers
competing for one need; approved with its order in fulfilment (after a rejected first price and a
revision); partially delivered; delivered and awaiting receipt; received, closed and rated (one
after a rejected delivery, so the providers have scorecards); rejected with a reason; cancelled;
and two capability gaps (training, which no provider serves). With them, the service levels of
the main domains and the organization's approval thresholds. Then two group purchases of the
represented supplier's park benches (story.POOLS, loaded by groups.py): one closed by the officer,
ordered and allocated (a share delivered and received), with small towns and District 9 paying the
pooled tier; one still collecting, with municipalities joined and others only invited.

Everything goes through the services, as the municipality's clerk and mayor, the commerce officer,
the supplier's user, the affiliate's project manager and the CEO (as commerce deputy) would act,
so every step has its AuditEvent and notification. The story happened over the past three months;
the services stamp their clocks with the moment of loading, so afterwards the clocks (and the
created/updated times of the rows) are set back to the story's moments with an ORM update —
presentation only: the audit log keeps when the demo was loaded, and is never rewritten. Deliveries
are recorded with their real (past) delivery dates, after their order's date was set back.

`load_commerce_demo` is idempotent: a need is matched by its municipality and title, and one that
exists is left as it is (with all that followed from it). Amounts are Rial, from the catalog
demo's price lists in force.
"""

from .loader import load_commerce_demo
from .story import NEEDS, POLICY, POOLS, SERVICE_LEVELS

__all__ = ["NEEDS", "POLICY", "POOLS", "SERVICE_LEVELS", "load_commerce_demo"]
