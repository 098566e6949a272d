"""Backups of a whole installation: its database and its media files in one tar.gz, with a manifest.

The archive holds `manifest.json` (first), the database (`database.sqlite3`, a copy made by SQLite's
online backup API, or `database.dump`, pg_dump's custom format) and `media/…`. The manifest says when
and from which engine it was made, the migrations applied, the rows of every table and the head of
every audit chain, so a restore can be checked against it without the source at hand.

A restore checks everything it can before it changes anything: the archive is unpacked whole into a
staging folder (a truncated or altered file is found there), the database's checksum, the engine and
the migrations are compared; only then is the target database (and media folder) written.
"""

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from django.utils.translation import gettext as _

from .audit import audit_chain_heads

FORMAT = "hamyar-backup"
VERSION = 1
MANIFEST = "manifest.json"
MEDIA = "media"
DATABASE_MEMBER = {"sqlite": "database.sqlite3", "postgresql": "database.dump"}


class BackupError(Exception):
    """A backup or restore refused or failed before it changed anything (unless it says otherwise)."""


@dataclass
class Manifest:
    data: dict[str, Any]

    @property
    def engine(self) -> str:
        return str(self.data["engine"])


# ---------------------------------------------------------------- what a database holds


def engine() -> str:
    vendor = connection.vendor
    if vendor not in DATABASE_MEMBER:
        message = _("Backups support SQLite and PostgreSQL only, not %(vendor)s.")
        raise BackupError(message % {"vendor": vendor})
    return vendor


def table_counts() -> dict[str, int]:
    """The rows of every table in the database, by table name."""
    counts: dict[str, int] = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            counts[table] = int(cursor.fetchone()[0])
    return counts


def migration_heads() -> dict[str, list[str]]:
    """The newest applied migrations of every app (the leaves of the applied graph)."""
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    applied = set(loader.applied_migrations)
    heads: dict[str, list[str]] = {}
    for app, name in sorted(applied):
        node = loader.graph.node_map.get((app, name))
        children = node.children if node is not None else set()
        if not any(child in applied for child in children):
            heads.setdefault(app, []).append(name)
    return heads


def audit_heads() -> dict[str, dict[str, Any]]:
    """Every audit chain's event count and last hash, keyed by organization id ("none": no organization)."""
    return {str(org_id) if org_id is not None else "none": head.as_dict()
            for org_id, head in audit_chain_heads().items()}


def database_is_empty() -> bool:
    with connection.cursor() as cursor:
        return not connection.introspection.table_names(cursor)


# ---------------------------------------------------------------- backup


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _pg_env() -> dict[str, str]:
    """libpq's environment for the default database, so no password appears on a command line."""
    db: dict[str, Any] = dict(settings.DATABASES["default"])
    env = dict(os.environ)
    for key, name in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if db.get(key):
            env[name] = str(db[key])
    if sslmode := (db.get("OPTIONS") or {}).get("sslmode"):
        env["PGSSLMODE"] = str(sslmode)
    return env


def _run(command: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    if shutil.which(command[0]) is None:
        raise BackupError(_("%(program)s is not installed on this machine.") % {"program": command[0]})
    result = subprocess.run(command, capture_output=True, text=True, env=_pg_env(), check=False, **kwargs)
    if result.returncode != 0:
        raise BackupError(f"{command[0]}: {result.stderr.strip()}")
    return result


def _dump_sqlite(target: Path) -> None:
    """A consistent copy of the live database by SQLite's online backup API (not a copy of its file)."""
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)
        # One self-contained file: no -wal or -shm beside it.
        copy.execute("PRAGMA journal_mode=DELETE")
        if copy.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise BackupError(_("The copy of the database failed its integrity check."))
    finally:
        copy.close()


def _dump_postgresql(target: Path, snapshot: str) -> None:
    _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
          f"--file={target}", str(settings.DATABASES["default"]["NAME"])])


def _snapshot(kind: str, database: Path) -> dict[str, Any]:
    """Copy the database and read its figures from one and the same state of it, writers going on.

    SQLite (WAL): one deferred read transaction is a snapshot that both the backup API and the counts
    read (a write transaction would make the backup wait on itself). PostgreSQL: a repeatable-read
    transaction exports its snapshot to pg_dump.
    """
    if connection.in_atomic_block:
        raise BackupError(_("A backup cannot run inside a transaction."))
    connection.ensure_connection()
    with connection.cursor() as cursor:
        if kind == "sqlite":
            cursor.execute("BEGIN DEFERRED")
            cursor.execute("SELECT COUNT(*) FROM sqlite_master")  # the read that fixes the snapshot
        else:
            cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
        try:
            if kind == "sqlite":
                _dump_sqlite(database)
            else:
                _dump_postgresql(database, snapshot)
            return {"migrations": migration_heads(), "counts": table_counts(), "audit_heads": audit_heads()}
        finally:
            cursor.execute("ROLLBACK")


