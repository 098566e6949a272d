"""Reads of the transparency app: the publication policy, and what it lets the public read."""

from django.db.models import QuerySet

from hamyar.directory.models import Organization, ServiceDomain

from .choices import ExportStatus
from .models import OcdsExport, PublicationPolicy
from .ocds.build import Process, build_processes

__all__ = [
    "ocds_export_latest",
    "publication_policy_get",
    "published_organization",
    "published_processes",
    "withheld_domain_ids",
]


def publication_policy_get(*, organization_id: int) -> PublicationPolicy:
    """The policy in force; an unsaved empty one (nothing published) until the org admin sets it."""
    stored = PublicationPolicy.objects.filter(organization_id=organization_id).first()
    return stored if stored is not None else PublicationPolicy(organization_id=organization_id)


def withheld_domain_ids(policy: PublicationPolicy) -> set[int]:
    """The domains withheld by the policy and every domain under them."""
    if policy.pk is None:
        return set()
    withheld = set(policy.withheld_domains.values_list("pk", flat=True))
    if not withheld:
        return withheld
    parents = dict(
        ServiceDomain.objects.filter(organization_id=policy.organization_id).values_list("pk", "parent_id")
    )
    found = set()
    for pk in parents:
        node: int | None = pk
        while node is not None:
            if node in withheld:
                found.add(pk)
                break
            node = parents.get(node)
    return found


def published_organization(*, slug: str) -> Organization | None:
    """The organization of a public URL, or None: a public reader names it by its short name."""
    return Organization.objects.filter(slug=slug).first()


def published_processes(*, organization: Organization) -> list[Process]:
    """The contracting processes the organization's policy publishes, oldest first (their releases built)."""
    policy = publication_policy_get(organization_id=organization.pk)
    if not policy.kinds:
        return []
    withheld = withheld_domain_ids(policy)
    return [
        process
        for process in build_processes(organization, kinds=policy.kinds)
        if process.domain_id not in withheld
    ]


def ocds_export_latest(*, organization: Organization) -> OcdsExport | None:
    """The newest bulk file ready to download."""
    exports: QuerySet[OcdsExport] = OcdsExport.objects.filter(
        organization=organization, status=ExportStatus.READY
    )
    return exports.order_by("-finished_at", "-pk").first()
