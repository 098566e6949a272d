"""`manage.py audit_check_export <file>`: verify an audit export as a third party would.

Recomputes every event's hash from its content, checks the order and (for a period) the links between
events, the chain's head, and the HMAC signature (key: --key, else AUDIT_EXPORT_KEY or SECRET_KEY).
Exits 1 with the problems found; 0 when the file holds.
"""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from hamyar.core.audit_export import check_export


class Command(BaseCommand):
    help = ("Verify an audit export file: every event's hash, their order and links, the head and "
            "the signature.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the exported JSON file")
        parser.add_argument("--key", default=None, help="the signing key the organization gave you")
        parser.add_argument("--no-signature", action="store_true",
                            help="check the hashes and links only (without the organization's key)")

    def handle(self, *args: Any, file: str, key: str | None = None, no_signature: bool = False,
               **options: Any) -> None:
        try:
            with open(file, encoding="utf-8") as handle:
                document = json.load(handle)
        except (OSError, ValueError) as error:
            raise CommandError(_("The file cannot be read as JSON: %(error)s") % {"error": error}) from None
        problems = check_export(document, key=key, check_signature=not no_signature)
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            message = _("The export does not verify: %(count)s problem(s).") % {"count": len(problems)}
            raise CommandError(message)
        head = document["head"]
        summary = _("The export verifies: %(events)s events; the chain's head was %(count)s events, "
                    "last hash %(hash)s.") % {
            "events": len(document["events"]), "count": head["count"], "hash": head["last_hash"]}
        self.stdout.write(self.style.SUCCESS(summary))
