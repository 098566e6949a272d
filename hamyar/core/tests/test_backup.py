"""`manage.py backup` and `restore`: the demo restored into a fresh database is the same organization —
its rows, every municipality's balance and statement, its media and its audit chains — and a restore
that cannot be right is refused with nothing changed.

Runs on the engine of DATABASE_URL (SQLite by default; PostgreSQL with pg_dump/pg_restore when set).
"""

import datetime as dt
import hashlib
import io
import json
import sqlite3
import tarfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone, translation

from hamyar.accounts.models import Membership
from hamyar.core.backup import DATABASE_MEMBER, audit_heads, table_counts
from hamyar.core.roles import Role
from hamyar.directory.models import Municipality
from hamyar.finance.selectors import municipality_balances
from hamyar.finance.statement import statement_build

pytestmark = pytest.mark.django_db(transaction=True)


def _media(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()} if root.exists() else {}


def _figures(media_root: Path) -> dict:
    """What must survive a restore: rows per table, each municipality's balance and statement, the audit
    chains' heads and every media file's content."""
    today = timezone.localdate()
    balances = {}
    for membership in Membership.objects.filter(role=Role.ORG_ADMIN).select_related("user"):
        for municipality in municipality_balances(user=membership.user, today=today):
            balances[municipality.pk] = (municipality.invoiced, municipality.paid, municipality.outstanding,
                                         municipality.overdue, municipality.aging_d90_plus)
    start = dt.date(2000, 1, 1)
    closings = {municipality.pk: statement_build(municipality=municipality, start=start, end=today).closing
                for municipality in Municipality.objects.all()}
    return {"counts": table_counts(), "balances": balances, "closings": closings, "audit": audit_heads(),
            "media": _media(media_root)}


def _make_fresh() -> None:
    """Empty the database as a new machine's is: no table at all."""
    if connection.vendor == "sqlite":
        # An empty database copied over it, by the same backup API.
        connection.ensure_connection()
        empty = sqlite3.connect(":memory:")
        empty.backup(connection.connection)
        empty.close()
    else:
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    assert connection.introspection.table_names() == []


def _run(*args: str) -> str:
    """The command's output, in English so the tests can read its words."""
    out = io.StringIO()
    with translation.override("en"):
        call_command(*args, stdout=out)
    return out.getvalue()


def test_the_demo_restored_into_a_fresh_database_equals_its_source(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    _run("load_demo")
    source = _figures(settings.MEDIA_ROOT)
    assert source["balances"] and any(any(b) for b in source["balances"].values()), "the demo bills someone"
    assert set(source["balances"]) == set(source["closings"]), "every municipality has its balance"
    assert source["media"] and source["audit"]
    archive = tmp_path / "backups" / "demo.tar.gz"

    _run("backup", "--output", str(archive))

    manifest = json.loads(tarfile.open(archive).extractfile("manifest.json").read())
    assert manifest["engine"] == connection.vendor
    assert manifest["counts"] == source["counts"] and manifest["audit_heads"] == source["audit"]
    assert "core" in manifest["migrations"]
    assert archive.stat().st_mode & 0o077 == 0, "only its owner reads a backup"

    # A new machine: an empty database and no media folder.
    _make_fresh()
    settings.MEDIA_ROOT = tmp_path / "fresh-media"
    _run("restore", str(archive))

    assert _figures(settings.MEDIA_ROOT) == source
    assert "intact" in _run("audit_verify")

    # Once restored the target is not empty: a second restore is refused, then allowed with --force.
    with pytest.raises(CommandError, match="not empty"):
        _run("restore", str(archive))
    assert table_counts() == source["counts"]
    if connection.vendor == "postgresql":
        # --force drops the database WITH (FORCE), ending every session on it: here the test database,
        # whose other sessions (the live server's, for the browser tests) must live on.
        return
    _run("restore", "--force", str(archive))
    assert _figures(settings.MEDIA_ROOT) == source
    assert "intact" in _run("audit_verify")


# ---------------------------------------------------------------- refusals: nothing changed


@pytest.fixture
def backup(tmp_path, settings) -> Path:
    """A real backup of the migrated (empty of data) test database, with one media file."""
    settings.MEDIA_ROOT = tmp_path / "media"
    (settings.MEDIA_ROOT / "needs").mkdir(parents=True)
    (settings.MEDIA_ROOT / "needs" / "a.pdf").write_bytes(b"%PDF-1.4 demo")
    archive = tmp_path / "backup.tar.gz"
    _run("backup", "-o", str(archive))
    return archive


def _repack(source: Path, target: Path, change) -> Path:
    """The archive with its manifest (a dict) and database (bytes) passed through `change`."""
    with tarfile.open(source) as archive:
        members = {m.name: archive.extractfile(m).read() for m in archive.getmembers() if m.isfile()}
    manifest = json.loads(members.pop("manifest.json"))
    change(manifest, members)
    with tarfile.open(target, "w:gz") as archive:
        for name, data in [("manifest.json", json.dumps(manifest).encode()), *members.items()]:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return target


def _refused(archive: Path, message: str, settings, *, force: bool = True) -> None:
    counts, media = table_counts(), _media(Path(settings.MEDIA_ROOT))
    with pytest.raises(CommandError, match=message):
        _run("restore", *(["--force"] if force else []), str(archive))
    assert table_counts() == counts
    assert _media(Path(settings.MEDIA_ROOT)) == media


def test_a_file_that_is_not_an_archive_is_refused(tmp_path, settings, backup):
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"this is not a backup" * 100)
    _refused(junk, "not a Hamyar backup", settings)


def test_a_truncated_archive_is_refused(tmp_path, settings, backup):
    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(backup.read_bytes()[: backup.stat().st_size // 2])
    _refused(cut, "not a Hamyar backup", settings)


def test_an_archive_without_a_manifest_is_refused(tmp_path, settings, backup):
    other = tmp_path / "other.tar.gz"
    with tarfile.open(other, "w:gz") as archive:
        info = tarfile.TarInfo("notes.txt")
        info.size = 2
        archive.addfile(info, io.BytesIO(b"hi"))
    _refused(other, "not a Hamyar backup", settings)


def test_a_database_changed_after_the_backup_is_refused_by_its_checksum(tmp_path, settings, backup):
    def tamper(manifest, members):
        name = DATABASE_MEMBER[manifest["engine"]]
        data = bytearray(members[name])
        data[len(data) // 2] ^= 0xFF
        members[name] = bytes(data)

    _refused(_repack(backup, tmp_path / "tampered.tar.gz", tamper), "checksum", settings)


def test_a_backup_of_the_other_engine_is_refused(tmp_path, settings, backup):
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"

    def switch(manifest, members):
        data = members.pop(DATABASE_MEMBER[manifest["engine"]])
        members[DATABASE_MEMBER[other]] = data
        manifest["engine"] = other
        manifest["database"]["member"] = DATABASE_MEMBER[other]

    _refused(_repack(backup, tmp_path / "other.tar.gz", switch), "same engine", settings)


def test_a_backup_of_a_newer_hamyar_is_refused(tmp_path, settings, backup):
    def newer(manifest, members):
        manifest["migrations"]["core"] = ["9999_from_the_future"]

    _refused(_repack(backup, tmp_path / "newer.tar.gz", newer), "newer version", settings)


def test_a_database_that_is_not_empty_is_kept_without_force(settings, backup):
    _refused(backup, "not empty", settings, force=False)
