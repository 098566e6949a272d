"""Writes of the transparency app: the publication policy (its org admin only, audited), the bulk file."""

import hashlib
import json
from collections.abc import Iterable

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hamyar.accounts.models import Membership, User
from hamyar.core.audit import audit_record
from hamyar.core.errors import InvalidInput
from hamyar.core.roles import Role
from hamyar.core.scoping import require_role
from hamyar.directory.models import Organization, ServiceDomain

from .choices import ExportStatus, ProcessKind
from .models import OcdsExport, PublicationPolicy
from .selectors import published_processes

__all__ = ["POLICY_EDITORS", "ocds_export_build", "publication_policy_editor", "publication_policy_set"]

POLICY_EDITORS = (Role.ORG_ADMIN,)
# Bulk files kept per organization: the newest, and two before it.
KEEP_EXPORTS = 3


def publication_policy_editor(*, acting_user: User) -> Membership:
    """The actor's membership if it may change what is published (its org admin); else PermissionDenied."""
    return require_role(acting_user, *POLICY_EDITORS)


def _policy_snapshot(policy: PublicationPolicy) -> dict[str, object]:
    return {
        "kinds": sorted(policy.kinds),
        "withheld_domains": sorted(policy.withheld_domains.values_list("code", flat=True)),
    }


def publication_policy_set(
    *, acting_user: User, kinds: Iterable[str], withheld_domain_ids: Iterable[int]
) -> PublicationPolicy:
    """Choose what the organization publishes: the kinds of process, and the service domains withheld
    (a withheld domain withholds the domains under it). The row is created on its first change."""
    membership = publication_policy_editor(acting_user=acting_user)
    chosen = sorted(set(kinds))
    unknown = [kind for kind in chosen if kind not in ProcessKind.values]
    if unknown:
        message = str(_("Select a valid choice. %(value)s is not one of the available choices.")) % {
            "value": unknown[0]
        }
        raise InvalidInput(message, extra={"fields": {"kinds": [message]}})
    wanted = set(withheld_domain_ids)
    domains = list(ServiceDomain.objects.filter(organization_id=membership.organization_id, pk__in=wanted))
    if len(domains) != len(wanted):  # another organization's domain is no choice here
        message = str(_("Select a valid choice. That choice is not one of the available choices."))
        raise InvalidInput(message, extra={"fields": {"withheld_domains": [message]}})
    with transaction.atomic():
        PublicationPolicy.objects.get_or_create(organization_id=membership.organization_id)
        policy = PublicationPolicy.objects.select_for_update().get(organization_id=membership.organization_id)
        before = _policy_snapshot(policy)
        policy.kinds = chosen
        policy.save()
        policy.withheld_domains.set(domains)
        audit_record(
            actor=acting_user,
            action="publication_policy.set",
            obj=policy,
            before=before,
            after=_policy_snapshot(policy),
        )
    return policy


def ocds_export_build(*, organization: Organization) -> OcdsExport:
    """Write every published release of the organization to a JSON-lines file in storage (one release a
    line, processes oldest first) and mark it ready; the download offers the newest ready one."""
    export = OcdsExport.objects.create(organization=organization, status=ExportStatus.BUILDING)
    try:
        lines = [
            json.dumps(release, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
            for process in published_processes(organization=organization)
            for release in process.releases
        ]
        body = ("\n".join(lines) + "\n" if lines else "").encode()
        stamp = timezone.now().strftime("%Y%m%dT%H%M%S")
        export.file.save(f"{organization.slug}-releases-{stamp}.jsonl", ContentFile(body), save=False)
        export.releases = len(lines)
        export.sha256 = hashlib.sha256(body).hexdigest()
        export.status = ExportStatus.READY
        export.finished_at = timezone.now()
        export.save()
    except Exception:
        OcdsExport.objects.filter(pk=export.pk).update(status=ExportStatus.FAILED)
        raise
    # The newest few are kept (a download under way finishes); older files leave the storage.
    newest_first = OcdsExport.objects.filter(organization=organization).order_by("-created_at", "-pk")
    for old in newest_first[KEEP_EXPORTS:]:
        if old.file:
            old.file.delete(save=False)
        old.delete()
    return export
