"""`manage.py backup`: the database and the media files in one tar.gz with a manifest (hamyar.core.backup)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from hamyar.core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = ("Back up the database (SQLite: online backup API; PostgreSQL: pg_dump --format=custom) and the "
            "media folder into one tar.gz archive with a manifest; prints the archive's path.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", "-o",
                            help="The archive to write (default: HAMYAR_BACKUP_DIR/hamyar-<time>.tar.gz).")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            path, manifest = backup_create(output=Path(options["output"]) if options["output"] else None)
        except (BackupError, OSError) as error:
            raise CommandError(str(error)) from None
        data = manifest.data
        summary = _("Backup written: %(path)s (%(engine)s, %(rows)s rows in %(tables)s tables, "
                    "%(files)s media files).") % {
            "path": path, "engine": data["engine"], "rows": sum(data["counts"].values()),
            "tables": len(data["counts"]), "files": data["media"]["files"]}
        self.stdout.write(self.style.SUCCESS(summary))
