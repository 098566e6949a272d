"""The demo organization publishes every kind of process in every domain (`manage.py load_demo`)."""

from collections import Counter

from hamyar.accounts.models import User
from hamyar.directory.models import Organization

from .choices import ProcessKind
from .models import PublicationPolicy
from .services import publication_policy_set


def load_transparency_demo(*, organization: Organization, acting_user: User) -> Counter[str]:
    created: Counter[str] = Counter()
    if not PublicationPolicy.objects.filter(organization=organization).exists():
        publication_policy_set(acting_user=acting_user, kinds=ProcessKind.values, withheld_domain_ids=[])
        created["publication policies"] += 1
    return created