def default_archive_path(now: dt.datetime | None = None) -> Path:
    stamp = (now or timezone.now()).strftime("%Y%m%d-%H%M%S")
    return Path(settings.HAMYAR_BACKUP_DIR) / f"hamyar-{stamp}.tar.gz"


def backup_create(*, output: Path | None = None) -> tuple[Path, Manifest]:
    """Write the database and the media folder into one archive; returns its path and its manifest.

    The archive is written beside its final name and renamed at the end, so a failure (a full disk)
    leaves no partial archive under that name. It holds every user's data: it is readable by its
    owner only.
    """
    kind = engine()
    output = Path(output) if output else default_archive_path()
    output.parent.mkdir(parents=True, exist_ok=True)
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix="hamyar-backup-") as work:
        database = Path(work) / DATABASE_MEMBER[kind]
        created_at = timezone.now()
        figures = _snapshot(kind, database)
        manifest = Manifest({
            "format": FORMAT, "version": VERSION, "created_at": created_at.isoformat(), "engine": kind,
            "database": {"member": database.name, "sha256": _sha256(database),
                         "bytes": database.stat().st_size},
            **figures,
        })
        media_files = sorted(p for p in media_root.rglob("*") if p.is_file()) if media_root.is_dir() else []
        media_bytes = sum(p.stat().st_size for p in media_files)
        manifest.data["media"] = {"files": len(media_files), "bytes": media_bytes}
        manifest_path = Path(work) / MANIFEST
        manifest_path.write_text(json.dumps(manifest.data, ensure_ascii=False, indent=2), encoding="utf-8")
        partial = output.with_name(f".{output.name}.part")
        try:
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as archive:
                archive.add(manifest_path, arcname=MANIFEST)
                archive.add(database, arcname=database.name)
                for path in media_files:
                    archive.add(path, arcname=f"{MEDIA}/{path.relative_to(media_root).as_posix()}")
            os.replace(partial, output)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    return output, manifest


# ---------------------------------------------------------------- restore


def _unpack(archive_path: Path, staging: Path) -> Manifest:
    """Unpack the whole archive into `staging` and check it; BackupError if it is not a sound backup."""
    not_a_backup = _("%(path)s is not a Hamyar backup, or it is damaged: %(reason)s")
    try:
        with tarfile.open(archive_path, mode="r:gz") as archive:
            # The "data" filter refuses absolute paths, "..", links out of the folder and devices.
            archive.extractall(staging, filter="data")
    except (OSError, EOFError, tarfile.TarError) as error:
        raise BackupError(not_a_backup % {"path": archive_path, "reason": error}) from None
    try:
        data = json.loads((staging / MANIFEST).read_text(encoding="utf-8"))
        if data.get("format") != FORMAT or data.get("engine") not in DATABASE_MEMBER:
            raise ValueError(_("the manifest is not a Hamyar backup's"))
        if data.get("version") != VERSION:
            raise ValueError(_("version %(version)s is not known") % {"version": data.get("version")})
        manifest = Manifest(data)
        database = staging / DATABASE_MEMBER[manifest.engine]
        if data["database"]["member"] != database.name or not database.is_file():
            raise ValueError(_("the database is missing"))
        if _sha256(database) != data["database"]["sha256"]:
            raise ValueError(_("the database does not match its checksum"))
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise BackupError(not_a_backup % {"path": archive_path, "reason": error}) from None
    return manifest


