"""Complaints: filed by a municipality or a supplier about a process, given an owner, answered on record,
then closed, reopened once, or withdrawn before an answer.

Each step is one transition of COMPLAINT_LIFECYCLE (hamyar.core.lifecycle): scope (404), role (403),
state (409), one save and one AuditEvent; the complainant's steps also check that the actor's
municipality or supplier is the one that filed it. Files are checked whole before anything is written
(hamyar.core.files); a refused file saves nothing.
"""

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hamyar.accounts.models import Membership, User
from hamyar.core import clock, files
from hamyar.core.audit import audit_record, snapshot
from hamyar.core.changes import announce
from hamyar.core.errors import ApplicationError, NotFound, PermissionDenied, field_error
from hamyar.core.lifecycle import lock_in_scope, transition
from hamyar.core.numbering import next_number
from hamyar.core.roles import Role
from hamyar.core.scoping import in_scope, membership_of, require_role
from hamyar.core.text import normalize
from hamyar.needs.choices import NeedStatus
from hamyar.needs.models import Need

from ..choices import (
    COMPLAINANT_ROLES,
    COMPLAINT_ASSIGNERS,
    COMPLAINT_LIFECYCLE,
    COMPLAINT_OPEN_STATUSES,
    COMPLAINT_OWNER_ROLES,
    ComplaintAction,
    ComplaintTopic,
)
from ..models import Complaint, ComplaintAttachment, Order, Quotation
from .notices import tell

__all__ = [
    "complaint_answer",
    "complaint_assign",
    "complaint_attachment_add",
    "complaint_close",
    "complaint_file",
    "complaint_reopen",
    "complaint_withdraw",
]

MAX_SUBJECT = 200
MAX_TEXT = 5000
MAX_FILES = 5


def response_days() -> int:
    """The days the organization has to answer a complaint (settings.HAMYAR_COMPLAINT_RESPONSE_DAYS)."""
    return max(1, int(getattr(settings, "HAMYAR_COMPLAINT_RESPONSE_DAYS", 7)))


def complaint_url(complaint: Complaint) -> str:
    return reverse("commerce:complaint_detail", args=[complaint.pk])


def _text(value: Any, field: str, limit: int, message: Any) -> str:
    cleaned = normalize(str(value or "")).strip()
    if not cleaned:
        raise field_error(field, message)
    if len(cleaned) > limit:
        raise field_error(field, _("Write at most %(n)s characters.") % {"n": limit})
    return cleaned


def _checked_files(uploads: Iterable[Any]) -> list[files.CheckedFile]:
    uploads = [upload for upload in uploads if upload is not None]
    if len(uploads) > MAX_FILES:
        raise field_error("files", _("Attach at most %(n)s files.") % {"n": MAX_FILES})
    checked = []
    for upload in uploads:
        try:
            checked.append(files.read_checked(upload))
        except files.FileRejected as error:
            name = str(getattr(upload, "name", "") or "")[:100]
            raise field_error("files", _("%(name)s: %(reason)s") % {"name": name, "reason": error.message}) \
                from None
    return checked


def complaint_file(*, acting_user: User, need: Need | None = None, order: Order | None = None,
                   quotation: Quotation | None = None, topic: str = ComplaintTopic.OTHER, subject: str = "",
                   description: str = "", uploads: Iterable[Any] = ()) -> Complaint:
    """A municipality's clerk or a supplier's user complains about a process it can see: a need, or a
    quotation or order of it. The provider complained about is the process's (its order's, else its
    quotation's, else the need's assigned provider) when a municipality files; a supplier complains
    about the organization or the municipality, so then there is none. The commerce officers are told."""
    membership = require_role(acting_user, *COMPLAINANT_ROLES)
    if order is not None:
        if not in_scope(order, acting_user):
            raise NotFound()
        need = need or order.need
        if order.need_id != need.pk:
            raise field_error("order", _("The order is not of this need."))
    if quotation is not None:
        if not in_scope(quotation, acting_user):
            raise NotFound()
        need = need or quotation.need
        if quotation.need_id != need.pk:
            raise field_error("quotation", _("The quotation is not of this need."))
    if need is None:
        raise field_error("need", _("Choose the need the complaint is about."))
    if not in_scope(need, acting_user):
        raise NotFound()
    if need.status == NeedStatus.DRAFT:
        raise ApplicationError(_("A draft need has not reached the organization yet; there is nothing to "
                                 "complain about."), code="complaint_state")
    if topic not in ComplaintTopic.values:
        raise field_error("topic", _("Choose what the complaint is about."))
    subject = _text(subject, "subject", MAX_SUBJECT, _("Give the complaint a subject."))
    description = _text(description, "description", MAX_TEXT, _("Say what went wrong."))
    checked = _checked_files(uploads)

    by_municipality = membership.role == Role.MUNICIPALITY_USER
    if by_municipality:
        about = (order.provider_id if order is not None else
                 quotation.provider_id if quotation is not None else need.provider_id)
    else:
        about = None
    now = clock.now()
    attachments = []
    try:
        # Inside the try: when the disk fills at the second file, the first one goes too.
        for item in checked:
            attachment = ComplaintAttachment(organization_id=need.organization_id, uploaded_by=acting_user,
                                             original_name=normalize(item.name)[:200] or "file",
                                             content_type=item.content_type, size=len(item.data))
            attachment.file.save(f"{uuid.uuid4().hex}{item.extension}", ContentFile(item.data), save=False)
            attachments.append(attachment)
        with transaction.atomic():
            complaint = Complaint.objects.create(
                organization_id=need.organization_id, number=next_number(need.organization_id, "CM"),
                need=need, order=order, quotation=quotation, topic=topic, subject=subject,
                description=description,
                municipality_id=membership.municipality_id if by_municipality else None,
                complainant_provider_id=None if by_municipality else membership.provider_id,
                provider_id=about, shown_to_provider_id=None if by_municipality else membership.provider_id,
                filed_by=acting_user, filed_at=now, due_at=now + dt.timedelta(days=response_days()),
            )
            for attachment in attachments:
                attachment.complaint = complaint
            ComplaintAttachment.objects.bulk_create(attachments)
            audit_record(actor=acting_user, action="complaint.file", obj=complaint,
                         after={**snapshot(complaint), "attachments": [a.original_name for a in attachments]})
            tell(organization_id=complaint.organization_id, roles=[Role.COMMERCE_OFFICER],
                 url=complaint_url(complaint),
                 subject=_("Complaint %(number)s was filed: %(subject)s")
                 % {"number": complaint.number, "subject": complaint.subject},
                 body=_("Give it an owner; an answer is due within %(days)s days.")
                 % {"days": response_days()})
            announce(Complaint, [complaint.pk])
    except BaseException:
        for attachment in attachments:
            attachment.file.delete(save=False)
        raise
    return complaint


