"""`manage.py restore ARCHIVE`: a backup put back into the database of DATABASE_URL and the media folder."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from hamyar.core.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = ("Restore an archive of `manage.py backup` into the database named by DATABASE_URL (which must be "
            "empty, or --force to replace it) and the media folder; refuses a damaged archive or another "
            "engine's, changing nothing.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", help="The .tar.gz written by `manage.py backup`.")
        parser.add_argument("--force", action="store_true",
                            help="Replace a database and media folder that are not empty.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest = backup_restore(archive=Path(options["archive"]), force=options["force"],
                                      say=self.stdout.write)
        except (BackupError, OSError) as error:
            raise CommandError(str(error)) from None
        data = manifest.data
        summary = _("Restored the backup of %(created)s: %(rows)s rows in %(tables)s tables and %(files)s "
                    "media files, as its manifest says. Run `manage.py audit_verify` to check the audit log.")
        summary %= {"created": data["created_at"], "rows": sum(data["counts"].values()),
                    "tables": len(data["counts"]), "files": data["media"]["files"]}
        self.stdout.write(self.style.SUCCESS(summary))
