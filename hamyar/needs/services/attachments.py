"""A need's files: attached while it is open, removed only from a draft."""

import uuid

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from hamyar.accounts.models import User
from hamyar.core import files
from hamyar.core.audit import audit_record, snapshot
from hamyar.core.errors import ApplicationError, NotFound
from hamyar.core.lifecycle import lock_in_scope
from hamyar.core.scoping import in_scope, require_role
from hamyar.core.text import normalize

from ..choices import AUTHORS, OPEN_STATUSES, NeedStatus
from ..models import Need, NeedAttachment
from .common import invalid

__all__ = ["need_attachment_add", "need_attachment_remove"]


def _open_only() -> ApplicationError:
    return ApplicationError(_("Files can be attached only while the need is open."), code="need_state")


def need_attachment_add(*, need: Need, acting_user: User, file: UploadedFile | None) -> NeedAttachment:
    """Attach a file while the need is open: its kind is read from its bytes, must match its name and the
    accepted types, and the file must open whole (hamyar.core.files.read_checked); it is stored under a
    random name and served only through a scoped view."""
    # Checked before the file is read and stored, and again under the lock before its row is written.
    if not in_scope(need, acting_user):
        raise NotFound()
    require_role(acting_user, *AUTHORS)
    if need.status not in OPEN_STATUSES:
        raise _open_only()
    try:
        checked = files.read_checked(file)
    except files.FileRejected as error:
        raise invalid({"file": [error.message]}) from None
    attachment = NeedAttachment(organization_id=need.organization_id, need=need, uploaded_by=acting_user,
                                original_name=normalize(checked.name)[:200] or "file",
                                content_type=checked.content_type, size=len(checked.data))
    attachment.file.save(f"{uuid.uuid4().hex}{checked.extension}", ContentFile(checked.data), save=False)
    try:
        with transaction.atomic():
            locked = lock_in_scope(need, acting_user)
            if locked.status not in OPEN_STATUSES:
                raise _open_only()
            attachment.save()
            audit_record(actor=acting_user, action="need_attachment.add", obj=attachment,
                         after=snapshot(attachment))
    except BaseException:
        attachment.file.delete(save=False)
        raise
    return attachment


def need_attachment_remove(*, attachment: NeedAttachment, acting_user: User) -> None:
    """Remove a file from a draft; the stored file goes once the removal is committed."""
    with transaction.atomic():
        locked = lock_in_scope(attachment.need, acting_user)
        require_role(acting_user, *AUTHORS)
        if locked.status != NeedStatus.DRAFT:
            raise ApplicationError(_("Files can be removed only from a draft."), code="need_state")
        before = snapshot(attachment)
        stored = attachment.file.name
        audit_record(actor=acting_user, action="need_attachment.remove", obj=attachment, before=before)
        attachment.delete()
        storage = NeedAttachment._meta.get_field("file").storage
        if stored:
            transaction.on_commit(lambda: storage.delete(stored))