def _tell_complainant(complaint: Complaint, subject: Any, body: Any = "") -> None:
    who: dict[str, Any] = ({"roles": [Role.MUNICIPALITY_USER], "municipality_id": complaint.municipality_id}
                           if complaint.municipality_id else
                           {"roles": [Role.SUPPLIER_USER], "provider_id": complaint.complainant_provider_id})
    tell(organization_id=complaint.organization_id, url=complaint_url(complaint), subject=subject, body=body,
         **who)


def _tell_owner(complaint: Complaint, subject: Any, body: Any = "") -> None:
    """The owner, or, before one is given, the commerce officers (who own complaints by default)."""
    if complaint.owner_id is None:
        tell(organization_id=complaint.organization_id, roles=[Role.COMMERCE_OFFICER],
             url=complaint_url(complaint), subject=subject, body=body)
        return
    from hamyar.accounts.services import notify

    owner = User.objects.get(pk=complaint.owner_id)
    notify(organization_id=complaint.organization_id, recipients=[owner], subject=str(subject),
           body=str(body), url=complaint_url(complaint))


def _require_complainant(complaint: Complaint, acting_user: User) -> None:
    """Only the municipality or supplier that filed it takes the complainant's steps (a provider who reads
    an answered complaint about it may not close it)."""
    membership = membership_of(acting_user)
    if membership.role == Role.MUNICIPALITY_USER:
        mine = (complaint.municipality_id is not None
                and complaint.municipality_id == membership.municipality_id)
    else:
        mine = (complaint.complainant_provider_id is not None
                and complaint.complainant_provider_id == membership.provider_id)
    if not mine:
        raise PermissionDenied()


def _owner(organization_id: int, owner: Any) -> User:
    """An active officer of the organization who may own a complaint."""
    pk = getattr(owner, "pk", owner)
    membership = (Membership.objects.select_related("user")
                  .filter(organization_id=organization_id, user_id=pk, user__is_active=True,
                          role__in=sorted(COMPLAINT_OWNER_ROLES)).first()
                  if isinstance(pk, int) and not isinstance(pk, bool) else None)
    if membership is None:
        raise field_error("owner", _("Choose an officer of the organization (org admin, commerce or finance "
                                     "officer)."))
    return membership.user


def _step(complaint: Complaint, action: str, acting_user: User) -> Any:
    return transition(COMPLAINT_LIFECYCLE, complaint, action, acting_user=acting_user)


def complaint_assign(*, complaint: Complaint, acting_user: User, owner: Any) -> Complaint:
    """The org admin or a commerce officer gives the complaint an owner (or hands it to another); the
    owner is told."""
    if not in_scope(complaint, acting_user):
        raise NotFound()
    require_role(acting_user, *COMPLAINT_ASSIGNERS)
    chosen = _owner(complaint.organization_id, owner)
    with transaction.atomic():
        with _step(complaint, ComplaintAction.ASSIGN, acting_user) as move:
            locked: Complaint = move.obj
            locked.owner = chosen
            locked.assigned_at = clock.now()
            _tell_owner(locked, _("Complaint %(number)s is yours to answer: %(subject)s")
                        % {"number": locked.number, "subject": locked.subject},
                        _("An answer is due by the date on the complaint."))
        announce(Complaint, [complaint.pk])
    return complaint


