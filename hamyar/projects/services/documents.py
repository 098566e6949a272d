"""The documents filed on a project's record (contract, permits, drawings, minutes)."""

import os
import uuid

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from hamyar.accounts.models import User
from hamyar.core.audit import audit_record, snapshot
from hamyar.core.errors import ApplicationError, InvalidInput, NotFound
from hamyar.core.files import FileRejected, read_checked
from hamyar.core.scoping import in_scope, require_role
from hamyar.core.text import normalize

from ..choices import OFFICERS, OPEN_PROJECT, WORKERS, DocumentKind
from ..models import Project, ProjectDocument
from .common import invalid, locked_for, project_lock

# ---------------------------------------------------------------- documents


def _file_error(message: str | Promise) -> InvalidInput:
    return invalid({"file": [message]})


def _read_document(file: UploadedFile | None) -> tuple[str, bytes, str, str]:
    """(original name, content, content type, stored extension) of an upload that passes the one checked
    reader a need's attachments pass too (hamyar.core.files.read_checked)."""
    try:
        checked = read_checked(file)
    except FileRejected as error:
        raise _file_error(error.message) from None
    return checked.name, checked.data, checked.content_type, checked.extension


def project_document_add(*, project: Project, acting_user: User, kind: str, file: UploadedFile | None,
                         title: str = "") -> ProjectDocument:
    """File a document on the project's record: officers, or the executing provider's project manager
    (a provider-bound user sees only its provider's projects), from planning to completed.

    The file passes the same checks as a need's attachment (its kind read from its bytes); it is
    stored under a random name and served only through a scoped view. An empty title takes the file's
    name. A refusal writes nothing and leaves no stored file.
    """
    # Checked before the file is read and stored, and again under the lock before its row is written.
    if not in_scope(project, acting_user):
        raise NotFound()
    require_role(acting_user, *WORKERS)
    errors: dict[str, list] = {}
    if kind not in DocumentKind.values:
        errors["kind"] = [_("Choose the kind of document.")]
    text = normalize(title or "")
    if len(text) > 200:
        errors["title"] = [_("Keep the title under 200 characters.")]
    if errors:
        raise invalid(errors)
    if project.status not in OPEN_PROJECT:
        raise ApplicationError(_("The project is closed; its documents no longer change."),
                               code="project_state")
    name, data, content_type, extension = _read_document(file)
    original = normalize(name)[:200] or "file"
    document = ProjectDocument(
        organization_id=project.organization_id, project=project, kind=kind,
        title=text or os.path.splitext(original)[0][:200] or original, original_name=original,
        content_type=content_type, size=len(data), uploaded_by=acting_user)
    document.file.save(f"{uuid.uuid4().hex}{extension}", ContentFile(data), save=False)
    try:
        with transaction.atomic():
            locked = project_lock(project)
            if locked.status not in OPEN_PROJECT:
                raise ApplicationError(_("The project is closed; its documents no longer change."),
                                       code="project_state")
            document.project = locked
            document.save()
            audit_record(actor=acting_user, action="project_document.add", obj=document,
                         after=snapshot(document))
    except BaseException:
        document.file.delete(save=False)
        raise
    return document


def project_document_remove(*, document: ProjectDocument, acting_user: User) -> None:
    """An officer takes a document off the record while the project is open; the stored file goes once
    the removal is committed, and the history keeps who removed what."""
    with transaction.atomic():
        locked, _membership = locked_for(document.project, acting_user, OFFICERS)
        if locked.status not in OPEN_PROJECT:
            raise ApplicationError(_("The project is closed; its documents no longer change."),
                                   code="project_state")
        row = ProjectDocument.objects.select_for_update().filter(pk=document.pk, project=locked).first()
        if row is None:
            raise NotFound()
        stored = row.file.name
        audit_record(actor=acting_user, action="project_document.remove", obj=row, before=snapshot(row))
        row.delete()
        storage = ProjectDocument._meta.get_field("file").storage
        if stored:
            transaction.on_commit(lambda: storage.delete(stored))


__all__ = [
    "project_document_add",
    "project_document_remove",
]
