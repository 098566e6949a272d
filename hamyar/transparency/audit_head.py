"""The heads of the organizations' audit chains, published so the log cannot be cut short unseen.

Anyone may note an organization's event count and last hash from the public page; an export of its
history (or `manage.py audit_verify` with its anchors) must reach the same head later, or events were
deleted or re-hashed. Organization names and these two figures only: no ids, no event content.
"""

from dataclasses import dataclass

from hamyar.core.audit import audit_chain_heads
from hamyar.directory.models import Organization


@dataclass(frozen=True)
class PublishedHead:
    organization: str
    count: int
    last_hash: str


def published_audit_heads() -> list[PublishedHead]:
    """Each organization's chain head, by name; three queries whatever their number."""
    heads = audit_chain_heads()
    names = dict(Organization.objects.filter(pk__in=[pk for pk in heads if pk is not None])
                 .values_list("pk", "name"))
    return sorted((PublishedHead(names[pk], head.count, head.last_hash)
                   for pk, head in heads.items() if pk in names), key=lambda h: h.organization)


