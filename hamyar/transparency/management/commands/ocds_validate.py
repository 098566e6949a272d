"""`manage.py ocds_validate [--organization SLUG] [--all]`: check every release against the OCDS 1.1.5 schema.

Validates offline against the schema shipped in standards/ocds-1.1.5 (JSON Schema draft 4): every release
the publication policy publishes (or, with --all, every release the organization's processes produce) and
each process's compiled release. Exits non-zero on the first organization with an invalid release.
`jsonschema` is a development dependency: this command is for operators and CI, never served to users.
"""

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from hamyar.directory.models import Organization
from hamyar.transparency.ocds.build import build_processes
from hamyar.transparency.selectors import published_processes

SCHEMA = Path(settings.BASE_DIR) / "standards" / "ocds-1.1.5" / "dereferenced-release-schema.json"


class Command(BaseCommand):
    help = "Validate the published OCDS releases against the shipped OCDS 1.1.5 release schema."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organization", help="The organization's short name (slug); all when omitted.")
        parser.add_argument("--all", action="store_true", help="Every process, published or not.")

    def handle(self, *args: Any, **options: Any) -> None:
        from jsonschema import Draft4Validator  # a development dependency: imported only when run

        validator = Draft4Validator(json.loads(SCHEMA.read_text()))
        organizations = Organization.objects.order_by("slug")
        if options["organization"]:
            organizations = organizations.filter(slug=options["organization"])
            if not organizations.exists():
                raise CommandError(f"No organization {options['organization']!r}.")
        for organization in organizations:
            processes = (build_processes(organization) if options["all"]
                         else published_processes(organization=organization))
            errors, count = [], 0
            for process in processes:
                for release in [*process.releases, process.record()["compiledRelease"]]:
                    count += 1
                    errors += [f"{release['id']} {'/'.join(map(str, error.path))}: {error.message}"
                               for error in validator.iter_errors(release)]
            for error in errors:
                self.stderr.write(error)
            if errors:
                raise CommandError(f"{organization.slug}: {len(errors)} errors in {count} releases.")
            self.stdout.write(f"{organization.slug}: {len(processes)} processes, {count} releases: valid.")
