"""`manage.py audit_anchor`: copy each audit chain's head (event count, last hash) into AuditAnchor.

The periodic task does the same (core.tasks); run it after a batch of work to anchor at once.
"""

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from hamyar.core.audit import audit_anchor_record


class Command(BaseCommand):
    help = "Anchor every audit chain's head (event count and last hash) outside the audit table."

    def handle(self, *args: Any, **options: Any) -> None:
        made = audit_anchor_record()
        for anchor in made:
            self.stdout.write(f"{anchor.organization_id or '-'}: {anchor.count} {anchor.last_hash}")
        self.stdout.write(_("%(count)s chain head(s) anchored.") % {"count": len(made)})
