"""The upload storage: a file is in place whole or not at all; a full disk is StorageFull (507), not a 500."""

import errno
import os
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage as DjangoFileSystemStorage
from django.core.files.storage import storages

from hamyar.core.errors import StorageFull
from hamyar.core.storage import FileSystemStorage


def disk_fills_half_way(self, name, content):
    """Django's write, on a disk that fills up after half the bytes: a partial file is left behind."""
    path = Path(self.path(name))
    path.parent.mkdir(parents=True, exist_ok=True)
    data = b"".join(content.chunks())
    path.write_bytes(data[: len(data) // 2])
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def test_the_project_stores_uploads_with_this_storage():
    assert isinstance(storages["default"], FileSystemStorage)


def test_a_file_is_saved_whole_under_its_name(tmp_path):
    storage = FileSystemStorage(location=tmp_path)
    name = storage.save("needs/2026/12/plan.pdf", ContentFile(b"%PDF-1.4 " * 1000))
    assert name == "needs/2026/12/plan.pdf"
    assert (tmp_path / name).read_bytes() == b"%PDF-1.4 " * 1000
    assert files(tmp_path) == [name], "no temporary file is left"
    second = storage.save("needs/2026/12/plan.pdf", ContentFile(b"other"))
    assert second != name and (tmp_path / second).read_bytes() == b"other"


def test_a_full_disk_leaves_no_partial_file_and_says_so(tmp_path, monkeypatch):
    storage = FileSystemStorage(location=tmp_path)
    (tmp_path / "kept.pdf").write_bytes(b"an earlier file")
    monkeypatch.setattr(DjangoFileSystemStorage, "_save", disk_fills_half_way)

    with pytest.raises(StorageFull) as refused:
        storage.save("needs/2026/12/plan.pdf", ContentFile(b"x" * 10_000))

    assert refused.value.status == 507
    assert files(tmp_path) == ["kept.pdf"]


def test_another_write_error_is_not_taken_for_a_full_disk(tmp_path, monkeypatch):
    def broken(self, name, content):
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(DjangoFileSystemStorage, "_save", broken)
    with pytest.raises(OSError) as failed:
        FileSystemStorage(location=tmp_path).save("a.pdf", ContentFile(b"x"))
    assert not isinstance(failed.value, StorageFull) and failed.value.errno == errno.EIO