def complaint_answer(*, complaint: Complaint, acting_user: User, answer: str) -> Complaint:
    """The owner (or the org admin or a commerce officer) puts the organization's answer on record; the
    complainant is told, and a provider complained about may read the complaint from now on."""
    answer = _text(answer, "answer", MAX_TEXT, _("Write the answer."))
    with transaction.atomic():
        with _step(complaint, ComplaintAction.ANSWER, acting_user) as move:
            locked: Complaint = move.obj
            role = membership_of(acting_user).role
            if locked.owner_id != acting_user.pk and role not in COMPLAINT_ASSIGNERS:
                raise PermissionDenied(_("Only the complaint's owner answers it."))
            locked.answer, locked.answered_by, locked.answered_at = answer, acting_user, clock.now()
            if locked.municipality_id and locked.provider_id:
                locked.shown_to_provider_id = locked.provider_id
            _tell_complainant(locked, _("Complaint %(number)s was answered") % {"number": locked.number},
                              _("Read the answer; close the complaint, or reopen it once if it does not "
                                "settle the matter."))
            if locked.municipality_id and locked.provider_id:
                tell(organization_id=locked.organization_id, roles=[Role.SUPPLIER_USER, Role.PROJECT_MANAGER],
                     provider_id=locked.provider_id, url=complaint_url(locked),
                     subject=_("A complaint about your work was answered: %(number)s")
                     % {"number": locked.number})
        announce(Complaint, [complaint.pk])
    return complaint


def complaint_close(*, complaint: Complaint, acting_user: User) -> Complaint:
    """The complainant accepts the answer: the complaint is closed."""
    with transaction.atomic():
        with _step(complaint, ComplaintAction.CLOSE, acting_user) as move:
            locked: Complaint = move.obj
            _require_complainant(locked, acting_user)
            locked.closed_at = clock.now()
            _tell_owner(locked, _("Complaint %(number)s was closed by the complainant")
                        % {"number": locked.number})
        announce(Complaint, [complaint.pk])
    return complaint


def complaint_reopen(*, complaint: Complaint, acting_user: User, reason: str) -> Complaint:
    """The complainant reopens the answered complaint, once, saying why: it goes back to its owner and its
    clock starts again."""
    reason = _text(reason, "reason", MAX_TEXT, _("Say why the answer does not settle the matter."))
    with transaction.atomic():
        with _step(complaint, ComplaintAction.REOPEN, acting_user) as move:
            locked: Complaint = move.obj
            _require_complainant(locked, acting_user)
            if locked.reopened_at is not None:
                raise ApplicationError(_("This complaint was reopened once already; it can now only be "
                                         "closed."), code="complaint_state")
            now = clock.now()
            locked.reopened_at, locked.reopen_reason = now, reason
            locked.due_at = now + dt.timedelta(days=response_days())
            _tell_owner(locked, _("Complaint %(number)s was reopened") % {"number": locked.number}, reason)
        announce(Complaint, [complaint.pk])
    return complaint


def complaint_withdraw(*, complaint: Complaint, acting_user: User, reason: str = "") -> Complaint:
    """The complainant withdraws its complaint while no answer is on record."""
    reason = normalize(str(reason or "")).strip()[:MAX_TEXT]
    with transaction.atomic():
        with _step(complaint, ComplaintAction.WITHDRAW, acting_user) as move:
            locked: Complaint = move.obj
            _require_complainant(locked, acting_user)
            locked.closed_at, locked.withdraw_reason = clock.now(), reason
            _tell_owner(locked, _("Complaint %(number)s was withdrawn") % {"number": locked.number}, reason)
        announce(Complaint, [complaint.pk])
    return complaint


def complaint_attachment_add(*, complaint: Complaint, acting_user: User, upload: Any) -> ComplaintAttachment:
    """The complainant adds a file while its complaint awaits an answer; checked like a need's files."""
    if not in_scope(complaint, acting_user):
        raise NotFound()
    require_role(acting_user, *COMPLAINANT_ROLES)
    _require_complainant(complaint, acting_user)
    [checked] = _checked_files([upload]) if upload is not None else [None]
    if checked is None:
        raise field_error("files", _("Choose a file to attach."))
    attachment = ComplaintAttachment(organization_id=complaint.organization_id, complaint=complaint,
                                     uploaded_by=acting_user,
                                     original_name=normalize(checked.name)[:200] or "file",
                                     content_type=checked.content_type, size=len(checked.data))
    attachment.file.save(f"{uuid.uuid4().hex}{checked.extension}", ContentFile(checked.data), save=False)
    try:
        with transaction.atomic():
            locked = lock_in_scope(complaint, acting_user)
            if locked.status not in COMPLAINT_OPEN_STATUSES:
                raise ApplicationError(_("Files are added while the complaint awaits its answer."),
                                       code="complaint_state")
            if locked.attachments.count() >= MAX_FILES:
                raise field_error("files", _("Attach at most %(n)s files.") % {"n": MAX_FILES})
            attachment.save()
            audit_record(actor=acting_user, action="complaint_attachment.add", obj=attachment,
                         after=snapshot(attachment))
    except BaseException:
        attachment.file.delete(save=False)
        raise
    return attachment
