"""The file storage of uploads: a file is in place whole or not at all, and a full disk is a clear refusal.

Django's FileSystemStorage writes straight into the file's final name, so a disk that fills half-way
leaves a partial file there, and the OSError becomes a 500. Here the file is written under a temporary
name beside it and linked into place only when complete; on a failure the temporary file goes, and a
full disk (ENOSPC, or EDQUOT: the quota) is raised as StorageFull, which pages and the API answer with
507 and a message. The services save the file before the row's transaction, or delete it when the
transaction fails, so no row points to a missing file either.
"""

import errno
import os
import uuid
from typing import Any

from django.core.files.storage import FileSystemStorage as DjangoFileSystemStorage

from .errors import StorageFull

FULL = {errno.ENOSPC, errno.EDQUOT}


class FileSystemStorage(DjangoFileSystemStorage):
    def save(self, name: str | None, content: Any, max_length: int | None = None) -> str:
        try:
            return super().save(name, content, max_length=max_length)
        except OSError as error:
            if error.errno in FULL:
                raise StorageFull() from error
            raise

    def _save(self, name: str, content: Any) -> str:
        partial = f"{name}.{uuid.uuid4().hex}.part"
        try:
            written = super()._save(partial, content)  # type: ignore[misc]  # Django's, untyped in the stubs
        except BaseException:
            self._discard(partial)
            raise
        try:
            return self._put_in_place(written, name)
        finally:
            self._discard(written)

    def _put_in_place(self, written: str, name: str) -> str:
        """Link the complete file under its name (a new name if taken meanwhile), as Django's save would."""
        while True:
            try:
                os.link(self.path(written), self.path(name))
            except FileExistsError:
                name = self.get_available_name(name)
                continue
            except OSError as error:
                if error.errno not in {errno.EPERM, errno.ENOTSUP, errno.EXDEV}:
                    raise
                # A file system without hard links: a rename, after checking the name is free.
                if os.path.lexists(self.path(name)):
                    name = self.get_available_name(name)
                    continue
                os.rename(self.path(written), self.path(name))
            return str(name).replace("\\", "/")

    def _discard(self, name: str) -> None:
        try:
            os.remove(self.path(name))
        except FileNotFoundError:
            pass
