"""Reads of the transparency app: the publication policy, and what it lets the public read.

The public page reads its processes and figures through `public_*` below, which keep what they computed
in Django's cache under a key holding the organization's *version*: its newest audit event and its
policy's last change. Every write a published process shows is audited, so a write makes a new key
and the next reader sees it; `HAMYAR_PUBLIC_CACHE_SECONDS` bounds how long an entry lives anyway (what
is not audited, such as the clock passing, shows within that time).
"""

from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet
from django.utils.translation import get_language

from hamyar.core.models import AuditEvent
from hamyar.core.text import search_key
from hamyar.directory.models import Organization, ServiceDomain
from hamyar.insights.selectors import PublicFigures, public_figures

from .choices import ExportStatus, ProcessKind
from .models import OcdsExport, PublicationPolicy
from .ocds.build import Process, build_processes
from .summary import ProcessSummary, Step, summarize, timeline

__all__ = [
    "PublicProcess",
    "ocds_export_latest",
    "public_figures_of",
    "public_organizations",
    "public_policy",
    "public_process",
    "public_processes",
    "public_published_processes",
    "public_summaries",
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


# ---------------------------------------------------------------- the public page


@dataclass(frozen=True)
class PublicProcess:
    summary: ProcessSummary
    steps: list[Step]


def public_policy(organization: Organization) -> PublicationPolicy:
    """The organization's policy, read once per request (kept on the organization object)."""
    if not hasattr(organization, "_public_policy"):
        organization._public_policy = publication_policy_get(organization_id=organization.pk)  # type: ignore[attr-defined]
    return organization._public_policy  # type: ignore[attr-defined]


def _version(organization: Organization) -> str:
    """What the published data of the organization depends on, as a short key: its newest audit event
    and its policy's last change (one indexed read, once per request)."""
    if not hasattr(organization, "_public_version"):
        event = (AuditEvent.objects.filter(organization_id=organization.pk).order_by("-pk")
                 .values_list("pk", flat=True).first())
        policy = public_policy(organization)
        organization._public_version = (  # type: ignore[attr-defined]
            f"{event or 0}.{policy.updated_at.timestamp() if policy.pk else 0}")
    return organization._public_version  # type: ignore[attr-defined]


def _key(organization: Organization, version: str, what: str) -> str:
    return f"transparency:{organization.pk}:{version}:{get_language()}:{what}"


def _build(organization: Organization, version: str) -> list[ProcessSummary]:
    """Every published process summarized, and each one's timeline, put in the cache."""
    domains = {pk: (code, name) for pk, code, name in ServiceDomain.objects.filter(
        organization_id=organization.pk).values_list("pk", "code", "name")}
    processes = published_processes(organization=organization)
    entries: dict[str, object] = {_key(organization, version, "processes"): processes}
    summaries = []
    for process in processes:
        summary = summarize(process, domains)
        summaries.append(summary)
        entries[_key(organization, version, process.ocid)] = PublicProcess(summary, timeline(process))
    summaries.sort(key=lambda s: (s.updated is None, -(s.updated.timestamp() if s.updated else 0), s.ocid))
    entries[_key(organization, version, "list")] = summaries
    cache.set_many(entries, settings.HAMYAR_PUBLIC_CACHE_SECONDS)
    return summaries


def public_published_processes(*, organization: Organization) -> list[Process]:
    """`published_processes`, kept in the cache with the page's (for the public OCDS routes)."""
    version = _version(organization)
    found = cache.get(_key(organization, version, "processes"))
    if found is None:
        _build(organization, version)
        found = cache.get(_key(organization, version, "processes"))
    return found if found is not None else published_processes(organization=organization)


def public_organizations() -> list[Organization]:
    """The organizations that publish something, by name."""
    publishing = [organization_id for organization_id, kinds in
                  PublicationPolicy.objects.values_list("organization_id", "kinds") if kinds]
    return list(Organization.objects.filter(pk__in=publishing).order_by("name"))


def public_summaries(*, organization: Organization) -> list[ProcessSummary]:
    """The organization's published processes, the most recently changed first (cached)."""
    version = _version(organization)
    found = cache.get(_key(organization, version, "list"))
    return found if found is not None else _build(organization, version)


def public_processes(summaries: list[ProcessSummary], filters: Mapping[str, str]) -> list[ProcessSummary]:
    """The summaries matching every filter; `q` matches when each typed word is in the process's title,
    number, domain, items, municipalities or suppliers (letters and digits folded as stored)."""
    words = search_key(filters.get("q", "")).split()
    result = []
    for summary in summaries:
        if words and not all(word in summary.key or word in summary.key.replace(" ", "") for word in words):
            continue
        if filters.get("kind") and summary.kind != filters["kind"]:
            continue
        if filters.get("stage") and summary.stage != filters["stage"]:
            continue
        if filters.get("domain") and summary.domain_code != filters["domain"]:
            continue
        if filters.get("buyer") and all(party_id != filters["buyer"] for party_id, _name in summary.buyers):
            continue
        result.append(summary)
    return result


def public_process(*, organization: Organization, ocid: str) -> PublicProcess | None:
    """One published process and its timeline, or None when it is not published (cached). An ocid that
    is not in the list is answered from the list, never by building again (a stranger's guesses cost
    nothing); one that is but fell out of the cache is built again."""
    version = _version(organization)
    found = cache.get(_key(organization, version, ocid))
    if found is None and any(s.ocid == ocid for s in public_summaries(organization=organization)):
        _build(organization, version)
        found = cache.get(_key(organization, version, ocid))
    return found


def public_figures_of(*, organization: Organization) -> PublicFigures | None:
    """The organization's headline figures over the last twelve months, or None when it publishes
    nothing; withheld domains count in none of them (cached)."""
    policy = public_policy(organization)
    if not policy.kinds:
        return None
    key = _key(organization, _version(organization), "figures")
    found = cache.get(key)
    if found is None:
        found = public_figures(organization_id=organization.pk,
                               withheld_domain_ids=withheld_domain_ids(policy),
                               with_savings=ProcessKind.GROUP_PURCHASE in policy.kinds)
        cache.set(key, found, settings.HAMYAR_PUBLIC_CACHE_SECONDS)
    return found