def _check_migrations(manifest: Manifest) -> None:
    """An archive made by a newer Hamyar (a migration this code does not have) cannot be run by it."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    unknown = [f"{app}.{name}" for app, names in manifest.data.get("migrations", {}).items()
               for name in names if (app, name) not in loader.disk_migrations]
    if unknown:
        raise BackupError(_("The backup was made by a newer version of Hamyar (migrations %(names)s); "
                            "update this installation first.") % {"names": ", ".join(unknown[:5])})


def _check_sqlite_copy(database: Path) -> None:
    copy = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        if copy.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise BackupError(_("The database in the backup failed its integrity check."))
    except sqlite3.DatabaseError as error:
        message = _("The database in the backup cannot be read: %(error)s")
        raise BackupError(message % {"error": error}) from None
    finally:
        copy.close()


def _restore_sqlite(database: Path) -> None:
    """Copy the archive's database into the target page by page (SQLite's backup API), in one step."""
    connection.ensure_connection()
    source = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        source.backup(connection.connection)
    finally:
        source.close()


def _pg_target_exists(name: str) -> bool:
    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return cursor.fetchone() is not None


def _pg_recreate(name: str, *, drop: bool) -> None:
    """Drop (closing its sessions) and create the target database, as the connecting role."""
    connection.close()
    quoted = connection.ops.quote_name(name)
    with connection._nodb_cursor() as cursor:
        if drop:
            cursor.execute(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)")
        cursor.execute(f"CREATE DATABASE {quoted}")


def _restore_postgresql(database: Path) -> None:
    """pg_restore in one transaction: on any error the target stays as it was (empty)."""
    connection.close()
    _run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
          f"--dbname={settings.DATABASES['default']['NAME']}", str(database)])
    connection.close()


def _media_is_empty(media_root: Path) -> bool:
    return not media_root.exists() or not any(media_root.iterdir())


def _replace_media(staged: Path, media_root: Path) -> None:
    """Put the archive's media folder in place of the target's (which the caller allowed to go)."""
    media_root.parent.mkdir(parents=True, exist_ok=True)
    if not staged.is_dir():
        staged.mkdir()
    if media_root.exists():
        old = media_root.with_name(f".{media_root.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        os.replace(media_root, old)
        shutil.rmtree(old, ignore_errors=True)
    shutil.move(str(staged), str(media_root))


def backup_restore(*, archive: Path, force: bool = False,
                   say: Callable[[str], None] = lambda _message: None) -> Manifest:
    """Restore an archive into the database of the settings and the media folder; returns its manifest.

    Refuses, changing nothing, a damaged or foreign archive, an engine other than the target's, a
    newer installation's archive, and (without `force`) a target database or media folder that is
    not empty. With `force` the target's tables (PostgreSQL: the database itself) and media go.
    """
    archive = Path(archive)
    kind = engine()
    media_root = Path(settings.MEDIA_ROOT)
    media_root.parent.mkdir(parents=True, exist_ok=True)
    # Staged beside the media folder, so the media are moved in place, not copied twice.
    with tempfile.TemporaryDirectory(prefix=".hamyar-restore-", dir=media_root.parent) as work:
        staging = Path(work)
        manifest = _unpack(archive, staging)
        if manifest.engine != kind:
            message = _("The backup is of a %(archive)s database; this installation runs on %(target)s. "
                        "Restore it on the same engine.")
            raise BackupError(message % {"archive": manifest.engine, "target": kind})
        _check_migrations(manifest)
        database = staging / DATABASE_MEMBER[kind]
        name = str(settings.DATABASES["default"]["NAME"])
        if kind == "sqlite":
            _check_sqlite_copy(database)
            if not name.startswith("file:") and name != ":memory:":
                Path(name).parent.mkdir(parents=True, exist_ok=True)  # a new machine's first run
            exists = True
        else:
            _run(["pg_restore", "--list", str(database)])  # the dump is readable as a whole
            exists = _pg_target_exists(name)
        if not force:
            if exists and not database_is_empty():
                raise BackupError(_("The database %(name)s is not empty; nothing was restored. "
                                    "Restore into an empty database, or add --force to replace it.")
                                  % {"name": name})
            if not _media_is_empty(media_root):
                raise BackupError(_("The media folder %(path)s is not empty; nothing was restored. "
                                    "Add --force to replace it.") % {"path": media_root})
        say(_("Restoring the database…"))
        if kind == "sqlite":
            _restore_sqlite(database)
        else:
            if not exists or force:
                _pg_recreate(name, drop=exists)
            _restore_postgresql(database)
        say(_("Restoring the media files…"))
        _replace_media(staging / MEDIA, media_root)
    problems = restore_differences(manifest)
    if problems:
        raise BackupError(_("The restored database differs from the backup: %(problems)s")
                          % {"problems": "; ".join(problems)})
    return manifest


def restore_differences(manifest: Manifest) -> list[str]:
    """What the database now holds that differs from the manifest's figures (rows per table, audit heads)."""
    problems: list[str] = []
    counts = table_counts()
    for table, expected in manifest.data.get("counts", {}).items():
        if counts.get(table) != expected:
            problems.append(f"{table}: {counts.get(table)} ≠ {expected}")
    if audit_heads() != manifest.data.get("audit_heads", {}):
        problems.append(_("the audit chains' heads"))
    return problems
