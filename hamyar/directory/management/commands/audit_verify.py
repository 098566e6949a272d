"""`manage.py audit_verify`: recompute every organization's audit hash chain and report the first break.

Each chain is also compared with its latest anchor (AuditAnchor, recorded by `manage.py audit_anchor`
and the periodic task): the newest events, which no successor vouches for, are caught when they were
deleted or re-hashed after the anchor saw them.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from hamyar.core.audit import (
    audit_anchored_chain_ids,
    audit_chain_ids,
    audit_verify_anchor,
    audit_verify_chain,
)
from hamyar.core.models import AuditEvent
from hamyar.directory.models import Organization


class Command(BaseCommand):
    help = ("Verify every organization's audit hash chain, and that it still reaches its latest anchor; "
            "exit 1 at the first changed or missing event.")

    def handle(self, *args, **options) -> None:
        names = dict(Organization.objects.values_list("pk", "name"))
        chains = audit_chain_ids()
        # A chain whose every event was deleted has no events left, only its anchor.
        checked = sorted(set(chains) | set(audit_anchored_chain_ids()),
                         key=lambda pk: (pk is not None, pk or 0))
        broken = 0
        unowned = _("no organization")
        for organization_id in checked:
            problem = audit_verify_chain(organization_id) or audit_verify_anchor(organization_id)
            if problem is not None:
                broken += 1
                self.stderr.write(f"{names.get(organization_id, unowned)}: {problem}")
        if broken:
            message = _("The audit log was tampered with: %(count)s broken chain(s).") % {"count": broken}
            raise CommandError(message)
        summary = _("Audit log intact: %(events)s events in %(chains)s chain(s).") % {
            "events": AuditEvent.objects.count(), "chains": len(chains)}
        self.stdout.write(self.style.SUCCESS(summary))
